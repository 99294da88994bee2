package config

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
	"github.com/hardhull/hardhull/internal/scan"
)

func equiv(tool, id string) []string {
	var out []string
	for _, r := range rules.ClaimingEquivalent(tool, id) {
		out = append(out, r.ID)
	}
	return out
}

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func scanDir(t *testing.T, dir string) *finding.Result {
	t.Helper()
	res, err := scan.Scan(context.Background(), scan.Options{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Fatalf("input errors: %+v", res.Errors)
	}
	return res
}

// at names a finding by rule, file and line.
func at(f finding.Finding) string {
	return fmt.Sprintf("%s@%s:%d", f.Rule.ID, f.Location.Path, f.Location.Line)
}

func names(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, at(f))
	}
	return out
}

const ignoredDockerfile = `# hardhull ignore-file=DF019 -- the compose service declares the healthcheck
# hadolint global ignore=DL3009
# hadolint ignore=DL3007
FROM python:latest AS build
RUN apt-get update && apt-get install -y curl

#trivy:ignore:AVD-DS-0002
# hardhull ignore=DF004,DF005 -- slim is coming
FROM python:3.12
# hardhull ignore=DF014
RUN apt-get update && apt-get install -y curl
ADD app.py /app/
CMD python app.py
RUN apt-get install -y wget
`

const ignoredCompose = `services:
  api:
    build: .
    # hardhull ignore=DC001 -- needs it
    privileged: true
    cap_add: [SYS_ADMIN]   # hardhull ignore=DC003 -- trailing
    network_mode: host
`

func TestInlineIgnores(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"Dockerfile": ignoredDockerfile, "compose.yaml": ignoredCompose,
		"app.py": "print(1)\n", ".dockerignore": ".git\n",
	})
	res := scanDir(t, dir)
	before := names(res.Findings)
	suppressed := []string{
		"DF019@Dockerfile:9",   // ignore-file
		"DF015@Dockerfile:11",  // hadolint global ignore=DL3009
		"DF003@Dockerfile:4",   // hadolint ignore=DL3007 above FROM
		"DF001@Dockerfile:9",   // trivy:ignore:AVD-DS-0002 in the comment block above
		"DF004@Dockerfile:9",   // hardhull ignore=DF004,DF005
		"DF005@Dockerfile:9",   // hardhull ignore=DF004,DF005
		"DF014@Dockerfile:11",  // hardhull ignore=DF014
		"DC001@compose.yaml:5", // comment above the key
		"DC003@compose.yaml:6", // trailing comment on the key line
	}
	kept := []string{
		"DF014@Dockerfile:14",  // the ignore on line 10 is for line 11 only (the build stage's line 5 ships nothing, so no apt rule judges it)
		"DF012@Dockerfile:12",  // no comment
		"DF017@Dockerfile:13",  // no comment
		"DC013@compose.yaml:7", // network_mode: host, no comment
	}
	for _, w := range append(slices.Clone(suppressed), kept...) {
		if !slices.Contains(before, w) {
			t.Fatalf("the rules no longer report %s, so this test proves nothing; findings: %v", w, before)
		}
	}
	(&Policy{Root: dir, Equivalent: equiv}).Apply(res)
	after := names(res.Findings)
	for _, s := range suppressed {
		if slices.Contains(after, s) {
			t.Errorf("%s not suppressed", s)
		}
	}
	for _, k := range kept {
		if !slices.Contains(after, k) {
			t.Errorf("%s suppressed but has no ignore", k)
		}
	}
	if res.Suppressed != len(before)-len(after) || res.Suppressed < len(suppressed) {
		t.Errorf("Suppressed = %d, before %d after %d", res.Suppressed, len(before), len(after))
	}

	// Without the equivalence table, other tools' comments do nothing.
	res = scanDir(t, dir)
	(&Policy{Root: dir}).Apply(res)
	after = names(res.Findings)
	for _, s := range []string{"DF003@Dockerfile:4", "DF001@Dockerfile:9", "DF015@Dockerfile:11"} {
		if !slices.Contains(after, s) {
			t.Errorf("%s suppressed without an equivalence table", s)
		}
	}
}

