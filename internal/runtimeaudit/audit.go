// Package runtimeaudit is the running-container front of the pipeline: it
// loads containers through the Docker Engine API (internal/engine) and
// runs the container rules over each.
package runtimeaudit

import (
	"context"

	"github.com/hardhull/hardhull/internal/daemon"
	"github.com/hardhull/hardhull/internal/engine"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
)

// Audit loads the selected containers and judges them.
func Audit(ctx context.Context, cli engine.Client, sel engine.Selector, rs []*rules.Rule) (*finding.Result, error) {
	cs, err := engine.Load(ctx, cli, sel)
	if err != nil {
		return nil, err
	}
	return Judge(cs, rs), nil
}

// Options adds what the containers' inspect documents do not say.
type Options struct {
	// Daemon is the configuration the engine runs with (its daemon.json):
	// daemon-wide defaults such as no-new-privileges apply to containers
	// without showing in their inspect documents.
	Daemon *daemon.Settings
}

// AuditWith is Audit with options.
func AuditWith(ctx context.Context, cli engine.Client, sel engine.Selector, rs []*rules.Rule, opts Options) (*finding.Result, error) {
	cs, err := engine.Load(ctx, cli, sel)
	if err != nil {
		return nil, err
	}
	return JudgeWith(cs, rs, opts), nil
}

// Judge runs the container rules over loaded containers.
func Judge(cs []*engine.Container, rs []*rules.Rule) *finding.Result {
	return JudgeWith(cs, rs, Options{})
}

// JudgeWith is Judge with options.
func JudgeWith(cs []*engine.Container, rs []*rules.Rule, opts Options) *finding.Result {
	if rs == nil {
		rs = rules.All()
	}
	var ctrRules []*rules.Rule
	for _, r := range rs {
		if r.Kind == finding.KindContainer {
			ctrRules = append(ctrRules, r)
		}
	}
	res := &finding.Result{Command: "runtime", Kinds: map[finding.Kind]int{finding.KindContainer: len(cs)}, Facts: map[string]any{"containers": len(cs)}}
	running := 0
	for _, c := range cs {
		if c.Running {
			running++
		}
		p := &rules.Pass{Ext: rules.Extensions{Container: c, Daemon: opts.Daemon}}
		res.Findings = append(res.Findings, rules.Run(p, ctrRules)...)
		res.Evidence = append(res.Evidence, p.Evidences()...)
	}
	res.Facts["running"] = running
	return res
}
