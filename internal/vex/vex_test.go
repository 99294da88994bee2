package vex

import (
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/inventory"
	"github.com/hardhull/hardhull/internal/vuln"
)

const doc = `{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.com/vex/app-1",
  "author": "Security Team",
  "timestamp": "2026-11-30T00:00:00Z",
  "version": 1,
  "statements": [
    {"vulnerability": {"name": "CVE-2099-0001"},
     "products": [{"@id": "pkg:oci/app@sha256:aaaa", "subcomponents": [{"@id": "pkg:deb/debian/libssl3"}]}],
     "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
    {"vulnerability": {"name": "GHSA-dddd-eeee-ffff"},
     "products": [{"@id": "pkg:pypi/jinja2"}],
     "status": "fixed"},
    {"vulnerability": {"name": "CVE-2099-0002"},
     "products": [{"@id": "pkg:deb/debian/zlib1g"}],
     "status": "under_investigation", "status_notes": "triage open"}
  ]
}`

func report() *vuln.Report {
	deb := func(n, v string) inventory.Package {
		return inventory.Package{Type: inventory.TypeDeb, Name: n, Version: v, Distro: "debian-12", Arch: "amd64"}
	}
	return &vuln.Report{Findings: []vuln.Finding{
		{Package: deb("libssl3", "3.0.19-1~deb12u2"), ID: "CVE-2099-0001", IDs: []string{"CVE-2099-0001", "DSA-9001-1"}},
		{Package: deb("openssl", "3.0.19-1~deb12u2"), ID: "CVE-2099-0001", IDs: []string{"CVE-2099-0001"}}, // other subcomponent
		{Package: inventory.Package{Type: inventory.TypePython, Name: "Jinja2", Version: "3.1.3"}, ID: "CVE-2099-2002", IDs: []string{"CVE-2099-2002", "GHSA-dddd-eeee-ffff"}},
		{Package: deb("zlib1g", "1:1.2.13.dfsg-1"), ID: "CVE-2099-0002", IDs: []string{"CVE-2099-0002"}},
	}}
}

func TestApply(t *testing.T) {
	d, err := Parse("vex.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	r := report()
	sup := d.Apply(r, "pkg:oci/app@sha256:aaaa")
	var got []string
	for _, s := range sup {
		got = append(got, s.String())
	}
	want := "CVE-2099-0001 in libssl3 3.0.19-1~deb12u2: not_affected per vex.json (vulnerable_code_not_in_execute_path)|CVE-2099-2002 in Jinja2 3.1.3: fixed per vex.json"
	if strings.Join(got, "|") != want {
		t.Errorf("suppressed:\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
	if len(r.Findings) != 2 || r.Findings[0].Package.Name != "openssl" || r.Findings[1].VEX != "under_investigation per vex.json: triage open" {
		t.Errorf("kept: %+v", r.Findings)
	}
	// Another image: the subcomponent statement does not apply.
	r = report()
	if sup := d.Apply(r, "pkg:oci/other@sha256:bbbb"); len(sup) != 1 {
		t.Errorf("other product: %v", sup)
	}
}

func TestParseHostile(t *testing.T) {
	for _, in := range []string{"", "{", `{"statements":[]}`, `{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"status":"bogus","vulnerability":{"name":"X"}}]}`, "[1,2]"} {
		if _, err := Parse("v.json", []byte(in)); err == nil || !strings.Contains(err.Error(), "v.json") {
			t.Errorf("Parse(%q) = %v", in, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(doc))
	f.Add([]byte(`{"statements":[{}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Parse("f", b)
		if err == nil {
			d.Apply(report(), "pkg:oci/app@sha256:aaaa")
		}
	})
}
