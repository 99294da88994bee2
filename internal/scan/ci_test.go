package scan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCIFiles: workflow and GitLab files are discovered where CI systems
// read them, and a broken one is an input error with its file and line
// (exit code 2), not a silent skip.
func TestCIFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".github/workflows/ok.yml", "env:\n  DOCKER_CONTENT_TRUST: \"1\"\n")
	write(".github/workflows/broken.yaml", "env:\n  A: 1\n  B: \"x\n")
	write(".github/dependabot.yml", "env:\n  DOCKER_CONTENT_TRUST: \"1\"\n") // not a workflow
	write("ci/.gitlab-ci.yml", "job:\n  script:\n    - echo hi\n    - DOCKER_CONTENT_TRUST=1 docker pull x\n")
	res, err := Scan(context.Background(), Options{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Kinds["ci"] != 2 {
		t.Errorf("CI files examined: %d, want 2", res.Kinds["ci"])
	}
	if len(res.Errors) != 1 || res.Errors[0].Path != ".github/workflows/broken.yaml" || res.Errors[0].Line != 3 || !strings.Contains(res.Errors[0].Message, "invalid YAML") {
		t.Fatalf("errors: %+v", res.Errors)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.Rule.ID+" "+f.Location.String())
	}
	want := []string{"CI001 .github/workflows/ok.yml:2:3", "CI001 ci/.gitlab-ci.yml:4:1"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("findings %q, want %q", got, want)
	}
}
