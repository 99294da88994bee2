package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sastSchemaFile is GitLab's published SAST report schema, vendored
// unchanged (origin in NOTICE).
var sastSchemaFile = filepath.Join("testdata", "gitlab", "sast-report-format-"+GitLabSASTSchemaVersion+".json")

func sastSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(sastSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sast-report-format.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("sast-report-format.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validateSAST(t *testing.T, s *jsonschema.Schema, b []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("does not validate against %s: %v", sastSchemaFile, err)
	}
}

func renderSAST(t *testing.T, r *finding.Result) []byte {
	t.Helper()
	end := time.Date(2026, 3, 4, 5, 6, 8, 0, time.UTC)
	rep := &GitLabSAST{Options: Options{Version: "1.2.3", Catalogue: testCatalogue},
		now: func() time.Time { return end }, start: func() time.Time { return end.Add(-2 * time.Second) }}
	var buf bytes.Buffer
	if err := rep.Report(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withDuplicate adds a second finding identical to the first but for its
// line: two copies of one instruction in one file.
func withDuplicate(r *finding.Result) *finding.Result {
	d := r.Findings[0]
	d.Location.Line += 10
	r.Findings = append(r.Findings, d)
	return r
}

func TestGitLabSASTGoldenAndSchema(t *testing.T) {
	s := sastSchema(t)
	full := renderSAST(t, withDuplicate(fixedResult()))
	golden(t, "result.gitlab-sast.json", full)
	validateSAST(t, s, full)
	empty := renderSAST(t, &finding.Result{})
	golden(t, "empty.gitlab-sast.json", empty)
	validateSAST(t, s, empty)

	var doc struct {
		Scan struct {
			StartTime string `json:"start_time"`
			EndTime   string `json:"end_time"`
			Messages  []struct{ Level, Value string }
		}
		Vulnerabilities []struct {
			ID, Severity string
			Identifiers  []struct{ Type, Value string }
			Location     struct {
				File      string
				StartLine int `json:"start_line"`
			}
		}
	}
	if err := json.Unmarshal(full, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Scan.StartTime != "2026-03-04T05:06:06" || doc.Scan.EndTime != "2026-03-04T05:06:08" {
		t.Errorf("times %s .. %s", doc.Scan.StartTime, doc.Scan.EndTime)
	}
	if len(doc.Scan.Messages) != 2 || doc.Scan.Messages[0].Value != "broken/Dockerfile:2: unknown instruction: FOO" {
		t.Errorf("input errors as messages: %+v", doc.Scan.Messages)
	}
	want := map[string]string{"DF001": "High", "DF003": "Medium", "DF024": "Info", "DC001": "Critical", "IM001": "High", "RT002": "Medium", "PY002": "Low"}
	ids := map[string]bool{}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	for _, v := range doc.Vulnerabilities {
		rule := v.Identifiers[0].Value
		if v.Identifiers[0].Type != "hardhull_rule_id" || want[rule] != v.Severity {
			t.Errorf("%s: primary identifier %+v severity %s", v.ID, v.Identifiers[0], v.Severity)
		}
		if !uuid.MatchString(v.ID) || ids[v.ID] {
			t.Errorf("id %q malformed or repeated", v.ID)
		}
		ids[v.ID] = true
	}
	if len(ids) != len(fixedResult().Findings)+1 {
		t.Errorf("%d distinct ids for %d findings", len(ids), len(fixedResult().Findings)+1)
	}
}

// The schema check is not vacuous: documents GitLab would reject fail it.
func TestGitLabSASTSchemaRejects(t *testing.T) {
	s := sastSchema(t)
	good := renderSAST(t, fixedResult())
	for name, edit := range map[string]func(m map[string]any){
		"lower-case severity": func(m map[string]any) { vuln(m)["severity"] = "high" },
		"no identifiers":      func(m map[string]any) { vuln(m)["identifiers"] = []any{} },
		"time with zone":      func(m map[string]any) { m["scan"].(map[string]any)["end_time"] = "2026-03-04T05:06:08Z" },
		"no scan type":        func(m map[string]any) { delete(m["scan"].(map[string]any), "type") },
	} {
		t.Run(name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(good, &m); err != nil {
				t.Fatal(err)
			}
			edit(m)
			b, _ := json.Marshal(m)
			inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err := s.Validate(inst); err == nil {
				t.Error("schema accepted it")
			}
		})
	}
}

func vuln(m map[string]any) map[string]any {
	return m["vulnerabilities"].([]any)[0].(map[string]any)
}

// GitLab publishes no JSON schema for code quality reports; its
// documentation lists the fields it reads, checked here one by one.
func TestGitLabCodeQuality(t *testing.T) {
	out := render(t, "gitlab-codequality", Options{Version: "1.2.3", Catalogue: testCatalogue}, withDuplicate(fixedResult()))
	golden(t, "result.gitlab-codequality.json", out)
	if e := render(t, "gitlab-codequality", Options{}, &finding.Result{}); strings.TrimSpace(string(e)) != "[]" {
		t.Errorf("empty report %q, want []", e)
	}
	var issues []map[string]any
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&issues); err != nil {
		t.Fatal(err)
	}
	if len(issues) != len(fixedResult().Findings)+1 {
		t.Fatalf("%d issues", len(issues))
	}
	sev := map[string]string{"DF001": "critical", "DF003": "major", "DF024": "info", "DC001": "blocker", "IM001": "critical", "RT002": "major", "PY002": "minor"}
	fps := map[string]bool{}
	for i, is := range issues {
		for _, k := range []string{"description", "check_name", "fingerprint", "severity"} {
			if s, _ := is[k].(string); s == "" {
				t.Errorf("issue %d: %s missing: %v", i, k, is)
			}
		}
		if sev[is["check_name"].(string)] != is["severity"] {
			t.Errorf("issue %d: %s severity %v", i, is["check_name"], is["severity"])
		}
		fp := is["fingerprint"].(string)
		if fps[fp] {
			t.Errorf("issue %d: fingerprint %s repeated", i, fp)
		}
		fps[fp] = true
		loc, _ := is["location"].(map[string]any)
		lines, _ := loc["lines"].(map[string]any)
		begin, err := lines["begin"].(json.Number).Int64()
		if p, _ := loc["path"].(string); p == "" || err != nil || begin < 1 {
			t.Errorf("issue %d: location %v", i, loc)
		}
		if strings.HasPrefix(loc["path"].(string), "/") || strings.HasPrefix(loc["path"].(string), "./") {
			t.Errorf("issue %d: path %q not relative", i, loc["path"])
		}
	}
	// The first finding's fingerprint is the baseline fingerprint, which
	// survives line shifts; its duplicate gets a different one.
	// Issues are ordered worst first, so look the finding's up.
	own := fixedResult().Findings[0].Fingerprint()
	found := false
	for _, is := range issues {
		found = found || is["fingerprint"] == own
	}
	if !found {
		t.Errorf("no issue carries the first finding's own fingerprint %s", own)
	}
}
