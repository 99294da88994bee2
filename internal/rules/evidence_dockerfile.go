package rules

import (
	"fmt"
	"strings"

	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/secrets"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// Evidence of the Dockerfile and build-context rules: what the shipped
// stage shows done right.

func linkAt(l Link) finding.Location { return finding.Location{Path: l.Path, Line: l.Line} }

var _ = evidence("DF001", func(p *Pass, fired []finding.Finding) {
	if len(fired) > 0 {
		return
	}
	s := p.Final
	if len(p.Links) > 0 && allLinksNonRoot(p.Links) {
		for _, l := range p.Links {
			if strings.Contains(l.User, "$") {
				p.Unknown("runtime.non-root", linkAt(l), fmt.Sprintf("service %s sets user: %s, decided by the deployment", l.Service, l.User))
			} else {
				p.Evidence("runtime.non-root", linkAt(l), fmt.Sprintf("service %s, which builds %s, runs as user %s", l.Service, p.Dockerfile.Path, l.User))
			}
		}
		return
	}
	u := s.User()
	switch {
	case u == nil && NonRootBase(s.External()):
		p.Evidence("runtime.non-root", fromAt(p, s), fmt.Sprintf("the base image %s runs as a non-root user and the Dockerfile sets no USER", s.External()))
	case u != nil && strings.Contains(s.UserName(), "$"):
		p.Unknown("runtime.non-root", p.At(u), fmt.Sprintf("USER %s is decided by a build argument", s.UserName()))
	case u != nil && s.UserName() != "" && !IsRootUser(s.UserName()):
		p.Evidence("runtime.non-root", p.At(u), fmt.Sprintf("the shipped stage (%s) runs as USER %s", stageLabel(s.Name, s.Index), s.UserName()))
	}
})

// baseEvidence records build.pinned-versions evidence for every FROM that
// names an image.
func baseEvidence(p *Pass) {
	for _, s := range p.Dockerfile.Stages {
		if s.Parent != nil || strings.EqualFold(s.Image, "scratch") || strings.EqualFold(s.Base, "scratch") {
			continue
		}
		tag, digest, ok := baseTag(s)
		switch {
		case !ok:
			p.Unknown("build.pinned-versions", fromAt(p, s), fmt.Sprintf("FROM %s: the image is left to build arguments", s.Base))
		case digest != "":
			p.Evidence("build.pinned-versions", fromAt(p, s), fmt.Sprintf("FROM %s is pinned by digest", s.Base))
		case tag == "" || tag == "latest":
			// DF002 and DF003 report it.
		case pinnedTag(tag):
			p.Evidence("build.pinned-versions", fromAt(p, s), fmt.Sprintf("FROM %s is pinned to version tag %s", s.Base, tag))
		default:
			p.Unknown("build.pinned-versions", fromAt(p, s), fmt.Sprintf("FROM %s: tag %s names a release line, not a version", s.Base, tag))
		}
	}
}

var _ = evidence("DF003", func(p *Pass, _ []finding.Finding) { baseEvidence(p) })

var _ = evidence("DF005", func(p *Pass, fired []finding.Finding) {
	if len(fired) > 0 {
		return
	}
	ch := p.Final.Chain()
	root := ch[len(ch)-1]
	img := root.Image
	if img == "" {
		img = root.Base
	}
	switch minimal, known := minimalBase(img); {
	case minimal:
		p.Evidence("build.slim-base", fromAt(p, root), fmt.Sprintf("the shipped image builds on %s, a minimal image", img))
	case !known:
		p.Unknown("build.slim-base", fromAt(p, root), fmt.Sprintf("the shipped image builds on %s; whether that is a minimal image is not known", img))
	}
})

// copiesFromStage returns the first COPY --from=<stage of this file> of
// the shipped chain.
func copiesFromStage(p *Pass) (*dockerfile.Instruction, string) {
	for _, st := range p.Final.Chain() {
		for _, in := range st.Find("copy") {
			if c, ok := in.Command.(*instructions.CopyCommand); ok && c.From != "" {
				if src := p.Dockerfile.Stage(strings.ToLower(c.From)); src != nil && src != p.Final {
					return in, c.From
				}
			}
		}
	}
	return nil, ""
}

var _ = evidence("DF007", func(p *Pass, fired []finding.Finding) {
	if len(fired) > 0 {
		return
	}
	ch := p.Final.Chain()
	img := ch[len(ch)-1].Image
	in, from := copiesFromStage(p)
	minimal, known := minimalBase(img)
	switch {
	case in == nil:
		p.Unknown("build.multi-stage", fromAt(p, p.Final), fmt.Sprintf("single-stage build on %s: no build tools seen installed, but the build happens in the shipped image", img))
	case minimal:
		p.Evidence("build.multi-stage", p.At(in), fmt.Sprintf("the shipped stage copies its build from stage %s onto %s and installs no build tools", from, img))
	case !known:
		p.Unknown("build.multi-stage", p.At(in), fmt.Sprintf("multi-stage build onto %s, an image hardhull knows nothing about", img))
	}
})

var _ = evidence("DF008", func(p *Pass, fired []finding.Finding) {
	n := 0
	for _, s := range p.Dockerfile.Stages {
		n += len(s.Args())
		for _, e := range s.Env() {
			if e.In.Stage != s {
				continue
			}
			n++
			if s != p.Final {
				continue
			}
			v := strings.Trim(strings.TrimSpace(e.Value), `"'`)
			switch {
			case secretFileEnv(e.Key, v):
				p.Evidence("secrets.injected", p.At(e.In), fmt.Sprintf("ENV %s points at the Docker secret file %s", e.Key, v))
			case v == "" && secrets.SecretName(e.Key):
				p.Evidence("secrets.injected", p.At(e.In), fmt.Sprintf("ENV %s is an empty placeholder, to be set at run time", e.Key))
			}
		}
	}
	if len(fired) == 0 && n > 0 {
		msg := fmt.Sprintf("no secret value in the %s of %s", plural(n, "ENV and ARG key"), p.Dockerfile.Path)
		p.Evidence("build.no-secrets", fromAt(p, p.Dockerfile.Stages[0]), msg)
		p.Evidence("secrets.no-hardcoded", fromAt(p, p.Dockerfile.Stages[0]), msg)
	}
})

var _ = evidence("DF009", func(p *Pass, fired []finding.Finding) {
	n := 0
	for _, s := range p.Dockerfile.Stages {
		n += len(s.Find("run"))
	}
	if len(fired) == 0 && n > 0 {
		msg := fmt.Sprintf("no credential in the %s of %s", plural(n, "RUN instruction"), p.Dockerfile.Path)
		p.Evidence("build.no-secrets", fromAt(p, p.Dockerfile.Stages[0]), msg)
		p.Evidence("secrets.no-hardcoded", fromAt(p, p.Dockerfile.Stages[0]), msg)
	}
})

var _ = evidence("DF019", func(p *Pass, fired []finding.Finding) {
	if len(fired) > 0 {
		return
	}
	if h := p.Final.Last("healthcheck"); h != nil {
		if c, ok := h.Command.(*instructions.HealthCheckCommand); ok && c.Health != nil && len(c.Health.Test) > 0 && c.Health.Test[0] != "NONE" {
			p.Evidence("runtime.health-checks", p.At(h), "the shipped image defines a HEALTHCHECK")
		}
		return
	}
	if len(p.Links) > 0 {
		all := true
		for _, l := range p.Links {
			all = all && l.Healthcheck
		}
		if all {
			for _, l := range p.Links {
				p.Evidence("runtime.health-checks", linkAt(l), fmt.Sprintf("service %s, which builds %s, declares a healthcheck", l.Service, p.Dockerfile.Path))
			}
		}
	}
})

var _ = evidence("DF021", func(p *Pass, fired []finding.Finding) {
	if len(fired) > 0 {
		return
	}
	for _, e := range p.Final.Env() {
		if txt, ok := debugOff(e.Key, e.Value); ok {
			p.Evidence("runtime.debug-disabled", p.At(e.In), "the image sets "+txt)
		}
	}
})

var _ = evidence("DF022", func(p *Pass, fired []finding.Finding) {
	if len(fired) > 0 {
		return
	}
	if at, cmd := cmdLine(p.Final); at != nil && ASGIServer(cmd) {
		p.Evidence("runtime.debug-disabled", p.At(at), "the server starts without --reload or --debug")
	}
})

// Build context.

var _ = evidence("DI002", func(p *Pass, fired []finding.Finding) {
	bc := p.Ext.Context
	if bc == nil || len(fired) > 0 {
		return
	}
	if bc.IgnoreFile == "" {
		if p.copiesContext() == nil {
			p.Unknown("build.dockerignore", fromAt(p, p.Final), "no .dockerignore; the shipped stage copies only named files, so nothing excludes what a later COPY . would send")
		}
		return
	}
	var open []string
	for _, f := range sensitiveProbes {
		if bc.Included(f) {
			open = append(open, f)
		}
	}
	if len(open) == 0 {
		p.Evidence("build.dockerignore", p.ignoreAt(0), ".dockerignore excludes .env files, keys and .git, at the root and nested, and no sensitive file is sent")
		return
	}
	p.Unknown("build.dockerignore", p.ignoreAt(0), fmt.Sprintf(".dockerignore would send %s; no such file is in the context today", strings.Join(first(open, 4), ", ")))
})

var _ = evidence("DF010", func(p *Pass, fired []finding.Finding) {
	bc := p.Ext.Context
	if bc == nil || len(fired) > 0 {
		return
	}
	switch {
	case bc.IgnoreFile != "" && !bc.Included(".env") && !bc.Included("app/.env"):
		p.Evidence("secrets.no-env-files", p.ignoreAt(0), ".dockerignore keeps .env files out of the build context")
	case p.copiesContext() == nil:
		p.Evidence("secrets.no-env-files", fromAt(p, p.Final), "the shipped stage copies only named files, none of them a .env file")
	default:
		p.Unknown("secrets.no-env-files", fromAt(p, p.Final), "the shipped stage copies a directory and .env files are not excluded; none is in the context today")
	}
})

var _ = evidence("DF011", func(p *Pass, fired []finding.Finding) {
	if p.Ext.Context == nil || len(fired) > 0 {
		return
	}
	n := len(p.shippedFiles())
	switch {
	case n == 0:
	case n > maxContentFiles:
		msg := fmt.Sprintf("%d files are copied from the context; only the first %d were scanned for secrets", n, maxContentFiles)
		p.Unknown("build.no-secrets", fromAt(p, p.Final), msg)
		p.Unknown("secrets.no-hardcoded", fromAt(p, p.Final), msg)
	default:
		msg := fmt.Sprintf("none of the %s copied from the build context is a key file or holds a recognised secret", plural(n, "file"))
		p.Evidence("build.no-secrets", fromAt(p, p.Final), msg)
		p.Evidence("secrets.no-hardcoded", fromAt(p, p.Final), msg)
	}
})
