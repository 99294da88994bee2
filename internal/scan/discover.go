// Package scan is the source-stage front of the pipeline: it discovers a
// project's Dockerfiles, compose files, build contexts and Python apps,
// loads them with the real parsers, links compose services to the
// Dockerfiles they build and runs the catalogue over each artifact.
package scan

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/ciconf"
	"github.com/hardhull/hardhull/internal/pathglob"
)

// skipDirs are never descended: vendored and generated trees hold other
// projects' files, not this project's.
var skipDirs = map[string]bool{
	".git": true, "node_modules": true, "vendor": true, ".venv": true, "venv": true,
	"__pycache__": true, ".tox": true, "site-packages": true, ".mypy_cache": true, ".pytest_cache": true,
	".hg": true, ".svn": true, ".idea": true, ".terraform": true,
}

// Kind of a discovered file.
type Kind int

const (
	Unknown Kind = iota
	DockerfileKind
	ComposeKind
	IgnoreKind
	PythonKind
	CIKind
)

// Classify names the kind of a file by its base name.
func Classify(path string) Kind {
	if ciconf.FlavorOf(filepath.ToSlash(path)) != "" {
		return CIKind
	}
	base := filepath.Base(path)
	low := strings.ToLower(base)
	switch {
	case isDockerfileName(base):
		return DockerfileKind
	case isComposeName(low):
		return ComposeKind
	case low == ".dockerignore" || strings.HasSuffix(low, ".dockerignore"):
		return IgnoreKind
	case strings.HasSuffix(low, ".py"):
		return PythonKind
	}
	return Unknown
}

// notDockerfileExt are extensions that make a Dockerfile-like name a file
// about Dockerfiles (source, docs, templates, backups), not one.
var notDockerfileExt = map[string]bool{
	"go": true, "md": true, "markdown": true, "rst": true, "txt": true, "adoc": true, "html": true,
	"tmpl": true, "tpl": true, "template": true, "j2": true, "jinja": true, "jinja2": true, "gotmpl": true,
	"mustache": true, "erb": true, "hbs": true, "in": true, "m4": true, "ejs": true,
	"json": true, "yaml": true, "yml": true, "toml": true, "xml": true, "lock": true,
	"sh": true, "bash": true, "ps1": true, "bat": true, "py": true, "js": true, "ts": true, "rb": true,
	"rs": true, "java": true, "kt": true, "c": true, "h": true, "cs": true, "php": true, "pl": true,
	"dockerignore": true, "orig": true, "rej": true, "bak": true, "swp": true, "old": true, "patch": true,
	"diff": true, "sum": true, "sha256": true, "sig": true, "asc": true,
}

// isDockerfileName is name-exact and case-aware, as the builders are:
// Dockerfile, dockerfile and Containerfile; Dockerfile.<x>, Dockerfile-<x>,
// Dockerfile_<x> and Containerfile.<x>; <x>.Dockerfile and <x>.dockerfile.
// A name that merely starts with "dockerfile" (dockerfile.go,
// Dockerfile.md, Dockerfile.tmpl) is not one; naming it on the command
// line still scans it.
func isDockerfileName(base string) bool {
	switch base {
	case "Dockerfile", "dockerfile", "Containerfile", "containerfile":
		return true
	}
	for _, stem := range []string{"Dockerfile", "Containerfile"} {
		rest, ok := strings.CutPrefix(base, stem)
		if !ok || len(rest) < 2 || !strings.ContainsRune(".-_", rune(rest[0])) {
			continue
		}
		if stem == "Containerfile" && rest[0] != '.' {
			continue
		}
		ext := rest[1:]
		if i := strings.LastIndexByte(ext, '.'); i >= 0 {
			ext = ext[i+1:]
		} else if rest[0] != '.' {
			return true // Dockerfile-dev, Dockerfile_prod
		}
		return !notDockerfileExt[strings.ToLower(ext)]
	}
	for _, suf := range []string{".Dockerfile", ".dockerfile", ".Containerfile", ".containerfile"} {
		if stem, ok := strings.CutSuffix(base, suf); ok && stem != "" {
			return true
		}
	}
	return false
}

func isComposeName(low string) bool {
	for _, ext := range []string{".yaml", ".yml"} {
		stem, ok := strings.CutSuffix(low, ext)
		if !ok {
			continue
		}
		for _, p := range []string{"compose", "docker-compose"} {
			// compose.yaml, compose.override.yaml, docker-compose.prod.yml.
			if stem == p || (strings.HasPrefix(stem, p+".") && len(stem) > len(p)+1) {
				return true
			}
		}
		// docker-compose-<x>.yml and <x>-compose.yml.
		if rest, ok := strings.CutPrefix(stem, "docker-compose-"); ok && rest != "" {
			return true
		}
		if x, ok := strings.CutSuffix(stem, "-compose"); ok && x != "" && x != "docker" {
			return true
		}
	}
	return false
}

