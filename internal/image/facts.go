package image

import (
	"bufio"
	"bytes"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// User is one /etc/passwd line.
type User struct {
	Name  string
	UID   int
	GID   int
	Home  string
	Shell string
}

// Group is one /etc/group line.
type Group struct {
	Name    string
	GID     int
	Members []string
}

// Passwd parses the image's /etc/passwd; malformed lines are skipped.
func (img *Image) Passwd() []User {
	var out []User
	eachLine(img, "/etc/passwd", func(line string) {
		f := strings.Split(line, ":")
		if len(f) < 7 || f[0] == "" {
			return
		}
		uid, err1 := strconv.Atoi(f[2])
		gid, err2 := strconv.Atoi(f[3])
		if err1 != nil || err2 != nil {
			return
		}
		out = append(out, User{Name: f[0], UID: uid, GID: gid, Home: f[5], Shell: f[6]})
	})
	return out
}

// Group parses the image's /etc/group; malformed lines are skipped.
func (img *Image) Group() []Group {
	var out []Group
	eachLine(img, "/etc/group", func(line string) {
		f := strings.Split(line, ":")
		if len(f) < 4 || f[0] == "" {
			return
		}
		gid, err := strconv.Atoi(f[2])
		if err != nil {
			return
		}
		g := Group{Name: f[0], GID: gid}
		if f[3] != "" {
			g.Members = strings.Split(f[3], ",")
		}
		out = append(out, g)
	})
	return out
}

func eachLine(img *Image, p string, fn func(string)) {
	b, ok := img.Content(p)
	if !ok {
		return
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), len(b)+1)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fn(line)
	}
}

// OSRelease parses /etc/os-release (or /usr/lib/os-release): ID,
// VERSION_ID, PRETTY_NAME and the rest, unquoted. Nil when absent.
func (img *Image) OSRelease() map[string]string {
	for _, p := range []string{"/etc/os-release", "/usr/lib/os-release"} {
		if _, ok := img.Content(p); !ok {
			continue
		}
		out := map[string]string{}
		eachLine(img, p, func(line string) {
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				return
			}
			if uq, err := strconv.Unquote(v); err == nil {
				v = uq
			} else {
				v = strings.Trim(v, `'"`)
			}
			out[strings.TrimSpace(k)] = v
		})
		return out
	}
	return nil
}

// Packages counts installed packages per ecosystem.
type Packages struct {
	Dpkg    int
	Apk     int
	Python  int  // *.dist-info directories with a METADATA file
	Partial bool // a package database was larger than the content cap
}

// Packages counts the final filesystem's packages: dpkg status (and the
// distroless status.d directory), the apk installed database, and Python
// dist-info metadata files.
func (img *Image) Packages() Packages {
	var out Packages
	for p, e := range img.FS {
		switch {
		case p == "/var/lib/dpkg/status" || (path.Dir(p) == "/var/lib/dpkg/status.d" && !strings.HasSuffix(p, ".md5sums")):
			out.Dpkg += img.countStanzas(e, "Package:", &out.Partial)
		case p == "/lib/apk/db/installed":
			out.Apk += img.countStanzas(e, "P:", &out.Partial)
		case path.Base(p) == "METADATA" && strings.HasSuffix(path.Dir(p), ".dist-info"):
			out.Python++
		}
	}
	return out
}

// countStanzas counts lines starting with key; in dpkg status, stanzas
// whose Status says the package is not installed are left out.
func (img *Image) countStanzas(e *Entry, key string, partial *bool) int {
	t, ok := img.Resolve(e.Path)
	if !ok {
		return 0
	}
	b, ok := img.EntryContent(t)
	if !ok {
		return 0
	}
	if img.Truncated(t) {
		*partial = true
	}
	n := 0
	for para := range strings.SplitSeq(string(b), "\n\n") {
		has := false
		installed := true
		for line := range strings.SplitSeq(para, "\n") {
			if strings.HasPrefix(line, key) {
				has = true
			}
			if s, ok := strings.CutPrefix(line, "Status:"); ok && !strings.HasSuffix(strings.TrimSpace(s), " installed") {
				installed = false
			}
		}
		if has && installed {
			n++
		}
	}
	return n
}

// SetuidFiles lists final-filesystem regular files with the setuid or
// setgid bit, sorted by path.
func (img *Image) SetuidFiles() []*Entry {
	return img.filter(func(e *Entry) bool {
		return e.Type == TypeFile && e.Mode&(fs.ModeSetuid|fs.ModeSetgid) != 0
	})
}

// WorldWritable lists final-filesystem files and directories anyone may
// write, outside /tmp and /var/tmp; directories with the sticky bit are fine.
func (img *Image) WorldWritable() []*Entry {
	return img.filter(func(e *Entry) bool {
		if e.Type != TypeFile && e.Type != TypeDir {
			return false
		}
		if e.Mode.Perm()&0o002 == 0 {
			return false
		}
		if e.Type == TypeDir && e.Mode&fs.ModeSticky != 0 {
			return false
		}
		for _, tmp := range []string{"/tmp/", "/var/tmp/"} {
			if strings.HasPrefix(e.Path, tmp) {
				return false
			}
		}
		return true
	})
}

func (img *Image) filter(keep func(*Entry) bool) []*Entry {
	var out []*Entry
	for _, e := range img.FS {
		if keep(e) {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
