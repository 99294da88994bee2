package e2e

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestScanOwnRepository runs `hardhull scan` over hardhull's module root,
// from that directory, the way a contributor would: Go sources whose
// names start with "dockerfile" must not be parsed as Dockerfiles.
func TestScanOwnRepository(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	r := runBin(t, root, nil, "scan", "--format", "json")
	if r.code == 2 {
		t.Fatalf("scan of the module root exits 2: %s", r.stderr)
	}
	rep := decode(t, r.stdout)
	for _, e := range rep.Errors {
		t.Errorf("input error: %s:%d: %s", e.Path, e.Line, e.Message)
	}
	for _, f := range rep.Findings {
		if strings.HasSuffix(f.Location.Path, ".go") {
			t.Errorf("a Go file was judged: %s %s", f.Location.Path, f.Rule)
		}
	}
	if len(rep.Findings) == 0 {
		t.Error("no findings: the examples in the repository were not scanned")
	}
}

// A project whose broken or secret-holding files are excluded: with the
// flags, or with the same keys in .hardhull.yaml.
func excludeProject(t *testing.T) string {
	dir := t.TempDir()
	write(t, dir, "Dockerfile", "FROM python:3.12-slim@sha256:"+strings.Repeat("a", 64)+"\nUSER 1000\nCOPY . /app\nCMD [\"python\", \"/app/main.py\"]\n")
	write(t, dir, ".dockerignore", ".git\n")
	write(t, dir, "gen/Dockerfile", "FROM\n")                    // broken, in an excluded directory
	write(t, dir, "templates/Dockerfile.prod", "ONBUILD FROM\n") // broken, an excluded file
	write(t, dir, "deploy/app.containerdef", "FROM ubuntu:latest\n")
	write(t, dir, "fixtures/notes.txt", "-----BEGIN RSA PRIVATE KEY-----\n"+privateKeyBody()+"\n-----END RSA PRIVATE KEY-----\n") // in the build context, excluded
	return dir
}

func TestSkipFlagsAndFilePatterns(t *testing.T) {
	dir := excludeProject(t)
	code, out, errs := hh(t, "", "scan", dir, "--format", "json")
	if code != 2 {
		t.Fatalf("without exclusions the broken files are input errors: exit %d %s", code, errs)
	}
	var keySeen bool
	for _, f := range decode(t, out).Findings {
		keySeen = keySeen || strings.Contains(f.Message, "fixtures/notes.txt")
	}
	if !keySeen {
		t.Fatal("without exclusions the private key in the build context is found")
	}
	args := []string{"scan", dir, "--format", "json", "--skip-dirs", "gen", "--skip-files", "templates/*.prod,fixtures/**",
		"--file-patterns", `dockerfile:\.containerdef$`}
	code, out, errs = hh(t, "", args...)
	if code == 2 {
		t.Fatalf("excluded files were read: %s", errs)
	}
	checkExcluded(t, decode(t, out))
}

func TestConfigExcludeAndComposeSets(t *testing.T) {
	dir := excludeProject(t)
	write(t, dir, ".hardhull.yaml", `exclude:
  skip-dirs: [gen]
  skip-files: ["templates/*.prod", "fixtures/**"]
  file-patterns: ['dockerfile:\.containerdef$']
compose:
  - [stack/base.yml, stack/deploy.yml]
`)
	// Neither name is one discovery knows: only the config set makes them
	// a project, and the overlay supplies what the base lacks.
	write(t, dir, "stack/base.yml", "services:\n  api:\n    image: python:3.12-slim\n")
	write(t, dir, "stack/deploy.yml", "services:\n  api:\n    privileged: true\n")
	code, out, errs := hh(t, "", "scan", dir, "--format", "json")
	if code == 2 {
		t.Fatalf("exit 2: %s", errs)
	}
	rep := decode(t, out)
	checkExcluded(t, rep)
	var privileged bool
	for _, f := range rep.Findings {
		if f.Location.Path == "stack/deploy.yml" && strings.Contains(strings.ToLower(f.Message), "privileged") {
			privileged = true
		}
	}
	if !privileged {
		t.Errorf("the compose set was not loaded as one project: %+v", rep.Findings)
	}
}

func checkExcluded(t *testing.T, rep jsonReport) {
	t.Helper()
	var sawPattern bool
	for _, f := range rep.Findings {
		switch {
		case strings.HasPrefix(f.Location.Path, "gen/"), strings.HasPrefix(f.Location.Path, "templates/"),
			strings.Contains(f.Message, "fixtures/"):
			t.Errorf("finding in an excluded file: %s %s %s", f.Location.Path, f.Rule, f.Message)
		case f.Location.Path == "deploy/app.containerdef":
			sawPattern = true
		}
	}
	if !sawPattern {
		t.Error("--file-patterns: deploy/app.containerdef was not judged as a Dockerfile")
	}
	if len(rep.Errors) != 0 {
		t.Errorf("errors: %+v", rep.Errors)
	}
}
