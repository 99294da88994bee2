package dist

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeBin puts an executable script named name first on PATH; it appends
// its arguments to log.
func fakeBin(t *testing.T, dir, name, log string) {
	t.Helper()
	script := "#!/bin/sh\necho \"" + name + " $*\" >> '" + log + "'\n"
	if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

// .ci/docker-up.sh installs busybox-static when it is missing even though
// an engine is already running (the early "engine up" exit came first).
func TestDockerUpInstallsTestToolsWithEngineUp(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the script installs only as root")
	}
	bin, log := t.TempDir(), filepath.Join(t.TempDir(), "calls")
	fakeBin(t, bin, "apt-get", log)
	// An engine that answers: docker info and docker version succeed.
	fakeBin(t, bin, "docker", log)
	code, _, errs := runBin(t, repoRoot(t), []string{
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"DOCKER_UP_BUSYBOX_PATHS=" + filepath.Join(t.TempDir(), "no-busybox"),
		"DOCKER_HOST=",
	}, "bash", ".ci/docker-up.sh")
	calls, _ := os.ReadFile(log)
	if code != 0 || !strings.Contains(errs, "engine up") {
		t.Errorf("exit %d:\n%s", code, errs)
	}
	if !strings.Contains(string(calls), "apt-get install -y busybox-static") {
		t.Errorf("busybox-static not installed with the engine up; calls:\n%s\nstderr:\n%s", calls, errs)
	}
	// With busybox present nothing is installed.
	os.Remove(log)
	code, _, errs = runBin(t, repoRoot(t), []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "DOCKER_HOST=",
		"DOCKER_UP_BUSYBOX_PATHS=" + hostHardhull(t)}, "bash", ".ci/docker-up.sh")
	if calls, _ := os.ReadFile(log); code != 0 || strings.Contains(string(calls), "apt-get") {
		t.Errorf("exit %d, calls %q:\n%s", code, calls, errs)
	}
}
