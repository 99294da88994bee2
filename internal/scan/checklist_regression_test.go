package scan

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/report"
	"github.com/hardhull/hardhull/internal/rules"
)

// checklistCase is one hand-checked Security Checklist verdict on a corpus
// repository: a reviewer read its Dockerfiles and compose files and decided
// what the item's verdict must be, and wrote why.
type checklistCase struct {
	source   string // testdata file and line
	repo     string
	item     string
	verdicts []string // the right verdict first; alternatives after it
	why      string
}

// loadChecklistCases reads testdata/checklist/*.tsv: repo, item, verdict
// (PASS | FAIL | WARN | UNKNOWN | N/A | MANUAL, or alternatives joined by
// "|"), why. Lines starting with # are comments.
func loadChecklistCases(t *testing.T) []checklistCase {
	t.Helper()
	valid := []string{"PASS", "FAIL", "WARN", "UNKNOWN", "N/A", "MANUAL"}
	var out []checklistCase
	for _, row := range readCaseFiles(t, filepath.Join("testdata", "checklist", "*.tsv")) {
		cols, where := row.cols, row.where
		if len(cols) != 4 || strings.TrimSpace(cols[3]) == "" {
			t.Fatalf("%s: want repo, item, verdict and why, tab-separated", where)
		}
		c := checklistCase{source: where, repo: cols[0], item: cols[1], verdicts: strings.Split(cols[2], "|"), why: cols[3]}
		if finding.ChecklistItem(c.item) == nil {
			t.Fatalf("%s: unknown checklist item %q", where, c.item)
		}
		for i, v := range c.verdicts {
			if !slices.Contains(valid, v) {
				t.Fatalf("%s: verdict %q", where, v)
			}
			if i > 0 && v == "PASS" {
				t.Fatalf("%s: PASS can only be the verdict itself, never a stand-in", where)
			}
		}
		out = append(out, c)
	}
	return out
}

// TestCorpusChecklist scans each repository the cases name and holds every
// hand-checked checklist verdict.
func TestCorpusChecklist(t *testing.T) {
	root := corpusDir(t)
	cases := loadChecklistCases(t)
	if len(cases) == 0 {
		t.Fatal("no checklist cases")
	}
	byRepo := map[string][]checklistCase{}
	var repos []string
	for _, c := range cases {
		byRepo[c.repo] = append(byRepo[c.repo], c)
		repos = append(repos, c.repo)
	}
	var cat []*finding.Rule
	for _, r := range rules.All() {
		cat = append(cat, r.Rule)
	}
	scanEachRepo(t, root, repos, func(repo, _ string, res *finding.Result) {
		got := map[string]report.ChecklistEntry{}
		for _, e := range report.ChecklistEntries(res, cat) {
			got[e.Key] = e
		}
		for _, c := range byRepo[repo] {
			e := got[c.item]
			if !slices.Contains(c.verdicts, e.Verdict) {
				t.Errorf("%s: %s %s is %s (rules %v, evidence %v), want %s: %s", c.source, repo, c.item, e.Verdict, e.Rules, e.Evidence, strings.Join(c.verdicts, " or "), c.why)
			}
		}
	})
}
