package e2e

import (
	"bytes"
	"crypto/sha256"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// hostileTree writes one project per hostile input; want is what stderr
// must say about it.
type hostileCase struct {
	name  string
	files map[string][]byte
	want  []string // substrings of the error line
}

func aliasBomb() []byte {
	var b strings.Builder
	b.WriteString("x-a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		b.WriteString("x-" + n + ": &" + n + " [")
		for i := 0; i < 9; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("*" + prev)
		}
		b.WriteString("]\n")
		prev = n
	}
	b.WriteString("services:\n  app:\n    image: alpine:3.20\n    labels: *i\n")
	return []byte(b.String())
}

func garbage(n int) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(42)).Read(b)
	return b
}

func hostileCases() []hostileCase {
	big := append([]byte("FROM alpine\nRUN "), bytes.Repeat([]byte("A"), 50<<20)...)
	return []hostileCase{
		{"alias bomb", map[string][]byte{"compose.yaml": aliasBomb()}, []string{"compose.yaml:", "alias"}},
		{"50 MB single-line Dockerfile", map[string][]byte{"Dockerfile": big}, []string{"Dockerfile", "larger than"}},
		{"binary garbage named Dockerfile", map[string][]byte{"Dockerfile": garbage(64 << 10)}, []string{"Dockerfile:"}},
		{"invalid UTF-8 compose", map[string][]byte{"compose.yaml": []byte("services:\n  app:\n    image: alpine:3.20\n    environment:\n      A: \"\xff\xfe bad\"\n")}, []string{"compose.yaml:5:", "UTF-8"}},
		{"mistyped daemon.json", map[string][]byte{"etc/docker/daemon.json": []byte("{\n  \"icc\": false,\n  \"live-restore\": \"yes\"\n}\n")}, []string{"etc/docker/daemon.json:3:", "want a bool"}},
		{"deeply nested daemon.json", map[string][]byte{"etc/docker/daemon.json": []byte("{\"log-opts\": " + strings.Repeat("[", 100000) + "}")}, []string{"etc/docker/daemon.json:1:", "invalid JSON"}},
		{"2 MB daemon.json", map[string][]byte{"etc/docker/daemon.json": append([]byte("{\"x\": \""), bytes.Repeat([]byte("a"), 2<<20)...)}, []string{"etc/docker/daemon.json", "larger than"}},
		{"long line Dockerfile under the size limit", map[string][]byte{"Dockerfile": append([]byte("FROM alpine\n\nRUN "), bytes.Repeat([]byte("B "), 1<<20)...)}, []string{"Dockerfile:3:", "limited to"}},
	}
}

// snapshot hashes every file under dir, so a test can prove nothing was
// written, removed or changed there.
func snapshot(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	m := map[string][32]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			m[p+"/"] = [32]byte{}
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		io.Copy(h, f)
		var s [32]byte
		copy(s[:], h.Sum(nil))
		m[p] = s
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func sameTree(t *testing.T, what string, a, b map[string][32]byte) {
	t.Helper()
	for p, h := range b {
		if ah, ok := a[p]; !ok {
			t.Errorf("%s: %s was created", what, p)
		} else if ah != h {
			t.Errorf("%s: %s was changed", what, p)
		}
	}
	for p := range a {
		if _, ok := b[p]; !ok {
			t.Errorf("%s: %s was removed", what, p)
		}
	}
}

func TestHostileInputsInProcess(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tc.files {
				write(t, dir, name, string(content))
			}
			// A healthy file next to the hostile one is still reported.
			write(t, dir, "ok/Dockerfile", "FROM python:latest\n")
			before := snapshot(t, dir)
			code, out, errs := hh(t, "", "scan", dir, "--format", "json")
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr %q", code, errs)
			}
			line := firstLine(errs)
			if !strings.HasPrefix(line, "hardhull: ") {
				t.Errorf("stderr %q", errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(line, w) {
					t.Errorf("stderr %q does not contain %q", line, w)
				}
			}
			if len(errs) > 2000 || strings.Contains(errs, "goroutine ") || strings.Contains(errs, "panic") {
				t.Errorf("stderr is not a short clear message: %q", errs[:min(len(errs), 2000)])
			}
			r := decode(t, out)
			if len(r.Errors) != 1 {
				t.Errorf("errors in the report = %+v, want 1", r.Errors)
			}
			found := false
			for _, f := range r.Findings {
				found = found || (f.Rule == "DF003" && f.Location.Path == "ok/Dockerfile")
			}
			if !found {
				t.Error("the readable ok/Dockerfile was not reported next to the hostile input")
			}
			sameTree(t, "scanned tree", before, snapshot(t, dir))
		})
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildOut  []byte
)

// binary builds cmd/hardhull once into a temporary directory.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hardhull-e2e-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "hardhull")
		cmd := exec.Command("go", "build", "-o", binPath, "github.com/hardhull/hardhull/cmd/hardhull")
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build: %v\n%s", buildErr, buildOut)
	}
	return binPath
}

