package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/hardhull/hardhull/internal/finding"
)

// Markdown is for pull-request comments: a summary, what was examined, a
// table of the top problems, then the details per rule or file, collapsed.
// It always fits in MarkdownLimit characters; what does not fit is counted
// and pointed to.
type Markdown struct{ Options }

// MarkdownLimit keeps the report under GitHub's 65,536-character limit
// for a comment body, with room for text a bot adds around it.
const MarkdownLimit = 60000

var sevIcon = map[finding.Severity]string{
	finding.Critical: "🟥", finding.High: "🟧", finding.Medium: "🟨", finding.Low: "🟦", finding.Info: "⬜",
}

// mdCell makes text safe in a table cell, bounded in length.
func mdCell(s string) string {
	s = oneLineText(s)
	if utf8.RuneCountInString(s) > 400 {
		s = string([]rune(s)[:400]) + "…"
	}
	return strings.NewReplacer("|", "\\|", "<", "&lt;", ">", "&gt;").Replace(s)
}

// mdCode is mdCell for text inside a code span, which a backtick would end.
func mdCode(s string) string { return strings.ReplaceAll(mdCell(s), "`", "'") }

func (m *Markdown) Report(w io.Writer, r *finding.Result) error {
	var head strings.Builder
	fmt.Fprintf(&head, "### hardhull %s: %s\n\n", r.Command, summary(r.Findings))
	if r.Target != "" {
		fmt.Fprintf(&head, "Target: `%s`. ", mdCode(r.Target))
	}
	if ex := examined(r.Kinds); ex != "" {
		fmt.Fprintf(&head, "Examined: %s.", ex)
	} else if len(r.Errors) == 0 {
		head.WriteString("Examined: **nothing** (no Dockerfile, compose file, image or container found).")
	}
	var notes []string
	if r.Suppressed > 0 {
		notes = append(notes, fmt.Sprintf("%d suppressed by policy", r.Suppressed))
	}
	if r.Hidden > 0 {
		notes = append(notes, fmt.Sprintf("%d below the shown severities", r.Hidden))
	}
	if len(notes) > 0 {
		fmt.Fprintf(&head, " _(%s.)_", strings.Join(notes, "; "))
	}
	head.WriteString("\n\n")

	// The footer (input errors, truncation pointer) is written last but
	// its room is reserved first.
	var foot strings.Builder
	if len(r.Errors) > 0 {
		foot.WriteString("#### Input errors\n\n")
		for i, e := range r.Errors {
			if i == 20 {
				fmt.Fprintf(&foot, "- … and %d more\n", len(r.Errors)-i)
				break
			}
			fmt.Fprintf(&foot, "- `%s`", mdCode(e.Path))
			if e.Line > 0 {
				fmt.Fprintf(&foot, " line %d", e.Line)
			}
			fmt.Fprintf(&foot, ": %s\n", mdCell(e.Message))
		}
		foot.WriteString("\n")
	}
	const pointerRoom = 400
	budget := MarkdownLimit - head.Len() - foot.Len() - pointerRoom

	var body strings.Builder
	shown, omitted := 0, 0
	if top := topProblems(r.Findings); len(top) > 0 {
		body.WriteString("| Severity | Rule | Problem | Places |\n|---|---|---|---|\n")
		for i, p := range top {
			row := fmt.Sprintf("| %s %s | `%s` | %s | %s in %s |\n", sevIcon[p.Severity], p.Severity, p.Rule.ID, mdCell(p.Rule.Title), places(p.Count), inFiles(p.Files))
			if body.Len()+len(row) > budget/2 {
				fmt.Fprintf(&body, "| | | … %d more rules | |\n", len(top)-i)
				break
			}
			body.WriteString(row)
		}
		body.WriteString("\n")
	}
	for _, e := range entries(r.Findings) {
		block, n, left := m.block(e, budget-body.Len())
		body.WriteString(block)
		shown += n
		omitted += left
	}
	if omitted > 0 {
		fmt.Fprintf(&foot, "> **Truncated:** %d of %d findings are not detailed here, to fit a pull-request comment. "+
			"The full report: `hardhull %s --format html -o hardhull.html` (or `--format json`, `--format sarif`).\n", omitted, shown+omitted, r.Command)
	}
	for _, s := range []string{head.String(), body.String(), foot.String()} {
		if _, err := io.WriteString(w, s); err != nil {
			return err
		}
	}
	return nil
}

// block is one collapsed section: a rule over many places, or a file. It
// stops adding rows at room characters and says how many rows it holds
// and how many it left out.
func (m *Markdown) block(e entry, room int) (string, int, int) {
	var b strings.Builder
	var rows []string
	var end string
	if ro := e.roll; ro != nil {
		fmt.Fprintf(&b, "<details><summary>%s %s <b>%s</b> %s: %s</summary>\n\n", sevIcon[ro.Severity], ro.Severity, ro.Rule.ID, mdCell(ro.Rule.Title), places(len(ro.Places)))
		b.WriteString("| | Location | Finding |\n|---|---|---|\n")
		for _, f := range ro.Places {
			rows = append(rows, fmt.Sprintf("| %s %s | `%s` | %s |\n", sevIcon[f.Severity], f.Severity, mdCode(f.Location.String()), mdCell(f.Message)))
		}
		end = fmt.Sprintf("\nFix: %s\n\n</details>\n\n", mdCell(ro.Rule.Fix))
	} else {
		noun := "findings"
		if len(e.fs) == 1 {
			noun = "finding"
		}
		fmt.Fprintf(&b, "<details><summary>%s <code>%s</code>: %d %s</summary>\n\n", sevIcon[e.sev], mdCell(e.key), len(e.fs), noun)
		b.WriteString("| | Location | Rule | Finding | Fix |\n|---|---|---|---|---|\n")
		for _, f := range e.fs {
			rows = append(rows, fmt.Sprintf("| %s %s | `%s` | %s `%s` | %s | %s |\n", sevIcon[f.Severity], f.Severity,
				mdCode(f.Location.String()), f.Rule.ID, f.Rule.Slug, mdCell(f.Message), mdCell(f.FixText())))
		}
		end = "\n</details>\n\n"
	}
	const moreRoom = 80 // the "… N more" row
	used := b.Len() + len(end) + moreRoom
	n := 0
	for _, row := range rows {
		if used+len(row) > room {
			break
		}
		used += len(row)
		n++
	}
	if n == 0 {
		return "", 0, len(rows)
	}
	for _, row := range rows[:n] {
		b.WriteString(row)
	}
	if left := len(rows) - n; left > 0 {
		fmt.Fprintf(&b, "| | … %d more not shown | |\n", left)
	}
	b.WriteString(end)
	return b.String(), n, len(rows) - n
}
