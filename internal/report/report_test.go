package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/finding"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// The catalogue is built here, not taken from internal/rules, so the golden
// files change only when a format does.
var (
	ruleUser = &finding.Rule{
		ID: "DF001", Slug: "root-user", Title: "Container runs as root", Severity: finding.High, Kind: finding.KindDockerfile,
		Checklist: []string{"runtime.non-root"}, CIS: []string{"4.1"}, OWASP: []string{"D04"},
		Equivalents: map[string][]string{"trivy": {"DS-0002"}},
		Rationale:   "A process running as root in the container is root on the host after an escape.",
		Fix:         "End the final stage with USER app.",
	}
	ruleLatest = &finding.Rule{
		ID: "DF003", Slug: "latest-tag", Title: "Base image uses latest", Severity: finding.Medium, Kind: finding.KindDockerfile,
		Checklist: []string{"build.pinned-versions"}, CIS: []string{"5.27"},
		Equivalents: map[string][]string{"hadolint": {"DL3007"}},
		Rationale:   "latest moves.", Fix: "Pin a version tag.",
	}
	rulePriv = &finding.Rule{
		ID: "DC001", Slug: "privileged", Title: "Privileged | service", Severity: finding.Critical, Kind: finding.KindCompose,
		Checklist: []string{"runtime.capabilities"}, CIS: []string{"5.4"}, OWASP: []string{"D04", "D05"},
		Rationale: "privileged disables isolation.", Fix: "Remove privileged: true.",
	}
	ruleSecret = &finding.Rule{
		ID: "IM001", Slug: "secret-in-layer", Title: "Secret file in image", Severity: finding.High, Kind: finding.KindImage,
		Checklist: []string{"build.no-secrets", "secrets.no-hardcoded"},
		Rationale: "Layers keep deleted files.", Fix: "Use RUN --mount=type=secret.",
	}
	ruleCaps = &finding.Rule{
		ID: "RT002", Slug: "caps-not-dropped", Title: "Capabilities not dropped", Severity: finding.Medium, Kind: finding.KindContainer,
		Checklist: []string{"runtime.capabilities"}, CIS: []string{"5.3"},
		Rationale: "Default capabilities are broad.", Fix: "docker run --cap-drop ALL.",
	}
	rulePy = &finding.Rule{
		ID: "PY002", Slug: "docs-exposed", Title: "Docs exposed", Severity: finding.Low, Kind: finding.KindPython,
		Checklist: []string{"runtime.debug-disabled", "secrets.not-exposed"},
		Rationale: "Docs reveal the API.", Fix: "docs_url=None in production.",
	}
	ruleInfo = &finding.Rule{
		ID: "DF024", Slug: "python-env", Title: "Python env", Severity: finding.Info, Kind: finding.KindDockerfile,
		Checklist: []string{"runtime.debug-disabled"}, Rationale: "Bytecode and buffering.", Fix: "ENV PYTHONDONTWRITEBYTECODE=1",
	}
	testCatalogue = []*finding.Rule{ruleUser, ruleLatest, rulePriv, ruleSecret, ruleCaps, rulePy, ruleInfo}
)

