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

// TestExplicitComposeFilesReachTheirDockerfiles: with only -f files named,
// the Dockerfiles their services build are still judged (and linked).
func TestExplicitComposeFilesReachTheirDockerfiles(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"compose.yaml":   "services:\n  api:\n    build: ./api\n    user: \"1000:1000\"\n",
		"api/Dockerfile": "FROM python:latest\nCMD [\"python\", \"-m\", \"http.server\"]\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Scan(context.Background(), Options{ComposeFiles: []string{filepath.Join(dir, "compose.yaml")}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range res.Findings {
		got[f.Rule.ID] = true
	}
	if !got["DF003"] {
		t.Errorf("the Dockerfile built by the service was not scanned: %v", got)
	}
	if got["DF001"] {
		t.Error("DF001 fired although the service runs as user 1000: the link is missing")
	}
}

// TestMalformedInstructionStillJudged: one malformed instruction is an
// input error with its line; the other instructions are still judged.
func TestMalformedInstructionStillJudged(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM python:3.12-slim\nCOPY onlyone\nUSER root\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Scan(context.Background(), Options{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 1 || res.Errors[0].Line != 2 {
		t.Fatalf("errors = %+v, want one at line 2", res.Errors)
	}
	found := false
	for _, f := range res.Findings {
		found = found || f.Rule.ID == "DF001" && f.Location.Line == 3
	}
	if !found {
		t.Errorf("USER root at line 3 was not judged: %+v", res.Findings)
	}
}
