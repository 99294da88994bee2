// Package e2e checks `hardhull scan`, `rules` and `explain` the way users
// call them: cli.Execute in-process with buffers, and the built binary as a
// subprocess for real exit codes and stderr.
package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/cli"
	"github.com/hardhull/hardhull/internal/finding"
)

var (
	insecure = filepath.Join("..", "..", "examples", "insecure-fastapi")
	hardened = filepath.Join("..", "..", "examples", "hardened-fastapi")
)

// hh runs the CLI in-process.
func hh(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Execute(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

type jsonReport struct {
	Findings []struct {
		Rule      string   `json:"rule"`
		Slug      string   `json:"slug"`
		Severity  string   `json:"severity"`
		Title     string   `json:"title"`
		Message   string   `json:"message"`
		Checklist []string `json:"checklist"`
		Location  struct {
			Path   string `json:"path"`
			Line   int    `json:"line"`
			Column int    `json:"column"`
		} `json:"location"`
		Fix string `json:"fix"`
	} `json:"findings"`
	Errors []struct {
		Path    string `json:"path"`
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"errors"`
}

func decode(t *testing.T, s string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, s[:min(len(s), 500)])
	}
	return r
}

func TestInsecureExample(t *testing.T) {
	code, out, errs := hh(t, "", "scan", insecure, "--format", "json")
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr: %s", code, errs)
	}
	r := decode(t, out)
	if len(r.Errors) != 0 {
		t.Errorf("input errors: %+v", r.Errors)
	}
	violated := map[string]bool{}
	for _, f := range r.Findings {
		if f.Location.Path == "" || strings.HasPrefix(f.Location.Path, "/") || strings.Contains(f.Location.Path, "..") {
			t.Errorf("%s: path %q is not relative to the scanned directory", f.Rule, f.Location.Path)
		}
		if f.Location.Line < 1 {
			t.Errorf("%s at %s has no line", f.Rule, f.Location.Path)
		}
		for _, c := range f.Checklist {
			violated[c] = true
		}
	}
	// The never-do app violates every item a static scan can decide.
	for _, it := range finding.Checklist {
		if it.Manual == "" && !violated[it.Key] {
			t.Errorf("no finding for checklist item %s (%s)", it.Key, it.Text)
		}
	}

	code, out, _ = hh(t, "", "scan", insecure, "--format", "checklist")
	if code != 1 {
		t.Errorf("checklist: exit %d, want 1", code)
	}
	for _, it := range finding.Checklist {
		line := checklistLine(out, it.Text)
		want := "[ ]"
		if it.Manual != "" {
			want = "[?]"
		}
		if !strings.HasPrefix(line, "- "+want) {
			t.Errorf("checklist item %q: %q, want %s", it.Text, line, want)
		}
		if it.Manual == "" && !regexp.MustCompile(`FAIL\s+\d+ findings?: [A-Z]{2}\d{3}`).MatchString(line) {
			t.Errorf("checklist item %q does not name the rules behind FAIL: %q", it.Text, line)
		}
	}
}

func checklistLine(out, text string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, text) {
			return l
		}
	}
	return ""
}

func TestHardenedExample(t *testing.T) {
	code, out, errs := hh(t, "", "scan", hardened, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d, want 0; stderr: %s", code, errs)
	}
	r := decode(t, out)
	for _, f := range r.Findings {
		if f.Severity != "info" && f.Severity != "low" {
			t.Errorf("%s %s at %s:%d: %s", f.Severity, f.Rule, f.Location.Path, f.Location.Line, f.Message)
		}
	}
	code, out, _ = hh(t, "", "scan", hardened, "--format", "checklist")
	if code != 0 {
		t.Errorf("checklist: exit %d", code)
	}
	for _, key := range []string{"runtime.non-root", "runtime.read-only", "runtime.capabilities", "secrets.injected", "secrets.no-env-files"} {
		if line := checklistLine(out, finding.ChecklistItem(key).Text); !strings.HasPrefix(line, "- [x]") {
			t.Errorf("hardened %s: %q, want PASS", key, line)
		}
	}
}

func TestFailOn(t *testing.T) {
	// The hardened example has low findings only; the insecure one has
	// critical ones.
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"scan", insecure, "--fail-on", "critical"}, 1},
		{[]string{"scan", hardened, "--fail-on", "critical"}, 0},
		{[]string{"scan", hardened, "--fail-on", "info"}, 1},
		{[]string{"scan", hardened, "--fail-on", "LOW"}, 1},
		{[]string{"scan", hardened}, 0},
		{[]string{"scan", hardened, "--fail-on", "severe"}, 2},
	}
	for _, tt := range tests {
		if code, _, errs := hh(t, "", tt.args...); code != tt.want {
			t.Errorf("%v: exit %d, want %d (%s)", tt.args, code, tt.want, errs)
		}
	}
	// fail-on from .hardhull.yaml, and the flag overriding it. A slim
	// Python image pinned by digest leaves an info finding (Python env).
	dir := t.TempDir()
	write(t, dir, "Dockerfile", "FROM python:3.12-slim@sha256:"+strings.Repeat("a", 64)+"\nUSER 1000\nHEALTHCHECK CMD true\nCMD [\"python\"]\n")
	r := decode(t, mustRun(t, "scan", dir, "--format", "json"))
	if len(r.Findings) == 0 {
		t.Fatal("no finding left to test fail-on with")
	}
	for _, f := range r.Findings {
		if f.Severity != "info" {
			t.Fatalf("unexpected %s %s: %s", f.Severity, f.Rule, f.Message)
		}
	}
	if code, _, _ := hh(t, "", "scan", dir); code != 0 {
		t.Errorf("info findings with the default threshold: exit %d, want 0", code)
	}
	write(t, dir, ".hardhull.yaml", "fail-on: info\n")
	if code, _, _ := hh(t, "", "scan", dir); code != 1 {
		t.Errorf("fail-on: info in .hardhull.yaml: exit %d, want 1", code)
	}
	if code, _, _ := hh(t, "", "scan", dir, "--fail-on", "critical"); code != 0 {
		t.Errorf("--fail-on critical over a config fail-on: info: exit %d, want 0", code)
	}
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := hh(t, "", args...)
	if code == 2 {
		t.Fatalf("%v: exit 2: %s", args, errs)
	}
	return out
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSARIFToFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "hardhull.sarif")
	code, stdout, errs := hh(t, "", "scan", insecure, "--format", "sarif", "-o", out)
	if code != 1 || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, stdout, errs)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID string } `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI, URIBaseID string } `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	run := doc.Runs[0]
	if doc.Version != "2.1.0" || len(run.Results) < 20 {
		t.Fatalf("version %s, %d results", doc.Version, len(run.Results))
	}
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("ruleIndex %d of %s points at %s", r.RuleIndex, r.RuleID, run.Tool.Driver.Rules[r.RuleIndex].ID)
		}
		al := r.Locations[0].PhysicalLocation.ArtifactLocation
		if al.URIBaseID != "%SRCROOT%" || strings.HasPrefix(al.URI, "/") || strings.Contains(al.URI, "..") {
			t.Errorf("%s uri %q base %q", r.RuleID, al.URI, al.URIBaseID)
		}
		if r.PartialFingerprints["hardhull/v1"] == "" {
			t.Errorf("%s without fingerprint", r.RuleID)
		}
	}
	// An output file that cannot be created is an error, exit 2.
	code, _, errs = hh(t, "", "scan", hardened, "-o", filepath.Join(t.TempDir(), "missing", "x.sarif"))
	if code != 2 || !strings.Contains(errs, "missing") {
		t.Errorf("unwritable -o: exit %d, stderr %q", code, errs)
	}
}

func TestStdin(t *testing.T) {
	df, err := os.ReadFile(filepath.Join(insecure, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := hh(t, string(df), "scan", "--stdin-kind", "dockerfile", "-", "--format", "json")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	r := decode(t, out)
	rules := map[string]bool{}
	for _, f := range r.Findings {
		if f.Location.Path != "-" {
			t.Errorf("stdin finding at %q, want -", f.Location.Path)
		}
		rules[f.Rule] = true
	}
	for _, id := range []string{"DF001", "DF003", "DF008", "DF017"} {
		if !rules[id] {
			t.Errorf("stdin Dockerfile: no %s", id)
		}
	}

	// Inline ignores apply to stdin content too.
	code, out, _ = hh(t, "# hardhull ignore=DF003 -- test\nFROM python:latest\n", "scan", "--stdin-kind", "dockerfile", "-", "--rule", "DF003")
	if code != 0 || !strings.Contains(out, "1 suppressed") {
		t.Errorf("inline ignore on stdin: exit %d\n%s", code, out)
	}

	compose := "services:\n  db:\n    image: postgres\n    privileged: true\n"
	code, out, _ = hh(t, compose, "scan", "--stdin-kind", "compose", "-", "--format", "json")
	if code != 1 || !strings.Contains(out, `"DC001"`) {
		t.Errorf("stdin compose: exit %d\n%s", code, out)
	}
	py := "from fastapi import FastAPI\napp = FastAPI(debug=True)\n"
	code, out, _ = hh(t, py, "scan", "--stdin-kind", "python", "-", "--format", "json")
	if code != 1 || !strings.Contains(out, `"PY001"`) {
		t.Errorf("stdin python: exit %d\n%s", code, out)
	}
	code, _, errs = hh(t, "FROM alpine\n", "scan", "-")
	if code != 2 || !strings.Contains(errs, "--stdin-kind") {
		t.Errorf("stdin without --stdin-kind: exit %d, %q", code, errs)
	}
	code, _, errs = hh(t, "FROM alpine\nFOO\n", "scan", "--stdin-kind", "dockerfile", "-")
	if code != 2 || !strings.Contains(errs, "-:2:") {
		t.Errorf("bad stdin Dockerfile: exit %d, stderr %q (want -:2:)", code, errs)
	}
}

func TestRulesJSON(t *testing.T) {
	code, out, errs := hh(t, "", "rules", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rs []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatal(err)
	}
	if len(rs) < 40 {
		t.Fatalf("only %d rules", len(rs))
	}
	idRe := regexp.MustCompile(`^[A-Z]{2}\d{3}$`)
	slugRe := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	sev := map[string]bool{"info": true, "low": true, "medium": true, "high": true, "critical": true}
	tools := map[string]bool{"hadolint": true, "trivy": true, "checkov": true, "kics": true, "dockle": true}
	seen := map[string]bool{}
	for _, r := range rs {
		var id, slug, severity string
		json.Unmarshal(r["id"], &id)
		json.Unmarshal(r["slug"], &slug)
		json.Unmarshal(r["severity"], &severity)
		if !idRe.MatchString(id) || !slugRe.MatchString(slug) || !sev[severity] || seen[id] {
			t.Errorf("rule id %q slug %q severity %q (duplicate %v)", id, slug, severity, seen[id])
		}
		seen[id] = true
		var checklist, cis, owasp []string
		for k, v := range map[string]*[]string{"checklist": &checklist, "cis": &cis, "owasp": &owasp} {
			if err := json.Unmarshal(r[k], v); err != nil || *v == nil {
				t.Errorf("%s: %s = %s, want an array", id, k, r[k])
			}
		}
		if len(checklist) == 0 && severity != "info" {
			// Only an informational note about how a file was read
			// (DC027, DC031) bears on no checklist item.
			t.Errorf("%s maps to no checklist item", id)
		}
		for _, c := range checklist {
			if finding.ChecklistItem(c) == nil {
				t.Errorf("%s: unknown checklist key %q", id, c)
			}
		}
		for _, c := range cis {
			if !regexp.MustCompile(`^\d+(\.\d+)+$`).MatchString(c) {
				t.Errorf("%s: CIS id %q", id, c)
			}
		}
		var eq map[string][]string
		if err := json.Unmarshal(r["equivalents"], &eq); err != nil || eq == nil {
			t.Errorf("%s: equivalents = %s, want an object", id, r["equivalents"])
		}
		for tool, ids := range eq {
			if !tools[tool] || len(ids) == 0 {
				t.Errorf("%s: equivalents %s: %v", id, tool, ids)
			}
		}
	}
	if code, _, errs := hh(t, "", "rules", "--format", "yaml"); code != 2 || errs == "" {
		t.Errorf("rules --format yaml: exit %d %q", code, errs)
	}
}

func TestExplain(t *testing.T) {
	code, out, errs := hh(t, "", "explain", "DF001")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"DF001", "runs-as-root", "Fix:", "runtime.non-root", "Bad", "Good"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain DF001 lacks %q:\n%s", want, out)
		}
	}
	// Slugs and lower case work too, and the output is stable.
	_, bySlug, _ := hh(t, "", "explain", "runs-as-root")
	_, lower, _ := hh(t, "", "explain", "df001")
	if bySlug != out || lower != out {
		t.Error("explain by slug or lower-case ID differs from explain DF001")
	}
	code, out, errs = hh(t, "", "explain", "DF999")
	if code != 2 || out != "" || !strings.Contains(errs, `unknown rule "DF999"`) {
		t.Errorf("unknown rule: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if code, _, _ := hh(t, "", "scan", hardened, "--rule", "NOPE01"); code != 2 {
		t.Errorf("scan --rule NOPE01: exit %d, want 2", code)
	}
	if code, _, _ := hh(t, "", "scan", hardened, "--format", "xml"); code != 2 {
		t.Errorf("scan --format xml: exit %d, want 2", code)
	}
	if code, _, _ := hh(t, "", "scan", "does/not/exist"); code != 2 {
		t.Errorf("scan of a missing path: exit %d, want 2", code)
	}
}

func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "Dockerfile", "FROM alpine:3.20\n")
	write(t, dir, ".hardhull.yaml", "disable: [DF001]\nfail_on: high\n")
	code, out, errs := hh(t, "", "scan", dir)
	if code != 2 || !strings.Contains(errs, ".hardhull.yaml:2: unknown key fail_on") || out != "" {
		t.Errorf("bad config: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

func TestBaselineThroughCLI(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "Dockerfile", "FROM python:latest\nENV DEBUG=true\nCMD python app.py\n")
	bl := filepath.Join(t.TempDir(), "baseline.json")
	if code, _, errs := hh(t, "", "scan", dir, "--write-baseline", bl); code != 0 {
		t.Fatalf("write-baseline run: exit %d %s", code, errs)
	}
	write(t, dir, "Dockerfile", "# moved\n\n\nFROM python:latest\nENV DEBUG=true\nCMD python app.py\n")
	code, out, _ := hh(t, "", "scan", dir, "--baseline", bl)
	if code != 0 || !strings.HasPrefix(out, "no findings") {
		t.Errorf("after a line shift the baseline should hide everything: exit %d\n%s", code, out)
	}
	write(t, dir, "Dockerfile", "FROM python:latest\nENV DEBUG=true\nEXPOSE 22\nCMD python app.py\n")
	code, out, _ = hh(t, "", "scan", dir, "--baseline", bl, "--format", "json")
	r := decode(t, out)
	if code != 1 || len(r.Findings) != 1 || r.Findings[0].Rule != "DF018" {
		t.Errorf("a new finding must show through the baseline: exit %d, %+v", code, r.Findings)
	}
	if code, _, errs := hh(t, "", "scan", dir, "--baseline", filepath.Join(dir, "none.json")); code != 2 || !strings.Contains(errs, "none.json") {
		t.Errorf("missing baseline: exit %d %q", code, errs)
	}
}

func TestBuildArgAndTarget(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "Dockerfile", `ARG TAG=latest
FROM python:${TAG} AS dev
RUN apt-get update && apt-get install -y gcc

FROM python:3.12-slim AS prod
USER 1000
`)
	rulesAt := func(args ...string) map[string]bool {
		r := decode(t, mustRun(t, append([]string{"scan", dir, "--format", "json"}, args...)...))
		m := map[string]bool{}
		for _, f := range r.Findings {
			m[f.Rule] = true
		}
		return m
	}
	// The dev stage is a builder: only FROM pinning applies to it.
	if got := rulesAt(); !got["DF003"] || got["DF001"] || got["DF007"] {
		t.Errorf("default target: %v", got)
	}
	if got := rulesAt("--build-arg", "TAG=3.12-slim"); got["DF003"] {
		t.Errorf("--build-arg TAG=3.12-slim still reports latest: %v", got)
	}
	// Shipping the dev stage: root, build tools and latest all count.
	if got := rulesAt("--target", "dev"); !got["DF001"] || !got["DF007"] || !got["DF003"] {
		t.Errorf("--target dev: %v", got)
	}
}

func TestInlineIgnoresThroughCLI(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "app/main.py", "from fastapi import FastAPI\n\n# hardhull ignore=PY001 -- local tool only\napp = FastAPI(debug=True, docs_url=None, redoc_url=None, openapi_url=None)\n")
	write(t, dir, "compose.yaml", "services:\n  api:  # hardhull ignore=DC005,DC007 -- tracked in #12\n    image: alpine:3.20\n    privileged: true  # hardhull ignore=DC001\n")
	r := decode(t, mustRun(t, "scan", dir, "--format", "json"))
	for _, f := range r.Findings {
		switch f.Rule {
		case "PY001", "DC001", "DC005", "DC007":
			t.Errorf("%s at %s:%d not suppressed", f.Rule, f.Location.Path, f.Location.Line)
		}
	}
	_, out, _ := hh(t, "", "scan", dir)
	if !strings.Contains(out, "(4 suppressed)") {
		t.Errorf("want 4 suppressed:\n%s", out)
	}
}
