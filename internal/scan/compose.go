package scan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/imageref"
	"github.com/hardhull/hardhull/internal/rules"
)

// proxyImages are images that usually terminate TLS in front of an app.
var proxyImages = []string{"nginx", "traefik", "caddy", "haproxy", "envoy", "openresty", "jwilder/nginx-proxy", "nginxproxy/nginx-proxy"}

func isProxyImage(img string) bool {
	repo := imageref.Repository(img)
	for _, p := range proxyImages {
		if repo == p || strings.HasSuffix(repo, "/"+p) || strings.HasPrefix(filepath.Base(repo), p) {
			return true
		}
	}
	return false
}

// loadCompose loads every compose set, runs the compose rules per project
// and links services that build a Dockerfile to that Dockerfile's unit.
func (s *scanner) loadCompose(ctx context.Context) {
	cRules := kindRules(s.rules, finding.KindCompose)
	// Projects load in parallel (the loader dominates scan time); linking
	// runs after, in order, so results do not depend on scheduling.
	type loaded struct {
		p   *compose.Project
		err error
	}
	out := make([]loaded, len(s.composeSets))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, set := range s.composeSets {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			p, err := s.loadSet(ctx, &s.composeSets[i])
			out[i] = loaded{p, err}
			defer s.step()
			if err == nil {
				pass := &rules.Pass{Ext: rules.Extensions{Compose: p, Display: displayer(set), TrustedRegistries: s.opts.TrustedRegistries}}
				s.addFindings(rules.Run(pass, cRules))
				s.addEvidence(pass.Evidences())
				disp := displayer(set)
				for _, svc := range p.Services() {
					if _, builds := svc.BuildSpec(); builds || svc.Image == "" {
						continue // the image is what the build produces
					}
					if raw, ok := svc.Raw("image"); ok && raw.Interpolated {
						continue
					}
					pos := svc.Pos("image")
					s.addImage(svc.Image, finding.Location{Path: disp(pos.File), Line: pos.Line, Column: pos.Column})
				}
			}
		}()
	}
	wg.Wait()
	for i, set := range s.composeSets {
		p, err := out[i].p, out[i].err
		if err != nil {
			line := 0
			var ce *compose.Error
			if errors.As(err, &ce) {
				line = ce.Line
				err = errors.New(ce.Msg)
				for i, f := range set.files {
					if f == ce.File {
						s.inputError(set.display[i], line, err)
						err = nil
						break
					}
				}
			}
			if err != nil {
				s.inputError(set.display[0], line, err)
			}
			continue
		}
		for _, oe := range set.overlayErrs {
			s.inputError(oe.display, oe.line, oe.err)
		}
		s.count(finding.KindCompose, 1)
		s.link(p, displayer(set))
	}
}

// loadSet loads a compose set. When overlays merged onto a base make the
// load fail, the base loads alone and each overlay is added back in turn;
// one that still fails is reported as its own error.
func (s *scanner) loadSet(ctx context.Context, set *composeSet) (*compose.Project, error) {
	p, err := compose.Load(ctx, compose.Options{Files: set.files, Shadowed: set.shadowed})
	if err == nil || set.baseFiles <= 0 || set.baseFiles >= len(set.files) {
		return p, err
	}
	files, display := append([]string(nil), set.files[:set.baseFiles]...), append([]string(nil), set.display[:set.baseFiles]...)
	p, berr := compose.Load(ctx, compose.Options{Files: files, Shadowed: set.shadowed})
	if berr != nil {
		return nil, err
	}
	for i := set.baseFiles; i < len(set.files); i++ {
		np, oerr := compose.Load(ctx, compose.Options{Files: append(files, set.files[i]), Shadowed: set.shadowed})
		if oerr != nil {
			line := 0
			var ce *compose.Error
			if errors.As(oerr, &ce) {
				line, oerr = ce.Line, errors.New(ce.Msg)
			}
			set.overlayErrs = append(set.overlayErrs, overlayErr{set.display[i], line, oerr})
			continue
		}
		p = np
		files, display = append(files, set.files[i]), append(display, set.display[i])
	}
	set.files, set.display = files, display
	return p, nil
}

