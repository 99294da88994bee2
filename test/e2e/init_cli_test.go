package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/cli"
)

func run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = cli.Execute(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestInitCommand(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "My Service")

	// --dry-run lists and writes nothing.
	code, out, errs := run("init", "go", dir, "--dry-run")
	if code != 0 {
		t.Fatalf("dry-run: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "create    0644 "+filepath.Join(dir, "Dockerfile")) || strings.Count(out, "\n") != 8 {
		t.Errorf("dry-run output:\n%s", out)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("dry-run created %s: %v", dir, err)
	}

	// The name defaults to the directory's base name, made valid.
	if code, _, errs := run("init", "go", dir); code != 0 {
		t.Fatalf("init: exit %d: %s", code, errs)
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil || !strings.HasPrefix(string(gomod), "module my-service\n") {
		t.Errorf("go.mod: %q %v", gomod, err)
	}

	// A second init with another port conflicts: exit 2, the conflicts on
	// stderr, nothing written.
	before, _ := os.ReadFile(filepath.Join(dir, "Dockerfile"))
	code, _, errs = run("init", "go", dir, "--port", "9000")
	if code != 2 {
		t.Fatalf("conflicting init: exit %d, want 2", code)
	}
	for _, f := range []string{"Dockerfile", "compose.yaml", "main.go", "README.md"} {
		if !strings.Contains(errs, "conflict  "+filepath.Join(dir, f)+"\n") {
			t.Errorf("stderr does not list %s:\n%s", f, errs)
		}
	}
	if !strings.Contains(errs, "nothing written") {
		t.Errorf("stderr: %s", errs)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "Dockerfile")); !bytes.Equal(before, after) {
		t.Error("Dockerfile changed without --force")
	}
	code, out, _ = run("init", "go", dir, "--port", "9000", "--dry-run")
	if code != 2 || !strings.Contains(out, "conflict  0644 "+filepath.Join(dir, "Dockerfile")) || !strings.Contains(out, "unchanged 0644 "+filepath.Join(dir, "go.mod")) {
		t.Errorf("dry-run over conflicts: exit %d\n%s", code, out)
	}

	// --force overwrites.
	if code, out, errs := run("init", "go", dir, "--port", "9000", "--force"); code != 0 || !strings.Contains(out, "overwrite "+filepath.Join(dir, "Dockerfile")) {
		t.Fatalf("--force: exit %d\n%s%s", code, out, errs)
	}
	if df, _ := os.ReadFile(filepath.Join(dir, "Dockerfile")); !strings.Contains(string(df), "EXPOSE 9000\n") {
		t.Error("--force did not write the new port")
	}
}

func TestInitCommandErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"init"}, "accepts between 1 and 2 arg(s)"},
		{[]string{"init", "rust", dir}, `unknown template "rust"`},
		{[]string{"init", "go", dir, "--name", "Bad Name"}, "invalid name"},
		{[]string{"init", "go", dir, "--port", "22"}, "invalid port 22"},
		{[]string{"init", "go", filepath.Join(dir, "f"), "--name", "x"}, "not a directory"},
	}
	if err := os.WriteFile(filepath.Join(dir, "f"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		code, _, errs := run(tt.args...)
		if code != 2 || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, errs, tt.want)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("failed inits wrote %v", entries)
	}
}
