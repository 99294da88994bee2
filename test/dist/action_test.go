package dist

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"
)

// fakeRelease serves what a GitHub release of hardhull serves, from a
// loopback server: the archive goreleaser makes for this machine (a real
// hardhull binary built with release ldflags), the checksums file and the
// releases API's latest entry.
type fakeRelease struct {
	srv      *httptest.Server
	tag      string
	files    map[string][]byte
	mu       sync.Mutex
	requests []string
}

func newFakeRelease(t *testing.T, tag string) *fakeRelease {
	t.Helper()
	const pkg = "github.com/hardhull/hardhull/internal/buildinfo"
	bin := buildHardhull(t, runtime.GOOS, runtime.GOARCH, "-s -w -X "+pkg+".version="+tag+" -X "+pkg+".commit=0123abcd -X "+pkg+".date=2026-01-02T03:04:05Z")
	v := strings.TrimPrefix(tag, "v")
	archive := fmt.Sprintf("hardhull_%s_%s_%s.tar.gz", v, runtime.GOOS, runtime.GOARCH)
	tgz := tarGz(t, map[string]string{"hardhull": bin, "LICENSE": filepath.Join(repoRoot(t), "LICENSE"), "README.md": filepath.Join(repoRoot(t), "README.md")})
	sum := sha256.Sum256(tgz)
	other := fmt.Sprintf("hardhull_%s_windows_arm64.zip", v)
	sums := fmt.Sprintf("%s  %s\n%s  %s\n", strings.Repeat("ab", 32), other, hex.EncodeToString(sum[:]), archive)
	return serveRelease(t, tag, map[string][]byte{
		archive:                            tgz,
		"hardhull_" + v + "_checksums.txt": []byte(sums),
	})
}

// serveRelease serves the named assets as release tag's downloads, and
// tag as the latest release.
func serveRelease(t *testing.T, tag string, assets map[string][]byte) *fakeRelease {
	t.Helper()
	r := &fakeRelease{tag: tag, files: map[string][]byte{
		"/api/latest": []byte(`{"url": "x", "tag_name": "` + tag + `", "name": "` + tag + `"}`),
	}}
	for name, b := range assets {
		r.files["/download/"+tag+"/"+name] = b
	}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.requests = append(r.requests, req.URL.Path)
		b, ok := r.files[req.URL.Path]
		r.mu.Unlock()
		if !ok {
			http.NotFound(w, req)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func tarGz(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := os.ReadFile(files[n])
		if err != nil {
			t.Fatal(err)
		}
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o755, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(b)
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

type actionRun struct {
	code           int
	stdout, stderr string
	outputs        map[string]string
	path           string
}

// runAction runs scripts/action.sh as the composite action's step does,
// with the runner's variables pointing into temporary directories.
func (r *fakeRelease) runAction(t *testing.T, workspace string, inputs map[string]string) actionRun {
	t.Helper()
	runner := t.TempDir()
	out, ghPath := filepath.Join(runner, "output"), filepath.Join(runner, "path")
	arch := map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH]
	env := []string{
		"RUNNER_OS=Linux", "RUNNER_ARCH=" + arch, "RUNNER_TEMP=" + runner,
		"GITHUB_OUTPUT=" + out, "GITHUB_PATH=" + ghPath, "GITHUB_WORKSPACE=" + workspace,
		"HH_DOWNLOAD_URL=" + r.srv.URL + "/download", "HH_API_URL=" + r.srv.URL + "/api",
		"GITHUB_TOKEN=",
	}
	for k, v := range inputs {
		env = append(env, k+"="+v)
	}
	code, stdout, stderr := runBin(t, workspace, env, "bash", filepath.Join(repoRoot(t), "scripts", "action.sh"))
	res := actionRun{code: code, stdout: stdout, stderr: stderr, outputs: map[string]string{}}
	if b, err := os.ReadFile(out); err == nil {
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if k, v, ok := strings.Cut(line, "="); ok {
				res.outputs[k] = v
			}
		}
	}
	if b, err := os.ReadFile(ghPath); err == nil {
		res.path = strings.TrimSpace(string(b))
	}
	return res
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s required in CI: %v", tool, err)
			}
			t.Skipf("%s not on PATH (apt-get install %s)", tool, tool)
		}
	}
}