func TestMain(m *testing.M) {
	// No developer's vulnerability database may change what the tests see:
	// point at one that does not exist (tests that need one make their own).
	noDB, err := os.MkdirTemp("", "hardhull-e2e-nodb")
	if err != nil {
		panic(err)
	}
	os.Setenv("HARDHULL_DB", filepath.Join(noDB, "none.bolt"))
	code := m.Run()
	os.RemoveAll(noDB)
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

type procResult struct {
	code           int
	stdout, stderr string
}

// runBin runs the binary in dir with a private TMPDIR and HOME, and checks
// that neither was written to.
func runBin(t *testing.T, dir string, stdin io.Reader, args ...string) procResult {
	t.Helper()
	tmp, home := t.TempDir(), t.TempDir()
	cmd := exec.Command(binary(t), args...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, ".cache"), "NO_COLOR=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{tmp, home} {
		if ents, _ := os.ReadDir(d); len(ents) > 0 {
			t.Errorf("hardhull %v left %d entries in %s (first: %s)", args, len(ents), d, ents[0].Name())
		}
	}
	return procResult{code, out.String(), errb.String()}
}

func TestBinaryExitCodes(t *testing.T) {
	abs := func(p string) string { a, _ := filepath.Abs(p); return a }
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"insecure", []string{"scan", abs(insecure)}, 1},
		{"hardened", []string{"scan", abs(hardened)}, 0},
		{"fail-on critical on hardened", []string{"scan", abs(hardened), "--fail-on", "critical"}, 0},
		{"fail-on info on hardened", []string{"scan", abs(hardened), "--fail-on", "info"}, 1},
		{"unknown rule", []string{"explain", "XX001"}, 2},
		{"unknown flag", []string{"scan", "--bogus"}, 2},
		{"unknown command", []string{"frobnicate"}, 2},
		{"rules", []string{"rules"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runBin(t, t.TempDir(), nil, tt.args...)
			if r.code != tt.want {
				t.Errorf("exit %d, want %d; stderr %q", r.code, tt.want, r.stderr)
			}
			if tt.want == 2 && !strings.HasPrefix(r.stderr, "hardhull: ") {
				t.Errorf("stderr %q", r.stderr)
			}
			if tt.want != 2 && r.stderr != "" {
				t.Errorf("stderr on a clean run: %q", r.stderr)
			}
		})
	}

	// The scan of the current directory: `hardhull scan` with no path.
	r := runBin(t, abs(hardened), nil, "scan")
	if r.code != 0 || !strings.Contains(r.stdout, "Dockerfile") {
		t.Errorf("scan in the project directory: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// `cat Dockerfile | hardhull scan --stdin-kind dockerfile -`
	df, _ := os.Open(filepath.Join(insecure, "Dockerfile"))
	defer df.Close()
	r = runBin(t, t.TempDir(), df, "scan", "--stdin-kind", "dockerfile", "-")
	if r.code != 1 || !strings.Contains(r.stdout, "-:2:1 high [DF001]") {
		t.Errorf("stdin: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Compose from stdin goes through a temporary file; it must be gone.
	r = runBin(t, t.TempDir(), strings.NewReader("services:\n  a:\n    image: alpine\n    privileged: true\n"), "scan", "--stdin-kind", "compose", "-")
	if r.code != 1 || !strings.Contains(r.stdout, "DC001") {
		t.Errorf("compose stdin: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestBinaryHostileInputs(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tc.files {
				write(t, dir, name, string(content))
			}
			before := snapshot(t, dir)
			r := runBin(t, dir, nil, "scan")
			if r.code != 2 {
				t.Errorf("exit %d, want 2; stderr %q", r.code, r.stderr)
			}
			line := firstLine(r.stderr)
			for _, w := range tc.want {
				if !strings.Contains(line, w) {
					t.Errorf("stderr %q does not contain %q", line, w)
				}
			}
			if strings.Contains(r.stderr, "goroutine ") || len(r.stderr) > 2000 {
				t.Errorf("stderr: %q", r.stderr[:min(len(r.stderr), 2000)])
			}
			sameTree(t, "scanned tree", before, snapshot(t, dir))
		})
	}
	// A 50 MB Dockerfile on stdin.
	big := io.MultiReader(strings.NewReader("FROM alpine\nRUN "), bytes.NewReader(bytes.Repeat([]byte("A"), 50<<20)))
	r := runBin(t, t.TempDir(), big, "scan", "--stdin-kind", "dockerfile", "-")
	if r.code != 2 || !strings.HasPrefix(r.stderr, "hardhull: -") || strings.Contains(r.stderr, "goroutine ") {
		t.Errorf("50 MB stdin: exit %d, stderr %q", r.code, r.stderr)
	}
}

// Loader messages can span lines (compose-go's decoding errors); stderr and
// the text report keep one line per input error.
func TestInputErrorsOneLine(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "compose.yaml", "services:\n  api:\n    image: alpine:3.20\n    mem_limit: lots\n")
	code, out, errs := hh(t, "", "scan", dir)
	if code != 2 {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "hardhull: compose.yaml") {
		t.Errorf("stderr is not one line naming the file: %q", errs)
	}
	n := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "error: ") {
			n++
			if !strings.Contains(l, "mem_limit") {
				t.Errorf("error line %q lost the message", l)
			}
		}
	}
	if n != 1 {
		t.Errorf("text report has %d error lines, want 1:\n%s", n, out)
	}
}
