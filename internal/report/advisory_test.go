package report

import (
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/finding"
)

func TestAdvisoryFindingsWarn(t *testing.T) {
	digest := &finding.Rule{ID: "DF004", Kind: finding.KindDockerfile, Severity: finding.Low, Advisory: true, Checklist: []string{"build.pinned-versions"}}
	latest := &finding.Rule{ID: "DF003", Kind: finding.KindDockerfile, Severity: finding.Medium, Checklist: []string{"build.pinned-versions"}}
	cat := []*finding.Rule{digest, latest}
	mark := func(fs ...finding.Finding) Mark {
		r := &finding.Result{Findings: fs, Kinds: map[finding.Kind]int{finding.KindDockerfile: 1}}
		for _, st := range Evaluate(r, cat) {
			if st.Item.Key == "build.pinned-versions" {
				return st.Mark
			}
		}
		t.Fatal("item missing")
		return ""
	}
	if m := mark(); m != NA {
		t.Errorf("no findings and no evidence: %s, want n/a (silence is not a pass)", m)
	}
	if m := mark(finding.Finding{Rule: digest, Severity: finding.Low}); m != Warn {
		t.Errorf("advisory only: %s, want warn", m)
	}
	if m := mark(finding.Finding{Rule: digest, Severity: finding.Low}, finding.Finding{Rule: latest, Severity: finding.Medium}); m != Fail {
		t.Errorf("advisory and a real violation: %s, want fail", m)
	}
}

func TestUnknownEvidenceIsNotPass(t *testing.T) {
	ro := &finding.Rule{ID: "DC005", Kind: finding.KindCompose, Severity: finding.Medium, Checklist: []string{"runtime.read-only"}}
	mark := func(es ...finding.Evidence) Mark {
		r := &finding.Result{Evidence: es, Kinds: map[finding.Kind]int{finding.KindCompose: 1}}
		for _, st := range Evaluate(r, []*finding.Rule{ro}) {
			if st.Item.Key == "runtime.read-only" {
				return st.Mark
			}
		}
		t.Fatal("item missing")
		return ""
	}
	seen := finding.Evidence{Checklist: "runtime.read-only", Message: "service api sets read_only: true"}
	unknown := finding.Evidence{Checklist: "runtime.read-only", Message: "service web: read_only: ${RO} is set by the deployment", Unknown: true}
	if m := mark(seen); m != Pass {
		t.Errorf("positive evidence: %s, want pass", m)
	}
	if m := mark(seen, unknown); m != Unknown {
		t.Errorf("one service undecidable: %s, want unknown", m)
	}
	if m := mark(); m != NA {
		t.Errorf("compose examined, nothing recorded: %s, want n/a", m)
	}
}

// A finding outranks evidence: one service done right does not make the
// item pass while another service violates it.
func TestFindingOutranksEvidence(t *testing.T) {
	ro := &finding.Rule{ID: "DC005", Kind: finding.KindCompose, Severity: finding.Medium, Checklist: []string{"runtime.read-only"}}
	r := &finding.Result{
		Findings: []finding.Finding{{Rule: ro, Severity: finding.Medium}},
		Evidence: []finding.Evidence{{Checklist: "runtime.read-only", Message: "service api sets read_only: true"}},
	}
	for _, e := range ChecklistEntries(r, []*finding.Rule{ro}) {
		if e.Key == "runtime.read-only" {
			if e.Verdict != "FAIL" || len(e.Rules) != 1 || e.Rules[0] != "DC005" || len(e.Evidence) != 1 {
				t.Errorf("got %+v, want FAIL by DC005 with the evidence listed", e)
			}
			return
		}
	}
	t.Fatal("item missing")
}

func TestEvidenceTextRedacts(t *testing.T) {
	for _, msg := range []string{
		"service api connects to postgres://app:hunter2hunter2@db/app",
		"service api sets API_TOKEN=ghp_R7mK2pQx9Lw4Zt8Vn3Bc6Hy1Jd5Fs0Ge7Ua2",
	} {
		got := EvidenceText(finding.Evidence{Message: msg})
		if strings.Contains(got, "hunter2hunter2") || strings.Contains(got, "R7mK2pQx9Lw4Zt8Vn3Bc6Hy1Jd5Fs0Ge7") {
			t.Errorf("evidence text leaks a secret: %s", got)
		}
	}
}
