package runtimeaudit

import (
	"context"

	"github.com/hardhull/hardhull/internal/engine"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
	"github.com/hardhull/hardhull/internal/trustaudit"
)

// VerifyClient is what auditing with verification needs of the engine.
type VerifyClient interface {
	engine.Client
	engine.ImageClient
}

// AuditVerify is Audit plus the signature and provenance verification of
// the image each container runs (runtime --verify).
func AuditVerify(ctx context.Context, cli VerifyClient, sel engine.Selector, rs []*rules.Rule, ch *trustaudit.Checker) (*finding.Result, error) {
	cs, err := engine.Load(ctx, cli, sel)
	if err != nil {
		return nil, err
	}
	res := Judge(cs, rs)
	var run []trustaudit.Running
	for _, c := range cs {
		ds, err := engine.RepoDigests(ctx, cli, c)
		if err != nil {
			res.Errors = append(res.Errors, finding.InputError{Path: c.Name, Message: err.Error()})
			continue
		}
		run = append(run, trustaudit.Running{Container: c.Name, Image: c.Inspect.Config.Image, RepoDigests: ds})
	}
	ch.CheckContainers(ctx, res, run, rs)
	return res, nil
}
