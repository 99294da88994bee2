package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/hardhull/hardhull/internal/config"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/report"
	"github.com/hardhull/hardhull/internal/rules"
	"github.com/hardhull/hardhull/internal/scan"
	"github.com/hardhull/hardhull/internal/trustaudit"
	"github.com/hardhull/hardhull/internal/vuln"
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
		vf        verifyFlags
		verBases  bool
		db        dbFlag
		vulnOpts  vuln.Options
		timeout   time.Duration
		noProg    bool
	)
	c := &cobra.Command{
		Use:   "scan [PATH...]",
		Short: "Audit Dockerfiles, compose files, .dockerignore, build contexts and FastAPI settings",
		Example: `  hardhull scan
  hardhull scan path/to/app
  hardhull scan Dockerfile compose.yaml --format sarif -o hardhull.sarif
  cat Dockerfile | hardhull scan --stdin-kind dockerfile -
  hardhull scan . --verify-bases     # verify every FROM and compose image the policy covers`,
		RunE: func(c *cobra.Command, args []string) error {
			for _, f := range files {
				if _, err := os.Stat(f); err != nil && isFormatName(f) {
					return usageErr("-f %s: no such compose file; did you mean --format %s?", f, f)
				}
			}
			var stdinBuf *bytes.Buffer
			opts := scan.Options{Paths: args, ComposeFiles: files, Target: target, BuildArgs: map[string]string{}, Vulns: vulnOpts}
			opts.Vulns.DB = db.path
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
			var named []trustaudit.Named
			var checker *trustaudit.Checker
			if verBases {
				topts, err := vf.options(cfg, false)
				if err != nil {
					return err
				}
				if len(topts.Keys) == 0 && len(topts.Identities) == 0 && len(cfg.Signatures.Images) == 0 {
					return usageErr("--verify-bases: nothing to verify against: add signatures: to .hardhull.yaml, or give --verify-key or --certificate-identity")
				}
				checker = trustaudit.New(topts)
				defer checker.Close()
				opts.OnImage = func(ref string, at finding.Location) { named = append(named, trustaudit.Named{Ref: ref, At: at}) }
			} else if vf.any() {
				return usageErr("--verify-key and --certificate-* apply with --verify-bases")
			}
			prog := newScanProgress(c.ErrOrStderr(), !noProg && !out.quiet && isTerminal(c.ErrOrStderr()))
			opts.Progress = prog.update
			res, err := scanWithin(c.Context(), timeout, opts)
			prog.finish()
			if err != nil {
				return usageErr("%v", err)
			}
			if checker != nil {
				checker.CheckAll(c.Context(), res, named, opts.Rules)
			}
			if stdinBuf != nil {
				out.sources = map[string][]byte{"-": stdinBuf.Bytes()}
			}
			return out.finish(c, res, policyDir(args), cfg)
		},
	}
	out.register(c)
	excl.register(c)
	c.Flags().DurationVar(&timeout, "timeout", 0, "give up after this long (e.g. 5m) with exit 2; 0: no limit")
	c.Flags().BoolVar(&noProg, "no-progress", false, "never show progress on stderr (it shows only on a terminal, for scans longer than a second)")
	c.Flags().StringArrayVarP(&files, "file", "f", nil, "compose file to load (repeatable, merged in order like docker compose -f)")
	c.Flags().StringVar(&stdinKind, "stdin-kind", "", "kind of the file read from stdin when PATH is -: dockerfile, compose, python")
	c.Flags().StringVar(&target, "target", "", "the build target stage that ships (default: the last stage)")
	c.Flags().StringArrayVar(&buildArgs, "build-arg", nil, "KEY=VALUE build argument used to resolve ARGs")
	c.Flags().StringSliceVar(&only, "rule", nil, "run only these rules (IDs or slugs)")
	c.Flags().BoolVar(&verBases, "verify-bases", false, "verify the signatures and provenance of every base (FROM) and compose image the signatures policy covers; needs the registries")
	vf.register(c)
	db.register(c)
	c.Flags().BoolVar(&vulnOpts.Off, "no-vulns", false, "do not match Python dependency files against the vulnerability database")
	c.Flags().BoolVar(&vulnOpts.IgnoreUnfixed, "ignore-unfixed", false, "hide vulnerabilities without a released fix")
	c.Flags().StringArrayVar(&vulnOpts.VEX, "vex", nil, "OpenVEX document whose not_affected and fixed statements suppress vulnerabilities (repeatable)")
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

func isFormatName(s string) bool {
	for _, f := range report.Formats {
		if strings.EqualFold(s, f) {
			return true
		}
	}
	return false
}

// scanWithin runs the scan, giving up after timeout (0: none). The scan's
// goroutines stop with the process; the CLI exits right after.
func scanWithin(ctx context.Context, timeout time.Duration, opts scan.Options) (*finding.Result, error) {
	if timeout <= 0 {
		return scan.Scan(ctx, opts)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type out struct {
		res *finding.Result
		err error
	}
	done := make(chan out, 1)
	go func() {
		res, err := scan.Scan(ctx, opts)
		done <- out{res, err}
	}()
	select {
	case o := <-done:
		return o.res, o.err
	case <-ctx.Done():
		return nil, fmt.Errorf("scan timed out after %s (--timeout)", timeout)
	}
}

// scanProgress is a one-line counter on stderr for long scans.
type scanProgress struct {
	w         io.Writer
	on        bool
	start, at time.Time
	mu        sync.Mutex
	shown     bool
}

func newScanProgress(w io.Writer, on bool) *scanProgress {
	return &scanProgress{w: w, on: on, start: time.Now()}
}

func (p *scanProgress) update(done, total int) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	// Quiet for short scans, then at most five updates a second.
	if now.Sub(p.start) < time.Second || now.Sub(p.at) < 200*time.Millisecond {
		return
	}
	p.at, p.shown = now, true
	fmt.Fprintf(p.w, "\rhardhull: %d/%d files examined", done, total)
}

func (p *scanProgress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
