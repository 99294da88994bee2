package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hardhull/hardhull/internal/config"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/report"
	"github.com/hardhull/hardhull/internal/rules"
	"github.com/spf13/cobra"
)

// outputFlags are shared by every auditing command.
type outputFlags struct {
	format        string
	output        string
	failOn        string
	configPath    string
	baseline      string
	writeBaseline string
	noColor       bool
	severities    []string
	exitCode      int
	summary       bool
	// sources is the content of inputs read from stdin, for inline ignores.
	sources map[string][]byte
}

func (o *outputFlags) register(c *cobra.Command) {
	f := c.Flags()
	f.StringVar(&o.format, "format", "text", "output format: text, json, sarif, markdown, checklist, junit, html, gitlab-codequality, gitlab-sast")
	f.StringVarP(&o.output, "output", "o", "", "write the report to this file instead of stdout")
	f.StringVar(&o.failOn, "fail-on", "", "exit 1 when a finding is at or above this severity (default medium, or fail-on in .hardhull.yaml)")
	f.StringVar(&o.configPath, "config", "", "policy file (default: .hardhull.yaml in the target directory or its parents)")
	f.StringVar(&o.baseline, "baseline", "", "suppress findings recorded in this baseline file")
	f.StringVar(&o.writeBaseline, "write-baseline", "", "record the current findings in this baseline file")
	f.BoolVar(&o.noColor, "no-color", false, "never colour text output")
	f.StringSliceVar(&o.severities, "severity", nil, "show only these severities (e.g. critical,high); the exit code still follows --fail-on")
	f.IntVar(&o.exitCode, "exit-code", 1, "exit code when a finding is at or above --fail-on (0: report only)")
	f.BoolVar(&o.summary, "summary", false, "text: list only the top problems by severity with counts")
}

// loadConfig finds and reads the policy file for a target directory.
func (o *outputFlags) loadConfig(dir string) (*config.Config, error) {
	cfgPath := o.configPath
	if cfgPath == "" {
		if p, ok := config.Find(dir); ok {
			cfgPath = p
		}
	}
	if cfgPath == "" {
		return &config.Config{}, nil
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	// A typo in a rule ID would silently disable nothing.
	for _, id := range cfg.RuleIDs() {
		if rules.Lookup(id) == nil {
			return nil, usageErr("%s: unknown rule %q (see `hardhull rules`)", cfgPath, id)
		}
	}
	return cfg, nil
}

// finish applies policy, writes the report and decides the exit code.
func (o *outputFlags) finish(c *cobra.Command, res *finding.Result, dir string, cfg *config.Config) error {
	if cfg == nil {
		var err error
		if cfg, err = o.loadConfig(dir); err != nil {
			return err
		}
	}
	failOn := finding.Medium
	if cfg.FailOn != nil {
		failOn = *cfg.FailOn
	}
	reportOnly := o.exitCode == 0
	switch o.failOn {
	case "":
	case "none":
		reportOnly = true
	default:
		s, err := finding.ParseSeverity(o.failOn)
		if err != nil {
			return usageErr("--fail-on: %v (or none)", err)
		}
		failOn = s
	}
	if o.exitCode < 0 || o.exitCode > 125 {
		return usageErr("--exit-code: %d is not in 0..125", o.exitCode)
	}
	var shown []finding.Severity
	for _, name := range o.severities {
		s, err := finding.ParseSeverity(strings.ToLower(strings.TrimSpace(name)))
		if err != nil {
			return usageErr("--severity: %v", err)
		}
		shown = append(shown, s)
	}
	pol := &config.Policy{Config: cfg, Root: dir, Equivalent: equivalentIDs, Sources: o.sources}
	if o.baseline != "" {
		b, err := config.ReadBaseline(o.baseline)
		if err != nil {
			return usageErr("--baseline: %v", err)
		}
		pol.Baseline = b
	}
	pol.Apply(res)
	wroteBaseline := false
	if o.writeBaseline != "" {
		if err := config.WriteBaseline(o.writeBaseline, res.Findings); err != nil {
			return usageErr("--write-baseline: %v", err)
		}
		wroteBaseline = true
	}
	// The exit code is decided on every finding policy kept; --severity
	// only narrows what is shown.
	code := config.ExitCode(res, failOn)
	// The checklist judges items by their findings: narrowing it would
	// turn hidden failures into passes.
	if len(shown) > 0 && !strings.EqualFold(o.format, "checklist") {
		res = config.ShowSeverities(res, shown)
	}
	var w io.Writer = c.OutOrStdout()
	if o.output != "" && o.output != "-" {
		f, err := os.Create(o.output)
		if err != nil {
			return usageErr("%v", err)
		}
		defer f.Close()
		w = f
	}
	rep, err := report.New(o.format, report.Options{Color: !o.noColor && o.output == "" && isTerminal(w) && os.Getenv("NO_COLOR") == "", Version: Version, Catalogue: catalogueMeta(), Summary: o.summary})
	if err != nil {
		return usageErr("%v", err)
	}
	if err := rep.Report(w, res); err != nil {
		return &exitError{code: 2, err: fmt.Errorf("write report: %w", err)}
	}
	for _, e := range res.Errors {
		fmt.Fprintf(c.ErrOrStderr(), "hardhull: %s\n", errLine(e))
	}
	switch {
	case code == 2:
		return &exitError{code: 2}
	case code == 1 && !reportOnly && !wroteBaseline:
		return &exitError{code: o.exitCode}
	}
	return nil
}

func errLine(e finding.InputError) string {
	// One line per input error, whatever the loader's message looks like.
	msg := strings.Join(strings.Fields(e.Message), " ")
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, msg)
}

func equivalentIDs(tool, id string) []string {
	var out []string
	for _, r := range rules.ClaimingEquivalent(tool, id) {
		out = append(out, r.ID)
	}
	return out
}

func catalogueMeta() []*finding.Rule {
	var out []*finding.Rule
	for _, r := range rules.All() {
		out = append(out, r.Rule)
	}
	return out
}

// policyDir is where .hardhull.yaml is looked up and inline comments are
// resolved from: the scanned directory, or a named file's directory.
func policyDir(paths []string) string {
	if len(paths) == 0 {
		return "."
	}
	if st, err := os.Stat(paths[0]); err == nil && !st.IsDir() {
		return filepath.Dir(paths[0])
	}
	return paths[0]
}
