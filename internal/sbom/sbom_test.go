package sbom

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/inventory"
	"github.com/hardhull/hardhull/internal/vuln"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdxlib"
	"github.com/xeipuuv/gojsonschema"
)

func input() *Input {
	deb := inventory.Package{Type: inventory.TypeDeb, Ecosystem: "Debian:12", Name: "libssl3", Version: "3.0.19-1~deb12u2", Arch: "amd64",
		SourceName: "openssl", SourceVersion: "3.0.19-1~deb12u2", Path: "/var/lib/dpkg/status", Line: 10, Layer: 0, LayerID: "sha256:abc", CreatedBy: "ADD rootfs.tar /", Distro: "debian-12", Confidence: inventory.Exact}
	py := inventory.Package{Type: inventory.TypePython, Ecosystem: "PyPI", Name: "Jinja2", Version: "3.1.3", Path: "/usr/lib/python3/site-packages/jinja2-3.1.3.dist-info/METADATA", Layer: 1, Confidence: inventory.Exact}
	return &Input{
		Name: "registry.example.com/team/app:1.0", Digest: "sha256:" + strings.Repeat("a", 64), Container: true,
		OS:       &inventory.OS{ID: "debian", VersionID: "12", Pretty: "Debian GNU/Linux 12 (bookworm)"},
		Packages: []inventory.Package{deb, py},
		Vulns: []vuln.Finding{
			{Package: deb, ID: "CVE-2099-0001", IDs: []string{"CVE-2099-0001", "DSA-9001-1"}, Fixed: []string{"3.0.19-1~deb12u3"}, Status: vuln.StatusFixed,
				Severity: vuln.Severity{Level: finding.High, Known: true, Source: "CVSS_V3", Score: 7.5, CVSS: []vuln.Score{{Type: "CVSS_V3", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", Score: 7.5}}}},
			{Package: py, ID: "CVE-2099-2002", IDs: []string{"CVE-2099-2002", "GHSA-dddd-eeee-ffff"}, Status: vuln.StatusUnfixed,
				Severity: vuln.Severity{Level: finding.Medium, Known: true, Source: "GHSA rating MODERATE"}},
		},
		Tool: "hardhull", Version: "test", Now: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC),
	}
}

func TestPurl(t *testing.T) {
	in := input()
	if got := Purl(&in.Packages[0]); got != "pkg:deb/debian/libssl3@3.0.19-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl" {
		t.Errorf("deb purl %s", got)
	}
	if got := Purl(&in.Packages[1]); got != "pkg:pypi/jinja2@3.1.3" {
		t.Errorf("pypi purl %s", got)
	}
	if got := subjectPurl(in); got != "pkg:oci/app@sha256:"+strings.Repeat("a", 64) {
		t.Errorf("oci purl %s", got)
	}
}

// moduleDir finds a module's directory in the module cache, where the
// CycloneDX schemas ship.
func moduleDir(t *testing.T, mod string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", mod).Output()
	if err != nil || len(bytes.TrimSpace(out)) == 0 {
		t.Fatalf("go list -m %s: %v", mod, err)
	}
	return string(bytes.TrimSpace(out))
}

// TestCycloneDXSchema validates the output against the official CycloneDX
// 1.6 JSON schema shipped inside cyclonedx-go, offline: the schemas it
// references are preloaded by their IDs.
func TestCycloneDXSchema(t *testing.T) {
	dir := filepath.Join(moduleDir(t, "github.com/CycloneDX/cyclonedx-go"), "schema")
	sl := gojsonschema.NewSchemaLoader()
	for _, f := range []string{"spdx.schema.json", "jsf-0.82.schemax.json"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := sl.AddSchemas(gojsonschema.NewBytesLoader(b)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	main, err := os.ReadFile(filepath.Join(dir, "bom-1.6.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	schema, err := sl.Compile(gojsonschema.NewBytesLoader(main))
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]*Input{"image": input(), "source": {Name: "app", Packages: input().Packages[1:], Tool: "hardhull", Version: "t", Now: time.Now()}, "empty": {Name: "x", Tool: "hardhull", Version: "t", Now: time.Now()}} {
		var b bytes.Buffer
		if err := CycloneDX(&b, in); err != nil {
			t.Fatal(err)
		}
		res, err := schema.Validate(gojsonschema.NewBytesLoader(b.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if !res.Valid() {
			for _, e := range res.Errors() {
				t.Errorf("%s: %s", name, e)
			}
		}
		if name != "image" {
			continue
		}
		var doc struct {
			SpecVersion string `json:"specVersion"`
			Components  []struct {
				Purl string `json:"purl"`
			} `json:"components"`
			Vulnerabilities []struct {
				ID      string `json:"id"`
				Affects []struct {
					Ref string `json:"ref"`
				} `json:"affects"`
				Ratings []struct {
					Score  float64 `json:"score"`
					Method string  `json:"method"`
				} `json:"ratings"`
			} `json:"vulnerabilities"`
		}
		json.Unmarshal(b.Bytes(), &doc)
		if doc.SpecVersion != "1.6" || len(doc.Components) != 3 || len(doc.Vulnerabilities) != 2 ||
			doc.Vulnerabilities[0].Affects[0].Ref != "pkg-0" || doc.Vulnerabilities[0].Ratings[0].Score != 7.5 || doc.Vulnerabilities[0].Ratings[0].Method != "CVSSv31" {
			t.Errorf("content: %+v", doc)
		}
	}
}

// TestSPDX checks the document with tools-golang's own validator after a
// round trip through its JSON reader. The official SPDX 2.3 JSON schema
// ships in none of the modules this build uses; see docs/vulnerabilities.md.
func TestSPDX(t *testing.T) {
	var b bytes.Buffer
	if err := SPDX(&b, input()); err != nil {
		t.Fatal(err)
	}
	doc, err := spdxjson.Read(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("read back: %v\n%s", err, b.String())
	}
	if err := spdxlib.ValidateDocument(doc); err != nil {
		t.Fatalf("validate: %v", err)
	}
	if doc.SPDXVersion != "SPDX-2.3" || len(doc.Packages) != 4 || len(doc.Relationships) != 4 {
		t.Errorf("packages %d relationships %d", len(doc.Packages), len(doc.Relationships))
	}
	var raw map[string]any
	json.Unmarshal(b.Bytes(), &raw)
	for _, k := range []string{"spdxVersion", "dataLicense", "SPDXID", "name", "documentNamespace", "creationInfo", "packages", "relationships"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("required field %s missing", k)
		}
	}
	if !strings.Contains(b.String(), `"referenceLocator": "pkg:pypi/jinja2@3.1.3"`) {
		t.Error("purl external ref missing")
	}
}

func TestImagePurl(t *testing.T) {
	d := "sha256:" + strings.Repeat("a", 64)
	tests := []struct{ ref, digest, want string }{
		{"app", d, "pkg:oci/app@" + d},
		{"ghcr.io/o/App:1.2", d, "pkg:oci/app@" + d},
		{"localhost:5000/team/app@" + d, d, "pkg:oci/app@" + d},
		{"docker:app:1", d, "pkg:oci/docker@" + d},
		{"oci:./layout:v1", d, "pkg:oci/layout@" + d},
		{"app", "md5:x", ""},
	}
	for _, tt := range tests {
		if got := ImagePurl(tt.ref, tt.digest); got != tt.want {
			t.Errorf("ImagePurl(%q) = %q, want %q", tt.ref, got, tt.want)
		}
	}
}
