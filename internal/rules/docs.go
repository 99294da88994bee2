package rules

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
)

// WriteMarkdown generates docs/rules.md from the catalogue.
func WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# hardhull rules\n\n<!-- Generated from the catalogue in internal/rules by `go run ./tools/gendocs`; do not edit. -->\n\n")
	b.WriteString("| ID | Slug | Severity | Reads | Checklist | CIS | OWASP |\n|---|---|---|---|---|---|---|\n")
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
	for _, r := range all {
		fmt.Fprintf(&b, "\n## %s\n\n**%s** — `%s`, severity **%s**, reads %s.\n\n", r.ID, r.Title, r.Slug, r.Severity, r.Kind)
		fmt.Fprintf(&b, "%s\n\n**Fix:** %s\n\n", r.Rationale, r.Fix)
		fmt.Fprintf(&b, "Checklist: %s", strings.Join(r.Checklist, ", "))
		if r.Advisory {
			b.WriteString(" (advisory: goes beyond the item, which it marks WARN rather than FAIL)")
		}
		if len(r.CIS) > 0 {
			fmt.Fprintf(&b, " · CIS Docker Benchmark: %s", strings.Join(r.CIS, ", "))
		}
		if len(r.OWASP) > 0 {
			fmt.Fprintf(&b, " · OWASP Docker Top 10: %s", strings.Join(r.OWASP, ", "))
		}
		b.WriteString("\n")
		if eq := EquivalentsText(r.Rule); eq != "" {
			fmt.Fprintf(&b, "\nEquivalents: %s\n", eq)
		}
		writeExamples(&b, "Bad", r.Bad)
		writeExamples(&b, "Good", r.Good)
	}
	_, err := io.WriteString(w, b.String())
	return err
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
