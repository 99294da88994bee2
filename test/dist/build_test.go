package dist

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// binDir holds the binaries this package builds, once per run.
var (
	binDir  string
	buildMu sync.Mutex
	built   = map[string]string{}
)

func TestMain(m *testing.M) {
	d, err := os.MkdirTemp("", "hardhull-dist-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	binDir = d
	code := m.Run()
	os.RemoveAll(d)
	os.Exit(code)
}

// buildHardhull builds cmd/hardhull for goos/goarch with the given
// -ldflags, as a release or a user's `go build` does (CGO off, -trimpath),
// and returns the binary's path. Same arguments, same binary.
func buildHardhull(tb testing.TB, goos, goarch, ldflags string) string {
	tb.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	key := goos + "/" + goarch + " " + ldflags
	if p, ok := built[key]; ok {
		return p
	}
	name := fmt.Sprintf("hardhull-%d", len(built))
	if goos == "windows" {
		name += ".exe"
	}
	out := filepath.Join(binDir, name)
	// -buildvcs=auto (the toolchain's default) whatever GOFLAGS says: a
	// user's build in a git checkout is stamped with its commit.
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=auto", "-ldflags", ldflags, "-o", out, "./cmd/hardhull")
	cmd.Dir = repoRoot(tb)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
	if b, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, b)
	}
	built[key] = out
	return out
}

// hostHardhull is a plain build for this machine.
func hostHardhull(tb testing.TB) string {
	return buildHardhull(tb, runtime.GOOS, runtime.GOARCH, "")
}

// runBin runs a binary and returns its exit code, stdout and stderr.
func runBin(tb testing.TB, dir string, env []string, bin string, args ...string) (int, string, string) {
	tb.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			tb.Fatalf("%s %v: %v", bin, args, err)
		}
		code = ee.ExitCode()
	}
	return code, out.String(), errb.String()
}
