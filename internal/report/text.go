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
	if ex := examined(r.Kinds); ex != "" {
		fmt.Fprintf(bw, "examined: %s\n", ex)
	} else if r.Kinds != nil && len(r.Errors) == 0 {
		// "no findings" over nothing is not a clean bill of health.
		fmt.Fprintln(bw, "examined: nothing (no Dockerfile, compose file, image or container found)")
	}
	return bw.Flush()
}

var kindNouns = []struct {
	kind        finding.Kind
	one, plural string
}{
	{finding.KindDockerfile, "Dockerfile", "Dockerfiles"},
	{finding.KindCompose, "compose project", "compose projects"},
	{finding.KindContext, "build context", "build contexts"},
	{finding.KindPython, "Python file", "Python files"},
	{finding.KindCI, "CI file", "CI files"},
	{finding.KindIntegrity, "image verified", "images verified"},
	{finding.KindImage, "image", "images"},
	{finding.KindContainer, "container", "containers"},
}

// examined says what the run looked at: "2 Dockerfiles, 1 compose project".
func examined(kinds map[finding.Kind]int) string {
	var parts []string
	for _, k := range kindNouns {
		switch n := kinds[k.kind]; {
		case n == 1:
			parts = append(parts, "1 "+k.one)
		case n > 1:
			parts = append(parts, fmt.Sprintf("%d %s", n, k.plural))
		}
	}
	return strings.Join(parts, ", ")
}

func writeFacts(w io.Writer, facts map[string]any) {
	keys := sortedKeys(facts)
	fmt.Fprintln(w, "facts:")
	for _, k := range keys {
		fmt.Fprintf(w, "  %s: %v\n", k, facts[k])
	}
	fmt.Fprintln(w)
}
