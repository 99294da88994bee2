package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
)

// Text is the human format: findings grouped per file, then a summary.
type Text struct{ Options }

var sevColor = map[finding.Severity]string{
	finding.Critical: "\x1b[1;31m", finding.High: "\x1b[31m", finding.Medium: "\x1b[33m",
	finding.Low: "\x1b[36m", finding.Info: "\x1b[2m",
}

func (t *Text) paint(s finding.Severity, txt string) string {
	if !t.Color {
		return txt
	}
	return sevColor[s] + txt + "\x1b[0m"
}

func (t *Text) Report(w io.Writer, r *finding.Result) error {
	bw := bufio.NewWriter(w)
	keys, byKey := groups(r.Findings)
	for _, k := range keys {
		fmt.Fprintf(bw, "%s\n", k)
		for _, f := range byKey[k] {
			fmt.Fprintf(bw, "  %s %s [%s] %s\n", f.Location.String(), t.paint(f.Severity, f.Severity.String()), f.Rule.ID, f.Message)
			if fix := f.FixText(); fix != "" {
				fmt.Fprintf(bw, "      fix: %s\n", fix)
			}
		}
		fmt.Fprintln(bw)
	}
	for _, e := range r.Errors {
		loc := e.Path
		if e.Line > 0 {
			loc = fmt.Sprintf("%s:%d", e.Path, e.Line)
		}
		fmt.Fprintf(bw, "error: %s: %s\n", loc, strings.Join(strings.Fields(e.Message), " "))
	}
	if len(r.Facts) > 0 {
		writeFacts(bw, r.Facts)
	}
	fmt.Fprintf(bw, "%s", summary(r.Findings))
	if r.Suppressed > 0 {
		fmt.Fprintf(bw, " (%d suppressed)", r.Suppressed)
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(bw, "; %d input errors", len(r.Errors))
	}
	fmt.Fprintln(bw)
	return bw.Flush()
}

func writeFacts(w io.Writer, facts map[string]any) {
	keys := sortedKeys(facts)
	fmt.Fprintln(w, "facts:")
	for _, k := range keys {
		fmt.Fprintf(w, "  %s: %v\n", k, facts[k])
	}
	fmt.Fprintln(w)
}