// Discovered lists the inputs under a root, relative slash paths sorted.
type Discovered struct {
	Dockerfiles []string
	Compose     []string
	Ignores     []string
	Python      []string
	CI          []string
}

// Filter is what the user excludes from discovery and what extra names
// count as a kind. An excluded file is never opened.
type Filter struct {
	// SkipDirs and SkipFiles are globs over the path relative to the
	// scanned root (`**` spans directories; a pattern without a slash
	// matches a base name at any depth).
	SkipDirs  []string
	SkipFiles []string
	// Patterns classify files whose relative path matches, in addition to
	// the built-in names (Trivy's --file-patterns).
	Patterns []FilePattern
}

// FilePattern is one KIND:REGEX pair.
type FilePattern struct {
	Kind Kind
	Re   *regexp.Regexp
}

// KindNames are the kind names --file-patterns and --stdin-kind accept.
var KindNames = map[string]Kind{
	"dockerfile": DockerfileKind, "compose": ComposeKind, "dockerignore": IgnoreKind, "python": PythonKind,
}

// ParseFilePattern reads "KIND:REGEX".
func ParseFilePattern(s string) (FilePattern, error) {
	k, re, ok := strings.Cut(s, ":")
	if !ok || re == "" {
		return FilePattern{}, fmt.Errorf("file pattern %q: want KIND:REGEX", s)
	}
	kind, ok := KindNames[strings.ToLower(strings.TrimSpace(k))]
	if !ok {
		return FilePattern{}, fmt.Errorf("file pattern %q: unknown kind %q (dockerfile, compose, dockerignore, python)", s, k)
	}
	r, err := regexp.Compile(re)
	if err != nil {
		return FilePattern{}, fmt.Errorf("file pattern %q: %w", s, err)
	}
	return FilePattern{Kind: kind, Re: r}, nil
}

// SkipDir reports whether the directory at rel (slash path) is excluded.
func (f *Filter) SkipDir(rel string) bool {
	if f == nil {
		return false
	}
	for _, g := range f.SkipDirs {
		if pathglob.Match(g, rel) {
			return true
		}
	}
	return false
}

// Skip reports whether the file at rel (slash path) is excluded, by a
// file glob or by lying under an excluded directory.
func (f *Filter) Skip(rel string) bool {
	if f == nil {
		return false
	}
	for _, g := range f.SkipFiles {
		if pathglob.Match(g, rel) {
			return true
		}
	}
	for d := path.Dir(rel); d != "." && d != "/" && d != ""; d = path.Dir(d) {
		if f.SkipDir(d) {
			return true
		}
	}
	return false
}

// classify is Classify with the user's patterns first.
func (f *Filter) classify(rel, p string) Kind {
	if f != nil {
		for _, fp := range f.Patterns {
			if fp.Re.MatchString(rel) {
				return fp.Kind
			}
		}
	}
	return Classify(p)
}

// Discover walks root. A file root is classified on its own.
func Discover(root string) (*Discovered, error) { return DiscoverFiltered(root, nil) }

// DiscoverFiltered walks root, leaving out what the filter excludes.
func DiscoverFiltered(root string, flt *Filter) (*Discovered, error) {
	d := &Discovered{}
	st, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	add := func(rel string, k Kind) {
		switch k {
		case DockerfileKind:
			d.Dockerfiles = append(d.Dockerfiles, rel)
		case ComposeKind:
			d.Compose = append(d.Compose, rel)
		case IgnoreKind:
			d.Ignores = append(d.Ignores, rel)
		case PythonKind:
			d.Python = append(d.Python, rel)
		case CIKind:
			d.CI = append(d.CI, rel)
		}
	}
	if !st.IsDir() {
		add(filepath.Base(root), flt.classify(filepath.Base(root), root))
		return d, nil
	}
	err = filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			return nil // unreadable subtrees are skipped, not fatal
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if e.IsDir() {
			if p != root && (skipDirs[e.Name()] || flt.SkipDir(rel)) {
				return filepath.SkipDir
			}
			return nil
		}
		if !e.Type().IsRegular() || flt.Skip(rel) {
			return nil
		}
		add(rel, flt.classify(rel, p))
		return nil
	})
	for _, l := range [][]string{d.Dockerfiles, d.Compose, d.Ignores, d.Python, d.CI} {
		sort.Strings(l)
	}
	return d, err
}