func TestActionScript(t *testing.T) {
	needTools(t, "bash", "curl", "tar", "sha256sum")
	rel := newFakeRelease(t, "v1.2.3")
	insecure := t.TempDir()
	copyTree(t, filepath.Join(repoRoot(t), "examples", "insecure-fastapi"), insecure)

	t.Run("latest release, SARIF for upload, gate fails", func(t *testing.T) {
		r := rel.runAction(t, insecure, map[string]string{"HH_VERSION": "latest", "HH_FORMAT": "sarif", "HH_FAIL_ON": "medium", "HH_UPLOAD_SARIF": "true"})
		if r.code != 1 {
			t.Fatalf("exit %d, want 1 (findings):\n%s", r.code, r.stderr)
		}
		if r.outputs["exit-code"] != "1" || r.outputs["report"] != "hardhull.sarif" || r.outputs["sarif-file"] != "hardhull.sarif" {
			t.Errorf("outputs %v", r.outputs)
		}
		if !strings.Contains(r.stderr, "latest release is v1.2.3") || !strings.Contains(r.stderr, "hardhull v1.2.3") || !strings.Contains(r.stderr, "verified against hardhull_1.2.3_checksums.txt") {
			t.Errorf("stderr:\n%s", r.stderr)
		}
		b, err := os.ReadFile(filepath.Join(insecure, "hardhull.sarif"))
		if err != nil || !strings.Contains(string(b), `"version": "2.1.0"`) || !strings.Contains(string(b), `"ruleId": "DF001"`) {
			t.Errorf("SARIF log: %v\n%.300s", err, b)
		}
		// The binary is on PATH for later steps.
		if code, out, _ := runBin(t, insecure, nil, filepath.Join(r.path, "hardhull"), "version"); code != 0 || !strings.HasPrefix(out, "hardhull v1.2.3\n") {
			t.Errorf("GITHUB_PATH %q: hardhull version: %d %q", r.path, code, out)
		}
	})

	t.Run("markdown report, SARIF on the side, threshold critical", func(t *testing.T) {
		r := rel.runAction(t, insecure, map[string]string{"HH_VERSION": "v1.2.3", "HH_FORMAT": "markdown", "HH_FAIL_ON": "critical",
			"HH_UPLOAD_SARIF": "true", "HH_SARIF_FILE": "out/side.sarif", "HH_PATH": "."})
		if r.code != 1 { // the insecure example has critical findings
			t.Fatalf("exit %d:\n%s", r.code, r.stderr)
		}
		if r.outputs["report"] != "hardhull.md" || r.outputs["sarif-file"] != "out/side.sarif" {
			t.Errorf("outputs %v", r.outputs)
		}
		if b, err := os.ReadFile(filepath.Join(insecure, "hardhull.md")); err != nil || !strings.Contains(string(b), "DF001") {
			t.Errorf("markdown report: %v", err)
		}
		// The side SARIF log, in a directory the script made.
		if b, err := os.ReadFile(filepath.Join(insecure, "out", "side.sarif")); err != nil || !strings.Contains(string(b), `"ruleId": "DF001"`) {
			t.Errorf("side SARIF: %v", err)
		}
		if strings.Contains(r.stderr, "SARIF run exited") {
			t.Errorf("side SARIF run failed:\n%s", r.stderr)
		}
	})

	t.Run("clean project passes", func(t *testing.T) {
		clean := t.TempDir()
		copyTree(t, filepath.Join(repoRoot(t), "examples", "hardened-fastapi"), clean)
		r := rel.runAction(t, clean, map[string]string{"HH_VERSION": "v1.2.3", "HH_FORMAT": "json", "HH_FAIL_ON": "medium"})
		if r.code != 0 || r.outputs["exit-code"] != "0" || r.outputs["sarif-file"] != "" {
			t.Fatalf("exit %d outputs %v:\n%s", r.code, r.outputs, r.stderr)
		}
		if _, err := os.Stat(filepath.Join(clean, "hardhull.json")); err != nil {
			t.Error(err)
		}
	})

	t.Run("tampered archive is refused", func(t *testing.T) {
		for p, b := range rel.files {
			if strings.HasSuffix(p, ".tar.gz") {
				bad := append([]byte(nil), b...)
				bad[len(bad)/2] ^= 0xff
				rel.mu.Lock()
				rel.files[p] = bad
				rel.mu.Unlock()
				t.Cleanup(func() { rel.mu.Lock(); rel.files[p] = b; rel.mu.Unlock() })
			}
		}
		ws := t.TempDir()
		r := rel.runAction(t, ws, map[string]string{"HH_VERSION": "v1.2.3"})
		if r.code != 3 || !strings.Contains(r.stderr, "checksum mismatch for hardhull_1.2.3_") {
			t.Errorf("exit %d, want 3 with a checksum mismatch:\n%s", r.code, r.stderr)
		}
		if _, err := os.Stat(filepath.Join(ws, "hardhull.sarif")); err == nil || r.outputs["exit-code"] != "" {
			t.Error("hardhull ran from an unverified archive")
		}
	})

	t.Run("unknown release", func(t *testing.T) {
		r := rel.runAction(t, t.TempDir(), map[string]string{"HH_VERSION": "v9.9.9"})
		if r.code != 3 || !strings.Contains(r.stderr, "download failed") {
			t.Errorf("exit %d:\n%s", r.code, r.stderr)
		}
		r = rel.runAction(t, t.TempDir(), map[string]string{"HH_VERSION": "main"})
		if r.code != 3 || !strings.Contains(r.stderr, "release tag like v1.2.3") {
			t.Errorf("exit %d:\n%s", r.code, r.stderr)
		}
	})
}

