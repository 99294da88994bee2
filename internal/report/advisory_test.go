package report

import (
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
	if m := mark(); m != Pass {
		t.Errorf("no findings: %s", m)
	}
	if m := mark(finding.Finding{Rule: digest, Severity: finding.Low}); m != Warn {
		t.Errorf("advisory only: %s, want warn", m)
	}
	if m := mark(finding.Finding{Rule: digest, Severity: finding.Low}, finding.Finding{Rule: latest, Severity: finding.Medium}); m != Fail {
		t.Errorf("advisory and a real violation: %s, want fail", m)
	}
}
