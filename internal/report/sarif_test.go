package report

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/finding"
)

// sarifDoc is the part of SARIF 2.1.0 that GitHub code scanning reads.
type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name  string `json:"name"`
				Rules []struct {
					ID                   string `json:"id"`
					Name                 string `json:"name"`
					ShortDescription     struct{ Text string }
					FullDescription      struct{ Text string }
					Help                 struct{ Text, Markdown string }
					DefaultConfiguration struct{ Level string }
					Properties           map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		OriginalURIBaseIDs map[string]struct {
			URI string `json:"uri"`
		} `json:"originalUriBaseIds"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation *struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
				LogicalLocations []struct {
					FullyQualifiedName string `json:"fullyQualifiedName"`
				} `json:"logicalLocations"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
		} `json:"results"`
		Invocations []struct {
			ExecutionSuccessful        bool `json:"executionSuccessful"`
			ToolExecutionNotifications []struct {
				Level   string
				Message struct{ Text string }
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
	} `json:"runs"`
}

// checkSARIF validates the structure code scanning depends on and returns
// the decoded log for further checks.
func checkSARIF(t *testing.T, b []byte) *sarifDoc {
	t.Helper()
	var doc sarifDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2.1.0" || !strings.Contains(doc.Schema, "sarif-2.1.0") {
		t.Errorf("version %q schema %q", doc.Version, doc.Schema)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("runs = %d", len(doc.Runs))
	}
	run := doc.Runs[0]
	if run.Tool.Driver.Name != "hardhull" {
		t.Errorf("driver name %q", run.Tool.Driver.Name)
	}
	levels := map[string]bool{"none": true, "note": true, "warning": true, "error": true}
	ruleAt := map[string]int{}
	for i, r := range run.Tool.Driver.Rules {
		if _, dup := ruleAt[r.ID]; dup {
			t.Errorf("rule %s described twice", r.ID)
		}
		ruleAt[r.ID] = i
		if r.ShortDescription.Text == "" || r.Help.Text == "" || r.Help.Markdown == "" || !levels[r.DefaultConfiguration.Level] {
			t.Errorf("rule %s descriptor incomplete: %+v", r.ID, r)
		}
		if s, _ := r.Properties["security-severity"].(string); s == "" {
			t.Errorf("rule %s without security-severity", r.ID)
		}
	}
	for i, res := range run.Results {
		idx, ok := ruleAt[res.RuleID]
		if !ok {
			t.Errorf("result %d ruleId %s not in driver.rules", i, res.RuleID)
		} else if res.RuleIndex == nil || *res.RuleIndex != idx {
			t.Errorf("result %d ruleIndex %v, want %d (%s)", i, res.RuleIndex, idx, res.RuleID)
		}
		if !levels[res.Level] {
			t.Errorf("result %d level %q", i, res.Level)
		}
		if res.Message.Text == "" {
			t.Errorf("result %d without message", i)
		}
		if res.PartialFingerprints["hardhull/v1"] == "" {
			t.Errorf("result %d without partialFingerprints", i)
		}
		if len(res.Locations) != 1 {
			t.Fatalf("result %d has %d locations", i, len(res.Locations))
		}
		loc := res.Locations[0]
		if pl := loc.PhysicalLocation; pl != nil {
			u, err := url.Parse(pl.ArtifactLocation.URI)
			if err != nil {
				t.Errorf("result %d uri %q: %v", i, pl.ArtifactLocation.URI, err)
				continue
			}
			if u.IsAbs() {
				if u.Scheme != "file" || pl.ArtifactLocation.URIBaseID != "" {
					t.Errorf("result %d absolute uri %q with base %q", i, u, pl.ArtifactLocation.URIBaseID)
				}
			} else {
				if pl.ArtifactLocation.URIBaseID != "%SRCROOT%" || strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "./") {
					t.Errorf("result %d relative uri %q base %q", i, pl.ArtifactLocation.URI, pl.ArtifactLocation.URIBaseID)
				}
				if _, ok := run.OriginalURIBaseIDs[pl.ArtifactLocation.URIBaseID]; !ok {
					t.Errorf("uriBaseId %s not declared in originalUriBaseIds", pl.ArtifactLocation.URIBaseID)
				}
			}
			if pl.Region != nil && pl.Region.StartLine < 1 {
				t.Errorf("result %d startLine %d", i, pl.Region.StartLine)
			}
		} else if len(loc.LogicalLocations) == 0 || loc.LogicalLocations[0].FullyQualifiedName == "" {
			t.Errorf("result %d has neither a physical nor a logical location", i)
		}
	}
	for k, v := range run.OriginalURIBaseIDs {
		// A base URI, when given, must be absolute and end with a slash;
		// it must not claim the filesystem root.
		if v.URI != "" && (!strings.HasSuffix(v.URI, "/") || v.URI == "file:///") {
			t.Errorf("originalUriBaseIds %s = %q", k, v.URI)
		}
	}
	return &doc
}

