// Package buildctx models a Docker build context the way the builder sees
// it: which ignore file applies (the Dockerfile-specific
// "<name>.dockerignore" before the context's ".dockerignore"), what its
// patterns exclude under moby/patternmatcher's semantics, which files the
// client actually sends, and which of them a COPY or ADD source brings in.
package buildctx

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/moby/patternmatcher"
)

// Defaults for Options left at zero.
const (
	DefaultMaxFiles = 200_000
	DefaultBudget   = 30 * time.Second
)

// ErrLimit is wrapped by Open's error when the walk stopped at MaxFiles or
// Budget; the Context returned alongside holds what was walked so far.
var ErrLimit = errors.New("build context walk limit reached")

// Options bound the work Open does on an untrusted tree.
type Options struct {
	// MaxFiles caps the directory entries walked (DefaultMaxFiles if 0).
	MaxFiles int
	// Budget caps the wall time of the walk (DefaultBudget if 0).
	Budget time.Duration
	// MaxIgnoreBytes caps the ignore file (DefaultMaxIgnoreBytes if 0).
	MaxIgnoreBytes int64
}

// Context is the build context as the builder would send it.
type Context struct {
	// Dir is the context directory as given to Open.
	Dir string
	// IgnoreFile is the path of the ignore file in effect, "" for none.
	IgnoreFile string
	// DockerfileSpecific is true when IgnoreFile is "<Dockerfile>.dockerignore".
	DockerfileSpecific bool
	// Patterns are the ignore file's effective lines, in order.
	Patterns []Pattern
	// Files are the non-directory entries sent (regular files, symlinks,
	// others): context-relative, slash-separated, sorted.
	Files []string
	// Symlinks maps each sent symlink in Files to its target as stored.
	// Symlinks are sent as links, never followed by the walk.
	Symlinks map[string]string
	// Excluded counts walked entries (files and directories) the ignore
	// file kept out; a directory the builder does not descend counts once.
	Excluded int

	m    *matcher
	dirs map[string]bool // sent directories, for COPY of an empty one
}

// Open loads the ignore file that applies to dockerfilePath (a file path
// as given to `docker build -f`, not relative to contextDir; the context's
// "Dockerfile" when empty) and walks contextDir, recording what a build
// would send. Ignore-file problems are *LineError. A limit hit returns the
// partial Context and an error wrapping ErrLimit.
func Open(contextDir, dockerfilePath string, opts Options) (*Context, error) {
	if opts.MaxFiles <= 0 {
		opts.MaxFiles = DefaultMaxFiles
	}
	if opts.Budget <= 0 {
		opts.Budget = DefaultBudget
	}
	if opts.MaxIgnoreBytes <= 0 {
		opts.MaxIgnoreBytes = DefaultMaxIgnoreBytes
	}
	st, err := os.Stat(contextDir)
	if err != nil {
		return nil, fmt.Errorf("open build context: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("open build context %s: not a directory", contextDir)
	}
	if dockerfilePath == "" {
		dockerfilePath = filepath.Join(contextDir, "Dockerfile")
	}
	c := &Context{Dir: contextDir, Symlinks: map[string]string{}, dirs: map[string]bool{}}

	ignPath, specific, data, err := findIgnore(contextDir, dockerfilePath, opts.MaxIgnoreBytes)
	if err != nil {
		return nil, err
	}
	if ignPath != "" {
		c.IgnoreFile, c.DockerfileSpecific = ignPath, specific
		if c.Patterns, err = ReadIgnore(ignPath, data); err != nil {
			return nil, err
		}
	}
	if c.m, err = newMatcher(c.Patterns); err != nil {
		return nil, fmt.Errorf("parse %s: %w", c.IgnoreFile, err)
	}

	w := &walker{c: c, root: contextDir, max: opts.MaxFiles, deadline: time.Now().Add(opts.Budget)}
	werr := w.dir("", patternmatcher.MatchInfo{}, false)
	slices.Sort(c.Files)
	if werr != nil {
		return c, werr
	}
	return c, nil
}

// findIgnore applies the builder's rule: "<Dockerfile>.dockerignore" next
// to the Dockerfile wins (even when empty), else the context's
// ".dockerignore". Each is looked up inside its own directory root, so a
// symlink cannot pull in a file from elsewhere; a missing or non-regular
// file counts as absent, as the builder treats it.
func findIgnore(contextDir, dockerfilePath string, max int64) (string, bool, []byte, error) {
	dir, name := filepath.Split(dockerfilePath)
	if dir == "" {
		dir = "."
	}
	p := filepath.Join(dir, name+".dockerignore")
	data, ok, err := readInRoot(dir, name+".dockerignore", max)
	if err != nil {
		return "", false, nil, &LineError{Path: p, Err: err}
	}
	if ok {
		return p, true, data, nil
	}
	p = filepath.Join(contextDir, ".dockerignore")
	data, ok, err = readInRoot(contextDir, ".dockerignore", max)
	if err != nil {
		return "", false, nil, &LineError{Path: p, Err: err}
	}
	if ok {
		return p, false, data, nil
	}
	return "", false, nil, nil
}

func readInRoot(dir, name string, max int64) ([]byte, bool, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, false, nil // no such directory: no ignore file there
	}
	defer root.Close()
	f, err := root.Open(name)
	if err != nil {
		return nil, false, nil // missing, or a symlink leaving the root
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return nil, false, nil
	}
	data, err := readLimited(f, max)
	if err != nil {
		return nil, false, err
	}
	return data, true, nil
}

