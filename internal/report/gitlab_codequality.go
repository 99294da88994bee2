package report

import (
	"encoding/json"
	"io"

	"github.com/hardhull/hardhull/internal/finding"
)

// GitLabCodeQuality is the CodeClimate-style JSON array GitLab reads as an
// `artifacts:reports:codequality` report: one issue per finding, shown in
// merge request widgets and diffs.
type GitLabCodeQuality struct{ Options }

type cqIssue struct {
	Type        string     `json:"type"`
	CheckName   string     `json:"check_name"`
	Description string     `json:"description"`
	Content     *cqContent `json:"content,omitempty"`
	Categories  []string   `json:"categories"`
	Fingerprint string     `json:"fingerprint"`
	Severity    string     `json:"severity"`
	Location    cqLocation `json:"location"`
}

type cqContent struct {
	Body string `json:"body"`
}

type cqLocation struct {
	Path  string  `json:"path"`
	Lines cqLines `json:"lines"`
}

type cqLines struct {
	Begin int `json:"begin"`
}

// codeQualitySeverity maps hardhull's scale onto CodeClimate's five names,
// the only ones GitLab accepts.
func codeQualitySeverity(s finding.Severity) string {
	switch s {
	case finding.Critical:
		return "blocker"
	case finding.High:
		return "critical"
	case finding.Medium:
		return "major"
	case finding.Low:
		return "minor"
	}
	return "info"
}

func (g *GitLabCodeQuality) Report(w io.Writer, r *finding.Result) error {
	ids := uniqueIDs(r.Findings)
	issues := []cqIssue{}
	for i, f := range r.Findings {
		line := f.Location.Line
		if line < 1 {
			// GitLab requires a line; the file (or image) as a whole is line 1.
			line = 1
		}
		is := cqIssue{
			Type:        "issue",
			CheckName:   f.Rule.ID,
			Description: f.Rule.ID + " " + f.Message,
			Categories:  []string{"Security"},
			Fingerprint: ids[i],
			Severity:    codeQualitySeverity(f.Severity),
			Location:    cqLocation{Path: gitlabPath(f.Location), Lines: cqLines{Begin: line}},
		}
		body := f.Rule.Title + ". " + f.Rule.Rationale
		if fix := f.FixText(); fix != "" {
			body += "\n\nFix: " + fix
		}
		body += "\n\nSee " + ruleURL(f.Rule)
		is.Content = &cqContent{Body: body}
		issues = append(issues, is)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(issues)
}
