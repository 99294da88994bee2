// Package scaffold renders the `hardhull init` templates: container files
// for a new app that pass hardhull's own scan from the first commit.
//
// Templates live in an embed.FS under templates/<name>/. Every file there is
// a text/template; a trailing ".tmpl" is stripped from its name (it keeps
// go.mod and *.go templates from being seen by the go tool).
package scaffold

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"text/template"
)

//go:embed all:templates
var templatesFS embed.FS

// File is one rendered file. Path is slash-separated and relative to the
// target directory.
type File struct {
	Path string
	Mode fs.FileMode
	Data []byte
}

// Params fill a template.
type Params struct {
	// Name is the app's name: compose project, Go module, titles. It must
	// be a valid compose project name (see ValidName).
	Name string
	// Port is the port the app listens on inside the container.
	Port int
}

// Template describes one template.
type Template struct {
	Name        string
	Description string
	DefaultPort int
}

var templates = []Template{
	{Name: "fastapi", Description: "FastAPI behind an nginx TLS proxy, with Postgres on an internal network and Docker secrets", DefaultPort: 8000},
	{Name: "go", Description: "a static Go HTTP server shipped FROM scratch as 65534:65534", DefaultPort: 8080},
	{Name: "python", Description: "a generic Python service (standard library HTTP server) in a slim non-root runtime", DefaultPort: 8000},
}

// Templates lists the templates in a stable order.
func Templates() []Template { return append([]Template(nil), templates...) }

// Lookup finds a template by name.
func Lookup(name string) (Template, bool) {
	for _, t := range templates {
		if t.Name == name {
			return t, true
		}
	}
	return Template{}, false
}

// nameRE is what compose accepts as a project name; everything else the
// name is used for (Go module path, Python strings, titles) accepts it too,
// so a valid name cannot inject into any generated file.
var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// ValidName reports whether name can be used as Params.Name.
func ValidName(name string) error {
	if !nameRE.MatchString(name) {
		return fmt.Errorf("invalid name %q: use 1-63 lower-case letters, digits, '-' or '_', starting with a letter or digit", name)
	}
	return nil
}

// DefaultName derives a valid name from a directory's base name: lower
// case, other characters turned into '-', trimmed; "app" when nothing is
// left.
func DefaultName(base string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(base) {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-'
		if !ok {
			r = '-'
		}
		if r == '-' {
			if dash || b.Len() == 0 {
				continue
			}
			dash = true
		} else {
			dash = false
		}
		b.WriteRune(r)
		if b.Len() >= 63 {
			break
		}
	}
	s := strings.Trim(b.String(), "-_")
	if s == "" || ValidName(s) != nil {
		return "app"
	}
	return s
}

// ValidPort checks a listening port. Ports below 1024 are refused: a
// non-root process should not need them, and DF018 flags them.
func ValidPort(port int) error {
	if port < 1024 || port > 65535 {
		return fmt.Errorf("invalid port %d: use 1024-65535 inside the container and map a lower host port in compose if needed", port)
	}
	return nil
}

// Modes of what Write creates. Secret and certificate directories are
// private to the owner: the values put there later must not be readable by
// other host users.
const (
	FileMode       fs.FileMode = 0o644
	DirMode        fs.FileMode = 0o755
	PrivateDirMode fs.FileMode = 0o700
)

// privateDirs are created with PrivateDirMode.
var privateDirs = map[string]bool{"secrets": true, "certs": true}

// DirModeOf is the mode Write gives a directory (slash path, relative).
func DirModeOf(dir string) fs.FileMode {
	if privateDirs[path.Base(dir)] {
		return PrivateDirMode
	}
	return DirMode
}

// Render fills the named template with p and returns its files sorted by
// path.
func Render(name string, p Params) ([]File, error) {
	t, ok := Lookup(name)
	if !ok {
		return nil, fmt.Errorf("unknown template %q (want one of %s)", name, strings.Join(names(), ", "))
	}
	if p.Port == 0 {
		p.Port = t.DefaultPort
	}
	if err := ValidName(p.Name); err != nil {
		return nil, err
	}
	if err := ValidPort(p.Port); err != nil {
		return nil, err
	}
	root := "templates/" + t.Name
	var files []File
	err := fs.WalkDir(templatesFS, root, func(p2 string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := templatesFS.ReadFile(p2)
		if err != nil {
			return err
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(p2, root+"/"), ".tmpl")
		tpl, err := template.New(rel).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return fmt.Errorf("template %s/%s: %w", t.Name, rel, err)
		}
		var buf bytes.Buffer
		if err := tpl.Execute(&buf, p); err != nil {
			return fmt.Errorf("template %s/%s: %w", t.Name, rel, err)
		}
		files = append(files, File{Path: rel, Mode: FileMode, Data: buf.Bytes()})
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}

func names() []string {
	var ns []string
	for _, t := range templates {
		ns = append(ns, t.Name)
	}
	return ns
}