func fixedResult() *finding.Result {
	return &finding.Result{
		Command: "scan",
		Target:  "app",
		Findings: []finding.Finding{
			{Rule: ruleUser, Severity: finding.High, Message: "the final stage sets no USER", Location: finding.Location{Path: "Dockerfile", Line: 3, Column: 1}, Key: "stage:0"},
			{Rule: ruleLatest, Severity: finding.Medium, Message: "FROM python:latest uses the moving latest tag", Location: finding.Location{Path: "Dockerfile", Line: 1, Column: 1}, Key: "FROM python:latest"},
			{Rule: ruleInfo, Severity: finding.Info, Message: "Python image without PYTHONDONTWRITEBYTECODE", Location: finding.Location{Path: "Dockerfile", Line: 1}},
			{Rule: rulePriv, Severity: finding.Critical, Message: "service api runs privileged <b>|</b>", Location: finding.Location{Path: "deploy dir/compose.yaml", Line: 10, Column: 5}, Key: "api:privileged",
				Fix: "Drop `privileged: true`."},
			{Rule: ruleSecret, Severity: finding.High, Message: "layer adds /app/.env (API_KEY=ab********yz)", Location: finding.Location{Image: "registry.example/app:1.0", Layer: "sha256:0123456789abcdef0123456789abcdef", Path: "/app/.env"}, Key: "/app/.env"},
			{Rule: ruleCaps, Severity: finding.Medium, Message: "container web keeps default capabilities", Location: finding.Location{Container: "web", ID: "4f2a", Field: "HostConfig.CapDrop"}, Key: "web:caps"},
			{Rule: rulePy, Severity: finding.Low, Message: "FastAPI(...) serves docs_url in every environment", Location: finding.Location{Path: "app/main.py", Line: 6, Column: 7}},
		},
		Errors: []finding.InputError{
			{Path: "broken/Dockerfile", Line: 2, Message: "unknown instruction: FOO"},
			{Path: "huge.yaml", Message: "file larger than the 4 MiB limit"},
		},
		Evidence: []finding.Evidence{
			{Checklist: "secrets.injected", Location: finding.Location{Path: "deploy dir/compose.yaml", Line: 14, Column: 7}, Message: "service api reads db_password from a Docker secret"},
		},
		Kinds:      map[finding.Kind]int{finding.KindDockerfile: 2, finding.KindCompose: 1, finding.KindPython: 1, finding.KindImage: 1, finding.KindContainer: 1},
		Suppressed: 3,
	}
}

func render(t *testing.T, format string, opts Options, r *finding.Result) []byte {
	t.Helper()
	rep, err := New(format, opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.Report(&buf, r); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return buf.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./internal/report -update after checking the change):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestGolden(t *testing.T) {
	opts := Options{Version: "1.2.3", Catalogue: testCatalogue}
	for _, tt := range []struct{ format, file string }{
		{"text", "result.txt"},
		{"json", "result.json"},
		{"sarif", "result.sarif"},
		{"markdown", "result.md"},
		{"checklist", "result.checklist.txt"},
		{"junit", "result.junit.xml"},
		{"html", "result.html"},
	} {
		t.Run(tt.format, func(t *testing.T) {
			got := render(t, tt.format, opts, fixedResult())
			golden(t, tt.file, got)
			// Reporters must not depend on map order or mutate the result.
			if again := render(t, tt.format, opts, fixedResult()); !bytes.Equal(got, again) {
				t.Error("two renderings of the same result differ")
			}
		})
	}
	t.Run("empty text", func(t *testing.T) {
		golden(t, "empty.txt", render(t, "text", opts, &finding.Result{Command: "scan"}))
	})
	t.Run("empty json", func(t *testing.T) {
		golden(t, "empty.json", render(t, "json", opts, &finding.Result{Command: "scan"}))
	})
	t.Run("empty junit", func(t *testing.T) {
		golden(t, "empty.junit.xml", render(t, "junit", opts, &finding.Result{Command: "scan"}))
	})
}

func TestTextColour(t *testing.T) {
	plain := render(t, "text", Options{}, fixedResult())
	if bytes.Contains(plain, []byte("\x1b[")) {
		t.Error("text without Color has escape sequences")
	}
	col := render(t, "text", Options{Color: true}, fixedResult())
	if !bytes.Contains(col, []byte("\x1b[1;31mcritical\x1b[0m")) {
		t.Error("text with Color does not paint critical")
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := New("xml", Options{}); err == nil || !strings.Contains(err.Error(), "sarif") {
		t.Errorf("New(xml) err = %v, want one listing the formats", err)
	}
	for _, f := range Formats {
		if _, err := New(f, Options{}); err != nil {
			t.Errorf("New(%s): %v", f, err)
		}
	}
}

// TestJSONContract pins the keys other tools read, exactly.
func TestJSONContract(t *testing.T) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(render(t, "json", Options{}, fixedResult()), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"findings", "errors"} {
		if _, ok := doc[k]; !ok {
			t.Fatalf("top-level %q missing", k)
		}
	}
	var findings []map[string]json.RawMessage
	if err := json.Unmarshal(doc["findings"], &findings); err != nil {
		t.Fatal(err)
	}
	if len(findings) != 7 {
		t.Fatalf("findings = %d, want 7", len(findings))
	}
	wantKeys := []string{"checklist", "cis", "fix", "location", "message", "owasp", "rule", "severity", "slug", "title"}
	severities := map[string]bool{"info": true, "low": true, "medium": true, "high": true, "critical": true}
	for i, f := range findings {
		if got := sortedRawKeys(f); strings.Join(got, ",") != strings.Join(wantKeys, ",") {
			t.Errorf("finding %d keys = %v, want %v", i, got, wantKeys)
		}
		var sev string
		json.Unmarshal(f["severity"], &sev)
		if !severities[sev] {
			t.Errorf("finding %d severity %q", i, sev)
		}
		for _, arr := range []string{"checklist", "cis", "owasp"} {
			var a []string
			if err := json.Unmarshal(f[arr], &a); err != nil || a == nil {
				t.Errorf("finding %d %s = %s, want an array (never null)", i, arr, f[arr])
			}
		}
		for _, s := range []string{"rule", "slug", "title", "message", "fix"} {
			var v string
			if err := json.Unmarshal(f[s], &v); err != nil || v == "" {
				t.Errorf("finding %d %s = %s, want a non-empty string", i, s, f[s])
			}
		}
	}
	// Worst first: the critical finding leads. File locations carry path,
	// line and column.
	var sevs []string
	for _, f := range findings {
		var sev string
		json.Unmarshal(f["severity"], &sev)
		sevs = append(sevs, sev)
	}
	if sevs[0] != "critical" || sevs[len(sevs)-1] != "info" {
		t.Errorf("severities in order %v, want worst first", sevs)
	}
	var loc map[string]any
	json.Unmarshal(findings[0]["location"], &loc)
	if loc["path"] != "deploy dir/compose.yaml" || loc["line"] != float64(10) || loc["column"] != float64(5) {
		t.Errorf("file location = %v", loc)
	}
	var errs []map[string]any
	if err := json.Unmarshal(doc["errors"], &errs); err != nil || len(errs) != 2 {
		t.Fatalf("errors = %s", doc["errors"])
	}
	if errs[0]["path"] != "broken/Dockerfile" || errs[0]["line"] != float64(2) || errs[0]["message"] == "" {
		t.Errorf("error 0 = %v", errs[0])
	}
	if _, ok := errs[1]["line"]; ok {
		t.Errorf("error without a known line has line: %v", errs[1])
	}

	// An empty result still has both arrays.
	var empty map[string]json.RawMessage
	json.Unmarshal(render(t, "json", Options{}, &finding.Result{}), &empty)
	if string(empty["findings"]) != "[]" || string(empty["errors"]) != "[]" {
		t.Errorf("empty result: findings %s errors %s, want [] and []", empty["findings"], empty["errors"])
	}
}

func sortedRawKeys(m map[string]json.RawMessage) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}

