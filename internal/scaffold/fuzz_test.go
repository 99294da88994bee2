package scaffold

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/dockerfile"
)

// FuzzDefaultName: any directory name yields a valid name.
func FuzzDefaultName(f *testing.F) {
	for _, s := range []string{"myapp", "My.App", "", "..", "日本", "a\x00b", "-_-", strings.Repeat("x-", 80)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, base string) {
		n := DefaultName(base)
		if err := ValidName(n); err != nil {
			t.Fatalf("DefaultName(%q) = %q: %v", base, n, err)
		}
	})
}

// FuzzRender: hostile names and ports are refused; accepted ones render
// files whose Dockerfile parses and which carry the name verbatim (no
// character of it can change a file's structure).
func FuzzRender(f *testing.F) {
	f.Add("go", "demo", 8080)
	f.Add("fastapi", "x\"\n  privileged: true", 8000)
	f.Add("python", "{{.Port}}", 1)
	f.Add("go", "a_b-c", 65535)
	f.Fuzz(func(t *testing.T, tpl, name string, port int) {
		files, err := Render(tpl, Params{Name: name, Port: port})
		if err != nil {
			return
		}
		if ValidName(name) != nil {
			t.Fatalf("Render accepted name %q", name)
		}
		df := fileData(files, "Dockerfile")
		if _, err := dockerfile.ParseBytes("Dockerfile", df, dockerfile.Options{}); err != nil {
			t.Fatalf("rendered Dockerfile does not parse: %v", err)
		}
		if !bytes.Contains(fileData(files, "compose.yaml"), []byte(`name: "`+name+`"`)) {
			t.Fatalf("compose.yaml does not carry the name %q", name)
		}
	})
}

// FuzzWritePath: whatever path a caller hands Write, nothing appears
// outside the target directory.
func FuzzWritePath(f *testing.F) {
	for _, s := range []string{"a", "a/b", "../x", "/abs", "a/../../x", `..\x`, "secrets/x", ".", "a/./b", "x/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		base := t.TempDir()
		dir := filepath.Join(base, "d")
		_, _ = Write(dir, []File{{Path: p, Mode: FileMode, Data: []byte("x")}}, WriteOptions{Force: true})
		entries, err := os.ReadDir(base)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Name() != "d" {
				t.Fatalf("Write(%q) created %s outside the target", p, e.Name())
			}
		}
	})
}
