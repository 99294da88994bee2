package dist

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

type versionJSON struct {
	Version, Commit, Date, Go, Platform, Source string
}

func version(t *testing.T, bin string) versionJSON {
	t.Helper()
	code, out, errs := runBin(t, t.TempDir(), nil, bin, "version", "--format", "json")
	if code != 0 {
		t.Fatalf("version: exit %d: %s", code, errs)
	}
	var v versionJSON
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return v
}

// A release build says what the linker was told.
func TestVersionFromLdflags(t *testing.T) {
	const pkg = "github.com/hardhull/hardhull/internal/buildinfo"
	bin := buildHardhull(t, runtime.GOOS, runtime.GOARCH,
		"-X "+pkg+".version=v9.8.7 -X "+pkg+".commit=0123abcd -X "+pkg+".date=2026-01-02T03:04:05Z")
	want := versionJSON{Version: "v9.8.7", Commit: "0123abcd", Date: "2026-01-02T03:04:05Z", Go: runtime.Version(),
		Platform: runtime.GOOS + "/" + runtime.GOARCH, Source: "ldflags"}
	if got := version(t, bin); got != want {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	_, out, _ := runBin(t, t.TempDir(), nil, bin, "version")
	for _, line := range []string{"hardhull v9.8.7", "commit:   0123abcd", "built:    2026-01-02T03:04:05Z", "go:       " + runtime.Version()} {
		if !strings.Contains(out, line+"\n") {
			t.Errorf("text output lacks %q:\n%s", line, out)
		}
	}
	// Reports carry the same version.
	_, out, _ = runBin(t, t.TempDir(), nil, bin, "scan", "--format", "json", ".")
	if !strings.Contains(out, `"version": "v9.8.7"`) {
		t.Errorf("scan report does not name v9.8.7:\n%.400s", out)
	}
}

// A plain `go build` in a git checkout says which commit it was built from,
// from the VCS stamp the toolchain records.
func TestVersionFromBuildInfo(t *testing.T) {
	root := repoRoot(t)
	head, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git checkout (%v): the toolchain records no VCS stamp", err)
	}
	// The toolchain stamps only a checkout whose .git is a directory, not a
	// linked work tree (.git a file).
	if st, err := os.Stat(filepath.Join(root, ".git")); err != nil || !st.IsDir() {
		t.Skip("a linked git work tree: the toolchain records no VCS stamp for it")
	}
	v := version(t, hostHardhull(t))
	if v.Source != "module" || !strings.HasPrefix(v.Version, "v") {
		t.Errorf("version %q from %q, want a module pseudo-version", v.Version, v.Source)
	}
	if c := strings.TrimSuffix(v.Commit, "-dirty"); c != strings.TrimSpace(string(head)) {
		t.Errorf("commit %q, want HEAD %s", v.Commit, head)
	}
	if len(v.Date) < len("2006-01-02T15:04:05Z") || v.Date[4] != '-' {
		t.Errorf("date %q", v.Date)
	}
	if v.Go != runtime.Version() {
		t.Errorf("go %q, want %s", v.Go, runtime.Version())
	}
}