func TestTrivyAndHadolintForms(t *testing.T) {
	df001 := rules.Lookup("DF001").Rule
	df003 := rules.Lookup("DF003").Rule
	for _, comment := range []string{
		"#trivy:ignore:DS002", "#trivy:ignore:DS-0002", "#trivy:ignore:AVD-DS-0002", "# trivy:ignore:ds002",
	} {
		dir := writeTree(t, map[string]string{"Dockerfile": comment + "\nFROM alpine:3.20\n"})
		r := &finding.Result{Findings: []finding.Finding{{Rule: df001, Severity: df001.Severity, Location: finding.Location{Path: "Dockerfile", Line: 2}}}}
		(&Policy{Root: dir, Equivalent: equiv}).Apply(r)
		if len(r.Findings) != 0 {
			t.Errorf("%q does not suppress DF001", comment)
		}
	}
	for _, tt := range []struct {
		comment string
		rule    *finding.Rule
		want    bool
	}{
		{"# hadolint ignore=DL3007", df003, true},
		{"# hadolint ignore=DL3006,DL3007", df003, true},
		{"# hadolint ignore=DL3006", df003, false},
		{"# hadolint ignore=DL3007", df001, false},
		{"# hardhull ignore=df003", df003, true},
		{"# hardhull ignore=DF003 -- pinned by renovate", df003, true},
		{"# hardhull ignore=DF0031", df003, false},
		{"# some text mentioning hardhull", df003, false},
	} {
		dir := writeTree(t, map[string]string{"Dockerfile": tt.comment + "\nFROM alpine:latest\n"})
		r := &finding.Result{Findings: []finding.Finding{{Rule: tt.rule, Location: finding.Location{Path: "Dockerfile", Line: 2}}}}
		(&Policy{Root: dir, Equivalent: equiv}).Apply(r)
		if got := len(r.Findings) == 0; got != tt.want {
			t.Errorf("%q on %s: suppressed %v, want %v", tt.comment, tt.rule.ID, got, tt.want)
		}
	}
}

func TestConfigPolicy(t *testing.T) {
	rule := func(id string) *finding.Rule { return rules.Lookup(id).Rule }
	mk := func() *finding.Result {
		return &finding.Result{Findings: []finding.Finding{
			{Rule: rule("DF001"), Severity: finding.High, Location: finding.Location{Path: "examples/a/Dockerfile", Line: 1}},
			{Rule: rule("DF001"), Severity: finding.High, Location: finding.Location{Path: "app/Dockerfile", Line: 1}},
			{Rule: rule("DF004"), Severity: finding.Low, Location: finding.Location{Path: "app/Dockerfile", Line: 1}},
			{Rule: rule("DC007"), Severity: finding.Medium, Location: finding.Location{Path: "deploy/compose.yaml", Line: 3}},
			{Rule: rule("DF024"), Severity: finding.Info, Location: finding.Location{Path: "app/Dockerfile", Line: 1}},
			{Rule: rule("DC007"), Severity: finding.Medium, Location: finding.Location{Path: "x/testdata/compose.yaml", Line: 3}},
			{Rule: rule("IM001"), Severity: finding.High, Location: finding.Location{Image: "app:1", Path: "/etc/passwd"}},
		}}
	}
	cfg, err := Parse("p", []byte(`
disable: [df024]
severity: {DF004: high, dc007: critical}
ignore:
  - path: "examples/**"
    rules: [DF001]
  - path: "**/testdata/**"
`))
	if err != nil {
		t.Fatal(err)
	}
	r := mk()
	(&Policy{Config: cfg, Root: t.TempDir()}).Apply(r)
	var got []string
	for _, f := range r.Findings {
		got = append(got, f.Rule.ID+"@"+f.Location.Path+"="+f.Severity.String())
	}
	want := []string{"DF001@app/Dockerfile=high", "DF004@app/Dockerfile=high", "DC007@deploy/compose.yaml=critical", "IM001@/etc/passwd=high"}
	if !slices.Equal(got, want) {
		t.Errorf("after policy:\n got %v\nwant %v", got, want)
	}
	if r.Suppressed != 3 {
		t.Errorf("Suppressed = %d, want 3", r.Suppressed)
	}
	// A nil config is no policy.
	r = mk()
	(&Policy{}).Apply(r)
	if len(r.Findings) != 7 || r.Suppressed != 0 {
		t.Errorf("nil config changed the result: %d findings, %d suppressed", len(r.Findings), r.Suppressed)
	}
}

func TestExitCode(t *testing.T) {
	f := func(s finding.Severity) finding.Finding { return finding.Finding{Severity: s} }
	tests := []struct {
		name   string
		r      finding.Result
		failOn finding.Severity
		want   int
	}{
		{"nothing", finding.Result{}, finding.Medium, 0},
		{"below threshold", finding.Result{Findings: []finding.Finding{f(finding.Low), f(finding.Info)}}, finding.Medium, 0},
		{"at threshold", finding.Result{Findings: []finding.Finding{f(finding.Medium)}}, finding.Medium, 1},
		{"above threshold", finding.Result{Findings: []finding.Finding{f(finding.Critical)}}, finding.Medium, 1},
		{"fail-on info catches info", finding.Result{Findings: []finding.Finding{f(finding.Info)}}, finding.Info, 1},
		{"fail-on critical ignores high", finding.Result{Findings: []finding.Finding{f(finding.High)}}, finding.Critical, 0},
		{"fail-on critical", finding.Result{Findings: []finding.Finding{f(finding.High), f(finding.Critical)}}, finding.Critical, 1},
		{"input error wins", finding.Result{Findings: []finding.Finding{f(finding.Critical)}, Errors: []finding.InputError{{Path: "x"}}}, finding.Medium, 2},
		{"input error alone", finding.Result{Errors: []finding.InputError{{Path: "x"}}}, finding.Critical, 2},
		{"only suppressed", finding.Result{Suppressed: 5}, finding.Info, 0},
	}
	for _, tt := range tests {
		if got := ExitCode(&tt.r, tt.failOn); got != tt.want {
			t.Errorf("%s: ExitCode = %d, want %d", tt.name, got, tt.want)
		}
	}
}

