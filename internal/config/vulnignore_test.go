package config

import (
	"strings"
	"testing"
	"time"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/inventory"
	"github.com/hardhull/hardhull/internal/vuln"
)

func TestVulnIgnore(t *testing.T) {
	cfg, err := Parse(".hardhull.yaml", []byte(`vulnerabilities:
  ignore:
    - id: DSA-9001-1
      reason: the TLS server is not reachable from outside
      expires: 2026-12-31
    - id: CVE-2099-0002
      packages: [zlib]
      reason: no compressed input from users
      expires: 2026-12-31
    - id: CVE-2099-0003
      reason: lapsed
      expires: 2026-01-01
`))
	if err != nil {
		t.Fatal(err)
	}
	old := now
	now = func() time.Time { return time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC) }
	defer func() { now = old }()
	rule := &finding.Rule{ID: "VU001"}
	mk := func(pkg, src string, ids ...string) finding.Finding {
		return finding.Finding{Rule: rule, Severity: finding.High, Message: pkg + " " + ids[0],
			Details: &vuln.Finding{ID: ids[0], IDs: ids, Package: inventory.Package{Name: pkg, SourceName: src}}}
	}
	res := &finding.Result{Findings: []finding.Finding{
		mk("libssl3", "openssl", "CVE-2099-0001", "DSA-9001-1"), // ignored through an alias
		mk("zlib1g", "zlib", "CVE-2099-0002"),                   // ignored for its source package
		mk("other", "other", "CVE-2099-0002"),                   // not in the listed packages
		mk("tar", "tar", "CVE-2099-0003"),                       // the ignore lapsed
	}}
	(&Policy{Config: cfg}).Apply(res)
	var left []string
	for _, f := range res.Findings {
		left = append(left, f.Message)
	}
	if got := strings.Join(left, ","); got != "other CVE-2099-0002,tar CVE-2099-0003" || res.Suppressed != 2 {
		t.Errorf("kept %s, suppressed %d", got, res.Suppressed)
	}
	for _, bad := range []string{
		"vulnerabilities:\n  ignore:\n    - id: CVE-1\n      expires: 2027-01-01\n",
		"vulnerabilities:\n  ignore:\n    - id: CVE-1\n      reason: x\n",
		"vulnerabilities:\n  ignore:\n    - id: CVE-1\n      reason: x\n      expires: next year\n",
	} {
		if _, err := Parse(".hardhull.yaml", []byte(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
