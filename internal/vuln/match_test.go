package vuln

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/inventory"
	"github.com/hardhull/hardhull/internal/osv/osvtest"
	"github.com/hardhull/hardhull/internal/vulndb"
)

// fixtureDB imports the osvtest exports (Debian, Ubuntu, PyPI).
func fixtureDB(t testing.TB) *vulndb.DB {
	t.Helper()
	dir := t.TempDir()
	var zips []string
	for eco, recs := range map[string]map[string]string{"Debian": osvtest.Debian, "Ubuntu": osvtest.Ubuntu, "PyPI": osvtest.PyPI} {
		z, err := osvtest.WriteZip(dir, eco, recs)
		if err != nil {
			t.Fatal(err)
		}
		zips = append(zips, z)
	}
	p := filepath.Join(dir, "db.bolt")
	if _, err := vulndb.Import(p, zips, time.Now()); err != nil {
		t.Fatal(err)
	}
	db, err := vulndb.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func deb(name, ver, src, srcVer string) inventory.Package {
	return inventory.Package{Type: inventory.TypeDeb, Ecosystem: "Debian:12", Name: name, Version: ver, SourceName: src, SourceVersion: srcVer, Layer: -1, Confidence: inventory.Exact}
}

func summary(fs []Finding) string {
	var out []string
	for _, f := range fs {
		s := fmt.Sprintf("%s %s %s [%s] fixed=%s", f.Package.Name, f.ID, f.Status, strings.Join(f.Records, ","), strings.Join(f.Fixed, ","))
		if f.Uncertain != "" {
			s += " uncertain"
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func TestMatch(t *testing.T) {
	db := fixtureDB(t)
	pkgs := []inventory.Package{
		deb("libssl3", "3.0.19-1~deb12u2", "openssl", "3.0.19-1~deb12u2"), // DSA + DEBIAN-CVE -> one finding
		deb("openssl", "3.0.19-1~deb12u3", "openssl", "3.0.19-1~deb12u3"), // at the fix: clean
		deb("zlib1g", "1:1.2.13.dfsg-1", "zlib", "1:1.2.13.dfsg-1"),       // unfixed; epoch above the 0003 fix
		deb("libc6", "2.36-9+deb12u14", "glibc", "2.36-9+deb12u14"),       // last_affected; withdrawn skipped
		deb("bash", "5.2.15-2+b8", "bash", "5.2.15-2"),                    // source version compared; record with unknown fields
		deb("linux-image-amd64", "6.12.90-2~bpo12+1", "linux", "6.12.90-2~bpo12+1"),
		deb("tar", "1.34+dfsg-1.2+deb12u1", "tar", "1.34+dfsg-1.2+deb12u1"),
		{Type: inventory.TypePython, Ecosystem: "PyPI", Name: "Starlette", Version: "0.39.1", Layer: -1},
		{Type: inventory.TypePython, Ecosystem: "PyPI", Name: "jinja2", Version: "3.1.3", Layer: -1},
		{Type: inventory.TypePython, Ecosystem: "PyPI", Name: "jinja2", Version: "3.1.4", Layer: -1, Path: "other"},
		{Type: inventory.TypeDeb, Ecosystem: "Ubuntu:22.04:LTS", Name: "libssl3", Version: "3.0.2-0ubuntu1.19", SourceName: "openssl", SourceVersion: "3.0.2-0ubuntu1.19", Layer: -1},
		{Type: inventory.TypeDeb, Ecosystem: "Debian", ReleaseUnknown: true, Name: "libssl3", Version: "1.0-1", SourceName: "openssl", Layer: -1},
		{Type: inventory.TypeApk, Ecosystem: "Alpine:v3.20", Name: "musl", Version: "1.2.5-r0", Layer: -1},
	}
	r, err := Match(db, pkgs)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"Starlette CVE-2099-2001 fixed [GHSA-aaaa-bbbb-cccc,PYSEC-2099-1] fixed=0.40.0",
		"bash CVE-2099-0006 fixed [DEBIAN-CVE-2099-0006] fixed=5.2.15-2+deb12u1",
		"jinja2 CVE-2099-2002 unfixed [GHSA-dddd-eeee-ffff] fixed=",
		"libc6 CVE-2099-0004 unfixed [DEBIAN-CVE-2099-0004] fixed=",
		"libssl3 CVE-2099-0001 fixed [DEBIAN-CVE-2099-0001,DSA-9001-1] fixed=3.0.19-1~deb12u3",
		"libssl3 CVE-2099-1001 fixed [UBUNTU-CVE-2099-1001] fixed=3.0.2-0ubuntu1.20",
		"linux-image-amd64 CVE-2099-0007 fixed [DEBIAN-CVE-2099-0007] fixed=6.12.95-1 uncertain",
		"tar CVE-2099-0009 unimportant [DEBIAN-CVE-2099-0009] fixed=",
		"zlib1g CVE-2099-0002 unfixed [DEBIAN-CVE-2099-0002] fixed=",
	}, "\n")
	if got := summary(r.Findings); got != want {
		t.Errorf("findings:\n%s\nwant:\n%s", got, want)
	}
	for _, f := range r.Findings {
		switch f.Package.Name {
		case "libssl3":
			if f.ID == "CVE-2099-0001" && strings.Join(f.IDs, ",") != "CVE-2099-0001,DEBIAN-CVE-2099-0001,DSA-9001-1" {
				t.Errorf("ids = %v", f.IDs)
			}
			if f.ID == "CVE-2099-0001" && (f.Severity.Level != finding.High || f.Severity.Source != "Debian urgency high") {
				t.Errorf("urgency severity = %+v", f.Severity)
			}
			if f.ID == "CVE-2099-1001" && (f.Severity.Level != finding.Medium || !f.Severity.Known) {
				t.Errorf("ubuntu severity = %+v", f.Severity)
			}
		case "Starlette":
			if f.Severity.Level != finding.High || f.Severity.Source != "CVSS_V3" || f.Severity.Score != 7.5 {
				t.Errorf("cvss severity = %+v", f.Severity)
			}
		case "jinja2":
			if f.Severity.Level != finding.Medium || f.Severity.Source != "GHSA rating MODERATE" {
				t.Errorf("ghsa severity = %+v", f.Severity)
			}
		case "tar":
			if f.Severity.Level != finding.Info {
				t.Errorf("unimportant severity = %+v", f.Severity)
			}
		case "zlib1g":
			if f.Severity.Known || f.Severity.Level != finding.Medium {
				t.Errorf("unrated severity = %+v", f.Severity)
			}
		}
	}
	notes := strings.Join(r.Notes, "\n")
	if !strings.Contains(notes, "1 Debian packages not matched: the release is unknown") ||
		!strings.Contains(notes, "1 Alpine packages not matched: the database has no Alpine source") {
		t.Errorf("notes:\n%s", notes)
	}
	if r.Packages != len(pkgs) || r.Matched != len(pkgs)-2 {
		t.Errorf("packages %d matched %d", r.Packages, r.Matched)
	}
}

func TestParseOS(t *testing.T) {
	for _, c := range []struct {
		osr   map[string]string
		eco   string
		known bool
	}{
		{map[string]string{"ID": "debian", "VERSION_ID": "12"}, "Debian:12", true},
		{map[string]string{"ID": "debian", "PRETTY_NAME": "Debian GNU/Linux trixie/sid"}, "Debian", false},
		{map[string]string{"ID": "ubuntu", "VERSION_ID": "22.04", "VERSION": "22.04.4 LTS (Jammy Jellyfish)"}, "Ubuntu:22.04:LTS", true},
		{map[string]string{"ID": "ubuntu", "VERSION_ID": "24.10", "VERSION": "24.10 (Oracular Oriole)"}, "Ubuntu:24.10", true},
		{map[string]string{"ID": "alpine", "VERSION_ID": "3.20.3"}, "Alpine:v3.20", true},
		{map[string]string{"ID": "alpine", "VERSION_ID": "3.21_alpha20240807"}, "Alpine", false},
		{map[string]string{"ID": "fedora", "VERSION_ID": "40"}, "", false},
		{nil, "", false},
	} {
		o := inventory.ParseOS(c.osr)
		if o.Ecosystem != c.eco || o.Known != c.known {
			t.Errorf("%v: %s %v, want %s %v", c.osr, o.Ecosystem, o.Known, c.eco, c.known)
		}
	}
}
