package report

import (
	"encoding/json"
	"io"
	"sort"

	"github.com/hardhull/hardhull/internal/finding"
)

// JSON is the machine contract other tools read; field names are stable.
type JSON struct{ Options }

type jsonFinding struct {
	Rule      string           `json:"rule"`
	Slug      string           `json:"slug"`
	Severity  finding.Severity `json:"severity"`
	Title     string           `json:"title"`
	Message   string           `json:"message"`
	Checklist []string         `json:"checklist"`
	CIS       []string         `json:"cis"`
	OWASP     []string         `json:"owasp"`
	Location  finding.Location `json:"location"`
	Fix       string           `json:"fix"`
	Details   any              `json:"details,omitempty"`
}

type jsonDoc struct {
	Tool    string `json:"tool"`
	Version string `json:"version,omitempty"`
	Command string `json:"command,omitempty"`
	Target  string `json:"target,omitempty"`
	// CISBenchmark names the benchmark version the findings' cis ids cite.
	CISBenchmark string        `json:"cis_benchmark"`
	Findings     []jsonFinding `json:"findings"`
	// Checklist is the evaluated Security Checklist, the object every
	// view (checklist, markdown, HTML, SARIF) reads.
	Checklist []ChecklistEntry     `json:"checklist"`
	Errors    []finding.InputError `json:"errors"`
	Evidence  []finding.Evidence   `json:"evidence,omitempty"`
	Facts     map[string]any       `json:"facts,omitempty"`
	Examined  map[finding.Kind]int `json:"examined"`
	Summary   map[string]int       `json:"summary"`
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (j *JSON) Report(w io.Writer, r *finding.Result) error {
	doc := jsonDoc{Tool: "hardhull", Version: j.Version, Command: r.Command, Target: r.Target, CISBenchmark: finding.CISVersion,
		Findings: []jsonFinding{}, Checklist: ChecklistEntries(r, j.Catalogue), Errors: r.Errors, Evidence: r.Evidence, Facts: r.Facts, Summary: map[string]int{}, Examined: map[finding.Kind]int{}}
	for k, n := range r.Kinds {
		if n > 0 {
			doc.Examined[k] = n
		}
	}
	if doc.Errors == nil {
		doc.Errors = []finding.InputError{}
	}
	for _, f := range r.Findings {
		doc.Findings = append(doc.Findings, jsonFinding{
			Rule: f.Rule.ID, Slug: f.Rule.Slug, Severity: f.Severity, Title: f.Rule.Title, Message: f.Message,
			Checklist: nonNil(f.Rule.Checklist), CIS: nonNil(f.Rule.CIS), OWASP: nonNil(f.Rule.OWASP),
			Location: f.Location, Fix: f.FixText(), Details: f.Details,
		})
		doc.Summary[f.Severity.String()]++
	}
	doc.Summary["suppressed"] = r.Suppressed
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
