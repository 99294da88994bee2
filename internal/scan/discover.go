// Package scan is the source-stage front of the pipeline: it discovers a
// project's Dockerfiles, compose files, build contexts and Python apps,
// loads them with the real parsers, links compose services to the
// Dockerfiles they build and runs the catalogue over each artifact.
package scan

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
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
)

// Classify names the kind of a file by its base name.
func Classify(path string) Kind {
	base := filepath.Base(path)
	low := strings.ToLower(base)
	switch {
	case low == "dockerfile" || low == "containerfile" ||
		strings.HasSuffix(low, ".dockerfile") || strings.HasSuffix(low, ".containerfile") ||
		(strings.HasPrefix(low, "dockerfile.") && !strings.HasSuffix(low, ".dockerignore")) ||
		strings.HasPrefix(low, "containerfile."):
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

func isComposeName(low string) bool {
	for _, p := range []string{"compose", "docker-compose"} {
		for _, ext := range []string{".yaml", ".yml"} {
			if low == p+ext || low == p+".override"+ext {
				return true
			}
			// docker-compose.prod.yml and similar variants.
			if strings.HasPrefix(low, p+".") && strings.HasSuffix(low, ext) {
				return true
			}
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
	// Daemons are Docker daemon configurations (etc/docker/daemon.json).
	Daemons []string
}

// Discover walks root. A file root is classified on its own.
func Discover(root string) (*Discovered, error) {
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
		}
	}
	if !st.IsDir() {
		add(filepath.Base(root), Classify(root))
		return d, nil
	}
	err = filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			if path == root {
				return err
			}
			return nil // unreadable subtrees are skipped, not fatal
		}
		if e.IsDir() {
			if path != root && skipDirs[e.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		if !e.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		if isDaemonConfig(rel) {
			d.Daemons = append(d.Daemons, filepath.ToSlash(rel))
			return nil
		}
		add(filepath.ToSlash(rel), Classify(path))
		return nil
	})
	for _, l := range [][]string{d.Dockerfiles, d.Compose, d.Ignores, d.Python, d.Daemons} {
		sort.Strings(l)
	}
	return d, err
}
