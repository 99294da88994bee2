package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
)

// Checklist renders the seed's Security Checklist with a mark per item and
// the rules (and evidence) behind each mark.
type Checklist struct{ Options }

// Mark is the verdict for one checklist item.
type Mark string

const (
	Pass    Mark = "pass"
	Fail    Mark = "fail"
	Warn    Mark = "warn" // only informational findings
	NA      Mark = "n/a"
	Manual  Mark = "manual"
	Unknown Mark = "unknown" // relevant inputs seen, but nothing proves it
)

// ItemStatus is one evaluated checklist item.
type ItemStatus struct {
	Item     finding.Item
	Mark     Mark
	Rules    []string // rule IDs that fired
	Findings int
	Evidence []finding.Evidence
}

// Evaluate marks every checklist item from a result and the catalogue.
func Evaluate(r *finding.Result, cat []*finding.Rule) []ItemStatus {
	kindsFor := map[string]map[finding.Kind]bool{}
	for _, rule := range cat {
		for _, c := range rule.Checklist {
			if kindsFor[c] == nil {
				kindsFor[c] = map[finding.Kind]bool{}
			}
			kindsFor[c][rule.Kind] = true
		}
	}
	var out []ItemStatus
	for _, it := range finding.Checklist {
		st := ItemStatus{Item: it}
		fired := map[string]bool{}
		worst := finding.Severity(-1)
		for _, f := range r.Findings {
			for _, c := range f.Rule.Checklist {
				if c == it.Key {
					fired[f.Rule.ID] = true
					st.Findings++
					sev := f.Severity
					if f.Rule.Advisory && sev > finding.Info {
						// Goes beyond what the item asks (a digest where
						// the item asks for a pinned version): warn only.
						sev = finding.Info
					}
					if sev > worst {
						worst = sev
					}
				}
			}
		}
		for id := range fired {
			st.Rules = append(st.Rules, id)
		}
		sort.Strings(st.Rules)
		for _, e := range r.Evidence {
			if e.Checklist == it.Key {
				st.Evidence = append(st.Evidence, e)
			}
		}
		relevant := false
		for k := range kindsFor[it.Key] {
			if r.Kinds[k] > 0 {
				relevant = true
			}
		}
		switch {
		case worst >= finding.Low:
			st.Mark = Fail
		case worst == finding.Info:
			st.Mark = Warn
		case hasUnknown(st.Evidence):
			st.Mark = Unknown
		case len(st.Evidence) > 0:
			st.Mark = Pass
		case it.Manual != "":
			st.Mark = Manual
		case !relevant:
			st.Mark = NA
		case len(kindsFor[it.Key]) == 0:
			st.Mark = Unknown
		default:
			st.Mark = Pass
		}
		out = append(out, st)
	}
	return out
}

func hasUnknown(es []finding.Evidence) bool {
	for _, e := range es {
		if e.Unknown {
			return true
		}
	}
	return false
}

var markBox = map[Mark]string{Pass: "[x]", Fail: "[ ]", Warn: "[~]", NA: "[-]", Manual: "[?]", Unknown: "[?]"}

func (c *Checklist) Report(w io.Writer, r *finding.Result) error {
	bw := bufio.NewWriter(w)
	section := ""
	fmt.Fprintf(bw, "# Security Checklist (hardhull %s)\n", r.Command)
	for _, st := range Evaluate(r, c.Catalogue) {
		if st.Item.Section != section {
			section = st.Item.Section
			fmt.Fprintf(bw, "\n## %s\n", section)
		}
		line := fmt.Sprintf("- %s %-45s %-7s", markBox[st.Mark], st.Item.Text, strings.ToUpper(string(st.Mark)))
		switch {
		case len(st.Rules) > 0:
			noun := "findings"
			if st.Findings == 1 {
				noun = "finding"
			}
			line += fmt.Sprintf(" %d %s: %s", st.Findings, noun, strings.Join(st.Rules, ", "))
		case st.Mark == Manual:
			line += " " + st.Item.Manual
		case st.Mark == NA:
			line += " nothing examined that this applies to"
		}
		fmt.Fprintln(bw, strings.TrimRight(line, " "))
		for _, e := range st.Evidence {
			fmt.Fprintf(bw, "      evidence: %s: %s\n", e.Location.String(), e.Message)
		}
	}
	fmt.Fprintf(bw, "\n%s\n", summary(r.Findings))
	return bw.Flush()
}
