package runtimeaudit

import (
	"slices"
	"testing"

	"github.com/hardhull/hardhull/internal/engine"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
)

// Each container rule, run alone on its examples, records evidence only for
// its own checklist items, and the hardened container shows every practice
// those rules judge.
func TestEvidenceStaysWithinRuleItems(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range rules.ByKind(finding.KindContainer) {
		if !rules.HasEvidence(r.ID) {
			continue
		}
		for _, ex := range append(append([]finding.Example{}, r.Bad...), r.Good...) {
			c, err := exampleContainer(ex.Files)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range Judge([]*engine.Container{c}, []*rules.Rule{r}).Evidence {
				seen[r.ID] = true
				if !slices.Contains(r.Checklist, e.Checklist) {
					t.Errorf("%s: evidence for %s, which it does not feed: %s", r.ID, e.Checklist, e.Message)
				}
			}
		}
	}
	for _, id := range []string{"RT001", "RT003", "RT005", "RT008", "RT009", "RT010"} {
		if !seen[id] {
			t.Errorf("%s recorded no evidence on its examples", id)
		}
	}
}
