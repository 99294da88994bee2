package e2e

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hardhull/hardhull/internal/osv/osvtest"
	"github.com/hardhull/hardhull/internal/testengine"
	"github.com/hardhull/hardhull/internal/vulndb"
)

// TestVulnsOnEngineImage matches the Debian-made FastAPI base (debootstrap
// + docker import, read from the engine) against fixture records for
// packages it really contains: the fastapi source package, affected in
// every version, and glibc, affected only from an epoch no Debian version
// has; and PyPI's fastapi through the dist-info python3-fastapi installs.
func TestVulnsOnEngineImage(t *testing.T) {
	cli := testengine.Require(t)
	ctx := context.Background()
	requireFastAPIBase(ctx, t, cli)
	dir := t.TempDir()
	deb, err := osvtest.WriteZip(dir, "Debian", map[string]string{
		"DEBIAN-CVE-2099-7001.json": `{"id":"DEBIAN-CVE-2099-7001","upstream":["CVE-2099-7001"],"affected":[{"package":{"ecosystem":"Debian:12","name":"fastapi"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"99:1.0-1"}]}]}]}`,
		"DEBIAN-CVE-2099-7002.json": `{"id":"DEBIAN-CVE-2099-7002","upstream":["CVE-2099-7002"],"affected":[{"package":{"ecosystem":"Debian:12","name":"glibc"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"99:1.0-1"}]}]}]}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	py, err := osvtest.WriteZip(dir, "PyPI", map[string]string{
		"GHSA-7003.json": `{"id":"GHSA-7003","aliases":["CVE-2099-7003"],"affected":[{"package":{"ecosystem":"PyPI","name":"fastapi"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"999"}]}]}]}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	dbp := filepath.Join(dir, "db.bolt")
	if _, err := vulndb.Import(dbp, []string{deb, py}, time.Now()); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run("image", "docker:"+fastapiBase, "--db", dbp, "--format", "json", "--no-progress")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Findings []struct {
			Rule    string `json:"rule"`
			Details struct {
				ID      string `json:"id"`
				Package struct {
					Name       string `json:"name"`
					SourceName string `json:"source_name"`
					Type       string `json:"type"`
				} `json:"package"`
			} `json:"details"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range doc.Findings {
		if f.Rule == "VU001" {
			got = append(got, f.Details.Package.Type+" "+f.Details.Package.Name+" "+f.Details.ID)
		}
	}
	sort.Strings(got)
	if want := "deb python3-fastapi CVE-2099-7001|python fastapi CVE-2099-7003"; strings.Join(got, "|") != want {
		t.Errorf("VU001 findings:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.ReplaceAll(want, "|", "\n"))
	}
}
