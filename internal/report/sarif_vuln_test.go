package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/finding"
	vulnmatch "github.com/hardhull/hardhull/internal/vuln"
)

func TestSARIFVulnSecuritySeverity(t *testing.T) {
	rule := &finding.Rule{ID: "VU001", Slug: "vulnerable-package", Title: "t", Severity: finding.High, Kind: finding.KindImage}
	r := &finding.Result{Command: "image", Findings: []finding.Finding{{Rule: rule, Severity: finding.High, Message: "m",
		Location: finding.Location{Image: "app", Path: "/var/lib/dpkg/status"},
		Details:  &vulnmatch.Finding{ID: "CVE-2099-1", IDs: []string{"CVE-2099-1", "DSA-1"}, Severity: vulnmatch.Severity{Level: finding.High, Score: 7.5}}}}}
	rep, err := New("sarif", Options{Catalogue: []*finding.Rule{rule}})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rep.Report(&b, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"security-severity": "7.5"`) || !strings.Contains(b.String(), `"DSA-1"`) {
		t.Errorf("sarif:\n%s", b.String())
	}
}
