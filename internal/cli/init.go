package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hardhull/hardhull/internal/scaffold"
	"github.com/spf13/cobra"
)

func init() { extraCommands = append(extraCommands, newInitCmd) }

func newInitCmd() *cobra.Command {
	var (
		name   string
		port   int
		force  bool
		dryRun bool
	)
	var list []string
	for _, t := range scaffold.Templates() {
		list = append(list, fmt.Sprintf("  %-8s %s (port %d)", t.Name, t.Description, t.DefaultPort))
	}
	c := &cobra.Command{
		Use:   "init TEMPLATE [DIR]",
		Short: "Start a new app with hardened container files: Dockerfile, compose.yaml, .dockerignore, secrets/, app skeleton",
		Long: "Write a template's files into DIR (default: the current directory). Existing files are never\n" +
			"overwritten without --force: conflicts are listed and nothing is written.\n\nTemplates:\n" +
			strings.Join(list, "\n"),
		Example: `  hardhull init fastapi myapi
  hardhull init go . --name api --port 9000
  hardhull init python svc --dry-run`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(c *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 2 {
				dir = args[1]
			}
			if name == "" {
				abs, err := filepath.Abs(dir)
				if err != nil {
					return usageErr("init: %v", err)
				}
				name = scaffold.DefaultName(filepath.Base(abs))
			}
			files, err := scaffold.Render(args[0], scaffold.Params{Name: name, Port: port})
			if err != nil {
				return usageErr("init: %v", err)
			}
			out := c.OutOrStdout()
			if dryRun {
				plan, err := scaffold.Plan(dir, files)
				if err != nil {
					return usageErr("%v", err)
				}
				conflicts := 0
				for _, ch := range plan {
					act := string(ch.Action)
					if ch.Action == scaffold.Overwrite && !force {
						act, conflicts = "conflict", conflicts+1
					}
					fmt.Fprintf(out, "%-9s %04o %s\n", act, ch.Mode, filepath.Join(dir, filepath.FromSlash(ch.Path)))
				}
				if conflicts > 0 {
					return &exitError{code: 2, err: fmt.Errorf("init: %d existing files would be overwritten (use --force)", conflicts)}
				}
				return nil
			}
			plan, err := scaffold.Write(dir, files, scaffold.WriteOptions{Force: force})
			var ce *scaffold.ConflictError
			if errors.As(err, &ce) {
				for _, p := range ce.Paths {
					fmt.Fprintf(c.ErrOrStderr(), "conflict  %s\n", filepath.Join(dir, filepath.FromSlash(p)))
				}
				return usageErr("init: %d existing files would be overwritten; nothing written (use --force to overwrite)", len(ce.Paths))
			}
			if err != nil {
				return usageErr("%v", err)
			}
			for _, ch := range plan {
				fmt.Fprintf(out, "%-9s %s\n", ch.Action, filepath.Join(dir, filepath.FromSlash(ch.Path)))
			}
			fmt.Fprintf(out, "\n%s template written to %s. Next: read %s, then `hardhull scan %s`.\n",
				args[0], dir, filepath.Join(dir, "README.md"), dir)
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&name, "name", "", "app name: compose project, module and titles (default: DIR's base name)")
	f.IntVar(&port, "port", 0, "port the app listens on inside the container (default: the template's)")
	f.BoolVar(&force, "force", false, "overwrite existing files")
	f.BoolVar(&dryRun, "dry-run", false, "list the files that would be written, and write nothing")
	return c
}