func TestSARIFStructure(t *testing.T) {
	doc := checkSARIF(t, render(t, "sarif", Options{Version: "1.2.3", Catalogue: testCatalogue}, fixedResult()))
	run := doc.Runs[0]
	if len(run.Results) != 7 || len(run.Tool.Driver.Rules) != len(testCatalogue) {
		t.Errorf("results %d rules %d", len(run.Results), len(run.Tool.Driver.Rules))
	}
	byRule := map[string]int{}
	for i, r := range run.Results {
		byRule[r.RuleID] = i
	}
	compose := run.Results[byRule["DC001"]].Locations[0].PhysicalLocation
	if compose.ArtifactLocation.URI != "deploy%20dir/compose.yaml" || compose.Region.StartLine != 10 || compose.Region.StartColumn != 5 {
		t.Errorf("compose location %+v", compose)
	}
	if run.Results[byRule["DC001"]].Level != "error" || run.Results[byRule["DF003"]].Level != "warning" || run.Results[byRule["PY002"]].Level != "note" {
		t.Error("levels do not follow severities")
	}
	// Image results carry a synthetic artifact (code scanning drops
	// results without one) and the exact place as a logical location.
	if l := run.Results[byRule["IM001"]].Locations[0]; l.PhysicalLocation == nil || !strings.HasPrefix(l.PhysicalLocation.ArtifactLocation.URI, "image/") ||
		!strings.HasPrefix(l.LogicalLocations[0].FullyQualifiedName, "registry.example/app:1.0") {
		t.Errorf("image location %+v", l)
	}
	inv := run.Invocations[0]
	if inv.ExecutionSuccessful || len(inv.ToolExecutionNotifications) != 2 || inv.ToolExecutionNotifications[0].Level != "error" {
		t.Errorf("invocation %+v", inv)
	}
}

func TestSARIFEdgeCases(t *testing.T) {
	other := &finding.Rule{ID: "ZZ999", Slug: "other", Title: "Not in the catalogue", Severity: finding.Low, Rationale: "r", Fix: "f"}
	r := &finding.Result{Findings: []finding.Finding{
		{Rule: other, Severity: finding.Low, Message: "m", Location: finding.Location{Path: "a/b.yaml", Line: 1}},
		{Rule: ruleUser, Severity: finding.High, Message: "m", Location: finding.Location{Path: "./odd #name%.Dockerfile", Line: 2}},
		{Rule: ruleUser, Severity: finding.High, Message: "m", Location: finding.Location{Path: "/abs/path/Dockerfile", Line: 2}},
		{Rule: ruleUser, Severity: finding.High, Message: "m", Location: finding.Location{Path: `win\dir\Dockerfile`}},
	}}
	cat := []*finding.Rule{ruleLatest, ruleUser}
	doc := checkSARIF(t, render(t, "sarif", Options{Catalogue: cat}, r))
	if len(cat) != 2 || cat[0] != ruleLatest {
		t.Error("reporter modified the caller's catalogue")
	}
	res := doc.Runs[0].Results
	// Worst first: the three high findings by path, then the low one.
	want := []string{"odd%20%23name%25.Dockerfile", "file:///abs/path/Dockerfile", "win/dir/Dockerfile", "a/b.yaml"}
	for i, w := range want {
		if got := res[i].Locations[0].PhysicalLocation.ArtifactLocation.URI; got != w {
			t.Errorf("uri %d = %q, want %q", i, got, w)
		}
	}
	if res[2].Locations[0].PhysicalLocation.Region != nil {
		t.Error("a location without a line has a region")
	}
	// Without a catalogue, the rules that fired are described.
	doc = checkSARIF(t, render(t, "sarif", Options{}, r))
	if n := len(doc.Runs[0].Tool.Driver.Rules); n != 2 {
		t.Errorf("rules without catalogue = %d, want 2", n)
	}
	// An empty result is still a valid log with empty arrays.
	doc = checkSARIF(t, render(t, "sarif", Options{}, &finding.Result{}))
	if doc.Runs[0].Results == nil || !doc.Runs[0].Invocations[0].ExecutionSuccessful {
		t.Error("empty result: results must be [] and the invocation successful")
	}
}

// Fingerprints ignore lines, so a result keeps its identity when code
// moves, and differ between distinct findings.
func TestSARIFFingerprintsStable(t *testing.T) {
	a := fixedResult()
	b := fixedResult()
	for i := range b.Findings {
		b.Findings[i].Location.Line += 7
	}
	da := checkSARIF(t, render(t, "sarif", Options{}, a))
	db := checkSARIF(t, render(t, "sarif", Options{}, b))
	seen := map[string]bool{}
	for i := range da.Runs[0].Results {
		fa := da.Runs[0].Results[i].PartialFingerprints["hardhull/v1"]
		if fb := db.Runs[0].Results[i].PartialFingerprints["hardhull/v1"]; fa != fb {
			t.Errorf("result %d fingerprint changed with its line", i)
		}
		if seen[fa] {
			t.Errorf("result %d shares a fingerprint", i)
		}
		seen[fa] = true
	}
}
