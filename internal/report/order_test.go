package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/finding"
)

// manyServices is the "cap_drop missing on 50 services" case, plus one
// critical finding in a file whose name sorts last.
func manyServices(n int) *finding.Result {
	r := &finding.Result{Command: "scan", Target: "app", Kinds: map[finding.Kind]int{finding.KindCompose: 1}}
	for i := 0; i < n; i++ {
		r.Findings = append(r.Findings, finding.Finding{Rule: ruleCaps, Severity: finding.Medium,
			Message:  fmt.Sprintf("service svc%02d keeps default capabilities", i),
			Location: finding.Location{Path: "compose.yaml", Line: 10 + 5*i, Column: 5}})
	}
	r.Findings = append(r.Findings,
		finding.Finding{Rule: rulePy, Severity: finding.Low, Message: "docs exposed", Location: finding.Location{Path: "a/main.py", Line: 3}},
		finding.Finding{Rule: rulePriv, Severity: finding.Critical, Message: "service zz runs privileged", Location: finding.Location{Path: "zz/compose.yaml", Line: 4}})
	return r
}

func TestWorstFirstEveryFormat(t *testing.T) {
	for _, format := range Formats {
		if format == "checklist" {
			continue // one line per checklist item, not per finding
		}
		t.Run(format, func(t *testing.T) {
			out := string(render(t, format, Options{Version: "1", Catalogue: testCatalogue}, manyServices(4)))
			crit := strings.Index(out, "service zz runs privileged")
			low := strings.Index(out, "docs exposed")
			med := strings.Index(out, "service svc00")
			if crit < 0 || low < 0 || med < 0 {
				t.Fatalf("findings missing:\n%s", out)
			}
			if !(crit < med && med < low) {
				t.Errorf("not worst first: critical at %d, medium at %d, low at %d", crit, med, low)
			}
		})
	}
}

func TestRollupText(t *testing.T) {
	out := string(render(t, "text", Options{}, manyServices(50)))
	if n := strings.Count(out, "[RT002]"); n != 1 {
		t.Errorf("RT002 shown %d times, want once with its places:\n%s", n, out)
	}
	if !strings.Contains(out, "[RT002] Capabilities not dropped: 50 places") {
		t.Errorf("no rollup header:\n%s", out)
	}
	for _, want := range []string{"compose.yaml:10:5 service svc00", "compose.yaml:255:5 service svc49"} {
		if !strings.Contains(out, want) {
			t.Errorf("place %q not listed", want)
		}
	}
	// Below the threshold a rule is shown per file as before.
	out = string(render(t, "text", Options{}, manyServices(RollupMin-1)))
	if n := strings.Count(out, "[RT002]"); n != RollupMin-1 {
		t.Errorf("RT002 below the rollup threshold shown %d times", n)
	}
}

func TestSummaryText(t *testing.T) {
	out := string(render(t, "text", Options{Summary: true}, manyServices(50)))
	lines := strings.Split(out, "\n")
	if lines[0] != "top problems:" || !strings.Contains(lines[1], "critical DC001") || !strings.Contains(lines[2], "RT002 Capabilities not dropped: 50 places in 1 file") {
		t.Errorf("top section:\n%s", out)
	}
	if strings.Contains(out, "svc00") {
		t.Error("--summary lists places")
	}
}

func TestMarkdownFitsAComment(t *testing.T) {
	r := &finding.Result{Command: "scan", Kinds: map[finding.Kind]int{finding.KindDockerfile: 400}}
	rs := []*finding.Rule{ruleUser, ruleLatest, rulePriv, ruleSecret, ruleCaps, rulePy, ruleInfo}
	for i := 0; i < 6000; i++ {
		r.Findings = append(r.Findings, finding.Finding{Rule: rs[i%len(rs)], Severity: finding.Severity(i % 5),
			Message:  strings.Repeat("a long message ", 20) + fmt.Sprint(i),
			Location: finding.Location{Path: fmt.Sprintf("svc%03d/Dockerfile", i%400), Line: i}})
	}
	for i := 0; i < 100; i++ {
		r.Errors = append(r.Errors, finding.InputError{Path: fmt.Sprintf("bad%d/Dockerfile", i), Message: strings.Repeat("x", 1000)})
	}
	out := string(render(t, "markdown", Options{}, r))
	if n := len(out); n >= MarkdownLimit {
		t.Errorf("markdown is %d characters, want under %d", n, MarkdownLimit)
	}
	for _, want := range []string{"Examined: 400 Dockerfiles", "| Severity | Rule | Problem | Places |", "<details>", "**Truncated:**", "--format html", "… and 80 more"} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if strings.Index(out, "| Severity | Rule |") > strings.Index(out, "<details>") {
		t.Error("the rollup table is not first")
	}
	// A small report is complete: no truncation note.
	small := string(render(t, "markdown", Options{}, manyServices(50)))
	if strings.Contains(small, "Truncated") || strings.Count(small, "<details>") != 3 {
		t.Errorf("small report:\n%s", small)
	}
	empty := string(render(t, "markdown", Options{}, &finding.Result{Command: "scan", Kinds: map[finding.Kind]int{}}))
	if !strings.Contains(empty, "Examined: **nothing**") {
		t.Errorf("empty report does not say nothing was examined:\n%s", empty)
	}
}
