package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestQuiet(t *testing.T) {
	code, out, _ := hh(t, "", "scan", insecure, "--quiet")
	if code != 1 || out != "" {
		t.Errorf("--quiet: exit %d, stdout %q", code, out)
	}
	file := filepath.Join(t.TempDir(), "r.json")
	if code, out, _ := hh(t, "", "scan", insecure, "-q", "--format", "json", "-o", file); code != 1 || out != "" {
		t.Errorf("-q -o: exit %d, stdout %q", code, out)
	}
	if b, err := os.ReadFile(file); err != nil || len(decode(t, string(b)).Findings) == 0 {
		t.Errorf("-q still writes -o: %v", err)
	}
}

func TestFlagsFromEnvironment(t *testing.T) {
	t.Setenv("HARDHULL_FAIL_ON", "none")
	if code, _, errs := hh(t, "", "scan", insecure); code != 0 {
		t.Errorf("HARDHULL_FAIL_ON=none: exit %d %s", code, errs)
	}
	// The command line wins over the environment.
	if code, _, _ := hh(t, "", "scan", insecure, "--fail-on", "critical"); code != 1 {
		t.Errorf("--fail-on over HARDHULL_FAIL_ON: exit %d", code)
	}
	t.Setenv("HARDHULL_FORMAT", "json")
	_, out, _ := hh(t, "", "scan", insecure)
	if len(decode(t, out).Findings) == 0 {
		t.Error("HARDHULL_FORMAT=json did not apply")
	}
	t.Setenv("HARDHULL_SEVERITY", "bogus")
	if code, _, errs := hh(t, "", "scan", insecure); code != 2 || !strings.Contains(errs, "severity") {
		t.Errorf("a bad value from the environment: exit %d %s", code, errs)
	}
}

func TestNothingAuditedIsNotAPass(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "README.md", "# nothing here\n")
	code, _, errs := hh(t, "", "scan", dir)
	if code != 2 || !strings.Contains(errs, "nothing audited in "+dir) || !strings.Contains(errs, "Dockerfile") {
		t.Errorf("scan of a tree with nothing to examine: exit %d %q", code, errs)
	}
	// Excluding everything is nothing audited too.
	write(t, dir, "Dockerfile", "FROM scratch\n")
	if code, _, _ := hh(t, "", "scan", dir, "--skip-files", "Dockerfile"); code != 2 {
		t.Errorf("all excluded: exit %d, want 2", code)
	}
}

func TestTargetNamingNoStage(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "Dockerfile", "FROM python:3.12-slim AS build\nRUN true\nFROM python:3.12-slim AS runtime\nUSER 1000\n")
	code, _, errs := hh(t, "", "scan", dir, "--target", "prod")
	if code != 2 || !strings.Contains(errs, `Dockerfile: target "prod" names no stage (stages: build, runtime)`) {
		t.Errorf("--target prod: exit %d %q", code, errs)
	}
	if code, _, errs := hh(t, "", "scan", dir, "--target", "runtime"); code == 2 {
		t.Errorf("--target runtime: %s", errs)
	}
}

func TestFormatNameAsComposeFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	code, _, errs := hh(t, "", "scan", "-f", "sarif")
	if code != 2 || !strings.Contains(errs, "did you mean --format sarif?") {
		t.Errorf("-f sarif: exit %d %q", code, errs)
	}
	// A compose file that happens to be named like a format is read.
	write(t, dir, "json", "services:\n  api:\n    image: alpine:3.20\n")
	if _, _, errs := hh(t, "", "scan", "-f", "json"); strings.Contains(errs, "did you mean") {
		t.Errorf("an existing file named json: %s", errs)
	}
}

func TestTimeout(t *testing.T) {
	code, _, errs := hh(t, "", "scan", insecure, "--timeout", "1ns")
	if code != 2 || !strings.Contains(errs, "timed out after 1ns") {
		t.Errorf("--timeout 1ns: exit %d %q", code, errs)
	}
	if code, _, _ := hh(t, "", "scan", insecure, "--timeout", "5m"); code != 1 {
		t.Errorf("--timeout 5m: exit %d, want the normal 1", code)
	}
}
