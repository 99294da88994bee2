package rules

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
)

// WriteText explains one rule for a terminal: plain text wrapped at width
// (no markdown markup), headings in bold when bold is set.
func WriteText(w io.Writer, r *Rule, width int, bold bool) error {
	var b strings.Builder
	h := func(s string) string {
		if bold {
			return "\x1b[1m" + s + "\x1b[0m"
		}
		return s
	}
	fmt.Fprintf(&b, "%s  %s\n%s\n\n", h(r.ID), r.Slug, h(r.Title))
	fmt.Fprintf(&b, "Severity: %s    Reads: %s\n\n", r.Severity, r.Kind)
	b.WriteString(wrap(r.Rationale, width, ""))
	b.WriteString("\n" + h("Fix:") + strings.TrimPrefix(wrap("Fix: "+r.Fix, width, "  "), "Fix:") + "\n")
	line := func(label string, vs []string) {
		if len(vs) > 0 {
			b.WriteString(wrap(label+": "+strings.Join(vs, ", "), width, "  "))
		}
	}
	line("Checklist", r.Checklist)
	line("CIS Docker Benchmark", r.CIS)
	line("OWASP Docker Top 10", r.OWASP)
	if eq := EquivalentsText(r.Rule); eq != "" {
		b.WriteString(wrap("Equivalents: "+eq, width, "  "))
	}
	b.WriteString(wrap("More: docs/rules.md#"+strings.ToLower(r.ID), width, "  "))
	for _, set := range []struct {
		label string
		exs   []exampleFiles
	}{{"Bad", examples(r.Bad)}, {"Good", examples(r.Good)}} {
		for _, ex := range set.exs {
			fmt.Fprintf(&b, "\n%s", h(set.label))
			if ex.note != "" {
				fmt.Fprintf(&b, " (%s)", ex.note)
			}
			b.WriteString(":\n")
			if ex.builder != "" {
				fmt.Fprintf(&b, "  %s\n", ex.builder)
			}
			for _, f := range ex.files {
				fmt.Fprintf(&b, "  --- %s\n", f[0])
				for _, l := range strings.Split(strings.TrimRight(f[1], "\n"), "\n") {
					fmt.Fprintf(&b, "  %s\n", l)
				}
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type exampleFiles struct {
	note, builder string
	files         [][2]string // name, content; sorted by name
}

func examples(exs []finding.Example) []exampleFiles {
	var out []exampleFiles
	for _, ex := range exs {
		e := exampleFiles{note: ex.Note, builder: ex.Builder}
		var names []string
		for n := range ex.Files {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			e.files = append(e.files, [2]string{n, ex.Files[n]})
		}
		out = append(out, e)
	}
	return out
}

// wrap fills text to width (0: no wrapping), continuation lines indented.
func wrap(s string, width int, indent string) string {
	words := strings.Fields(s)
	if width <= 0 || len(words) == 0 {
		return s + "\n"
	}
	var b strings.Builder
	n := 0
	for i, w := range words {
		if i > 0 && n+1+len(w) > width {
			b.WriteString("\n" + indent)
			n = len(indent)
		} else if i > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String() + "\n"
}
