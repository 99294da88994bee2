package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
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
	if t.Summary {
		t.writeTop(bw, r.Findings)
	} else {
		for _, e := range entries(r.Findings) {
			if e.roll != nil {
				ro := e.roll
				fmt.Fprintf(bw, "%s [%s] %s: %s\n", t.paint(ro.Severity, ro.Severity.String()), ro.Rule.ID, ro.Rule.Title, places(len(ro.Places)))
				for _, f := range ro.Places {
					sev := ""
					if f.Severity != ro.Severity {
						sev = " " + t.paint(f.Severity, f.Severity.String())
					}
					fmt.Fprintf(bw, "  %s%s %s\n", f.Location.String(), sev, f.Message)
				}
				if fix := ro.Rule.Fix; fix != "" {
					fmt.Fprintf(bw, "      fix: %s\n", fix)
				}
				fmt.Fprintln(bw)
				continue
			}
			fmt.Fprintf(bw, "%s\n", e.key)
			for _, f := range e.fs {
				fmt.Fprintf(bw, "  %s %s [%s] %s\n", f.Location.String(), t.paint(f.Severity, f.Severity.String()), f.Rule.ID, f.Message)
				if fix := f.FixText(); fix != "" {
					fmt.Fprintf(bw, "      fix: %s\n", fix)
				}
			}
			fmt.Fprintln(bw)
		}
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
	if r.Hidden > 0 {
		fmt.Fprintf(bw, " (%d below the shown severities)", r.Hidden)
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

// writeTop lists the top problems: one line per rule, worst first.
func (t *Text) writeTop(w io.Writer, fs []finding.Finding) {
	top := topProblems(fs)
	if len(top) == 0 {
		return
	}
	fmt.Fprintln(w, "top problems:")
	for _, p := range top {
		fmt.Fprintf(w, "  %-8s %s %s: %s in %s\n", t.paint(p.Severity, p.Severity.String()), p.Rule.ID, p.Rule.Title, places(p.Count), inFiles(p.Files))
	}
	fmt.Fprintln(w)
}

// entry is a file's findings, or one rule rolled up over many places.
type entry struct {
	key  string
	sev  finding.Severity
	fs   []finding.Finding
	roll *rollup
}

// entries orders file groups and rollups together, worst first.
func entries(fs []finding.Finding) []entry {
	rolls, rest := rollups(fs)
	var out []entry
	keys, byKey := groups(rest)
	for _, k := range keys {
		out = append(out, entry{key: k, sev: byKey[k][0].Severity, fs: byKey[k]})
	}
	for i := range rolls {
		out = append(out, entry{key: groupKey(rolls[i].Places[0].Location), sev: rolls[i].Severity, roll: &rolls[i]})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].sev != out[j].sev {
			return out[i].sev > out[j].sev
		}
		return out[i].key < out[j].key
	})
	return out
}
