package dist

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/hardhull/hardhull/internal/scaffold"
)

type workflow struct {
	Jobs map[string]struct {
		Steps []wfStep
	}
}

type wfStep struct {
	ID   string
	If   string
	Uses string
	Run  string
	With map[string]string
}

// yamlBlocks returns the ```yaml blocks of a markdown file.
func yamlBlocks(t *testing.T, md string) []string {
	t.Helper()
	var out []string
	for _, m := range regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(md, -1) {
		out = append(out, m[1])
	}
	return out
}

// actionDefaults reads action.yml's inputs and their defaults.
func actionDefaults(t *testing.T) map[string]string {
	t.Helper()
	var a struct {
		Inputs map[string]struct{ Default string }
	}
	if err := yaml.Unmarshal([]byte(readRoot(t, "action.yml")), &a); err != nil {
		t.Fatal(err)
	}
	d := map[string]string{}
	for k, v := range a.Inputs {
		d[k] = v.Default
	}
	return d
}

// The workflows docs/ci.md and README.md show, run step by step as a runner would on
// the insecure example: checkout is a copy, the hardhull action runs its
// script against a local release, upload-sarif checks the file it would
// upload, and run steps run in bash with the action's binary on PATH.
func TestCIDocWorkflows(t *testing.T) {
	needTools(t, "bash", "curl", "tar", "sha256sum")
	rel := newFakeRelease(t, "v1.2.3")
	defaults := actionDefaults(t)
	blocks := append(yamlBlocks(t, readRoot(t, "docs/ci.md")), yamlBlocks(t, readRoot(t, "README.md"))...)
	// The workflow `hardhull init fastapi` writes runs on the project it
	// is written into, which must pass.
	files, err := scaffold.Render("fastapi", scaffold.Params{Name: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	generated := t.TempDir()
	if _, err := scaffold.Write(generated, files, scaffold.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	wfFile, err := os.ReadFile(filepath.Join(generated, ".github", "workflows", "hardhull.yml"))
	if err != nil {
		t.Fatal(err)
	}
	initWorkflow := len(blocks)
	blocks = append(blocks, string(wfFile))
	ran := 0
	for i, b := range blocks {
		checkout, wantFail := filepath.Join(repoRoot(t), "examples", "insecure-fastapi"), true
		if i == initWorkflow {
			checkout, wantFail = generated, false
		}
		var doc any
		if err := yaml.Unmarshal([]byte(b), &doc); err != nil {
			t.Errorf("docs/ci.md yaml block %d: %v", i+1, err)
			continue
		}
		if m, ok := doc.(map[string]any); !ok || m["jobs"] == nil {
			continue // a fragment of steps, not a workflow
		}
		var wf workflow
		if err := yaml.Unmarshal([]byte(b), &wf); err != nil {
			t.Errorf("docs/ci.md yaml block %d: %v", i+1, err)
			continue
		}
		for name, job := range wf.Jobs {
			if !usesAction(job.Steps) {
				continue
			}
			ran++
			t.Run(fmt.Sprintf("%s-%d", name, i), func(t *testing.T) {
				ws := t.TempDir()
				var path string
				failed := false
				for _, st := range job.Steps {
					if failed && !strings.Contains(st.If, "always()") {
						continue
					}
					switch {
					case strings.HasPrefix(st.Uses, "actions/checkout@"):
						copyTree(t, checkout, ws)
					case strings.HasPrefix(st.Uses, "hardhull/hardhull@"):
						in := map[string]string{}
						for k, v := range defaults {
							in[k] = v
						}
						for k, v := range st.With {
							if _, ok := defaults[k]; !ok {
								t.Errorf("step %s: input %q is not in action.yml", st.ID, k)
							}
							in[k] = v
						}
						if in["version"] == "latest" || in["version"] == "" {
							in["version"] = "latest"
						}
						env := map[string]string{}
						for k, v := range in {
							env["HH_"+strings.ToUpper(strings.ReplaceAll(k, "-", "_"))] = v
						}
						r := rel.runAction(t, ws, env)
						path = r.path
						if r.code > 1 {
							t.Fatalf("action exited %d:\n%s", r.code, r.stderr)
						}
						if in["upload-sarif"] == "true" {
							checkSARIFFile(t, filepath.Join(ws, r.outputs["sarif-file"]))
						}
						failed = r.code != 0
					case strings.HasPrefix(st.Uses, "github/codeql-action/upload-sarif@"):
						checkSARIFFile(t, filepath.Join(ws, st.With["sarif_file"]))
					case st.Run != "":
						summary := filepath.Join(t.TempDir(), "summary")
						code, out, errs := runBin(t, ws, []string{"PATH=" + path + string(os.PathListSeparator) + os.Getenv("PATH"), "GITHUB_STEP_SUMMARY=" + summary},
							"bash", "-e", "-c", st.Run)
						if code != 0 {
							t.Errorf("run %q: exit %d\n%s%s", st.Run, code, out, errs)
						}
						if strings.Contains(st.Run, "GITHUB_STEP_SUMMARY") {
							if b, _ := os.ReadFile(summary); wantFail && !strings.Contains(string(b), "DF001") {
								t.Errorf("step summary: %q", b)
							}
						}
					default:
						t.Errorf("step %+v: unknown to this test", st)
					}
				}
				if failed != wantFail {
					t.Errorf("gate failed=%v on %s, want %v", failed, checkout, wantFail)
				}
			})
		}
	}
	if ran < 4 {
		t.Errorf("docs/ci.md and README.md show %d workflows using the hardhull action, want at least 3", ran)
	}
}

func usesAction(steps []wfStep) bool {
	for _, s := range steps {
		if strings.HasPrefix(s.Uses, "hardhull/hardhull@") {
			return true
		}
	}
	return false
}

func checkSARIFFile(t *testing.T, p string) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil || !strings.Contains(string(b), `"version": "2.1.0"`) || !strings.Contains(string(b), `"results"`) {
		t.Errorf("SARIF to upload %s: %v %.200s", p, err, b)
	}
}
