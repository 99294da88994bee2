package report

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

var (
	sarifSchemaOnce sync.Once
	sarifSchema     *jsonschema.Schema
	sarifSchemaErr  error
)

// validateSARIF checks a log against the SARIF 2.1.0 JSON schema and
// against the limits GitHub code scanning documents for an upload.
func validateSARIF(t *testing.T, b []byte) {
	t.Helper()
	if err := schemaCheck(b); err != nil {
		t.Fatal(err)
	}
	limitsCheck(t, b)
}

func schemaCheck(b []byte) error {
	sarifSchemaOnce.Do(func() {
		f, err := os.Open(filepath.Join("testdata", "sarif-schema", "sarif-2.1.0-rtm.5.json"))
		if err != nil {
			sarifSchemaErr = err
			return
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			sarifSchemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource("sarif.json", doc); err != nil {
			sarifSchemaErr = err
			return
		}
		sarifSchema, sarifSchemaErr = c.Compile("sarif.json")
	})
	if sarifSchemaErr != nil {
		return fmt.Errorf("SARIF schema: %v", sarifSchemaErr)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("SARIF is not JSON: %v", err)
	}
	if err := sarifSchema.Validate(inst); err != nil {
		return fmt.Errorf("SARIF does not validate against the 2.1.0 schema: %v", err)
	}
	return nil
}

func limitsCheck(t *testing.T, b []byte) {
	t.Helper()
	var lim struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						Properties struct {
							Tags []string `json:"tags"`
						} `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
				Extensions []json.RawMessage `json:"extensions"`
			} `json:"tool"`
			Results []struct {
				Locations []json.RawMessage `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &lim); err != nil {
		t.Fatal(err)
	}
	if len(lim.Runs) > SARIFMaxRuns {
		t.Errorf("%d runs, GitHub accepts %d", len(lim.Runs), SARIFMaxRuns)
	}
	for _, run := range lim.Runs {
		if n := len(run.Results); n > SARIFMaxResults {
			t.Errorf("%d results in a run, GitHub accepts %d", n, SARIFMaxResults)
		}
		if n := len(run.Tool.Driver.Rules); n > SARIFMaxRules {
			t.Errorf("%d rules in a run, GitHub accepts %d", n, SARIFMaxRules)
		}
		if n := len(run.Tool.Extensions); n > 100 {
			t.Errorf("%d tool extensions, GitHub accepts 100", n)
		}
		for i, r := range run.Tool.Driver.Rules {
			if n := len(r.Properties.Tags); n > SARIFShownTags {
				t.Errorf("rule %d has %d tags: GitHub shows %d (accepts %d)", i, n, SARIFShownTags, SARIFMaxTags)
			}
		}
		for i, r := range run.Results {
			if n := len(r.Locations); n > SARIFMaxLocations {
				t.Errorf("result %d has %d locations, GitHub accepts %d", i, n, SARIFMaxLocations)
			}
		}
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(b)
	zw.Close()
	if gz.Len() > SARIFMaxUploadBytes {
		t.Errorf("SARIF is %d bytes gzipped, GitHub accepts %d", gz.Len(), SARIFMaxUploadBytes)
	}
}

func TestSARIFResultLimit(t *testing.T) {
	r := &finding.Result{Command: "scan"}
	n := SARIFMaxResults + 3000
	for i := 0; i < n; i++ {
		sev := finding.Info
		if i%2 == 0 {
			sev = finding.High
		}
		r.Findings = append(r.Findings, finding.Finding{Rule: ruleUser, Severity: sev, Message: "m",
			Key: fmt.Sprint(i), Location: finding.Location{Path: fmt.Sprintf("d%d/Dockerfile", i%500), Line: i + 1}})
	}
	doc := checkSARIF(t, render(t, "sarif", Options{Catalogue: testCatalogue}, r))
	run := doc.Runs[0]
	if len(run.Results) != SARIFMaxResults {
		t.Fatalf("results = %d, want the cap %d", len(run.Results), SARIFMaxResults)
	}
	highs := 0
	for _, res := range run.Results {
		if res.Level == "error" {
			highs++
		}
	}
	if highs != (n+1)/2 {
		t.Errorf("kept %d of %d high results: the least severe must go first", highs, (n+1)/2)
	}
	notes := run.Invocations[0].ToolExecutionNotifications
	if len(notes) != 1 || !strings.Contains(notes[0].Message.Text, "3000 results left out") {
		t.Errorf("no notification of the results left out: %+v", notes)
	}
}

func TestSARIFRelativeToRepositoryRoot(t *testing.T) {
	repo := t.TempDir()
	if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	scanned := filepath.Join(repo, "services", "api")
	if err := os.MkdirAll(scanned, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := SourceRoot(scanned); got != repo {
		t.Fatalf("SourceRoot = %q, want the work tree %q", got, repo)
	}
	r := &finding.Result{Findings: []finding.Finding{
		{Rule: ruleUser, Severity: finding.High, Message: "m", Location: finding.Location{Path: "docker/Dockerfile", Line: 3}},
		{Rule: ruleUser, Severity: finding.High, Message: "m", Location: finding.Location{Path: filepath.Join(repo, "other", "Dockerfile"), Line: 1}},
	}}
	doc := checkSARIF(t, render(t, "sarif", Options{Catalogue: testCatalogue, PathBase: scanned, SourceRoot: repo}, r))
	run := doc.Runs[0]
	// Worst first puts the absolute path (it sorts first) ahead.
	want := []string{"other/Dockerfile", "services/api/docker/Dockerfile"}
	for i, w := range want {
		if got := run.Results[i].Locations[0].PhysicalLocation.ArtifactLocation.URI; got != w {
			t.Errorf("uri %d = %q, want %q", i, got, w)
		}
	}
	if got := run.OriginalURIBaseIDs["%SRCROOT%"].URI; got != "file://"+filepath.ToSlash(repo)+"/" {
		t.Errorf("originalUriBaseIds %%SRCROOT%% = %q, want the repository root", got)
	}
	// Outside any work tree the root is the working directory.
	wd, _ := os.Getwd()
	outside := t.TempDir()
	if got := SourceRoot(outside); got != wd && !strings.HasPrefix(outside, got) {
		t.Errorf("SourceRoot outside a repository = %q, want the working directory %q", got, wd)
	}
}

func TestSARIFFingerprintsDistinctForIdenticalLines(t *testing.T) {
	same := finding.Finding{Rule: ruleLatest, Severity: finding.Medium, Message: "FROM python:latest", Key: "FROM python:latest"}
	a, b := same, same
	a.Location = finding.Location{Path: "Dockerfile", Line: 1}
	b.Location = finding.Location{Path: "Dockerfile", Line: 9}
	doc := checkSARIF(t, render(t, "sarif", Options{Catalogue: testCatalogue}, &finding.Result{Findings: []finding.Finding{b, a}}))
	res := doc.Runs[0].Results
	if len(res) != 2 {
		t.Fatalf("results = %d", len(res))
	}
	fa, fb := res[0].PartialFingerprints["hardhull/v1"], res[1].PartialFingerprints["hardhull/v1"]
	if fa == fb {
		t.Errorf("two identical lines share the fingerprint %q", fa)
	}
	// The first keeps the line-independent fingerprint baselines use.
	if fa != a.Fingerprint() || res[0].Locations[0].PhysicalLocation.Region.StartLine != 1 {
		t.Errorf("first occurrence fingerprint %q, want %q", fa, a.Fingerprint())
	}
}

func TestSARIFSuppressionsAndOverrides(t *testing.T) {
	shown := finding.Finding{Rule: ruleInfo, Severity: finding.High, Message: "overridden to high", Location: finding.Location{Path: "Dockerfile", Line: 1}}
	r := &finding.Result{Findings: []finding.Finding{shown}, Suppressed: 2, Silenced: []finding.Suppression{
		{Finding: finding.Finding{Rule: ruleUser, Severity: finding.High, Message: "ignored", Location: finding.Location{Path: "Dockerfile", Line: 5}}, InSource: true, Justification: "runs as root by design"},
		{Finding: finding.Finding{Rule: ruleLatest, Severity: finding.Medium, Message: "baselined", Location: finding.Location{Path: "Dockerfile", Line: 2}}, Justification: "accepted in the baseline"},
	}}
	b := render(t, "sarif", Options{Catalogue: testCatalogue}, r)
	doc := checkSARIF(t, b)
	var raw struct {
		Runs []struct {
			Results []struct {
				RuleID       string `json:"ruleId"`
				Suppressions []struct {
					Kind, Justification string
				} `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	json.Unmarshal(b, &raw)
	got := map[string]string{}
	for _, res := range raw.Runs[0].Results {
		s := ""
		for _, sup := range res.Suppressions {
			s = sup.Kind + ": " + sup.Justification
		}
		got[res.RuleID] = s
	}
	want := map[string]string{ruleInfo.ID: "", ruleUser.ID: "inSource: runs as root by design", ruleLatest.ID: "external: accepted in the baseline"}
	for id, w := range want {
		if g, ok := got[id]; !ok || g != w {
			t.Errorf("%s suppression = %q (present %v), want %q", id, g, ok, w)
		}
	}
	// The info rule's finding was raised to high by policy: its descriptor
	// grades it so (code scanning reads the rule's security-severity).
	for _, rule := range doc.Runs[0].Tool.Driver.Rules {
		if rule.ID == ruleInfo.ID && (rule.Properties["security-severity"] != "8.0" || rule.DefaultConfiguration.Level != "error") {
			t.Errorf("overridden rule descriptor: %+v", rule)
		}
		if rule.ID == ruleSecret.ID && rule.Properties["security-severity"] != securitySeverity(ruleSecret.Severity) {
			t.Errorf("a rule that did not fire keeps its default grade: %+v", rule)
		}
	}
	for _, res := range doc.Runs[0].Results {
		if res.RuleID == ruleInfo.ID && res.Level != "error" {
			t.Errorf("overridden result level %q", res.Level)
		}
	}
}

func TestSARIFLogicalLocations(t *testing.T) {
	r := &finding.Result{Findings: []finding.Finding{
		{Rule: ruleSecret, Severity: finding.High, Message: "m", Location: finding.Location{Image: "registry.example/app:1.0", Layer: "sha256:" + strings.Repeat("ab", 32), Path: "/app/.env"}},
		{Rule: ruleSecret, Severity: finding.High, Message: "m", Location: finding.Location{Image: "registry.example/app:1.0"}},
		{Rule: ruleCaps, Severity: finding.Medium, Message: "m", Location: finding.Location{Container: "web", ID: "abc123", Field: "HostConfig.CapDrop"}},
	}}
	var raw struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					LogicalLocations []struct {
						Name, FullyQualifiedName, Kind string
						Properties                     map[string]string
					} `json:"logicalLocations"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	b := render(t, "sarif", Options{Catalogue: testCatalogue}, r)
	checkSARIF(t, b)
	json.Unmarshal(b, &raw)
	want := [][3]string{
		{"registry.example/app:1.0", "registry.example/app:1.0", "module"},
		{"/app/.env", "registry.example/app:1.0!/app/.env", "resource"},
		{"HostConfig.CapDrop", "web.HostConfig.CapDrop", "property"},
	}
	for i, w := range want {
		ll := raw.Runs[0].Results[i].Locations[0].LogicalLocations
		if len(ll) != 1 || ll[0].Name != w[0] || ll[0].FullyQualifiedName != w[1] || ll[0].Kind != w[2] {
			t.Errorf("result %d logical location %+v, want %v", i, ll, w)
		}
	}
	if l := raw.Runs[0].Results[1].Locations[0].LogicalLocations[0].Properties["layer"]; l != "sha256:"+strings.Repeat("ab", 32) {
		t.Errorf("layer property %q: the full digest, not a shortened one", l)
	}
}

// The schema check is real: a log it should reject, it rejects.
func TestSARIFSchemaRejects(t *testing.T) {
	good := render(t, "sarif", Options{Catalogue: testCatalogue}, fixedResult())
	if err := schemaCheck(good); err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]string{
		"unknown level":       strings.Replace(string(good), `"level": "error"`, `"level": "fatal"`, 1),
		"bad suppression":     strings.Replace(string(good), `"partialFingerprints"`, `"suppressions": [{"kind": "maybe"}], "partialFingerprints"`, 1),
		"version":             strings.Replace(string(good), `"version": "2.1.0"`, `"version": "2.0"`, 1),
		"startLine below one": strings.Replace(string(good), `"startLine": 3`, `"startLine": 0`, 1),
	} {
		if bad == string(good) {
			t.Fatalf("%s: the mutation did not apply", name)
		}
		if err := schemaCheck([]byte(bad)); err == nil {
			t.Errorf("%s: accepted by the schema check", name)
		}
	}
}
