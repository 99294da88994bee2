package scaffold

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The skeletons must work, not only scan clean: these build and run them
// on the host with the real toolchains and probe /health.

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitHealth polls url until it answers 200 or the deadline passes.
func waitHealth(t *testing.T, url string, exited <-chan error) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Fatalf("server exited before answering: %v", err)
		default:
		}
		resp, err := http.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return string(body)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never answered 200", url)
	return ""
}

// goBuildEnv is the environment for building the go template offline with
// the local toolchain only. It keeps the host's default build flags (cgo
// setting, no -trimpath): the standard library the template needs is then
// already in the build cache from compiling this test, where the
// Dockerfile's CGO_ENABLED=0 and -trimpath would rebuild it twice (once
// for vet, once for build). test/e2e's TestInitGoOnEngine builds the
// template with the Dockerfile's exact flags and runs it on the engine.
func goBuildEnv() []string {
	return append(os.Environ(), "GOTOOLCHAIN=local", "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off")
}

func TestGoTemplateRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the template")
	}
	dir := t.TempDir()
	files, err := Render("go", Params{Name: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, files, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "server")
	for _, args := range [][]string{{"vet", "."}, {"build", "-o", bin, "."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = dir, goBuildEnv()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}

	port := strconv.Itoa(freePort(t))
	env := append(os.Environ(), "PORT="+port)
	// With nothing listening the self-probe fails: HEALTHCHECK must see
	// a dead server as unhealthy.
	probe := exec.Command(bin, "-healthcheck")
	probe.Env = env
	if err := probe.Run(); err == nil {
		t.Fatal("-healthcheck succeeded with no server running")
	}

	srv := exec.Command(bin)
	srv.Env = env
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.Wait() }()
	t.Cleanup(func() { _ = srv.Process.Kill() })

	if body := waitHealth(t, "http://127.0.0.1:"+port+"/health", exited); !strings.Contains(body, `"status":"ok"`) {
		t.Errorf("/health body %q", body)
	}
	probe = exec.Command(bin, "-healthcheck")
	probe.Env = env
	if out, err := probe.CombinedOutput(); err != nil {
		t.Errorf("-healthcheck against the running server: %v\n%s", err, out)
	}
	// docker stop sends SIGTERM: the server shuts down cleanly, exit 0.
	must(t, srv.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("no exit within 10s of SIGTERM")
	}
}

func TestPythonTemplateRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the template")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	dir := t.TempDir()
	files, err := Render("python", Params{Name: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, files, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(freePort(t))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv := exec.CommandContext(ctx, py, "-m", "app")
	srv.Dir = dir
	srv.Env = append(os.Environ(), "PORT="+port, "PYTHONDONTWRITEBYTECODE=1")
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.Wait() }()
	t.Cleanup(func() { _ = srv.Process.Kill() })
	if body := waitHealth(t, "http://127.0.0.1:"+port+"/health", exited); body != `{"status": "ok"}` {
		t.Errorf("/health body %q", body)
	}
	// The image's HEALTHCHECK command, run as written (port substituted).
	hc := fmt.Sprintf("import urllib.request; urllib.request.urlopen('http://localhost:%s/health', timeout=5)", port)
	if out, err := exec.Command(py, "-c", hc).CombinedOutput(); err != nil {
		t.Errorf("HEALTHCHECK probe: %v\n%s", err, out)
	}
	must(t, srv.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("no exit within 10s of SIGTERM")
	}
}

// TestFastAPITemplateCompiles: FastAPI itself is not installed here, so
// the skeleton is byte-compiled, which catches syntax errors and template
// slips in the Python files.
func TestFastAPITemplateCompiles(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	dir := t.TempDir()
	files, err := Render("fastapi", Params{Name: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, files, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "-c", "import sys, py_compile\nfor f in sys.argv[1:]: py_compile.compile(f, doraise=True)",
		"app/__init__.py", "app/config.py", "app/main.py")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PYTHONPYCACHEPREFIX="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("py_compile: %v\n%s", err, out)
	}
}

// debianPython is Debian's interpreter with python3-fastapi, python3-pytest
// and python3-httpx (.ci/tools.sh installs them): no PyPI is reachable.
func debianPython(t *testing.T) string {
	t.Helper()
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import fastapi, pytest, httpx").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI needs %s with fastapi, pytest and httpx (apt-get install python3-fastapi python3-pytest python3-httpx): %v", py, err)
		}
		t.Skipf("%s lacks fastapi, pytest or httpx (apt-get install python3-fastapi python3-pytest python3-httpx): %v", py, err)
	}
	return py
}

// TestFastAPITemplateTestsPass runs the tests `hardhull init fastapi`
// writes, as `make test` runs them, on Debian's FastAPI. Bookworm has
// pydantic 1.x and no pydantic-settings: a test-only module stands in for
// it, re-exporting pydantic 1's BaseSettings.
func TestFastAPITemplateTestsPass(t *testing.T) {
	py := debianPython(t)
	dir := t.TempDir()
	files, err := Render("fastapi", Params{Name: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, files, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	shim := t.TempDir()
	if err := os.WriteFile(filepath.Join(shim, "pydantic_settings.py"), []byte("from pydantic import BaseSettings  # noqa: F401\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	makeTest := func() (string, error) {
		cmd := exec.Command("make", "test", "PYTHON="+py)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PYTHONPATH="+shim, "PYTHONPYCACHEPREFIX="+t.TempDir(), "PYTHONDONTWRITEBYTECODE=1")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := makeTest()
	if err != nil {
		t.Fatalf("make test: %v\n%s", err, out)
	}
	if !strings.Contains(out, "3 passed") {
		t.Errorf("make test did not run the three tests:\n%s", out)
	}
	// The tests can fail: debug on by default is caught.
	cfg := filepath.Join(dir, "app", "config.py")
	b, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, []byte(strings.Replace(string(b), "debug: bool = False", "debug: bool = True", 1)), 0o644)
	if out, err := makeTest(); err == nil || !strings.Contains(out, "1 failed") {
		t.Errorf("make test passed with debug on by default: %v\n%s", err, out)
	}
}
