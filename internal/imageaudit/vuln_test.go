package imageaudit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/imagetest"
	"github.com/hardhull/hardhull/internal/inventory"
	"github.com/hardhull/hardhull/internal/osv/osvtest"
	"github.com/hardhull/hardhull/internal/vuln"
	"github.com/hardhull/hardhull/internal/vulndb"
)

// TestVulnsRealDpkgStatus builds an image whose dpkg status is this
// machine's own (real package data), plus a later layer adding a package
// and a Python distribution, writes OSV records around the real installed
// source versions (fixed above, fixed at, introduced above, last affected
// at), and asserts the exact set of matches: every expected one found and
// nothing else.
func TestVulnsRealDpkgStatus(t *testing.T) {
	status, err := os.ReadFile("/var/lib/dpkg/status")
	if err != nil {
		t.Skip("no dpkg status on this machine")
	}
	osr, err := os.ReadFile("/etc/os-release")
	if err != nil {
		t.Skip("no os-release")
	}
	img := &osRelease{}
	img.parse(string(osr))
	osinfo := inventory.ParseOS(img.m)
	if !osinfo.Known || (osinfo.ID != "debian" && osinfo.ID != "ubuntu") {
		t.Skipf("not a Debian or Ubuntu release OSV names: %v", img.m)
	}
	pkgs := inventory.ParseDpkg(status, "/var/lib/dpkg/status")
	if len(pkgs) < 40 {
		t.Skipf("only %d packages", len(pkgs))
	}
	// One record per source package, cycling through four cases.
	bySource := map[string]string{} // source -> version
	var sources []string
	for _, p := range pkgs {
		if _, ok := bySource[p.MatchName()]; !ok {
			bySource[p.MatchName()] = p.MatchVersion()
			sources = append(sources, p.MatchName())
		}
	}
	sort.Strings(sources)
	recs := map[string]string{}
	wantSrc := map[string]string{} // source -> CVE expected
	for i, src := range sources {
		v := bySource[src]
		id := fmt.Sprintf("CVE-2099-%05d", 10000+i)
		var events string
		switch i % 4 {
		case 0: // fixed above the installed version: affected
			events = fmt.Sprintf(`{"introduced":"0"},{"fixed":%q}`, v+"+zz1")
			wantSrc[src] = id
		case 1: // fixed at the installed version: not affected
			events = fmt.Sprintf(`{"introduced":"0"},{"fixed":%q}`, v)
		case 2: // introduced above: not affected
			events = fmt.Sprintf(`{"introduced":%q}`, v+"+zz1")
		case 3: // last affected is the installed version: affected, unfixed
			events = fmt.Sprintf(`{"introduced":"0"},{"last_affected":%q}`, v)
			wantSrc[src] = id
		}
		recs["DEBIAN-"+id+".json"] = fmt.Sprintf(`{"id":"DEBIAN-%s","upstream":[%q],"affected":[{"package":{"ecosystem":%q,"name":%q},"ranges":[{"type":"ECOSYSTEM","events":[%s]}]}]}`,
			id, id, osinfo.Ecosystem, src, events)
	}
	// The package the second layer adds, and a record for it.
	extra := "Package: hardhull-test-extra\nStatus: install ok installed\nSource: hardhull-test-src (1.0-1)\nVersion: 1.0-1+b1\nArchitecture: all\n"
	recs["DEBIAN-CVE-2099-09999.json"] = fmt.Sprintf(`{"id":"DEBIAN-CVE-2099-09999","upstream":["CVE-2099-09999"],"affected":[{"package":{"ecosystem":%q,"name":"hardhull-test-src"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.0-2"}]}]}]}`, osinfo.Ecosystem)
	dir := t.TempDir()
	eco := osv0(osinfo.Ecosystem)
	debZip, err := osvtest.WriteZip(dir, eco, recs)
	if err != nil {
		t.Fatal(err)
	}
	pyZip, err := osvtest.WriteZip(dir, "PyPI", osvtest.PyPI)
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(dir, "vulndb.bolt")
	if _, err := vulndb.Import(dbPath, []string{debZip, pyZip}, time.Now()); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"config.json":                "{}",
		"layer0/etc/os-release":      string(osr),
		"layer0/var/lib/dpkg/status": string(status),
		"layer1/var/lib/dpkg/status": string(status) + "\n" + extra,
		"layer1/usr/local/lib/python3.12/site-packages/starlette-0.39.1.dist-info/METADATA": "Metadata-Version: 2.1\nName: starlette\nVersion: 0.39.1\n\nLong description.\n",
		"layer1/usr/local/lib/python3.12/site-packages/fastapi-0.115.0.dist-info/METADATA":  "Metadata-Version: 2.1\nName: fastapi\nVersion: 0.115.0\n",
	}
	im, err := imagetest.Build(files)
	if err != nil {
		t.Fatal(err)
	}
	tarPath := filepath.Join(dir, "img.tar")
	if err := imagetest.WriteSave(tarPath, im, "example.test/real:1"); err != nil {
		t.Fatal(err)
	}
	res, err := Audit(context.Background(), tarPath, Options{Vulns: VulnOptions{DB: dbPath}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, p := range pkgs {
		if id, ok := wantSrc[p.MatchName()]; ok {
			want[p.Name+" "+id] = true
		}
	}
	want["hardhull-test-extra CVE-2099-09999"] = true
	want["starlette CVE-2099-2001"] = true
	got := map[string]bool{}
	layers := map[string]int{}
	for _, f := range res.Findings {
		if f.Rule.ID != "VU001" {
			continue
		}
		d := f.Details.(*vuln.Finding)
		k := d.Package.Name + " " + d.ID
		if got[k] {
			t.Errorf("duplicate finding %s", k)
		}
		got[k] = true
		layers[d.Package.Name] = d.Package.Layer
	}
	for k := range want {
		if !got[k] {
			t.Errorf("missing %s", k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("unexpected %s", k)
		}
	}
	t.Logf("%d expected matches, %d found", len(want), len(got))
	if len(want) < 20 {
		t.Errorf("only %d expected matches", len(want))
	}
	if layers["hardhull-test-extra"] != 1 || layers["starlette"] != 1 {
		t.Errorf("layer of added packages: %v", layers)
	}
	for n, l := range layers {
		if n != "hardhull-test-extra" && n != "starlette" && l != 0 {
			t.Errorf("%s attributed to layer %d, want 0", n, l)
		}
	}
	var ev []string
	for _, e := range res.Evidence {
		if e.Checklist == "build.vuln-scan" {
			ev = append(ev, e.Message)
		}
	}
	if len(ev) != 1 || !strings.Contains(ev[0], fmt.Sprintf("%d packages matched", len(pkgs)+3)) {
		t.Errorf("evidence: %v", ev)
	}
}

// Without a database the checklist item is undecided and says how to get one.
func TestVulnsNoDB(t *testing.T) {
	im, err := imagetest.Build(map[string]string{"config.json": "{}", "layer0/etc/os-release": "ID=debian\nVERSION_ID=12\n"})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "img.tar")
	if err := imagetest.WriteSave(p, im, "example.test/a:1"); err != nil {
		t.Fatal(err)
	}
	res, err := Audit(context.Background(), p, Options{Vulns: VulnOptions{DB: filepath.Join(t.TempDir(), "none.bolt")}})
	if err != nil {
		t.Fatal(err)
	}
	var ev []finding.Evidence
	for _, e := range res.Evidence {
		if e.Checklist == "build.vuln-scan" {
			ev = append(ev, e)
		}
	}
	if len(ev) != 1 || !ev[0].Unknown || !strings.Contains(ev[0].Message, "hardhull db update") || !strings.Contains(ev[0].Message, "hardhull db import") {
		t.Errorf("evidence: %+v", ev)
	}
}

type osRelease struct{ m map[string]string }

func (o *osRelease) parse(s string) {
	o.m = map[string]string{}
	for _, l := range strings.Split(s, "\n") {
		k, v, ok := strings.Cut(l, "=")
		if ok {
			o.m[k] = strings.Trim(v, `"`)
		}
	}
}

func osv0(eco string) string { b, _, _ := strings.Cut(eco, ":"); return b }