// prepend inserts n lines at the top of each file (comments in each
// format), shifting every finding down.
func prepend(t *testing.T, dir string, n int, files ...string) {
	t.Helper()
	for _, name := range files {
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		head := strings.Repeat("# an added line\n", n)
		if err := os.WriteFile(p, append([]byte(head), b...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// copyDir copies the example project so the test can edit it.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestBaselineSurvivesLineShifts(t *testing.T) {
	dir := copyDir(t, filepath.Join("..", "..", "examples", "insecure-fastapi"))
	res := scanDir(t, dir)
	if len(res.Findings) < 20 {
		t.Fatalf("only %d findings on the insecure example", len(res.Findings))
	}
	bl := filepath.Join(t.TempDir(), "baseline.json")
	if err := WriteBaseline(bl, res.Findings); err != nil {
		t.Fatal(err)
	}
	base, err := ReadBaseline(bl)
	if err != nil {
		t.Fatal(err)
	}
	prepend(t, dir, 3, "Dockerfile", "docker-compose.yml", "app/main.py", "app/config.py")
	shifted := scanDir(t, dir)
	if len(shifted.Findings) != len(res.Findings) {
		t.Fatalf("findings %d before the shift, %d after", len(res.Findings), len(shifted.Findings))
	}
	for i := range shifted.Findings {
		if a, b := res.Findings[i].Location.Line, shifted.Findings[i].Location.Line; a > 0 && b != a+3 {
			t.Fatalf("finding %s moved from line %d to %d, want +3", at(shifted.Findings[i]), a, b)
		}
	}
	(&Policy{Baseline: base, Root: dir}).Apply(shifted)
	for _, f := range shifted.Findings {
		t.Errorf("%s (%s) no longer matches the baseline after a 3-line shift", at(f), f.Message)
	}

	// A new finding is not hidden by the baseline.
	b, _ := os.ReadFile(filepath.Join(dir, "Dockerfile"))
	os.WriteFile(filepath.Join(dir, "Dockerfile"), append(b, []byte("EXPOSE 23\n")...), 0o644)
	grown := scanDir(t, dir)
	(&Policy{Baseline: base, Root: dir}).Apply(grown)
	found := false
	for _, f := range grown.Findings {
		found = found || (f.Rule.ID == "DF018" && strings.Contains(f.Message, "23"))
	}
	if !found {
		t.Errorf("new EXPOSE 23 finding hidden by the baseline; left: %v", names(grown.Findings))
	}
}

func TestBaselineFile(t *testing.T) {
	r := rules.Lookup("DF001").Rule
	fs := []finding.Finding{
		{Rule: r, Location: finding.Location{Path: "b/Dockerfile", Line: 2}, Key: "k"},
		{Rule: r, Location: finding.Location{Path: "a/Dockerfile", Line: 9}, Key: "k"},
		{Rule: r, Location: finding.Location{Path: "a/Dockerfile", Line: 12}, Key: "k"}, // same fingerprint as the previous
	}
	p := filepath.Join(t.TempDir(), "bl.json")
	if err := WriteBaseline(p, fs); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if !strings.Contains(string(b), `"version": 1`) || strings.Index(string(b), "a/Dockerfile") > strings.Index(string(b), "b/Dockerfile") {
		t.Errorf("baseline not versioned or not sorted:\n%s", b)
	}
	m, err := ReadBaseline(p)
	if err != nil || len(m) != 2 || !m[fs[0].Fingerprint()] || !m[fs[1].Fingerprint()] {
		t.Errorf("ReadBaseline = %v, %v", m, err)
	}
	os.WriteFile(p, []byte("{not json"), 0o644)
	if _, err := ReadBaseline(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("bad baseline error %v does not name the file", err)
	}
	if _, err := ReadBaseline(p + ".missing"); err == nil {
		t.Error("missing baseline read without error")
	}
}

func TestJustification(t *testing.T) {
	for _, tt := range []struct{ comment, want string }{
		{"# hardhull ignore=DF001 -- runs as root by design", "runs as root by design"},
		{"# hadolint ignore=DL3007", "# hadolint ignore=DL3007"},
		{"# hardhull ignore=DF009 -- token ghp_" + "8fJ2kLm9QwErTyUiOpAsDfGhJkLzXcVbNm12", "ignore comment (withheld: it holds a secret)"},
	} {
		if got := justification(tt.comment); got != tt.want {
			t.Errorf("justification(%q) = %q, want %q", tt.comment, got, tt.want)
		}
	}
}
