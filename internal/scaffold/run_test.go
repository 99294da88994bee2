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

// GoBuildEnv is the environment for building the go template offline with
// the local toolchain only.
func goBuildEnv() []string {
	return append(os.Environ(), "CGO_ENABLED=0", "GOTOOLCHAIN=local", "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off")
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
	// The flags the Dockerfile's builder stage uses.
	for _, args := range [][]string{{"vet", "."}, {"build", "-trimpath", "-ldflags", "-s -w", "-o", bin, "."}} {
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
