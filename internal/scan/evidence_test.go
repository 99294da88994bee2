package scan

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
)

// Each rule feeds only the checklist items it evidences: run alone on each
// of its examples, a rule records evidence only for its own items.
func TestEvidenceStaysWithinRuleItems(t *testing.T) {
	n := 0
	for _, r := range rules.All() {
		if r.Kind == finding.KindImage || r.Kind == finding.KindContainer || !rules.HasEvidence(r.ID) {
			continue
		}
		for i, ex := range append(append([]finding.Example{}, r.Bad...), r.Good...) {
			res := scanFiles(t, ex.Files, Options{Rules: []*rules.Rule{r}})
			for _, e := range res.Evidence {
				n++
				if !slices.Contains(r.Checklist, e.Checklist) {
					t.Errorf("%s example %d: evidence for %s, which the rule does not feed: %s", r.ID, i, e.Checklist, e.Message)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no rule recorded evidence on its examples")
	}
}

// The good examples of the rules that judge a whole practice show it done:
// they must produce evidence, or the checklist could never pass on them.
func TestGoodExamplesShowEvidence(t *testing.T) {
	for _, id := range []string{"DF001", "DF005", "DF019", "DF021", "DC002", "DC004", "DC005", "DC007", "DC008", "DC010"} {
		r := rules.Lookup(id)
		got := 0
		for _, ex := range r.Good {
			got += len(scanFiles(t, ex.Files, Options{Rules: []*rules.Rule{r}}).Evidence)
		}
		if got == 0 {
			t.Errorf("%s: no evidence on any good example", id)
		}
	}
}

func scanFiles(t *testing.T, files map[string]string, opts Options) *finding.Result {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opts.Paths = []string{dir}
	res, err := Scan(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}
