package dist

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

type gitlabTemplate struct {
	Variables map[string]string
	Job       struct {
		Stage     string
		Image     string
		Script    []string
		Artifacts struct {
			When    string
			Reports map[string]string
			Paths   []string
		}
	} `yaml:"hardhull"`
}

func readGitLabTemplate(t *testing.T) gitlabTemplate {
	t.Helper()
	var g gitlabTemplate
	if err := yaml.Unmarshal([]byte(readRoot(t, "ci/gitlab/hardhull.gitlab-ci.yml")), &g); err != nil {
		t.Fatal(err)
	}
	return g
}

// busyboxPath is a directory of busybox applets, the tools an Alpine job
// image has, and nothing else.
func busyboxPath(t *testing.T) string {
	t.Helper()
	bb := ""
	for _, p := range []string{"/bin/busybox", "/usr/bin/busybox"} {
		if _, err := os.Stat(p); err == nil {
			bb = p
		}
	}
	if bb == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("busybox required in CI (.ci/docker-up.sh installs busybox-static)")
		}
		t.Skip("no busybox: apt-get install busybox-static")
	}
	out, err := exec.Command(bb, "--list").Output()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, applet := range strings.Fields(string(out)) {
		os.Symlink(bb, filepath.Join(dir, applet))
	}
	return dir
}

// The template's job, run as a GitLab runner runs it in an Alpine image:
// its script in busybox sh with only busybox on PATH, its variables, the
// release served from a loopback server. Both reports must be what GitLab
// reads, and the job must fail at its threshold.
func TestGitLabTemplate(t *testing.T) {
	g := readGitLabTemplate(t)
	if g.Job.Stage != "test" || !strings.HasPrefix(g.Job.Image, "alpine:") || g.Job.Artifacts.When != "always" {
		t.Errorf("job: %+v", g.Job)
	}
	reports := g.Job.Artifacts.Reports
	if reports["codequality"] != "gl-code-quality-report.json" || reports["sast"] != "gl-sast-report.json" {
		t.Fatalf("artifacts.reports: %v", reports)
	}
	path := busyboxPath(t)
	rel := newFakeRelease(t, "v1.2.3")
	sh := filepath.Join(path, "sh")

	run := func(t *testing.T, ws string, vars map[string]string) (int, string) {
		env := []string{"PATH=" + path, "HOME=" + t.TempDir(), "TMPDIR=" + t.TempDir(), "CI=true", "CI_PROJECT_DIR=" + ws}
		for k, v := range g.Variables {
			if vv, ok := vars[k]; ok {
				v = vv
			}
			env = append(env, k+"="+v)
		}
		env = append(env, "HARDHULL_DOWNLOAD_URL="+rel.srv.URL+"/download")
		cmd := exec.Command(sh, "-c", strings.Join(g.Job.Script, "\n"))
		cmd.Dir = ws
		cmd.Env = env // only this: the job image's environment, not the host's
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, string(out)
	}

	t.Run("insecure project in a subdirectory", func(t *testing.T) {
		ws := t.TempDir()
		copyTree(t, filepath.Join(repoRoot(t), "examples", "insecure-fastapi"), filepath.Join(ws, "service"))
		code, out := run(t, ws, map[string]string{"HARDHULL_PATH": "service"})
		if code != 1 || !strings.Contains(out, "hardhull v1.2.3") || !strings.Contains(out, ": OK") {
			t.Fatalf("job: exit %d, want 1:\n%s", code, out)
		}
		checkGitLabReports(t, ws, reports)
	})

	t.Run("clean project passes", func(t *testing.T) {
		ws := t.TempDir()
		copyTree(t, filepath.Join(repoRoot(t), "examples", "hardened-fastapi"), ws)
		if code, out := run(t, ws, nil); code != 0 {
			t.Fatalf("job: exit %d:\n%s", code, out)
		}
		for _, f := range []string{reports["codequality"], reports["sast"]} {
			if _, err := os.Stat(filepath.Join(ws, f)); err != nil {
				t.Error(err)
			}
		}
	})

	t.Run("tampered archive is refused", func(t *testing.T) {
		for p, b := range rel.files {
			if strings.HasSuffix(p, ".tar.gz") {
				bad := append([]byte(nil), b...)
				bad[len(bad)/3] ^= 0xff
				rel.mu.Lock()
				rel.files[p] = bad
				rel.mu.Unlock()
				t.Cleanup(func() { rel.mu.Lock(); rel.files[p] = b; rel.mu.Unlock() })
			}
		}
		ws := t.TempDir()
		code, out := run(t, ws, nil)
		if code != 3 || !strings.Contains(out, "checksum mismatch") {
			t.Errorf("exit %d, want 3:\n%s", code, out)
		}
		if _, err := os.Stat(filepath.Join(ws, reports["sast"])); err == nil {
			t.Error("hardhull ran from an unverified archive")
		}
	})
}

func checkGitLabReports(t *testing.T, ws string, reports map[string]string) {
	t.Helper()
	// SAST: valid against GitLab's schema.
	sast, err := os.ReadFile(filepath.Join(ws, reports["sast"]))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(repoRoot(t), "internal", "report", "testdata", "gitlab", "sast-report-format-15.1.4.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AddResource("sast.json", schemaDoc)
	schema, err := c.Compile("sast.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(sast))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Errorf("gl-sast-report.json: %v", err)
	}
	// Code quality: every issue points at a file that exists from the
	// repository root, as GitLab resolves it.
	var issues []struct {
		CheckName string `json:"check_name"`
		Location  struct {
			Path  string
			Lines struct{ Begin int }
		}
	}
	cq, err := os.ReadFile(filepath.Join(ws, reports["codequality"]))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(cq, &issues); err != nil || len(issues) == 0 {
		t.Fatalf("gl-code-quality-report.json: %v, %d issues", err, len(issues))
	}
	for _, is := range issues {
		if _, err := os.Stat(filepath.Join(ws, is.Location.Path)); err != nil || is.Location.Lines.Begin < 1 {
			t.Errorf("%s at %s:%d: %v", is.CheckName, is.Location.Path, is.Location.Lines.Begin, err)
		}
	}
}

// The include snippets README.md and docs/ci.md show name the template by
// its path here and set only variables it defines.
func TestGitLabIncludeSnippets(t *testing.T) {
	g := readGitLabTemplate(t)
	n := 0
	for _, doc := range []string{"README.md", "docs/ci.md"} {
		for _, b := range yamlBlocks(t, readRoot(t, doc)) {
			var s struct {
				Include []struct {
					Remote string
				}
				Variables map[string]string
			}
			if !strings.Contains(b, "include:") {
				continue
			}
			if err := yaml.Unmarshal([]byte(b), &s); err != nil {
				t.Errorf("%s: %v", doc, err)
				continue
			}
			n++
			for _, inc := range s.Include {
				const prefix = "https://raw.githubusercontent.com/hardhull/hardhull/"
				_, p, ok := strings.Cut(strings.TrimPrefix(inc.Remote, prefix), "/")
				if !strings.HasPrefix(inc.Remote, prefix) || !ok || p != "ci/gitlab/hardhull.gitlab-ci.yml" {
					t.Errorf("%s: include %q does not name ci/gitlab/hardhull.gitlab-ci.yml", doc, inc.Remote)
				}
			}
			for k := range s.Variables {
				if _, ok := g.Variables[k]; !ok {
					t.Errorf("%s: variable %s is not one the template reads", doc, k)
				}
			}
		}
	}
	if n < 2 {
		t.Errorf("%d include snippets, want one in README.md and one in docs/ci.md", n)
	}
}
