// Package engineaudit is the engine front of the pipeline: it reads a
// Docker engine through its API (engine.LoadFacts), optionally next to the
// daemon.json it was started with, and runs the engine rules over it. It
// also reports the engine's image and container sprawl (CIS section 6) as
// facts.
package engineaudit

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hardhull/hardhull/internal/daemon"
	"github.com/hardhull/hardhull/internal/engine"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
)

// Options says what to judge besides the API's answer.
type Options struct {
	// DaemonConfig is the daemon.json the engine was started with; its
	// settings fill what the API does not report, and differences from
	// the API are findings. "" reads none.
	DaemonConfig string
	// Now is the date release support is judged against (zero: today).
	Now time.Time
}

// Audit loads the engine's facts and judges them.
func Audit(ctx context.Context, cli engine.FactsClient, opts Options, rs []*rules.Rule) (*finding.Result, error) {
	f, err := engine.LoadFacts(ctx, cli)
	if err != nil {
		return nil, err
	}
	var file *daemon.Settings
	if opts.DaemonConfig != "" {
		if file, err = ReadConfig(opts.DaemonConfig); err != nil {
			return nil, err
		}
	}
	return Judge(f, file, opts.Now, rs), nil
}

// ReadConfig reads and parses a daemon.json into its settings.
func ReadConfig(path string) (*daemon.Settings, error) {
	data, err := readBounded(path)
	if err != nil {
		return nil, fmt.Errorf("daemon configuration: %w", err)
	}
	cfg, err := daemon.Parse(path, data)
	if err != nil {
		return nil, err
	}
	return cfg.Settings()
}

func readBounded(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	buf := make([]byte, daemon.MaxConfigSize+1)
	n, err := fh.Read(buf)
	for err == nil && n < len(buf) {
		var m int
		m, err = fh.Read(buf[n:])
		n += m
	}
	return buf[:n], nil
}

// Judge runs the engine rules over an engine's facts (and the file it was
// started with, when known).
func Judge(f *engine.Facts, file *daemon.Settings, now time.Time, rs []*rules.Rule) *finding.Result {
	if rs == nil {
		rs = rules.All()
	}
	var engRules []*rules.Rule
	for _, r := range rs {
		if r.Kind == finding.KindEngine {
			engRules = append(engRules, r)
		}
	}
	s := daemon.FromFacts(f)
	s.Merge(file)
	p := &rules.Pass{Ext: rules.Extensions{Daemon: s, DaemonFile: file, Now: now}}
	res := &finding.Result{Command: "runtime", Target: f.Addr, Kinds: map[finding.Kind]int{finding.KindEngine: 1}, Facts: Facts(f)}
	res.Findings = rules.Run(p, engRules)
	res.Evidence = p.Evidences()
	return res
}

// Facts are what the engine is, whatever its findings: version and
// release branch, drivers, security options, and the sprawl counts of CIS
// section 6 (images no container uses, stopped containers).
func Facts(f *engine.Facts) map[string]any {
	m := map[string]any{
		"engine":                  f.Addr,
		"engine_version":          f.Version.Version,
		"engine_api_version":      f.Version.APIVersion,
		"engine_logging_driver":   f.Info.LoggingDriver,
		"engine_storage_driver":   f.Info.Driver,
		"engine_cgroup":           strings.Trim(f.Info.CgroupDriver+" v"+f.Info.CgroupVersion, " v"),
		"engine_security_options": strings.Join(f.Info.SecurityOptions, " "),
	}
	if f.Version.Version == "" {
		m["engine_version"] = f.Info.ServerVersion
	}
	if rel, ok := daemon.ReleaseOf(fmt.Sprint(m["engine_version"])); ok {
		end := rel.EndOfMaintenance
		if end == "" {
			end = "not announced"
		}
		m["engine_release"] = rel.Branch + " (end of maintenance: " + end + ")"
	}
	used := map[string]bool{}
	stopped := 0
	for _, c := range f.Containers {
		used[c.ImageID] = true
		if c.State != "running" {
			stopped++
		}
	}
	unused := 0
	for _, img := range f.Images {
		// Containers is -1 when the engine did not count; the container
		// list decides then.
		if !used[img.ID] && img.Containers <= 0 {
			unused++
		}
	}
	m["images"] = len(f.Images)
	m["images_unused"] = unused
	m["containers_all"] = len(f.Containers)
	m["containers_stopped"] = stopped
	return m
}
