package cli

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/hardhull/hardhull/internal/report"
	"github.com/hardhull/hardhull/internal/rules"
	"github.com/spf13/cobra"
)

type ruleJSON struct {
	ID          string              `json:"id"`
	Slug        string              `json:"slug"`
	Title       string              `json:"title"`
	Severity    string              `json:"severity"`
	Kind        string              `json:"kind"`
	Checklist   []string            `json:"checklist"`
	Why         map[string]string   `json:"checklist_why"`
	CIS         []string            `json:"cis"`
	OWASP       []string            `json:"owasp"`
	Equivalents map[string][]string `json:"equivalents"`
	Rationale   string              `json:"rationale"`
	Fix         string              `json:"fix"`
}

func newRulesCmd() *cobra.Command {
	var format, kind string
	c := &cobra.Command{
		Use:   "rules",
		Short: "List the rule catalogue",
		RunE: func(c *cobra.Command, args []string) error {
			w := c.OutOrStdout()
			var rs []*rules.Rule
			for _, r := range rules.All() {
				if kind == "" || strings.EqualFold(string(r.Kind), kind) {
					rs = append(rs, r)
				}
			}
			switch format {
			case "json":
				out := []ruleJSON{}
				for _, r := range rs {
					why := r.ChecklistWhy
					if why == nil {
						why = map[string]string{}
					}
					eq := r.Equivalents
					if eq == nil {
						eq = map[string][]string{}
					}
					out = append(out, ruleJSON{r.ID, r.Slug, r.Title, r.Severity.String(), string(r.Kind), nonNil(r.Checklist), why, nonNil(r.CIS), nonNil(r.OWASP), eq, r.Rationale, r.Fix})
				}
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			case "markdown":
				return rules.WriteMarkdown(w)
			case "text", "":
				tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tSEVERITY\tREADS\tSLUG\tCHECKLIST")
				for _, r := range rs {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Severity, r.Kind, r.Slug, strings.Join(r.Checklist, ","))
				}
				return tw.Flush()
			}
			return usageErr("--format: want text, json or markdown")
		},
	}
	c.Flags().StringVar(&format, "format", "text", "text, json or markdown")
	c.Flags().StringVar(&kind, "kind", "", "only rules reading this kind: dockerfile, compose, context, python, image, container")
	return c
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func newExplainCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "explain RULE",
		Short: "Show one rule in full: why it matters, how to fix it, examples",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			r := rules.Lookup(args[0])
			if r == nil {
				return usageErr("unknown rule %q (see `hardhull rules`)", args[0])
			}
			w := c.OutOrStdout()
			fmt.Fprintf(w, "%s  %s\n%s\n\n", r.ID, r.Slug, r.Title)
			fmt.Fprintln(w, report.RuleHelp(r.Rule))
			if eq := rules.EquivalentsText(r.Rule); eq != "" {
				fmt.Fprintf(w, "\nEquivalents: %s\n", eq)
			}
			for _, ex := range r.Bad {
				printExample(c, "Bad", ex.Files, ex.Note)
			}
			for _, ex := range r.Good {
				printExample(c, "Good", ex.Files, ex.Note)
			}
			return nil
		},
	}
}

func printExample(c *cobra.Command, label string, files map[string]string, note string) {
	w := c.OutOrStdout()
	fmt.Fprintf(w, "\n%s", label)
	if note != "" {
		fmt.Fprintf(w, " (%s)", note)
	}
	fmt.Fprintln(w, ":")
	// Sorted so the same rule always prints the same way.
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		content := files[name]
		fmt.Fprintf(w, "  --- %s\n", name)
		for _, l := range strings.Split(strings.TrimRight(content, "\n"), "\n") {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
}
