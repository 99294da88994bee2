package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
)

// Markdown is for pull-request comments: a summary line, then one table
// per file.
type Markdown struct{ Options }

var sevIcon = map[finding.Severity]string{
	finding.Critical: "🟥", finding.High: "🟧", finding.Medium: "🟨", finding.Low: "🟦", finding.Info: "⬜",
}

func mdCell(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

func (m *Markdown) Report(w io.Writer, r *finding.Result) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "### hardhull %s: %s\n\n", r.Command, summary(r.Findings))
	keys, byKey := groups(r.Findings)
	for _, k := range keys {
		fmt.Fprintf(bw, "#### `%s`\n\n| | Location | Rule | Finding | Fix |\n|---|---|---|---|---|\n", k)
		for _, f := range byKey[k] {
			fmt.Fprintf(bw, "| %s %s | `%s` | %s `%s` | %s | %s |\n", sevIcon[f.Severity], f.Severity,
				mdCell(f.Location.String()), f.Rule.ID, f.Rule.Slug, mdCell(f.Message), mdCell(f.FixText()))
		}
		fmt.Fprintln(bw)
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(bw, "#### Input errors\n\n")
		for _, e := range r.Errors {
			fmt.Fprintf(bw, "- `%s`", mdCell(e.Path))
			if e.Line > 0 {
				fmt.Fprintf(bw, " line %d", e.Line)
			}
			fmt.Fprintf(bw, ": %s\n", mdCell(e.Message))
		}
		fmt.Fprintln(bw)
	}
	writeChecklistMarkdown(bw, r, m.Catalogue)
	if r.Suppressed > 0 {
		fmt.Fprintf(bw, "_%d findings suppressed by policy._\n", r.Suppressed)
	}
	return bw.Flush()
}

// writeChecklistMarkdown renders the evaluated checklist as a table.
func writeChecklistMarkdown(w io.Writer, r *finding.Result, cat []*finding.Rule) {
	fmt.Fprintf(w, "#### Security checklist\n\n| Item | Verdict | Rules | Evidence |\n|---|---|---|---|\n")
	for _, e := range ChecklistEntries(r, cat) {
		why := strings.Join(e.Evidence, "; ")
		if why == "" {
			why = e.Note
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", mdCell(e.Item), e.Verdict, strings.Join(e.Rules, ", "), mdCell(why))
	}
	fmt.Fprintf(w, "\n_CIS ids refer to %s._\n\n", finding.CISVersion)
}