type walker struct {
	c        *Context
	root     string
	max      int
	n        int
	deadline time.Time
}

// dir mirrors fsutil's filtered walk: lexical order, no symlink
// following, parent match results carried down, and excluded directories
// entered only when an exception could re-include something inside.
func (w *walker) dir(rel string, info patternmatcher.MatchInfo, excluded bool) error {
	abs := filepath.Join(w.root, filepath.FromSlash(rel))
	ents, err := os.ReadDir(abs)
	if err != nil {
		if excluded && errors.Is(err, fs.ErrPermission) {
			return nil // the builder skips unreadable excluded dirs too
		}
		return fmt.Errorf("walk %s: %w", abs, err)
	}
	m := w.c.m
	for _, e := range ents {
		w.n++
		if w.n > w.max {
			return fmt.Errorf("walk %s: %w: more than %d entries", w.root, ErrLimit, w.max)
		}
		if w.n%512 == 0 && time.Now().After(w.deadline) {
			return fmt.Errorf("walk %s: %w: time budget exceeded after %d entries", w.root, ErrLimit, w.n)
		}
		r := e.Name()
		if rel != "" {
			r = rel + "/" + r
		}
		ex := false
		var mi patternmatcher.MatchInfo
		if m.pm != nil {
			if ex, mi, err = m.pm.MatchesUsingParentResults(r, info); err != nil {
				return fmt.Errorf("match %s: %w", r, err)
			}
		}
		if e.IsDir() {
			if ex {
				w.c.Excluded++
				if !m.mayReenter(r) {
					continue
				}
			} else {
				w.c.dirs[r] = true
			}
			if err := w.dir(r, mi, ex); err != nil {
				return err
			}
			continue
		}
		if ex {
			w.c.Excluded++
			continue
		}
		w.c.Files = append(w.c.Files, r)
		if e.Type()&fs.ModeSymlink != 0 {
			if t, err := os.Readlink(filepath.Join(abs, e.Name())); err == nil {
				w.c.Symlinks[r] = t
			}
		}
	}
	return nil
}

// Included reports whether the ignore file lets rel into the context,
// whether or not such a file exists.
func (c *Context) Included(rel string) bool {
	return !c.m.excluded(cleanRel(rel))
}

// Sent reports whether rel is one of the files the build sends.
func (c *Context) Sent(rel string) bool {
	_, ok := slices.BinarySearch(c.Files, cleanRel(rel))
	return ok
}

// MatchesPattern names the pattern that settled rel: the line that
// excluded it (excluded true) or the "!" line that re-included it
// (excluded false). It returns nil when no pattern touches rel.
func (c *Context) MatchesPattern(rel string) (pattern *Pattern, excluded bool) {
	i, ex := c.m.decide(cleanRel(rel))
	if i < 0 {
		return nil, false
	}
	return &c.Patterns[i], ex
}

// under returns the sent files below dir ("" is the whole context).
func (c *Context) under(dir string) []string {
	if dir == "" {
		return c.Files
	}
	pfx := dir + "/"
	i := sort.SearchStrings(c.Files, pfx)
	j := i
	for j < len(c.Files) && strings.HasPrefix(c.Files[j], pfx) {
		j++
	}
	return c.Files[i:j]
}
