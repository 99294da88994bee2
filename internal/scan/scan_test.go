package scan

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestOrphanIgnoreFileChecked: a .dockerignore that no scanned Dockerfile
// uses is still read, and a broken pattern is reported with its line.
func TestOrphanIgnoreFileChecked(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "ctx"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ctx", ".dockerignore"), []byte(".git\n[broken\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Scan(context.Background(), Options{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 1 || res.Errors[0].Path != "ctx/.dockerignore" || res.Errors[0].Line != 2 {
		t.Fatalf("want one error at ctx/.dockerignore:2, got %+v", res.Errors)
	}
}
