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
}
