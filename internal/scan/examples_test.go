package scan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hardhull/hardhull/internal/config"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/osv/osvtest"
	"github.com/hardhull/hardhull/internal/rules"
	"github.com/hardhull/hardhull/internal/vuln"
	"github.com/hardhull/hardhull/internal/vulndb"
)

// TestCatalogueExamples runs every source rule's bad and good examples
// through the real scan pipeline: a bad example must produce the rule, a
// good one must not. A rule whose examples fail cannot ship.
func TestCatalogueExamples(t *testing.T) {
	n := 0
	for _, r := range rules.All() {
		if r.Kind == finding.KindImage || r.Kind == finding.KindContainer || r.Kind == finding.KindIntegrity {
			continue
		}
		for i, ex := range r.Bad {
			if !sourceExample(r, ex) {
				continue
			}
			n++
			t.Run(r.ID+"/bad"+itoa(i), func(t *testing.T) {
				if got := fired(t, ex.Files, r.ID); got == 0 {
					t.Errorf("%s did not fire on its bad example:\n%v", r.ID, ex.Files)
				}
			})
		}
		for i, ex := range r.Good {
			if !sourceExample(r, ex) {
				continue
			}
			n++
			t.Run(r.ID+"/good"+itoa(i), func(t *testing.T) {
				if got := fired(t, ex.Files, r.ID); got != 0 {
					t.Errorf("%s fired %d times on its good example:\n%v", r.ID, got, ex.Files)
				}
			})
		}
	}
	if n == 0 {
		t.Fatal("no examples ran")
	}
}

// sourceExample: engine rules' examples are files only when they are a
// daemon.json alone; the others are engine answers, run by engineaudit.
func sourceExample(r *rules.Rule, ex finding.Example) bool {
	if r.Kind != finding.KindEngine {
		return true
	}
	_, ok := ex.Files[rules.DaemonExamplePath]
	return ok && len(ex.Files) == 1
}

func itoa(i int) string { return string(rune('0' + i)) }

func fired(t *testing.T, files map[string]string, id string) int {
	t.Helper()
	dir := t.TempDir()
	// "osv/<Ecosystem>/<name>.json" files are OSV records, imported into a
	// fresh database (never the user's) rather than written to the tree.
	dbDir := t.TempDir()
	recs := map[string]map[string]string{}
	for name, content := range files {
		if rest, ok := strings.CutPrefix(name, "osv/"); ok {
			eco, rec, _ := strings.Cut(rest, "/")
			if recs[eco] == nil {
				recs[eco] = map[string]string{}
			}
			recs[eco][rec] = content
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dbPath := filepath.Join(dbDir, "vulndb.bolt")
	var zips []string
	for eco, r := range recs {
		z, err := osvtest.WriteZip(dbDir, eco, r)
		if err != nil {
			t.Fatal(err)
		}
		zips = append(zips, z)
	}
	if len(zips) > 0 {
		if _, err := vulndb.Import(dbPath, zips, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	opts := Options{Paths: []string{dir}, Vulns: vuln.Options{DB: dbPath}}
	if pol, ok := files[".hardhull.yaml"]; ok {
		cfg, err := config.Parse(".hardhull.yaml", []byte(pol))
		if err != nil {
			t.Fatal(err)
		}
		opts.TrustedRegistries = cfg.TrustedRegistries
	}
	res, err := Scan(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors {
		t.Fatalf("example does not parse: %s:%d: %s", e.Path, e.Line, e.Message)
	}
	c := 0
	for _, f := range res.Findings {
		if f.Rule.ID == id {
			c++
		}
	}
	return c
}
