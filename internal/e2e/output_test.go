package e2e

import (
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