// action.yml hands every input to the script, and the script reads each.
func TestActionMetadata(t *testing.T) {
	var a struct {
		Name   string
		Inputs map[string]struct {
			Description string
			Default     *string
		}
		Outputs map[string]struct{ Value string }
		Runs    struct {
			Using string
			Steps []struct {
				ID   string
				Run  string
				Uses string
				If   string
				Env  map[string]string
				With map[string]string
			}
		}
	}
	if err := yaml.Unmarshal([]byte(readRoot(t, "action.yml")), &a); err != nil {
		t.Fatal(err)
	}
	if a.Runs.Using != "composite" || len(a.Runs.Steps) != 2 {
		t.Fatalf("runs: %+v", a.Runs)
	}
	scan, upload := a.Runs.Steps[0], a.Runs.Steps[1]
	if !strings.Contains(scan.Run, "scripts/action.sh") {
		t.Errorf("scan step runs %q", scan.Run)
	}
	script := readRoot(t, "scripts/action.sh")
	for _, in := range []string{"version", "path", "format", "fail-on", "severity", "upload-sarif"} {
		if _, ok := a.Inputs[in]; !ok {
			t.Errorf("input %s missing", in)
		}
	}
	for name, in := range a.Inputs {
		if in.Description == "" || in.Default == nil {
			t.Errorf("input %s needs a description and a default", name)
		}
		if name == "category" {
			if upload.With["category"] != "${{ inputs.category }}" {
				t.Errorf("category not passed to the upload: %v", upload.With)
			}
			continue
		}
		env := "HH_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		if scan.Env[env] != "${{ inputs."+name+" }}" {
			t.Errorf("input %s not passed as %s: %q", name, env, scan.Env[env])
		}
		if !strings.Contains(script, "${"+env) {
			t.Errorf("scripts/action.sh never reads %s", env)
		}
	}
	if !strings.HasPrefix(upload.Uses, "github/codeql-action/upload-sarif@") || !strings.Contains(upload.If, "always()") {
		t.Errorf("upload step: %+v", upload)
	}
	for _, o := range []string{"exit-code", "report", "sarif-file"} {
		if !strings.Contains(a.Outputs[o].Value, "steps.scan.outputs."+o) || !strings.Contains(script, `echo "`+o+`=`) {
			t.Errorf("output %s not wired: %q", o, a.Outputs[o].Value)
		}
	}
}
