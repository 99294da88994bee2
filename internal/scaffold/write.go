package scaffold

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Action is what Write does with one file.
type Action string

const (
	Create    Action = "create"
	Overwrite Action = "overwrite" // only with Force
	Unchanged Action = "unchanged" // already there with the same content
)

// Change is one planned or performed write.
type Change struct {
	File
	Action Action
	// Symlink is set when the existing entry is a symbolic link; Overwrite
	// replaces the link itself, never its target.
	Symlink bool
}

// ConflictError lists files that exist with other content. Nothing was
// written.
type ConflictError struct {
	Dir   string
	Paths []string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s: %d existing %s would be overwritten (use --force): %s",
		e.Dir, len(e.Paths), plural(len(e.Paths), "file", "files"), strings.Join(e.Paths, ", "))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// maxCompare bounds how much of an existing file is read to tell whether it
// already has the template's content; templates are a few KiB.
const maxCompare = 1 << 20

// Plan inspects dir and says what Write would do with each file, without
// writing. An existing directory, device or symlinked parent directory in
// the way is an error: Write never writes through a symlink.
func Plan(dir string, files []File) ([]Change, error) {
	if err := checkFiles(files); err != nil {
		return nil, err
	}
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// Everything will be created.
		out := make([]Change, len(files))
		for i, f := range files {
			out[i] = Change{File: f, Action: Create}
		}
		return out, nil
	case err != nil:
		return nil, fmt.Errorf("init %s: %w", dir, err)
	case !st.IsDir():
		return nil, fmt.Errorf("init %s: not a directory", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("init %s: %w", dir, err)
	}
	defer root.Close()
	out := make([]Change, 0, len(files))
	for _, f := range files {
		c, err := planOne(root, f)
		if err != nil {
			return nil, fmt.Errorf("init %s: %w", filepath.Join(dir, filepath.FromSlash(f.Path)), err)
		}
		out = append(out, c)
	}
	return out, nil
}

func planOne(root *os.Root, f File) (Change, error) {
	if err := checkParents(root, f.Path); err != nil {
		return Change{}, err
	}
	name := filepath.FromSlash(f.Path)
	fi, err := root.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return Change{File: f, Action: Create}, nil
	}
	if err != nil {
		return Change{}, err
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return Change{File: f, Action: Overwrite, Symlink: true}, nil
	case !fi.Mode().IsRegular():
		return Change{}, fmt.Errorf("exists and is not a regular file (%s)", fi.Mode().Type())
	}
	if fi.Size() == int64(len(f.Data)) && fi.Size() <= maxCompare {
		if same, err := sameContent(root, name, f.Data); err != nil {
			return Change{}, err
		} else if same {
			return Change{File: f, Action: Unchanged}, nil
		}
	}
	return Change{File: f, Action: Overwrite}, nil
}

// checkParents refuses parent components that are symlinks or not
// directories. Missing parents are fine: Write creates them.
func checkParents(root *os.Root, rel string) error {
	parts := strings.Split(rel, "/")
	for i := 1; i < len(parts); i++ {
		p := filepath.FromSlash(strings.Join(parts[:i], "/"))
		fi, err := root.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("parent %s is a symlink; refusing to write through it", p)
		}
		if !fi.IsDir() {
			return fmt.Errorf("parent %s exists and is not a directory", p)
		}
	}
	return nil
}

func sameContent(root *os.Root, name string, want []byte) (bool, error) {
	fh, err := root.OpenFile(name, os.O_RDONLY, 0)
	if err != nil {
		return false, err
	}
	defer fh.Close()
	got, err := io.ReadAll(io.LimitReader(fh, maxCompare+1))
	if err != nil {
		return false, err
	}
	return bytes.Equal(got, want), nil
}

// checkFiles rejects paths a template must never produce: absolute, with
// "..", or duplicated. Templates come from the embedded FS, so this guards
// against mistakes in them, and against callers passing their own files.
func checkFiles(files []File) error {
	seen := map[string]bool{}
	for _, f := range files {
		p := f.Path
		if p == "" || path.IsAbs(p) || strings.Contains(p, "\\") || path.Clean(p) != p || p == "." || p == ".." || strings.HasPrefix(p, "../") {
			return fmt.Errorf("init: refusing file path %q", p)
		}
		if seen[p] {
			return fmt.Errorf("init: duplicate file path %q", p)
		}
		seen[p] = true
	}
	return nil
}

// WriteOptions change Write.
type WriteOptions struct {
	// Force overwrites existing files with other content (and replaces
	// symlinks at file paths by regular files).
	Force bool
}

// Write plans, then writes files under dir, creating dir and parents as
// needed. Without Force, any Overwrite in the plan fails the whole write
// with a *ConflictError before anything is written. Nothing is written
// outside dir: writes go through an os.Root, parents that are symlinks are
// refused, new files are created exclusively and replacements are renamed
// over the old entry, so no existing link is ever followed.
func Write(dir string, files []File, opts WriteOptions) ([]Change, error) {
	plan, err := Plan(dir, files)
	if err != nil {
		return nil, err
	}
	var conflicts []string
	for _, c := range plan {
		if c.Action == Overwrite {
			conflicts = append(conflicts, c.Path)
		}
	}
	if len(conflicts) > 0 && !opts.Force {
		sort.Strings(conflicts)
		return plan, &ConflictError{Dir: dir, Paths: conflicts}
	}
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return nil, fmt.Errorf("init %s: %w", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("init %s: %w", dir, err)
	}
	defer root.Close()
	for i, c := range plan {
		if c.Action == Unchanged {
			continue
		}
		if err := writeOne(root, c); err != nil {
			return plan[:i], fmt.Errorf("init %s: %w", filepath.Join(dir, filepath.FromSlash(c.Path)), err)
		}
	}
	return plan, nil
}

func writeOne(root *os.Root, c Change) error {
	if err := mkdirs(root, c.Path); err != nil {
		return err
	}
	name := filepath.FromSlash(c.Path)
	if c.Action == Create {
		return writeExcl(root, name, c.Data, c.Mode)
	}
	// Overwrite: a fresh file beside the old one, renamed over it. Rename
	// replaces the directory entry, so a symlink there is replaced, not
	// followed.
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	tmp := filepath.Join(filepath.Dir(name), ".hardhull-"+hex.EncodeToString(rnd[:])+".tmp")
	if err := writeExcl(root, tmp, c.Data, c.Mode); err != nil {
		return err
	}
	if err := root.Rename(tmp, name); err != nil {
		_ = root.Remove(tmp)
		return err
	}
	return nil
}

func writeExcl(root *os.Root, name string, data []byte, mode fs.FileMode) error {
	// O_EXCL fails on any existing entry, dangling symlinks included.
	fh, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := fh.Write(data); err != nil {
		fh.Close()
		_ = root.Remove(name)
		return err
	}
	return fh.Close()
}

// mkdirs creates the parents of rel one at a time, refusing symlinks.
func mkdirs(root *os.Root, rel string) error {
	parts := strings.Split(rel, "/")
	for i := 1; i < len(parts); i++ {
		p := filepath.FromSlash(strings.Join(parts[:i], "/"))
		fi, err := root.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if err := root.Mkdir(p, DirModeOf(strings.Join(parts[:i], "/"))); err != nil && !errors.Is(err, fs.ErrExist) {
				return err
			}
			continue
		case err != nil:
			return err
		case fi.Mode()&fs.ModeSymlink != 0:
			return fmt.Errorf("parent %s is a symlink; refusing to write through it", p)
		case !fi.IsDir():
			return fmt.Errorf("parent %s exists and is not a directory", p)
		}
	}
	return nil
}