// TestJUnitWellFormed: the XML parses, and the counts add up to the
// findings and input errors of the result.
func TestJUnitWellFormed(t *testing.T) {
	res := fixedResult()
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Suites   []struct {
			Cases []struct {
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(render(t, "junit", Options{}, res), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Failures != len(res.Findings) || doc.Errors != len(res.Errors) || doc.Tests != len(res.Findings)+len(res.Errors) {
		t.Errorf("tests=%d failures=%d errors=%d for %d findings and %d errors", doc.Tests, doc.Failures, doc.Errors, len(res.Findings), len(res.Errors))
	}
}

// TestHTMLWellFormed: the page is well-formed markup (XHTML-style, so a
// strict XML parser reads it), escapes what findings carry, and lists
// every finding.
func TestHTMLWellFormed(t *testing.T) {
	res := fixedResult()
	out := render(t, "html", Options{Catalogue: testCatalogue}, res)
	body := strings.Replace(string(out), "<!DOCTYPE html>", "", 1)
	dec := xml.NewDecoder(strings.NewReader(body))
	dec.Strict = true
	rows := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "span" {
			for _, a := range se.Attr {
				if a.Name.Local == "class" && strings.HasPrefix(a.Value, "sev ") {
					rows++
				}
			}
		}
	}
	if rows != len(res.Findings) {
		t.Errorf("%d finding rows for %d findings", rows, len(res.Findings))
	}
	if strings.Contains(body, "<b>|</b>") {
		t.Error("markup from a finding message was not escaped")
	}
}
