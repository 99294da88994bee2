package imageaudit

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/imagetest"
	"github.com/hardhull/hardhull/internal/osv/osvtest"
	"github.com/hardhull/hardhull/internal/rules"
	"github.com/hardhull/hardhull/internal/vulndb"
)

// TestCatalogueExamples builds a real image (docker save tarball) from each
// image rule's bad and good examples and audits it through the real loader.
func TestCatalogueExamples(t *testing.T) {
	n := 0
	for _, r := range rules.ByKind(finding.KindImage) {
		for i, ex := range r.Bad {
			n++
			t.Run(r.ID+"/bad"+string(rune('0'+i)), func(t *testing.T) {
				if fired(t, ex.Files, r.ID) == 0 {
					t.Errorf("%s did not fire on its bad example %v", r.ID, ex.Files)
				}
			})
		}
		for i, ex := range r.Good {
			n++
			t.Run(r.ID+"/good"+string(rune('0'+i)), func(t *testing.T) {
				if c := fired(t, ex.Files, r.ID); c != 0 {
					t.Errorf("%s fired %d times on its good example %v", r.ID, c, ex.Files)
				}
			})
		}
	}
	if n < 20 {
		t.Fatalf("only %d image examples", n)
	}
}

func fired(t *testing.T, files map[string]string, id string) int {
	t.Helper()
	dir := t.TempDir()
	// "osv/<Ecosystem>/<name>.json" files are OSV records: imported into
	// a fresh database, the one the audit reads (never the user's).
	imgFiles := map[string]string{}
	recs := map[string]map[string]string{}
	for k, v := range files {
		if rest, ok := strings.CutPrefix(k, "osv/"); ok {
			eco, name, _ := strings.Cut(rest, "/")
			if recs[eco] == nil {
				recs[eco] = map[string]string{}
			}
			recs[eco][name] = v
			continue
		}
		imgFiles[k] = v
	}
	dbPath := filepath.Join(dir, "vulndb.bolt")
	var zips []string
	for eco, r := range recs {
		z, err := osvtest.WriteZip(dir, eco, r)
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
	img, err := imagetest.Build(imgFiles)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "img.tar")
	if err := imagetest.WriteSave(p, img, "example.test/app:1"); err != nil {
		t.Fatal(err)
	}
	res, err := Audit(context.Background(), p, Options{Vulns: VulnOptions{DB: dbPath}})
	if err != nil {
		t.Fatal(err)
	}
	c := 0
	for _, f := range res.Findings {
		if f.Rule.ID == id {
			c++
		}
	}
	return c
}
