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
	img := baseAsWritten(root)
	switch minimal, known := minimalBase(root.Image); {
	case minimal:
		p.Evidence("build.slim-base", fromAt(p, root), fmt.Sprintf("the shipped image builds on %s, a minimal image", img))
	case !known:
		p.Unknown("build.slim-base", fromAt(p, root), fmt.Sprintf("the shipped image builds on %s; whether that is a minimal image is not known", img))
	}
})

// baseAsWritten is a stage's base image as resolved, or as written when
// build arguments leave it unresolved (never a half-expanded ":test-").
func baseAsWritten(s *dockerfile.Stage) string {
	if s.Image == "" || len(s.Unresolved) > 0 || strings.HasPrefix(s.Image, ":") {
		return s.Base
	}
	return s.Image
}

// copiedDir returns the first source of the shipped chain's COPY/ADD from
// the context that brings in a directory or a wildcard (as the context's
// real file list decides, not the spelling), or "" when every source is a
// named file.
func copiedDir(p *Pass) (src string, missing bool) {
	bc := p.Ext.Context
	for _, st := range p.Final.Chain() {
		for _, in := range st.Instructions {
			var srcs []string
			switch c := in.Command.(type) {
			case *instructions.CopyCommand:
				if c.From != "" {
					continue
				}
				srcs = c.SourcePaths
			case *instructions.AddCommand:
				srcs = c.SourcePaths
			default:
				continue
			}
			for _, src := range srcs {
				if isRemote(src) {
					continue
				}
				clean := strings.TrimPrefix(strings.TrimPrefix(src, "./"), "/")
				if strings.ContainsAny(src, "*?[$") || clean == "" || clean == "." {
					return src, false
				}
				fs := bc.Sources(src)
				if len(fs) == 0 {
					return src, true // not in the context: what it is cannot be shown
				}
				for _, f := range fs {
					if f != clean {
						return src, false
					}
				}
			}
		}
	}
	return "", false
}

// copiedText describes what copiedDir found.
func copiedText(src string, missing bool) string {
	if missing {
		return src + ", which is not in the build context (what it brings cannot be shown),"
	}
	return src
}

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
	img := baseAsWritten(ch[len(ch)-1])
	in, from := copiesFromStage(p)
	minimal, known := minimalBase(ch[len(ch)-1].Image)
	switch {
	case in == nil:
		p.Unknown("build.multi-stage", fromAt(p, p.Final), fmt.Sprintf("single-stage build on %s: no build tools seen installed, but the build happens in the shipped image", img))
	case minimal:
		p.Evidence("build.multi-stage", p.At(in), fmt.Sprintf("the shipped stage copies its build from stage %s onto %s and installs no build tools", from, img))
	case !known:
		p.Unknown("build.multi-stage", p.At(in), fmt.Sprintf("multi-stage build onto %s, an image hardhull knows nothing about", img))
	default:
		// A full language image ships its compilers whatever the builder
		// stage did; never a pass.
		p.Unknown("build.multi-stage", p.At(in), fmt.Sprintf("multi-stage build, but the shipped stage builds on %s, a full image that keeps compilers and headers", img))
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
		msg := fmt.Sprintf("no secret value in the ENV and ARG keys of %s (%d)", p.Dockerfile.Path, n)
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
		msg := fmt.Sprintf("no credential in the RUN instructions of %s (%d)", p.Dockerfile.Path, n)
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
		if dir, missing := copiedDir(p); dir == "" {
			p.Unknown("build.dockerignore", fromAt(p, p.Final), "no .dockerignore; the shipped stage copies only named files, so nothing excludes what a later COPY . would send")
		} else {
			p.Unknown("build.dockerignore", fromAt(p, p.Final), fmt.Sprintf("no .dockerignore, and the shipped stage copies %s from the context", strings.TrimSuffix(copiedText(dir, missing), ",")))
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
	default:
		if dir, missing := copiedDir(p); dir != "" {
			p.Unknown("secrets.no-env-files", fromAt(p, p.Final), fmt.Sprintf("the shipped stage copies %s and .env files are not excluded", copiedText(dir, missing)))
		} else {
			p.Evidence("secrets.no-env-files", fromAt(p, p.Final), "the shipped stage copies only named files from the context, none of them a .env file")
		}
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
		msg := fmt.Sprintf("none of the %d files copied from the build context is a key file or holds a recognised secret", n)
		if n == 1 {
			msg = "the one file copied from the build context is no key file and holds no recognised secret"
		}
		p.Evidence("build.no-secrets", fromAt(p, p.Final), msg)
		p.Evidence("secrets.no-hardcoded", fromAt(p, p.Final), msg)
	}
})
