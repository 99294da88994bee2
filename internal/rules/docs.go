package rules

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
)

// WriteMarkdown generates docs/rules.md from the catalogue.
func WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# hardhull rules\n\n<!-- Generated from the catalogue in internal/rules by `go run ./tools/gendocs`; do not edit. -->\n\n")
	b.WriteString("CIS ids are those of " + finding.CISVersion + ".\n\n| ID | Slug | Severity | Reads | Checklist | CIS | OWASP |\n|---|---|---|---|---|---|---|\n")
	all := All()
	for _, r := range all {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s | %s | %s | %s |\n", r.ID, strings.ToLower(r.ID), r.Slug, r.Severity, r.Kind,
			strings.Join(r.Checklist, ", "), strings.Join(r.CIS, ", "), strings.Join(r.OWASP, ", "))
	}
	b.WriteString("\n## By checklist item\n\n")
	for _, it := range finding.Checklist {
		var ids []string
		for _, r := range all {
			for _, c := range r.Checklist {
				if c == it.Key {
					ids = append(ids, r.ID)
				}
			}
		}
		line := strings.Join(ids, ", ")
		if it.Manual != "" {
			line += " — " + it.Manual
		}
		fmt.Fprintf(&b, "- **%s** (`%s`): %s\n", it.Text, it.Key, line)
	}
	fmt.Fprintf(&b, "\n## By %s recommendation\n\n", finding.CISVersion)
	for _, c := range finding.CIS {
		var ids []string
		for _, r := range all {
			if slices.Contains(r.CIS, c.ID) {
				ids = append(ids, r.ID)
			}
		}
		if len(ids) > 0 {
			fmt.Fprintf(&b, "- **%s** %s: %s\n", c.ID, c.Title, strings.Join(ids, ", "))
		}
	}
	b.WriteString("\n## By OWASP Docker Top 10 risk\n\n")
	for _, o := range finding.OWASP {
		var ids []string
		for _, r := range all {
			if slices.Contains(r.OWASP, o.ID) {
				ids = append(ids, r.ID)
			}
		}
		fmt.Fprintf(&b, "- **%s** %s: %s\n", o.ID, o.Title, strings.Join(ids, ", "))
	}
	for _, r := range all {
		fmt.Fprintf(&b, "\n## %s\n\n**%s** — `%s`, severity **%s**, reads %s.\n\n", r.ID, r.Title, r.Slug, r.Severity, r.Kind)
		fmt.Fprintf(&b, "%s\n\n**Fix:** %s\n\n", r.Rationale, r.Fix)
		writeMappings(&b, r.Rule)
		if eq := EquivalentsText(r.Rule); eq != "" {
			fmt.Fprintf(&b, "\nEquivalents: %s\n", eq)
		}
		writeExamples(&b, "Bad", r.Bad)
		writeExamples(&b, "Good", r.Good)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeMappings lists what a rule feeds: checklist items with the reason
// for each, and the CIS and OWASP entries with their titles.
func writeMappings(b *strings.Builder, r *finding.Rule) {
	if len(r.Checklist) == 0 {
		fmt.Fprintf(b, "Checklist: none — %s.\n", r.ChecklistWhy[""])
	} else {
		b.WriteString("Checklist:")
		if r.Advisory {
			b.WriteString(" (advisory: goes beyond the item, which it marks WARN rather than FAIL)")
		}
		b.WriteString("\n\n")
		for _, c := range r.Checklist {
			text := c
			if it := finding.ChecklistItem(c); it != nil {
				text = it.Text
			}
			fmt.Fprintf(b, "- %s (`%s`): %s\n", text, c, r.ChecklistWhy[c])
		}
	}
	if len(r.CIS) > 0 || len(r.OWASP) > 0 {
		b.WriteString("\n")
	}
	if len(r.CIS) > 0 {
		fmt.Fprintf(b, "%s: %s\n", finding.CISVersion, finding.CISText(r.CIS))
	}
	if len(r.CIS) > 0 && len(r.OWASP) > 0 {
		b.WriteString("\n")
	}
	if len(r.OWASP) > 0 {
		fmt.Fprintf(b, "OWASP Docker Top 10: %s\n", finding.OWASPText(r.OWASP))
	}
}

// EquivalentsText renders "hadolint DL3007; trivy DS-0001".
func EquivalentsText(r *finding.Rule) string {
	var tools []string
	for t := range r.Equivalents {
		tools = append(tools, t)
	}
	sort.Strings(tools)
	var parts []string
	for _, t := range tools {
		parts = append(parts, t+" "+strings.Join(r.Equivalents[t], ", "))
	}
	return strings.Join(parts, "; ")
}

func writeExamples(b *strings.Builder, label string, exs []finding.Example) {
	for _, ex := range exs {
		fmt.Fprintf(b, "\n%s", label)
		if ex.Note != "" {
			fmt.Fprintf(b, " (%s)", ex.Note)
		}
		b.WriteString(":\n")
		if ex.Builder != "" {
			fmt.Fprintf(b, "\n- %s\n", ex.Builder)
			continue
		}
		var names []string
		for n := range ex.Files {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			lang := "dockerfile"
			switch {
			case strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml"):
				lang = "yaml"
			case strings.HasSuffix(n, ".json"):
				lang = "json"
			case strings.HasPrefix(n, "layer"):
				lang = "text"
			case strings.HasSuffix(n, ".py"):
				lang = "python"
			case strings.HasSuffix(n, ".txt"):
				lang = "text"
			case strings.HasSuffix(n, "ignore"):
				lang = "text"
			}
			content := ex.Files[n]
			if content == "" {
				content = "(empty file)\n"
			}
			fmt.Fprintf(b, "\n`%s`\n\n```%s\n%s```\n", n, lang, content)
		}
	}
}
