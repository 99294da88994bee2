package scan

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/finding"
)

// regressionCase is one hand-checked verdict on a real corpus file: a
// reviewer opened the file at the line and decided whether the rule must
// fire there or stay silent, and wrote why.
type regressionCase struct {
	source string // testdata file and line, for failure messages
	repo   string // folder under the corpus' repos/
	file   string // path inside the repository
	line   int    // 0: anywhere in the file
	rule   string
	expect string           // "fire" or "silent"
	sev    finding.Severity // checked when sevSet
	sevSet bool
	msg    string // substring the message must contain (fire only)
	why    string
}

// tsvRow is one non-comment line of a hand-checked case file.
type tsvRow struct {
	where string // file:line, for failure messages
	cols  []string
}

// readCaseFiles reads every tab-separated file matching glob, leaving out
// blank lines and lines starting with #.
func readCaseFiles(t *testing.T, glob string) []tsvRow {
	t.Helper()
	files, err := filepath.Glob(glob)
	if err != nil {
		t.Fatal(err)
	}
	var out []tsvRow
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			text := sc.Text()
			if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
				continue
			}
			out = append(out, tsvRow{where: name + ":" + strconv.Itoa(n), cols: strings.Split(text, "\t")})
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// scanEachRepo scans each named corpus repository on its own, as a user
// scans its checkout, in a stable order.
func scanEachRepo(t *testing.T, root string, repos []string, fn func(repo, dir string, res *finding.Result)) {
	t.Helper()
	repos = slices.Clone(repos)
	slices.Sort(repos)
	repos = slices.Compact(repos)
	for _, repo := range repos {
		dir := filepath.Join(root, repo)
		res, err := Scan(context.Background(), Options{Paths: []string{dir}})
		if err != nil {
			t.Fatalf("%s: %v", repo, err)
		}
		fn(repo, dir, res)
	}
}

// loadRegression reads testdata/regression/*.tsv. Columns, tab-separated:
// repo, file, line, rule, expect (fire | fire:SEVERITY | silent), why, and
// an optional message substring.
func loadRegression(t *testing.T) []regressionCase {
	t.Helper()
	var out []regressionCase
	for _, row := range readCaseFiles(t, filepath.Join("testdata", "regression", "*.tsv")) {
		cols, where := row.cols, row.where
		if len(cols) < 6 {
			t.Fatalf("%s: want at least 6 tab-separated columns, got %d", where, len(cols))
		}
		line, err := strconv.Atoi(cols[2])
		if err != nil {
			t.Fatalf("%s: line %q: %v", where, cols[2], err)
		}
		c := regressionCase{source: where, repo: cols[0], file: cols[1], line: line, rule: cols[3], why: cols[5]}
		exp, sev, hasSev := strings.Cut(cols[4], ":")
		c.expect = exp
		if exp != "fire" && exp != "silent" {
			t.Fatalf("%s: expect %q: want fire, fire:SEVERITY or silent", where, cols[4])
		}
		if hasSev {
			s, err := finding.ParseSeverity(sev)
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			c.sev, c.sevSet = s, true
		}
		if strings.TrimSpace(c.why) == "" {
			t.Fatalf("%s: a case needs its reason", where)
		}
		if len(cols) > 6 {
			c.msg = cols[6]
		}
		out = append(out, c)
	}
	return out
}

// TestCorpusRegression scans each repository the cases name, as a user
// would scan its checkout, and holds every hand-checked verdict.
func TestCorpusRegression(t *testing.T) {
	root := corpusDir(t)
	cases := loadRegression(t)
	if len(cases) == 0 {
		t.Skip("no regression cases")
	}
	byRepo := map[string][]regressionCase{}
	var repos []string
	for _, c := range cases {
		byRepo[c.repo] = append(byRepo[c.repo], c)
		repos = append(repos, c.repo)
	}
	scanEachRepo(t, root, repos, func(repo, dir string, res *finding.Result) {
		for _, c := range byRepo[repo] {
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(c.file))); err != nil {
				t.Errorf("%s: %s/%s: %v", c.source, repo, c.file, err)
				continue
			}
			var hits []finding.Finding
			for _, f := range res.Findings {
				if f.Rule == nil || f.Rule.ID != c.rule || filepath.ToSlash(f.Location.Path) != c.file {
					continue
				}
				if c.line != 0 && f.Location.Line != c.line {
					continue
				}
				hits = append(hits, f)
			}
			switch c.expect {
			case "silent":
				for _, f := range hits {
					t.Errorf("%s: %s must stay silent at %s/%s:%d (%s), said: %s", c.source, c.rule, repo, c.file, f.Location.Line, c.why, f.Message)
				}
			case "fire":
				if len(hits) == 0 {
					t.Errorf("%s: %s must fire at %s/%s:%d (%s)", c.source, c.rule, repo, c.file, c.line, c.why)
					continue
				}
				f := hits[0]
				if c.sevSet && f.Severity != c.sev {
					t.Errorf("%s: %s at %s/%s:%d is %s, want %s (%s)", c.source, c.rule, repo, c.file, f.Location.Line, f.Severity, c.sev, c.why)
				}
				if c.msg != "" && !strings.Contains(f.Message, c.msg) {
					t.Errorf("%s: %s at %s/%s:%d says %q, want it to contain %q", c.source, c.rule, repo, c.file, f.Location.Line, f.Message, c.msg)
				}
			}
		}
	})
	t.Logf("%d regression cases over %d repositories", len(cases), len(byRepo))
}
