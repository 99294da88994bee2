package e2e

import (
	"encoding/json"
	"encoding/xml"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportOnlyAndExitCode(t *testing.T) {
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"scan", insecure, "--fail-on", "none"}, 0},
		{[]string{"scan", insecure, "--exit-code", "0"}, 0},
		{[]string{"scan", insecure, "--exit-code", "3"}, 3},
		{[]string{"scan", insecure, "--exit-code", "3", "--fail-on", "none"}, 0},
		{[]string{"scan", insecure, "--exit-code", "-1"}, 2},
		{[]string{"scan", insecure, "--write-baseline", filepath.Join(t.TempDir(), "b.json")}, 0},
		// Input errors stay errors in a report-only run.
		{[]string{"scan", filepath.Join(insecure, "missing"), "--fail-on", "none"}, 2},
	}
	for _, tt := range tests {
		if code, _, errs := hh(t, "", tt.args...); code != tt.want {
			t.Errorf("%v: exit %d, want %d (%s)", tt.args, code, tt.want, errs)
		}
	}
}

func TestSeverityFilterKeepsExitCode(t *testing.T) {
	code, out, errs := hh(t, "", "scan", insecure, "--format", "json", "--severity", "critical")
	if code != 1 {
		t.Fatalf("exit %d (%s)", code, errs)
	}
	all := decode(t, mustRun(t, "scan", insecure, "--format", "json"))
	r := decode(t, out)
	if len(r.Findings) == 0 || len(r.Findings) >= len(all.Findings) {
		t.Fatalf("--severity critical shows %d of %d findings", len(r.Findings), len(all.Findings))
	}
	for _, f := range r.Findings {
		if f.Severity != "critical" {
			t.Errorf("shown: %s %s", f.Severity, f.Rule)
		}
	}
	// Only low findings shown, but medium and above still fail the run.
	code, out, _ = hh(t, "", "scan", insecure, "--severity", "low,info")
	if code != 1 || strings.Contains(out, " critical [") || !strings.Contains(out, "below the shown severities") {
		t.Errorf("--severity low,info: exit %d\n%s", code, out)
	}
	if code, _, errs := hh(t, "", "scan", insecure, "--severity", "bad"); code != 2 || !strings.Contains(errs, "--severity") {
		t.Errorf("bad --severity: exit %d %s", code, errs)
	}
	// The checklist judges on every finding whatever is shown.
	_, full, _ := hh(t, "", "scan", insecure, "--format", "checklist")
	_, narrowed, _ := hh(t, "", "scan", insecure, "--format", "checklist", "--severity", "critical")
	if full != narrowed {
		t.Error("--severity changed the checklist's marks")
	}
}

func TestWorstFirstAndSummary(t *testing.T) {
	r := decode(t, mustRun(t, "scan", insecure, "--format", "json"))
	rank := map[string]int{"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}
	for i := 1; i < len(r.Findings); i++ {
		if rank[r.Findings[i].Severity] > rank[r.Findings[i-1].Severity] {
			t.Fatalf("finding %d (%s) after a %s one", i, r.Findings[i].Severity, r.Findings[i-1].Severity)
		}
	}
	out := mustRun(t, "scan", insecure, "--summary")
	if !strings.HasPrefix(out, "top problems:\n  critical") || strings.Contains(out, "fix:") {
		t.Errorf("--summary:\n%s", out)
	}
}

type sarifOut struct {
	Runs []struct {
		OriginalURIBaseIDs map[string]struct {
			URI string `json:"uri"`
		} `json:"originalUriBaseIds"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string } `json:"artifactLocation"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			Suppressions []struct{ Kind, Justification string } `json:"suppressions"`
		} `json:"results"`
	} `json:"runs"`
}

func TestSARIFThroughCLI(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".git/HEAD", "ref: refs/heads/main\n")
	app := filepath.Join(dir, "services", "api")
	write(t, app, "Dockerfile", "# hardhull ignore=DF003 -- pinned by the release job\nFROM python:latest\nENV DEBUG=true\nEXPOSE 22\nCMD python app.py\n")
	write(t, app, ".hardhull.yaml", "disable: [DF024]\n")
	bl := filepath.Join(t.TempDir(), "b.json")
	// A baseline holding only DF018 (EXPOSE 22).
	mustRun(t, "scan", app, "--rule", "DF018", "--write-baseline", bl)
	code, out, errs := hh(t, "", "scan", app, "--format", "sarif", "--baseline", bl)
	if code == 2 {
		t.Fatalf("exit 2: %s", errs)
	}
	var doc sarifOut
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	run := doc.Runs[0]
	if got := run.OriginalURIBaseIDs["%SRCROOT%"].URI; got != "file://"+filepath.ToSlash(dir)+"/" {
		t.Errorf("%%SRCROOT%% = %q, want the git work tree %q", got, dir)
	}
	sup := map[string]string{}
	for _, r := range run.Results {
		if u := r.Locations[0].PhysicalLocation.ArtifactLocation.URI; u != "services/api/Dockerfile" {
			t.Errorf("%s uri %q, want it relative to the repository root", r.RuleID, u)
		}
		for _, s := range r.Suppressions {
			sup[r.RuleID] = s.Kind + ": " + s.Justification
		}
	}
	want := map[string]string{
		"DF003": "inSource: pinned by the release job",
		"DF024": "external: rule disabled in .hardhull.yaml",
		"DF018": "external: accepted in the baseline",
	}
	for id, w := range want {
		if sup[id] != w {
			t.Errorf("%s suppression %q, want %q", id, sup[id], w)
		}
	}
}

func TestJUnitFollowsFailOn(t *testing.T) {
	type suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Cases []struct {
				Failure *struct {
					Type string `xml:"type,attr"`
				} `xml:"failure"`
				Skipped *struct{} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	all := decode(t, mustRun(t, "scan", insecure, "--format", "json"))
	atLeastHigh := 0
	for _, f := range all.Findings {
		if f.Severity == "high" || f.Severity == "critical" {
			atLeastHigh++
		}
	}
	for _, tt := range []struct {
		args     []string
		failures int
	}{
		{[]string{"--fail-on", "high"}, atLeastHigh},
		{[]string{"--fail-on", "info"}, len(all.Findings)},
		{[]string{"--fail-on", "none"}, 0},
	} {
		_, out, _ := hh(t, "", append([]string{"scan", insecure, "--format", "junit"}, tt.args...)...)
		var doc suites
		if err := xml.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Failures != tt.failures || doc.Skipped != len(all.Findings)-tt.failures || doc.Tests != len(all.Findings) {
			t.Errorf("%v: tests %d failures %d skipped %d, want failures %d of %d", tt.args, doc.Tests, doc.Failures, doc.Skipped, tt.failures, len(all.Findings))
		}
		for _, s := range doc.Suites {
			for _, c := range s.Cases {
				if c.Failure != nil && c.Skipped != nil {
					t.Error("a case both failed and skipped")
				}
				if tt.args[1] == "high" && c.Failure != nil && c.Failure.Type != "high" && c.Failure.Type != "critical" {
					t.Errorf("failure of severity %s with --fail-on high", c.Failure.Type)
				}
			}
		}
	}
}
