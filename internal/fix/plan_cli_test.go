package fix_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/cli"
	"github.com/hardhull/hardhull/internal/fix"
)

func hhFix(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Execute(append([]string{"fix"}, args...), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func copyInto(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			out[filepath.ToSlash(rel)] = string(b)
		}
		return nil
	})
	return out
}

// TestDryRunAndWritePlanTheSameEdits: what the diff shows is exactly what
// --write does, file for file, on the insecure example.
func TestDryRunAndWritePlanTheSameEdits(t *testing.T) {
	src := filepath.Join("..", "..", "examples", "insecure-fastapi")
	a, b := copyInto(t, src), copyInto(t, src)
	before := readTree(t, a)
	dry, err := fix.Plan(context.Background(), fix.Options{Path: a})
	if err != nil {
		t.Fatal(err)
	}
	if len(dry.Changes) == 0 {
		t.Fatal("nothing planned on the insecure example")
	}
	if code, _, errs := hhFix(t, "--write", b); code != 0 {
		t.Fatalf("--write: exit %d %s", code, errs)
	}
	if after := readTree(t, a); len(after) != len(before) {
		t.Fatal("the dry run wrote files")
	}
	want := readTree(t, a)
	for _, c := range dry.Changes {
		want[c.Path] = string(c.New)
	}
	got := readTree(t, b)
	for p, w := range want {
		if got[p] != w {
			t.Errorf("%s: --write differs from the dry run's plan", p)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("--write created %s, which the dry run did not plan", p)
		}
	}
}

func TestFixJSON(t *testing.T) {
	dir := copyInto(t, filepath.Join("..", "..", "examples", "insecure-fastapi"))
	code, out, errs := hhFix(t, dir, "--format", "json")
	if code != 1 {
		t.Fatalf("exit %d %s", code, errs)
	}
	var plan struct {
		Changes []struct{ Path, Diff string }
		Fixed   []struct{ Rule, Path, Text string }
		Skipped []struct{ Rule, Path, Text string }
		Errors  []any
		Written bool
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(plan.Changes) == 0 || len(plan.Fixed) == 0 || plan.Written || plan.Errors == nil {
		t.Errorf("plan %+v", plan)
	}
	for _, c := range plan.Changes {
		if !strings.HasPrefix(c.Diff, "--- ") || !strings.Contains(c.Diff, "+++ b/"+c.Path) {
			t.Errorf("change %s: diff %q", c.Path, c.Diff)
		}
	}
	if strings.Contains(errs, "fixed ") {
		t.Error("--format json also printed the text summary")
	}
	if code, _, _ := hhFix(t, dir, "--format", "xml"); code != 2 {
		t.Errorf("--format xml: exit %d", code)
	}
}

func TestFixPathsAndComposeFiles(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"one", "two"} {
		os.MkdirAll(filepath.Join(root, d), 0o755)
		write(t, filepath.Join(root, d), "compose.yaml", "services:\n  api:\n    image: example/api:1.0\n    user: \"1000\"\n")
	}
	t.Chdir(root)
	code, out, errs := hhFix(t, "one", "two", "--rule", "DC020")
	if code != 1 || !strings.Contains(out, "+++ b/one/compose.yaml") || !strings.Contains(out, "+++ b/two/compose.yaml") {
		t.Fatalf("fix one two: exit %d\n%s\n%s", code, out, errs)
	}
	write(t, root, "deploy.yml", "services:\n  web:\n    image: example/web:1.0\n    user: \"1000\"\n")
	code, out, errs = hhFix(t, "-f", "deploy.yml", "--rule", "DC020")
	if code != 1 || !strings.Contains(out, "+++ b/deploy.yml") || strings.Contains(out, "one/compose.yaml") {
		t.Fatalf("fix -f deploy.yml: exit %d\n%s\n%s", code, out, errs)
	}
}
