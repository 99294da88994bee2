package scan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
)

// proxyImages are images that usually terminate TLS in front of an app.
var proxyImages = []string{"nginx", "traefik", "caddy", "haproxy", "envoy", "openresty", "jwilder/nginx-proxy", "nginxproxy/nginx-proxy"}

func isProxyImage(img string) bool {
	repo := img
	if i := strings.LastIndex(repo, ":"); i > strings.LastIndex(repo, "/") {
		repo = repo[:i]
	}
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
			p, err := compose.Load(ctx, compose.Options{Files: set.files})
			out[i] = loaded{p, err}
			defer s.step()
			if err == nil {
				pass := &rules.Pass{Ext: rules.Extensions{Compose: p, Display: displayer(set), TrustedRegistries: s.opts.TrustedRegistries}}
				s.addFindings(rules.Run(pass, cRules))
				s.addEvidence(pass.Evidences())
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
		s.count(finding.KindCompose, 1)
		s.link(p, displayer(set))
	}
}

// displayer maps compose file paths on disk to the paths reported.
func displayer(set composeSet) func(string) string {
	m := map[string]string{}
	for i, f := range set.files {
		m[f] = set.display[i]
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

// groupCompose loads each directory's default files (base + override) as
// one project, and every other compose variant on its own.
func groupCompose(root string, files []string, rel func(string) string) []composeSet {
	byDir := map[string][]string{}
	var dirs []string
	for _, f := range files {
		d := filepath.Dir(f)
		if _, ok := byDir[d]; !ok {
			dirs = append(dirs, d)
		}
		byDir[d] = append(byDir[d], f)
	}
	sort.Strings(dirs)
	var out []composeSet
	for _, d := range dirs {
		var base, over, rest []string
		for _, f := range byDir[d] {
			low := strings.ToLower(filepath.Base(f))
			switch {
			case low == "compose.yaml" || low == "compose.yml" || low == "docker-compose.yaml" || low == "docker-compose.yml":
				base = append(base, f)
			case strings.Contains(low, ".override."):
				over = append(over, f)
			default:
				rest = append(rest, f)
			}
		}
		mk := func(fs ...string) composeSet {
			cs := composeSet{}
			for _, f := range fs {
				abs, _ := filepath.Abs(filepath.Join(root, f))
				cs.files = append(cs.files, abs)
				cs.display = append(cs.display, rel(f))
			}
			return cs
		}
		if len(base) > 0 {
			// docker compose picks the first of its default names; the
			// others in the same directory are audited on their own.
			set := []string{base[0]}
			for _, o := range over {
				if overrideOf(o, base[0]) {
					set = append(set, o)
				} else {
					rest = append(rest, o)
				}
			}
			out = append(out, mk(set...))
			for _, b := range base[1:] {
				out = append(out, mk(b))
			}
		} else {
			rest = append(rest, over...)
		}
		for _, r := range rest {
			out = append(out, mk(r))
		}
	}
	return out
}

func overrideOf(over, base string) bool {
	b := strings.ToLower(filepath.Base(base))
	ext := filepath.Ext(b)
	return strings.EqualFold(filepath.Base(over), strings.TrimSuffix(b, ext)+".override"+ext) ||
		strings.EqualFold(filepath.Base(over), strings.TrimSuffix(b, ext)+".override"+map[string]string{".yml": ".yaml", ".yaml": ".yml"}[ext])
}
