package buildctx

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tonistiigi/fsutil"
)

// writeTree creates files under dir. A value starting with "->" makes a
// symlink to the rest; a key ending in "/" makes an empty directory.
func writeTree(t testing.TB, dir string, tree map[string]string) {
	t.Helper()
	for name, content := range tree {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if target, ok := strings.CutPrefix(content, "->"); ok {
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func mustOpen(t testing.TB, dir, dockerfile string) *Context {
	t.Helper()
	c, err := Open(dir, dockerfile, Options{})
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	return c
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// sentByFsutil lists the non-directory entries that fsutil, the library
// the build client sends the context with, transfers under patterns.
func sentByFsutil(t testing.TB, dir string, pats []Pattern) []string {
	t.Helper()
	var excludes []string
	for _, p := range pats {
		excludes = append(excludes, p.Text)
	}
	var out []string
	err := fsutil.Walk(context.Background(), dir, &fsutil.FilterOpt{ExcludePatterns: excludes},
		func(p string, fi os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			if !fi.IsDir() {
				out = append(out, filepath.ToSlash(p))
			}
			return nil
		})
	if err != nil {
		t.Fatalf("fsutil.Walk: %v", err)
	}
	slices.Sort(out)
	return out
}
