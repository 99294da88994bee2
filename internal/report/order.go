package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
)

// ordered wraps every format so that each sees the findings worst first:
// severity, then file (or image, or container), then position.
type ordered struct{ Reporter }

func (o ordered) Report(w io.Writer, r *finding.Result) error {
	cp := *r
	cp.Findings = worstFirst(r.Findings)
	return o.Reporter.Report(w, &cp)
}

// worstFirst returns a sorted copy.
func worstFirst(fs []finding.Finding) []finding.Finding {
	out := append([]finding.Finding(nil), fs...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if ka, kb := groupKey(a.Location), groupKey(b.Location); ka != kb {
			return ka < kb
		}
		if a.Location.Line != b.Location.Line {
			return a.Location.Line < b.Location.Line
		}
		if a.Location.Column != b.Location.Column {
			return a.Location.Column < b.Location.Column
		}
		if a.Location.Field != b.Location.Field {
			return a.Location.Field < b.Location.Field
		}
		if a.Location.Path != b.Location.Path {
			return a.Location.Path < b.Location.Path
		}
		return ruleID(a) < ruleID(b)
	})
	return out
}

func ruleID(f finding.Finding) string {
	if f.Rule == nil {
		return ""
	}
	return f.Rule.ID
}

// RollupMin is how many places one rule must fire on before text,
// markdown and HTML show it once with the list of places.
const RollupMin = 3

// rollup is one rule firing on many places.
type rollup struct {
	Rule     *finding.Rule
	Severity finding.Severity // the worst among the places
	Places   []finding.Finding
}

// rollups splits worst-first findings into rules that fire on RollupMin
// places or more, and the rest (order kept in both).
func rollups(fs []finding.Finding) ([]rollup, []finding.Finding) {
	n := map[string]int{}
	for _, f := range fs {
		n[ruleID(f)]++
	}
	var rolls []rollup
	at := map[string]int{}
	var rest []finding.Finding
	for _, f := range fs {
		id := ruleID(f)
		if f.Rule == nil || n[id] < RollupMin {
			rest = append(rest, f)
			continue
		}
		i, ok := at[id]
		if !ok {
			i = len(rolls)
			at[id] = i
			rolls = append(rolls, rollup{Rule: f.Rule, Severity: f.Severity})
		}
		rolls[i].Places = append(rolls[i].Places, f)
	}
	return rolls, rest
}

// topProblem is one line of the summary: a rule, its worst severity and
// how many places it fires on.
type topProblem struct {
	Rule     *finding.Rule
	Severity finding.Severity
	Count    int
	Files    int
}

// topProblems lists every rule that fired, worst first, then by count.
func topProblems(fs []finding.Finding) []topProblem {
	var out []topProblem
	at := map[string]int{}
	files := map[string]map[string]bool{}
	for _, f := range fs {
		if f.Rule == nil {
			continue
		}
		i, ok := at[f.Rule.ID]
		if !ok {
			i = len(out)
			at[f.Rule.ID] = i
			out = append(out, topProblem{Rule: f.Rule, Severity: f.Severity})
			files[f.Rule.ID] = map[string]bool{}
		}
		out[i].Count++
		if f.Severity > out[i].Severity {
			out[i].Severity = f.Severity
		}
		files[f.Rule.ID][groupKey(f.Location)] = true
	}
	for i := range out {
		out[i].Files = len(files[out[i].Rule.ID])
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Severity != out[j].Severity {
			return out[i].Severity > out[j].Severity
		}
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Rule.ID < out[j].Rule.ID
	})
	return out
}

func places(n int) string {
	if n == 1 {
		return "1 place"
	}
	return fmt.Sprintf("%d places", n)
}

func inFiles(n int) string {
	if n == 1 {
		return "1 file"
	}
	return fmt.Sprintf("%d files", n)
}

// oneLineText flattens whitespace so a message is one line.
func oneLineText(s string) string { return strings.Join(strings.Fields(s), " ") }
