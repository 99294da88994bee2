package buildctx

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
