package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

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
	var width int
	cmd := &cobra.Command{
		Use:   "explain RULE",
		Short: "Show one rule in full: why it matters, how to fix it, examples (accepts hadolint, Trivy, Checkov and KICS IDs)",
		Example: `  hardhull explain DF001
  hardhull explain root-user
  hardhull explain DL3007          # the hardhull rule that claims a hadolint ID`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			tool, rs := rules.Resolve(args[0])
			if len(rs) == 0 {
				return usageErr("unknown rule %q: neither a hardhull rule nor a hadolint, Trivy, Checkov or KICS ID a rule claims (see `hardhull rules`)", args[0])
			}
			w := c.OutOrStdout()
			if tool != "" {
				ids := make([]string, len(rs))
				for i, r := range rs {
					ids[i] = r.ID
				}
				fmt.Fprintf(w, "%s %s is covered by hardhull %s.\n\n", tool, args[0], strings.Join(ids, ", "))
			}
			tty := isTerminal(w) && os.Getenv("NO_COLOR") == ""
			wd := width
			if wd == 0 && tty {
				wd = 100
			}
			for i, r := range rs {
				if i > 0 {
					fmt.Fprintln(w)
				}
				if err := rules.WriteText(w, r, wd, tty); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&width, "width", 0, "wrap text at this many columns (default: 100 on a terminal, no wrapping otherwise)")
	return cmd
}
