package inventory

import (
	"bufio"
	"bytes"
	"net/textproto"
	"path"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/image"
)

// Image is an image's inventory.
type Image struct {
	OS       OS
	Packages []Package
	// Partial is set when a package database was larger than the
	// loader's content cap: the list is incomplete.
	Partial bool
}

// dbKind tells how a kept file lists packages.
func dbKind(p string) string {
	dir, base := path.Split(p)
	switch {
	case p == "/var/lib/dpkg/status", dir == "/var/lib/dpkg/status.d/" && !strings.HasSuffix(base, ".md5sums"):
		return TypeDeb
	case p == "/lib/apk/db/installed":
		return TypeApk
	case base == "METADATA" && strings.HasSuffix(dir, ".dist-info/"), base == "PKG-INFO" && strings.HasSuffix(dir, ".egg-info/"):
		return TypePython
	}
	return ""
}

// FromImage lists the final filesystem's packages. Each package carries
// the oldest layer whose copy of its database already lists the same name
// and version: the layer that introduced it (later layers that rewrote the
// database without touching it do not count).
func FromImage(img *image.Image) Image {
	out := Image{OS: ParseOS(img.OSRelease())}
	// Every layer's copy of each package database, oldest first.
	first := map[string]int{} // type\x00name\x00version -> first layer
	for li := range img.Layers {
		l := &img.Layers[li]
		for ei := range l.Entries {
			e := &l.Entries[ei]
			k := dbKind(e.Path)
			if k == "" || k == TypePython || !e.IsRegular() {
				continue
			}
			b, ok := img.EntryContent(e)
			if !ok {
				continue
			}
			for _, p := range parseDB(k, b, e.Path) {
				key := k + "\x00" + p.Name + "\x00" + p.Version
				if _, seen := first[key]; !seen {
					first[key] = li
				}
			}
		}
	}
	var paths []string
	for p := range img.FS {
		if dbKind(p) != "" {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		e, ok := img.Resolve(p)
		if !ok || !e.IsRegular() {
			continue
		}
		b, ok := img.EntryContent(e)
		if !ok {
			continue
		}
		if img.Truncated(e) {
			out.Partial = true
		}
		k := dbKind(p)
		for _, pkg := range parseDB(k, b, p) {
			pkg.Layer = e.Layer
			if l, ok := first[k+"\x00"+pkg.Name+"\x00"+pkg.Version]; ok && l < pkg.Layer {
				pkg.Layer = l
			}
			if pkg.Layer >= 0 && pkg.Layer < len(img.Layers) {
				pkg.LayerID = img.Layers[pkg.Layer].DiffID
				pkg.CreatedBy = img.Layers[pkg.Layer].CreatedBy
			}
			if k == TypePython {
				pkg.Ecosystem = "PyPI"
			} else {
				pkg.Ecosystem, pkg.ReleaseUnknown, pkg.Distro = out.OS.Ecosystem, !out.OS.Known, out.OS.Distro
				if pkg.Ecosystem == "" {
					pkg.Ecosystem = map[string]string{TypeDeb: "Debian", TypeApk: "Alpine"}[k]
					pkg.ReleaseUnknown = true
				}
			}
			out.Packages = append(out.Packages, pkg)
		}
	}
	return out
}

func parseDB(kind string, b []byte, p string) []Package {
	switch kind {
	case TypeDeb:
		return ParseDpkg(b, p)
	case TypeApk:
		return ParseApk(b, p)
	case TypePython:
		if pkg, ok := ParsePythonMetadata(b, p); ok {
			return []Package{pkg}
		}
	}
	return nil
}

// ParseDpkg reads a dpkg status file (or a status.d stanza file): the
// installed packages with their source package and source version
// ("Source: bash (5.2.15-2)" when it differs from the binary version).
func ParseDpkg(b []byte, p string) []Package {
	var out []Package
	line := 1
	for _, para := range bytes.Split(b, []byte("\n\n")) {
		start := line
		line += bytes.Count(para, []byte("\n")) + 2
		f := stanza(para)
		name, ver := f["Package"], f["Version"]
		if name == "" || ver == "" {
			continue
		}
		if st := f["Status"]; st != "" && !strings.HasSuffix(st, " installed") {
			continue
		}
		pkg := Package{Type: TypeDeb, Name: name, Version: ver, Arch: f["Architecture"], Path: p, Line: start, Layer: -1, Confidence: Exact}
		if src := f["Source"]; src != "" {
			n, v, ok := strings.Cut(src, " ")
			pkg.SourceName = n
			if ok {
				pkg.SourceVersion = strings.Trim(strings.TrimSpace(v), "()")
			} else {
				pkg.SourceVersion = ver
			}
		} else {
			pkg.SourceName, pkg.SourceVersion = name, ver
		}
		out = append(out, pkg)
	}
	return out
}

// stanza reads "Key: value" lines; continuation lines are skipped.
func stanza(para []byte) map[string]string {
	f := map[string]string{}
	for _, l := range strings.Split(string(para), "\n") {
		if l == "" || l[0] == ' ' || l[0] == '\t' {
			continue
		}
		k, v, ok := strings.Cut(l, ":")
		if ok {
			f[k] = strings.TrimSpace(v)
		}
	}
	return f
}

// ParseApk reads /lib/apk/db/installed: P name, V version, A arch,
// o origin (the aports package advisories are about).
func ParseApk(b []byte, p string) []Package {
	var out []Package
	line := 1
	for _, para := range bytes.Split(b, []byte("\n\n")) {
		start := line
		line += bytes.Count(para, []byte("\n")) + 2
		var pkg Package
		for _, l := range strings.Split(string(para), "\n") {
			if len(l) < 2 || l[1] != ':' {
				continue
			}
			v := l[2:]
			switch l[0] {
			case 'P':
				pkg.Name = v
			case 'V':
				pkg.Version = v
			case 'A':
				pkg.Arch = v
			case 'o':
				pkg.SourceName = v
			}
		}
		if pkg.Name == "" || pkg.Version == "" {
			continue
		}
		pkg.Type, pkg.Path, pkg.Line, pkg.Layer, pkg.Confidence = TypeApk, p, start, -1, Exact
		out = append(out, pkg)
	}
	return out
}

// ParsePythonMetadata reads the Name and Version headers of a dist-info
// METADATA or egg-info PKG-INFO file.
func ParsePythonMetadata(b []byte, p string) (Package, bool) {
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(b)))
	h, _ := r.ReadMIMEHeader() // a malformed tail still leaves the headers read
	name, ver := strings.TrimSpace(h.Get("Name")), strings.TrimSpace(h.Get("Version"))
	if name == "" || ver == "" {
		return Package{}, false
	}
	return Package{Type: TypePython, Name: name, Version: ver, Path: p, Line: 1, Layer: -1, Confidence: Exact}, true
}
