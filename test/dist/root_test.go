// Package dist tests what hardhull ships besides its code: the licence, the
// container image, the GitHub Action, the pre-commit hooks, the release
// configuration and the CI templates, each run the way a user runs it.
package dist

import (
	"os"
	"path/filepath"
	"testing"
)

// repoRoot is the directory holding go.mod.
func repoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("go.mod not found")
		}
		dir = parent
	}
}

func readRoot(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(tb), name))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
