package fix

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/docker/docker/client"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/engine"
	"github.com/hardhull/hardhull/internal/finding"
)

// Resolver finds the digest a tag points to.
type Resolver interface {
	// Digest returns "sha256:..." for an image reference such as
	// "python:3.12-slim".
	Digest(ctx context.Context, ref string) (string, error)
}

// RegistryResolver asks the image's registry (HEAD on the manifest, GET
// when HEAD is refused), so the pin is the index digest and multi-platform
// builds keep working.
type RegistryResolver struct {
	// Insecure allows plain HTTP (a local or test registry).
	Insecure bool
	// Transport overrides the HTTP transport; nil uses the default.
	Transport http.RoundTripper
}

func (r RegistryResolver) Digest(ctx context.Context, ref string) (string, error) {
	var opts []name.Option
	if r.Insecure {
		opts = append(opts, name.Insecure)
	}
	tag, err := name.ParseReference(ref, opts...)
	if err != nil {
		return "", fmt.Errorf("parse %s: %w", ref, err)
	}
	ropts := []remote.Option{remote.WithContext(ctx)}
	if r.Transport != nil {
		ropts = append(ropts, remote.WithTransport(r.Transport))
	}
	if d, err := remote.Head(tag, ropts...); err == nil {
		return d.Digest.String(), nil
	}
	desc, err := remote.Get(tag, ropts...)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", ref, err)
	}
	return desc.Digest.String(), nil
}

// DaemonResolver reads the repository digest the local engine recorded
// when it pulled the image: the registry's digest, not one recomputed from
// the local copy.
type DaemonResolver struct {
	Client *client.Client
}

func (r DaemonResolver) Digest(ctx context.Context, ref string) (string, error) {
	cli := r.Client
	if cli == nil {
		c, _, err := engine.Connect(ctx)
		if err != nil {
			return "", err
		}
		defer c.Close()
		cli = c
	}
	insp, err := cli.ImageInspect(ctx, ref)
	if err != nil {
		return "", fmt.Errorf("inspect %s: %w", ref, err)
	}
	want, err := name.ParseReference(ref, name.WeakValidation)
	if err != nil {
		return "", err
	}
	repo := want.Context().Name()
	for _, rd := range insp.RepoDigests {
		d, err := name.NewDigest(rd, name.WeakValidation)
		if err != nil {
			continue
		}
		if d.Context().Name() == repo {
			return d.DigestStr(), nil
		}
	}
	return "", fmt.Errorf("%s was not pulled from a registry (no repository digest); pin it by hand", ref)
}

func (p *planner) resolver() Resolver {
	if p.opts.Resolver != nil {
		return p.opts.Resolver
	}
	if strings.HasPrefix(p.opts.PinFrom, "docker") {
		return DaemonResolver{}
	}
	return RegistryResolver{Insecure: p.opts.Insecure}
}

// pinFrom appends the digest of the FROM image as written.
func (d *dfDoc) pinFrom(in *dockerfile.Instruction, f finding.Finding) (string, error) {
	s := in.Stage
	if in.Cmd != "from" {
		return "", skipf("not a FROM instruction")
	}
	if strings.Contains(s.Base, "$") {
		return "", skipf("FROM %s uses a build argument; pin the digest where the argument is set", s.Base)
	}
	text := d.text(in)
	_, end := keyword(text)
	ws, _, ok := plainWords(text, end, d.esc())
	if !ok {
		return "", skipf("FROM image is written in a form this fix does not edit")
	}
	for _, w := range ws {
		if strings.HasPrefix(w.Value, "--") {
			continue
		}
		raw := text[w.Start:w.End]
		if raw != s.Base {
			return "", skipf("FROM image is written in a form this fix does not edit")
		}
		dg, err := d.p.digest(s.Image)
		if err != nil {
			return "", skipf("cannot resolve a digest for %s: %v", s.Image, err)
		}
		return text[:w.Start] + raw + "@" + dg + text[w.End:], nil
	}
	return "", skipf("no image in FROM")
}

// digest resolves an image once per plan: stages often share a base.
func (p *planner) digest(ref string) (string, error) {
	if p.digests == nil {
		p.digests = map[string]digestResult{}
	}
	if r, ok := p.digests[ref]; ok {
		return r.d, r.err
	}
	d, err := p.resolver().Digest(p.ctx, ref)
	p.digests[ref] = digestResult{d, err}
	return d, err
}

type digestResult struct {
	d   string
	err error
}
