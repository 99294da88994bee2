package imageaudit

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/imagetest"
	"github.com/hardhull/hardhull/internal/rules"
)

// Each image rule, run alone on its examples, records evidence only for its
// own checklist items; the good examples of the rules that judge a whole
// practice show it done.
func TestEvidenceStaysWithinRuleItems(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range rules.ByKind(finding.KindImage) {
		if !rules.HasEvidence(r.ID) {
			continue
		}
		for _, ex := range append(append([]finding.Example{}, r.Bad...), r.Good...) {
			for _, e := range judgeAlone(t, ex.Files, r).Evidence {
				seen[r.ID] = true
				if !slices.Contains(r.Checklist, e.Checklist) {
					t.Errorf("%s: evidence for %s, which it does not feed: %s", r.ID, e.Checklist, e.Message)
				}
			}
		}
	}
	for _, id := range []string{"IM001", "IM008", "IM011", "IM003", "IM007"} {
		if !seen[id] {
			t.Errorf("%s recorded no evidence on its examples", id)
		}
	}
}

func judgeAlone(t *testing.T, files map[string]string, r *rules.Rule) *finding.Result {
	t.Helper()
	img, err := imagetest.Build(files)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "img.tar")
	if err := imagetest.WriteSave(p, img, "example.test/app:1"); err != nil {
		t.Fatal(err)
	}
	res, err := Audit(context.Background(), p, Options{Rules: []*rules.Rule{r}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}