// displayer maps compose file paths on disk to the paths reported.
func displayer(set composeSet) func(string) string {
	m := map[string]string{}
	for i, f := range set.files {
		m[f] = set.display[i]
	}
	for i, f := range set.shadowed {
		m[f] = set.shadowDisplay[i]
	}
	return func(p string) string {
		if d, ok := m[p]; ok {
			return d
		}
		if abs, err := filepath.Abs(p); err == nil {
			if d, ok := m[abs]; ok {
				return d
			}
			// Files reached through extends/include: report relative to the
			// first file's directory as displayed.
			if rel, err := filepath.Rel(filepath.Dir(set.files[0]), abs); err == nil && !strings.HasPrefix(rel, "..") {
				return filepath.ToSlash(filepath.Join(filepath.Dir(set.display[0]), rel))
			}
		}
		return p
	}
}

func (s *scanner) link(p *compose.Project, disp func(string) string) {
	proxied := false
	for _, svc := range p.Services() {
		if isProxyImage(svc.Image) {
			proxied = true
		}
	}
	for _, svc := range p.Services() {
		if svc.Build == nil {
			continue
		}
		ctxDir := svc.Build.Context
		if ctxDir == "" || strings.Contains(ctxDir, "://") {
			continue
		}
		if !filepath.IsAbs(ctxDir) {
			ctxDir = filepath.Join(p.Dir, ctxDir)
		}
		df := svc.Build.Dockerfile
		if df == "" {
			df = "Dockerfile"
		}
		if svc.Build.DockerfileInline != "" {
			continue
		}
		if !filepath.IsAbs(df) {
			df = filepath.Join(ctxDir, df)
		}
		abs, _ := filepath.Abs(df)
		pos := p.Pos(svc.Name)
		l := rules.Link{
			Service: svc.Name, Path: disp(pos.File), Line: pos.Line, User: svc.User, Proxied: proxied && !isProxyImage(svc.Image),
		}
		if hc := svc.HealthCheck; hc != nil {
			l.HealthDisabled = hc.Disable || len(hc.Test) > 0 && strings.EqualFold(hc.Test[0], "NONE")
			l.Healthcheck = !l.HealthDisabled && len(hc.Test) > 0
		}
		s.mu.Lock()
		u, ok := s.unitByAbs[abs]
		if !ok {
			// A Dockerfile outside the scanned tree, with an unusual name,
			// or named only through explicit -f compose files.
			if _, statErr := os.Stat(abs); statErr == nil {
				u = s.addUnit(displayPath(s, abs), abs, ctxDir)
				ok = true
			}
		}
		if ok {
			u.links = append(u.links, l)
			u.ctxDir = ctxDir
			if svc.Build.Target != "" {
				u.target = svc.Build.Target
			}
		}
		s.mu.Unlock()
	}
}

// groupCompose groups discovered compose files into projects with
// compose.Group, the one grouping scan and fix share.
func groupCompose(root string, files []string, rel func(string) string) []composeSet {
	var out []composeSet
	for _, set := range compose.Group(root, files) {
		cs := composeSet{baseFiles: set.Base}
		for _, f := range set.Files {
			abs, _ := filepath.Abs(filepath.Join(root, filepath.FromSlash(f)))
			cs.files = append(cs.files, abs)
			cs.display = append(cs.display, rel(f))
		}
		for _, f := range set.Shadowed {
			abs, _ := filepath.Abs(filepath.Join(root, filepath.FromSlash(f)))
			cs.shadowed = append(cs.shadowed, abs)
			cs.shadowDisplay = append(cs.shadowDisplay, rel(f))
		}
		out = append(out, cs)
	}
	return out
}
