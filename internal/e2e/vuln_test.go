package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/imagetest"
	"github.com/hardhull/hardhull/internal/osv/osvtest"
)

// TestDBImportStatus runs `db import` and `db status` as a user does, with
// the database path from --db and from HARDHULL_DB.
func TestDBImportStatus(t *testing.T) {
	dir := t.TempDir()
	deb, err := osvtest.WriteZip(dir, "Debian", osvtest.Debian)
	if err != nil {
		t.Fatal(err)
	}
	py, err := osvtest.WriteZip(dir, "PyPI", osvtest.PyPI)
	if err != nil {
		t.Fatal(err)
	}
	dbp := filepath.Join(dir, "db.bolt")
	code, out, errs := hh(t, "", "db", "import", "--db", dbp, deb, py)
	if code != 0 || !strings.Contains(out, "13 records from 2 sources") {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	t.Setenv("HARDHULL_DB", dbp)
	code, out, errs = hh(t, "", "db", "status")
	if code != 0 || !strings.Contains(out, "Debian/all.zip") || !strings.Contains(out, "PyPI/all.zip") {
		t.Fatalf("status: %d %s %s", code, out, errs)
	}
	code, out, _ = hh(t, "", "db", "status", "--max-age", "1h")
	if code != 0 || strings.Count(out, "warning:") != 2 {
		t.Errorf("stale status: %d %s", code, out)
	}
	code, _, errs = hh(t, "", "db", "status", "--db", filepath.Join(dir, "none.bolt"))
	if code != 2 || !strings.Contains(errs, "hardhull db import") {
		t.Errorf("missing db: %d %s", code, errs)
	}
	code, _, errs = hh(t, "", "db", "import", "--db", dbp, filepath.Join(dir, "nope.zip"))
	if code != 2 || !strings.Contains(errs, "nope.zip") {
		t.Errorf("missing zip: %d %s", code, errs)
	}
}

// TestImageVulns runs `hardhull image` on an assembled image against an
// imported database: the finding in JSON with its details, the exit code,
// --ignore-unfixed, and the checklist view.
func TestImageVulns(t *testing.T) {
	dir := t.TempDir()
	deb, err := osvtest.WriteZip(dir, "Debian", osvtest.Debian)
	if err != nil {
		t.Fatal(err)
	}
	dbp := filepath.Join(dir, "db.bolt")
	if code, _, errs := hh(t, "", "db", "import", "--db", dbp, deb); code != 0 {
		t.Fatal(errs)
	}
	img, err := imagetest.Build(map[string]string{
		"config.json":                `{"config":{"User":"app"}}`,
		"layer0/etc/os-release":      "ID=debian\nVERSION_ID=\"12\"\n",
		"layer0/etc/passwd":          "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n",
		"layer0/var/lib/dpkg/status": "Package: libssl3\nStatus: install ok installed\nSource: openssl\nVersion: 3.0.19-1~deb12u2\n\nPackage: zlib1g\nStatus: install ok installed\nSource: zlib\nVersion: 1:1.2.13.dfsg-1\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	tarp := filepath.Join(dir, "app.tar")
	if err := imagetest.WriteSave(tarp, img, "example.test/app:1"); err != nil {
		t.Fatal(err)
	}
	code, out, errs := hh(t, "", "image", tarp, "--db", dbp, "--format", "json", "--no-progress")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Findings []struct {
			Rule     string `json:"rule"`
			Severity string `json:"severity"`
			Details  struct {
				ID      string   `json:"id"`
				IDs     []string `json:"ids"`
				Status  string   `json:"status"`
				Fixed   []string `json:"fixed_versions"`
				Package struct {
					Name       string `json:"name"`
					SourceName string `json:"source_name"`
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
			got = append(got, f.Details.Package.Name+" "+f.Details.ID+" "+f.Details.Status+" "+f.Severity+" "+strings.Join(f.Details.IDs, ","))
		}
	}
	want := "libssl3 CVE-2099-0001 fixed high CVE-2099-0001,DEBIAN-CVE-2099-0001,DSA-9001-1|zlib1g CVE-2099-0002 unfixed medium CVE-2099-0002,DEBIAN-CVE-2099-0002"
	if strings.Join(got, "|") != want {
		t.Errorf("VU001 findings:\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	_, out, _ = hh(t, "", "image", tarp, "--db", dbp, "--format", "json", "--ignore-unfixed", "--no-progress")
	if strings.Contains(out, "CVE-2099-0002") || !strings.Contains(out, "CVE-2099-0001") {
		t.Errorf("--ignore-unfixed:\n%s", out)
	}
	_, out, _ = hh(t, "", "image", tarp, "--db", dbp, "--format", "checklist", "--no-progress")
	if !strings.Contains(out, "Scanned for vulnerabilities") || !strings.Contains(out, "VU001") || !strings.Contains(out, "FAIL") {
		t.Errorf("checklist:\n%s", out)
	}
	vexFile := filepath.Join(dir, "vex.json")
	os.WriteFile(vexFile, []byte(`{"@context":"https://openvex.dev/ns/v0.2.0","@id":"https://example.com/v","author":"sec","timestamp":"2026-11-30T00:00:00Z","version":1,
"statements":[{"vulnerability":{"name":"DSA-9001-1"},"products":[{"@id":"pkg:deb/debian/libssl3"}],"status":"not_affected","justification":"vulnerable_code_not_present"}]}`), 0o644)
	_, out, errs = hh(t, "", "image", tarp, "--db", dbp, "--format", "json", "--vex", vexFile, "--no-progress")
	if strings.Contains(out, `"id": "CVE-2099-0001"`) || !strings.Contains(out, "CVE-2099-0002") || !strings.Contains(out, "vulnerable_code_not_present") {
		t.Errorf("--vex (matched by the DSA alias; justification kept in facts):\n%s\n%s", out, errs)
	}
	if code, _, errs := hh(t, "", "image", tarp, "--db", dbp, "--vex", filepath.Join(dir, "none.json"), "--no-progress"); code != 2 || !strings.Contains(errs, "none.json") {
		t.Errorf("missing vex: %d %s", code, errs)
	}
	for _, f := range []string{"cyclonedx", "spdx-json"} {
		outFile := filepath.Join(dir, "sbom."+f+".json")
		if code, _, errs := hh(t, "", "image", tarp, "--db", dbp, "--format", f, "-o", outFile, "--no-progress"); code != 1 {
			t.Fatalf("%s: exit %d %s", f, code, errs)
		}
		b, err := os.ReadFile(outFile)
		if err != nil || !json.Valid(b) || !strings.Contains(string(b), "pkg:deb/debian/libssl3@3.0.19-1~deb12u2") {
			t.Errorf("%s: %v\n%s", f, err, b)
		}
		if f == "cyclonedx" && !strings.Contains(string(b), `"id": "CVE-2099-0001"`) {
			t.Errorf("cyclonedx lacks the vulnerability:\n%s", b)
		}
	}
	_, out, _ = hh(t, "", "image", tarp, "--db", filepath.Join(dir, "none.bolt"), "--format", "checklist", "--no-progress")
	if !strings.Contains(out, "hardhull db import") {
		t.Errorf("checklist without a database:\n%s", out)
	}
}

// TestScanDeps scans a build context with requirements.txt and uv.lock
// against an imported PyPI export: pinned versions match exactly, a >=
// bound is matched with its confidence said, an unpinned name is VU003,
// and each finding points at the declaring line.
func TestScanDeps(t *testing.T) {
	dir := t.TempDir()
	py, err := osvtest.WriteZip(filepath.Join(dir, "osv"), "PyPI", osvtest.PyPI)
	if err != nil {
		t.Fatal(err)
	}
	dbp := filepath.Join(dir, "db.bolt")
	if code, _, errs := hh(t, "", "db", "import", "--db", dbp, py); code != 0 {
		t.Fatal(errs)
	}
	app := filepath.Join(dir, "app")
	write(t, app, "requirements.txt", "fastapi==0.115.6\nstarlette>=0.39.0\njinja2==3.1.4\nuvicorn\n")
	write(t, app, "uv.lock", "version = 1\n\n[[package]]\nname = \"starlette\"\nversion = \"0.40.0\"\n\n[[package]]\nname = \"jinja2\"\nversion = \"3.1.3\"\n")
	write(t, app, "Dockerfile", "FROM python:3.12-slim\nCOPY requirements.txt uv.lock ./\nRUN pip install --no-cache-dir -r requirements.txt\nRUN uv sync --frozen\nUSER 1000\n")
	_, out, errs := hh(t, "", "scan", app, "--db", dbp, "--format", "json")
	r := decode(t, out)
	var got []string
	for _, f := range r.Findings {
		if strings.HasPrefix(f.Rule, "VU") {
			got = append(got, fmt.Sprintf("%s %s:%d %s", f.Rule, f.Location.Path, f.Location.Line, f.Message))
		}
	}
	sort.Strings(got)
	want := []string{
		"VU003 requirements.txt:4 uvicorn has no version",
		"VU004 requirements.txt:2 starlette 0.39.0: CVE-2099-2001 [GHSA-aaaa-bbbb-cccc, PYSEC-2099-1], high (CVSS_V3 7.5), fixed in 0.40.0",
		"VU004 uv.lock:8 jinja2 3.1.3: CVE-2099-2002 [GHSA-dddd-eeee-ffff], medium (GHSA rating MODERATE), no fix released",
	}
	if len(got) != len(want) {
		t.Fatalf("VU findings:\n%s\nstderr %s", strings.Join(got, "\n"), errs)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("finding %d:\n%s\nwant prefix\n%s", i, got[i], want[i])
		}
	}
	if !strings.Contains(got[1], "confidence: lower bound") || strings.Contains(got[2], "confidence") {
		t.Errorf("confidence: %s / %s", got[1], got[2])
	}
	if !strings.Contains(got[1], "installed by Dockerfile:3") || !strings.Contains(got[2], "installed by Dockerfile:4") || strings.Contains(got[0], "installed by") {
		t.Errorf("installing instruction: %s / %s / %s", got[0], got[1], got[2])
	}
}
