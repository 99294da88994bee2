package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/secrets"
)

// Checklist renders the seed's Security Checklist with a mark per item and
// the rules (and evidence) behind each mark.
type Checklist struct{ Options }

// Mark is the verdict for one checklist item.
type Mark string

const (
	Pass    Mark = "pass"    // positive evidence, and no finding
	Fail    Mark = "fail"    // a finding of low severity or worse
	Warn    Mark = "warn"    // only informational or advisory findings
	NA      Mark = "n/a"     // nothing examined bears on the item either way
	Manual  Mark = "manual"  // no static rule can decide it
	Unknown Mark = "unknown" // examined, but left to the deployment or undecidable
)

// Verdict is the mark as the JSON contract and SARIF spell it: PASS, FAIL,
// WARN, UNKNOWN, N/A or MANUAL.
func (m Mark) Verdict() string { return strings.ToUpper(string(m)) }

// ItemStatus is one evaluated checklist item.
type ItemStatus struct {
	Item     finding.Item
	Mark     Mark
	Rules    []string // IDs of the rules whose findings make it FAIL or WARN
	Findings int
	Evidence []finding.Evidence
}

// Evaluate marks every checklist item from a result and the catalogue.
// PASS needs positive evidence that bears on the item in what was
// examined: a finding makes it FAIL, evidence that cannot decide it makes
// it UNKNOWN, informational or advisory findings alone make it WARN, and
// nothing either way is N/A (MANUAL for the items no rule can decide). That no rule
// fired is never, by itself, a PASS.
func Evaluate(r *finding.Result, cat []*finding.Rule) []ItemStatus {
	judged := r.Findings
	if r.Judged != nil {
		// --severity narrowed what is listed, not what is judged.
		judged = r.Judged
	}
	var out []ItemStatus
	for _, it := range finding.Checklist {
		st := ItemStatus{Item: it}
		fired := map[string]bool{}
		worst := finding.Severity(-1)
		for _, f := range judged {
			if f.Rule == nil {
				continue
			}
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
		// Fronts run in parallel: order evidence by place, not by timing.
		sort.SliceStable(st.Evidence, func(i, j int) bool {
			a, b := st.Evidence[i], st.Evidence[j]
			if a.Location.Path != b.Location.Path {
				return a.Location.Path < b.Location.Path
			}
			if a.Location.Line != b.Location.Line {
				return a.Location.Line < b.Location.Line
			}
			if x, y := a.Location.String(), b.Location.String(); x != y {
				return x < y
			}
			return a.Message < b.Message
		})
		switch {
		case worst >= finding.Low:
			st.Mark = Fail
		case hasUnknown(st.Evidence):
			// Undecided somewhere outranks advice beyond the item.
			st.Mark = Unknown
		case worst == finding.Info:
			st.Mark = Warn
		case len(st.Evidence) > 0:
			st.Mark = Pass
		case it.Manual != "":
			st.Mark = Manual
		default:
			st.Mark = NA
		}
		out = append(out, st)
	}
	return out
}

// Note is the one-line explanation a view prints next to a mark that has
// no rules behind it.
func (st ItemStatus) Note() string {
	switch st.Mark {
	case Manual:
		return st.Item.Manual
	case NA:
		return "nothing examined shows this item either way"
	case Unknown:
		return "what was examined leaves it to the deployment or cannot decide it"
	}
	return ""
}

// EvidenceText is one evidence line as every view prints it: where, what,
// and "(undecided)" for evidence that cannot decide the item. Messages are
// built by the rules from names and paths, never from secret values; the
// text still passes through the redactor for anything secret-shaped.
func EvidenceText(e finding.Evidence) string {
	s := e.Message
	if loc := e.Location.String(); loc != "" {
		s = loc + ": " + s
	}
	if e.Unknown {
		s += " (undecided)"
	}
	return redactText(s)
}

// ChecklistEntry is one item of the `checklist` array of `--format json`
// (and of SARIF's run properties): the stable machine form of the view.
type ChecklistEntry struct {
	Key      string   `json:"key"`
	Section  string   `json:"section"`
	Item     string   `json:"item"`
	Verdict  string   `json:"verdict"`
	Rules    []string `json:"rules"`
	Evidence []string `json:"evidence"`
	Note     string   `json:"note,omitempty"`
}

// ChecklistEntries evaluates the checklist into its machine form.
func ChecklistEntries(r *finding.Result, cat []*finding.Rule) []ChecklistEntry {
	out := []ChecklistEntry{}
	for _, st := range Evaluate(r, cat) {
		e := ChecklistEntry{Key: st.Item.Key, Section: st.Item.Section, Item: st.Item.Text, Verdict: st.Mark.Verdict(),
			Rules: nonNil(st.Rules), Evidence: []string{}, Note: st.Note()}
		for _, ev := range st.Evidence {
			e.Evidence = append(e.Evidence, EvidenceText(ev))
		}
		out = append(out, e)
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
	fmt.Fprintf(bw, "CIS ids refer to %s.\n", finding.CISVersion)
	for _, st := range Evaluate(r, c.Catalogue) {
		if st.Item.Section != section {
			section = st.Item.Section
			fmt.Fprintf(bw, "\n## %s\n", section)
		}
		line := fmt.Sprintf("- %s %-45s %-7s", markBox[st.Mark], st.Item.Text, st.Mark.Verdict())
		switch {
		case len(st.Rules) > 0:
			noun := "findings"
			if st.Findings == 1 {
				noun = "finding"
			}
			line += fmt.Sprintf(" %d %s: %s", st.Findings, noun, strings.Join(st.Rules, ", "))
		case st.Note() != "":
			line += " " + st.Note()
		}
		fmt.Fprintln(bw, strings.TrimRight(line, " "))
		for _, e := range st.Evidence {
			fmt.Fprintf(bw, "      evidence: %s\n", EvidenceText(e))
		}
	}
	fmt.Fprintf(bw, "\n%s\n", summary(r.Findings))
	return bw.Flush()
}

// redactText masks secret-shaped words in evidence: URLs with a password
// and KEY=value pairs whose key names a secret and whose value is a literal.
// Rules build evidence from names, so this is a second line of defence.
func redactText(s string) string {
	words := strings.Fields(s)
	changed := false
	for i, w := range words {
		if red, ok := secrets.URLWithPassword(w); ok {
			words[i], changed = red, true
			continue
		}
		if k, v, ok := strings.Cut(w, "="); ok && v != "" && secrets.SecretName(k) && secrets.LiteralSecretValue(k, v) {
			words[i], changed = k+"="+secrets.Redact(v), true
		}
	}
	if !changed {
		return s
	}
	return strings.Join(words, " ")
}
