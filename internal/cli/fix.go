package cli

import (
	"fmt"

	"github.com/hardhull/hardhull/internal/fix"
	"github.com/spf13/cobra"
)

func init() { extraCommands = append(extraCommands, newFixCmd) }

// newFixCmd wires `hardhull fix` to internal/fix. Exit codes: 0 when
// nothing needed fixing or the fixes were written, 1 when a diff of
// pending fixes was printed (a CI gate), 2 on usage or input errors.
func newFixCmd() *cobra.Command {
	var (
		write    bool
		only     []string
		pin      bool
		pinFrom  string
		insecure bool
		cfg      string
		files    []string
		format   string
	)
	c := &cobra.Command{
		Use:   "fix [PATH...]",
		Short: "Repair what scan finds: print a unified diff, or apply it with --write",
		Long: `fix runs the scan, then edits the Dockerfiles, compose files and .dockerignore
files in place for every finding that has a mechanical fix, keeping every other
byte as it was. Without --write it prints a unified diff (apply it with
` + "`git apply`" + ` or ` + "`patch -p1`" + `) and exits 1 when there is anything to fix, so it can
gate CI. Fixes that cannot be made safely are skipped and listed on stderr.`,
		Example: `  hardhull fix
  hardhull fix --write path/to/app
  hardhull fix --rule DC005,DF014
  hardhull fix --pin                  # also pin base images by digest (registry)
  hardhull fix --pin-from docker:     # ... using the local engine's pulled images`,
		RunE: func(c *cobra.Command, args []string) error {
			opts := fix.Options{Path: ".", Rules: only, Pin: pin || pinFrom != "", PinFrom: pinFrom, Insecure: insecure, ConfigPath: cfg, ComposeFiles: files}
			if pinFrom != "" && pinFrom != "docker:" && pinFrom != "registry" {
				return usageErr("--pin-from: want docker: or registry")
			}
			if pinFrom == "registry" {
				opts.PinFrom = ""
			}
			if format != "diff" && format != "json" {
				return usageErr("--format: want diff or json")
			}
			paths := args
			if len(paths) == 0 {
				paths = []string{"."}
			}
			var plans []*fix.Result
			for i, p := range paths {
				o := opts
				o.Path = p
				if i > 0 {
					o.ComposeFiles = nil // -f files belong to one project
				}
				r, err := fix.Plan(c.Context(), o)
				if err != nil {
					return usageErr("%v", err)
				}
				plans = append(plans, r)
			}
			res := plans[0]
			if len(paths) > 1 {
				res = fix.Merge(paths, plans)
			}
			stderr := c.ErrOrStderr()
			for _, e := range res.Errors {
				fmt.Fprintf(stderr, "hardhull: %s\n", errLine(e))
			}
			if write {
				if err := res.Write(); err != nil {
					return &exitError{code: 2, err: err}
				}
			}
			switch {
			case format == "json":
				if err := res.WriteJSON(c.OutOrStdout(), write); err != nil {
					return &exitError{code: 2, err: err}
				}
			case !write:
				if err := res.Diff(c.OutOrStdout()); err != nil {
					return &exitError{code: 2, err: err}
				}
			}
			if format != "json" {
				res.Summary(stderr)
			}
			switch {
			case len(res.Errors) > 0:
				return &exitError{code: 2}
			case !write && len(res.Changes) > 0:
				return &exitError{code: 1}
			}
			return nil
		},
	}
	f := c.Flags()
	f.BoolVarP(&write, "write", "w", false, "apply the fixes in place instead of printing a diff")
	f.StringSliceVar(&only, "rule", nil, "fix only these rules (IDs or slugs)")
	f.BoolVar(&pin, "pin", false, "pin base images by digest, resolved through the registry")
	f.StringVar(&pinFrom, "pin-from", "", "where --pin resolves digests: registry (default) or docker: (the local engine)")
	f.BoolVar(&insecure, "insecure", false, "allow plain-HTTP registries when pinning")
	f.StringVar(&cfg, "config", "", "policy file (default: .hardhull.yaml in the target directory or its parents)")
	f.StringArrayVarP(&files, "file", "f", nil, "compose file to fix (repeatable, merged in order like docker compose -f)")
	f.StringVar(&format, "format", "diff", "diff (a unified diff and a summary on stderr) or json (the plan, for bots)")
	return c
}
