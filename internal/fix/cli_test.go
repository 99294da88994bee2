package fix_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/cli"
)

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCLIExitCodes: 1 with a pending diff, 0 after --write and when
// nothing is left, 2 on usage and input errors.
func TestCLIExitCodes(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "compose.yaml", "services:\n  api:\n    image: example/api:1.0\n    user: \"1000\"\n")
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := cli.Execute(append([]string{"fix"}, args...), strings.NewReader(""), &out, &errb)
		return code, out.String(), errb.String()
	}
	code, out, stderr := run(dir, "--rule", "DC020")
	if code != 1 || !strings.Contains(out, "+    restart: unless-stopped") || !strings.Contains(stderr, "fixed   DC020") {
		t.Fatalf("diff run: code %d\n%s\n%s", code, out, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "compose.yaml")); strings.Contains(string(b), "unless-stopped") {
		t.Fatal("the diff run wrote the file")
	}
	if code, _, stderr = run("--write", dir, "--rule", "DC020"); code != 0 {
		t.Fatalf("--write: code %d %s", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "compose.yaml")); !strings.Contains(string(b), "restart: unless-stopped") {
		t.Fatalf("--write did not apply:\n%s", b)
	}
	if code, out, _ = run(dir, "--rule", "DC020"); code != 0 || out != "" {
		t.Fatalf("nothing left: code %d, out %q", code, out)
	}
	if code, _, _ = run(dir, "--rule", "NOPE"); code != 2 {
		t.Fatalf("unknown rule: code %d", code)
	}
	if code, _, _ = run(filepath.Join(dir, "missing")); code != 2 {
		t.Fatalf("missing path: code %d", code)
	}
	bad := t.TempDir()
	write(t, bad, "compose.yaml", "services:\n  a: [\n")
	if code, _, stderr = run(bad); code != 2 || !strings.Contains(stderr, "compose.yaml") {
		t.Fatalf("input error: code %d %s", code, stderr)
	}
}
