package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// rulesCopy copies the rules package's sources into a temp dir, so the
// generator runs against the real catalogue without touching it.
func rulesCopy(t *testing.T) (root, dir string) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(root, "internal", "rules")
	files, err := filepath.Glob(filepath.Join(src, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no rules sources in %s: %v", src, err)
	}
	dir = t.TempDir()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root, dir
}

func TestRefuses(t *testing.T) {
	_, dir := rulesCopy(t)
	ok := spec{ID: "ZZ901", Slug: "zz-new-rule", Title: "A new rule", Kind: "dockerfile", Severity: "low"}
	tests := []struct {
		name string
		edit func(*spec)
		want string
	}{
		{"existing ID", func(s *spec) { s.ID = "DF025" }, "rule DF025 already exists (registry.go)"},
		{"existing slug", func(s *spec) { s.Slug = "untrusted-registry" }, `slug "untrusted-registry" already used`},
		{"bad ID", func(s *spec) { s.ID = "df1" }, "-id"},
		{"bad slug", func(s *spec) { s.Slug = "Not_Kebab" }, "-slug"},
		{"no title", func(s *spec) { s.Title = " " }, "-title"},
		{"built kind", func(s *spec) { s.Kind = "image" }, "-kind"},
		{"bad severity", func(s *spec) { s.Severity = "urgent" }, "-severity"},
		{"no severity", func(s *spec) { s.Severity = "" }, "-severity"},
	}
	for _, tt := range tests {
		s := ok
		tt.edit(&s)
		_, err := write(dir, s)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "dockerfile_zz_*.go")); len(m) != 0 {
		t.Errorf("a refused rule was written: %v", m)
	}
	// Never overwrites: the same rule twice is refused the second time.
	if _, err := write(dir, ok); err != nil {
		t.Fatal(err)
	}
	if _, err := write(dir, ok); err == nil || !strings.Contains(err.Error(), "ZZ901 already exists") {
		t.Errorf("second write: %v", err)
	}
}

// TestSkeletonCompiles vets each kind's skeleton as part of the real rules
// package, added through a build overlay so the tree is not touched.
func TestSkeletonCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet")
	}
	root, dir := rulesCopy(t)
	replace := map[string]string{}
	var written []string
	for i, kind := range kindNames() {
		s := spec{ID: "ZZ90" + string(rune('1'+i)), Slug: "zz-" + kind, Title: "A new " + kind + " rule", Kind: kind, Severity: "medium"}
		path, err := write(dir, s)
		if err != nil {
			t.Fatal(err)
		}
		if want := kind + "_zz_" + kind + ".go"; filepath.Base(path) != want {
			t.Errorf("file %s, want %s", filepath.Base(path), want)
		}
		src, _ := os.ReadFile(path)
		for _, w := range []string{`ID: "` + s.ID + `"`, "Severity: finding.Medium", "ChecklistWhy:", "Bad:", "Good:", "var _ = register(finding.Rule{"} {
			if !strings.Contains(string(src), w) {
				t.Errorf("%s: skeleton lacks %q:\n%s", kind, w, src)
			}
		}
		replace[filepath.Join(root, "internal", "rules", filepath.Base(path))] = path
		written = append(written, filepath.Base(path))
	}
	for _, w := range written {
		if _, err := os.Stat(filepath.Join(root, "internal", "rules", w)); err == nil {
			t.Fatalf("%s exists in the tree; the overlay would not add it", w)
		}
	}
	overlay := filepath.Join(t.TempDir(), "overlay.json")
	b, _ := json.Marshal(map[string]any{"Replace": replace})
	if err := os.WriteFile(overlay, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "vet", "-overlay", overlay, "./internal/rules")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet with the skeletons: %v\n%s", err, out)
	}
}
