package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hardhull/hardhull/internal/finding"
)

// GitLabSASTSchemaVersion is the GitLab security report schema the SAST
// format follows (validated against it in tests).
const GitLabSASTSchemaVersion = "15.1.4"

// processStart stands for the scan's start: reporters run once, at the end
// of one command.
var processStart = time.Now()

// GitLabSAST is GitLab's SAST security report (`artifacts:reports:sast`):
// findings become vulnerabilities in the merge request security widget and
// the vulnerability report.
type GitLabSAST struct {
	Options
	// now and start are the scan's end and start; tests fix them.
	now, start func() time.Time
}

type sastReport struct {
	Schema          string     `json:"schema"`
	Version         string     `json:"version"`
	Scan            sastScan   `json:"scan"`
	Vulnerabilities []sastVuln `json:"vulnerabilities"`
}

type sastTool struct {
	ID      string         `json:"id"`
	Name    string         `json:"name"`
	URL     string         `json:"url"`
	Version string         `json:"version"`
	Vendor  map[string]any `json:"vendor"`
}

type sastScan struct {
	Analyzer  sastTool      `json:"analyzer"`
	Scanner   sastTool      `json:"scanner"`
	Type      string        `json:"type"`
	StartTime string        `json:"start_time"`
	EndTime   string        `json:"end_time"`
	Status    string        `json:"status"`
	Messages  []sastMessage `json:"messages,omitempty"`
}

type sastMessage struct {
	Level string `json:"level"`
	Value string `json:"value"`
}

type sastVuln struct {
	ID          string           `json:"id"`
	Name        string           `json:"name"`
	Description string           `json:"description"`
	Severity    string           `json:"severity"`
	Solution    string           `json:"solution,omitempty"`
	Identifiers []sastIdentifier `json:"identifiers"`
	Links       []sastLink       `json:"links,omitempty"`
	Location    sastLocation     `json:"location"`
}

type sastIdentifier struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Value string `json:"value"`
	URL   string `json:"url,omitempty"`
}

type sastLink struct {
	Name string `json:"name,omitempty"`
	URL  string `json:"url"`
}

type sastLocation struct {
	File      string `json:"file,omitempty"`
	StartLine int    `json:"start_line,omitempty"`
}

// sastSeverity maps onto the schema's capitalised names.
func sastSeverity(s finding.Severity) string {
	switch s {
	case finding.Critical:
		return "Critical"
	case finding.High:
		return "High"
	case finding.Medium:
		return "Medium"
	case finding.Low:
		return "Low"
	}
	return "Info"
}

// sastTime is the schema's yyyy-mm-ddThh:mm:ss in UTC.
func sastTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05") }

// uuidOf shapes a 32-hex-digit identifier as a UUID, as the schema recommends.
func uuidOf(h string) string {
	h = (h + strings.Repeat("0", 32))[:32]
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (g *GitLabSAST) Report(w io.Writer, r *finding.Result) error {
	now, start := time.Now, func() time.Time { return processStart }
	if g.now != nil {
		now = g.now
	}
	if g.start != nil {
		start = g.start
	}
	version := g.Version
	if version == "" {
		version = "dev"
	}
	tool := sastTool{ID: "hardhull", Name: "hardhull", URL: "https://github.com/hardhull/hardhull", Version: version,
		Vendor: map[string]any{"name": "hardhull"}}
	doc := sastReport{
		Schema:  "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v" + GitLabSASTSchemaVersion + "/dist/sast-report-format.json",
		Version: GitLabSASTSchemaVersion,
		Scan: sastScan{Analyzer: tool, Scanner: tool, Type: "sast", StartTime: sastTime(start()), EndTime: sastTime(now()),
			// Unreadable inputs do not fail the scan: the rest was judged, and
			// each one is a warning GitLab shows with the report.
			Status: "success"},
		Vulnerabilities: []sastVuln{},
	}
	for _, e := range r.Errors {
		doc.Scan.Messages = append(doc.Scan.Messages, sastMessage{Level: "warn", Value: inputErrorText(e)})
	}
	ids := uniqueIDs(r.Findings)
	for i, f := range r.Findings {
		v := sastVuln{
			ID:          uuidOf(ids[i]),
			Name:        truncate(f.Rule.Title, 255),
			Description: f.Message + "\n\n" + f.Rule.Rationale,
			Severity:    sastSeverity(f.Severity),
			Solution:    truncate(f.FixText(), 7000),
			Identifiers: []sastIdentifier{{Type: "hardhull_rule_id", Name: "hardhull " + f.Rule.ID, Value: f.Rule.ID, URL: ruleURL(f.Rule)}},
			Links:       []sastLink{{Name: f.Rule.ID + " " + f.Rule.Slug, URL: ruleURL(f.Rule)}},
			Location:    sastLocation{File: gitlabPath(f.Location), StartLine: f.Location.Line},
		}
		if f.Location.Image != "" || f.Location.Container != "" {
			v.Location.StartLine = 0
		}
		for _, c := range f.Rule.CIS {
			v.Identifiers = append(v.Identifiers, sastIdentifier{Type: "cis_docker_benchmark", Name: "CIS Docker Benchmark " + c, Value: c})
		}
		for _, o := range f.Rule.OWASP {
			v.Identifiers = append(v.Identifiers, sastIdentifier{Type: "owasp_docker_top10", Name: "OWASP Docker Top 10 " + o, Value: o})
		}
		doc.Vulnerabilities = append(doc.Vulnerabilities, v)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// inputErrorText is one line per unreadable input, as stderr shows it.
func inputErrorText(e finding.InputError) string {
	msg := strings.Join(strings.Fields(e.Message), " ")
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, msg)
}
