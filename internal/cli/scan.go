package cli

import (
	"bytes"
	"io"
	"path"
	"strings"

	"github.com/hardhull/hardhull/internal/config"
	"github.com/hardhull/hardhull/internal/rules"
	"github.com/hardhull/hardhull/internal/scan"
	"github.com/spf13/cobra"
)

func newScanCmd() *cobra.Command {
	var (
		out       outputFlags
		files     []string
		stdinKind string
		target    string
		buildArgs []string
		only      []string
		excl      excludeFlags
	)
	c := &cobra.Command{
		Use:   "scan [PATH...]",
		Short: "Audit Dockerfiles, compose files, .dockerignore, build contexts and FastAPI settings",
		Example: `  hardhull scan
  hardhull scan path/to/app
  hardhull scan Dockerfile compose.yaml --format sarif -o hardhull.sarif
  cat Dockerfile | hardhull scan --stdin-kind dockerfile -`,
		RunE: func(c *cobra.Command, args []string) error {
			var stdinBuf *bytes.Buffer
			opts := scan.Options{Paths: args, ComposeFiles: files, Target: target, BuildArgs: map[string]string{}}
			for _, a := range buildArgs {
				k, v, _ := strings.Cut(a, "=")
				opts.BuildArgs[k] = v
			}
			if len(args) == 1 && args[0] == "-" {
				kinds := map[string]scan.Kind{"dockerfile": scan.DockerfileKind, "compose": scan.ComposeKind, "python": scan.PythonKind}
				k, ok := kinds[strings.ToLower(stdinKind)]
				if !ok {
					return usageErr("reading stdin needs --stdin-kind dockerfile|compose|python")
				}
				// Keep what scan reads so inline ignores in it apply.
				stdinBuf = &bytes.Buffer{}
				opts.Paths, opts.Stdin, opts.StdinKind = nil, io.TeeReader(c.InOrStdin(), stdinBuf), k
			}
			if len(only) > 0 {
				for _, id := range only {
					r := rules.Lookup(strings.TrimSpace(id))
					if r == nil {
						return usageErr("--rule: unknown rule %q", id)
					}
					opts.Rules = append(opts.Rules, r)
				}
			}
			cfg, err := out.loadConfig(policyDir(args))
			if err != nil {
				return err
			}
			opts.TrustedRegistries = cfg.TrustedRegistries
			if opts.Filter, err = excl.filter(cfg); err != nil {
				return err
			}
			opts.ComposeSets = cfg.Compose
			res, err := scan.Scan(c.Context(), opts)
			if err != nil {
				return usageErr("%v", err)
			}
			if stdinBuf != nil {
				out.sources = map[string][]byte{"-": stdinBuf.Bytes()}
			}
			return out.finish(c, res, policyDir(args), cfg)
		},
	}
	out.register(c)
	excl.register(c)
	c.Flags().StringArrayVarP(&files, "file", "f", nil, "compose file to load (repeatable, merged in order like docker compose -f)")
	c.Flags().StringVar(&stdinKind, "stdin-kind", "", "kind of the file read from stdin when PATH is -: dockerfile, compose, python")
	c.Flags().StringVar(&target, "target", "", "the build target stage that ships (default: the last stage)")
	c.Flags().StringArrayVar(&buildArgs, "build-arg", nil, "KEY=VALUE build argument used to resolve ARGs")
	c.Flags().StringSliceVar(&only, "rule", nil, "run only these rules (IDs or slugs)")
	return c
}

// excludeFlags select files like Trivy's flags of the same names.
type excludeFlags struct {
	skipDirs, skipFiles, patterns []string
}

func (e *excludeFlags) register(c *cobra.Command) {
	f := c.Flags()
	f.StringSliceVar(&e.skipDirs, "skip-dirs", nil, "directories to leave out (globs relative to the scanned directory, ** allowed)")
	f.StringSliceVar(&e.skipFiles, "skip-files", nil, "files to leave out, unread (globs relative to the scanned directory, ** allowed)")
	f.StringArrayVar(&e.patterns, "file-patterns", nil, "KIND:REGEX: also treat matching files as KIND (dockerfile, compose, dockerignore, python)")
}

// filter merges the flags with the config's exclude section.
func (e *excludeFlags) filter(cfg *config.Config) (*scan.Filter, error) {
	f := &scan.Filter{
		SkipDirs:  append(append([]string{}, cfg.Exclude.SkipDirs...), e.skipDirs...),
		SkipFiles: append(append([]string{}, cfg.Exclude.SkipFiles...), e.skipFiles...),
	}
	for _, g := range append(append([]string{}, f.SkipDirs...), f.SkipFiles...) {
		if _, err := path.Match(strings.ReplaceAll(g, "**", "*"), ""); err != nil {
			return nil, usageErr("skip glob %q: %v", g, err)
		}
	}
	for _, p := range append(append([]string{}, cfg.Exclude.FilePatterns...), e.patterns...) {
		fp, err := scan.ParseFilePattern(p)
		if err != nil {
			return nil, usageErr("--file-patterns: %v", err)
		}
		f.Patterns = append(f.Patterns, fp)
	}
	return f, nil
}
