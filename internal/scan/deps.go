package scan

import (
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/pydeps"
	"github.com/hardhull/hardhull/internal/rules"
	"github.com/hardhull/hardhull/internal/sbom"
	"github.com/hardhull/hardhull/internal/vex"
	"github.com/hardhull/hardhull/internal/vuln"
)

// runDeps reads the Python dependency files and matches their pinned and
// lower-bound versions against the vulnerability database, opened once.
func (s *scanner) runDeps() {
	drs := kindRules(s.rules, finding.KindDeps)
	if len(s.deps) == 0 || len(drs) == 0 {
		return
	}
	var files []*pydeps.File
	for _, f := range s.deps {
		b, err := readCapped(f.abs, pydeps.MaxFileSize)
		if err != nil {
			s.inputError(f.display, 0, err)
			continue
		}
		pf, err := pydeps.Parse(f.display, b)
		if err != nil {
			s.inputError(f.display, 0, err)
			continue
		}
		pf.InstalledBy = s.installs[f.abs]
		files = append(files, pf)
	}
	if len(files) == 0 {
		return
	}
	in := &sbom.Input{Name: s.res.Target}
	for _, pf := range files {
		in.Packages = append(in.Packages, pf.Packages...)
	}
	s.res.SBOM = in
	o := s.opts.Vulns.WithDefaults()
	var db interface{ Close() error }
	var open func(*pydeps.File) (*rules.VulnScan, error)
	if !o.Off {
		d, noDB, err := o.Open()
		if err != nil {
			s.inputError("vulnerability database", 0, err)
			return
		}
		if d != nil {
			db = d
		}
		open = func(pf *pydeps.File) (*rules.VulnScan, error) {
			vs := &rules.VulnScan{Now: o.Now, MaxAge: o.MaxAge, IgnoreUnfixed: o.IgnoreUnfixed, NoDB: noDB}
			if d == nil {
				return vs, nil
			}
			rep, err := vuln.Match(d, pf.Packages)
			if err != nil {
				return nil, err
			}
			sup, err := vex.ApplyFiles(o.VEX, rep, "")
			if err != nil {
				return nil, err
			}
			for _, x := range sup {
				vs.VEXSuppressed = append(vs.VEXSuppressed, x.String())
			}
			vs.Report = rep
			return vs, nil
		}
	}
	if db != nil {
		defer db.Close()
	}
	for _, pf := range files {
		s.count(finding.KindDeps, 1)
		p := &rules.Pass{Ext: rules.Extensions{Deps: pf}}
		if open != nil {
			vs, err := open(pf)
			if err != nil {
				s.inputError(pf.Path, 0, err)
				continue
			}
			p.Ext.Vulns = vs
			if len(vs.VEXSuppressed) > 0 {
				if s.res.Facts == nil {
					s.res.Facts = map[string]any{}
				}
				prev, _ := s.res.Facts["vex_suppressed"].([]string)
				s.res.Facts["vex_suppressed"] = append(prev, vs.VEXSuppressed...)
			}
		}
		s.addFindings(rules.Run(p, drs))
		s.addEvidence(p.Evidences())
	}
}

// installRe finds what a RUN installs Python packages from: pip's -r
// files, and the lock files uv, poetry and pipenv install from.
var (
	pipReq  = regexp.MustCompile(`\bpip[0-9.]*\s+install\b[^\n;&|]*?(?:\s-r\s*|\s--requirement[=\s]\s*)([^\s;&|]+)`)
	lockCmd = map[string]*regexp.Regexp{
		"uv.lock":      regexp.MustCompile(`\buv\s+(?:sync|pip\s+sync)\b`),
		"poetry.lock":  regexp.MustCompile(`\bpoetry\s+(?:install|sync)\b`),
		"Pipfile.lock": regexp.MustCompile(`\bpipenv\s+(?:install|sync)\b`),
	}
)

// noteInstalls records, for each dependency file in the Dockerfile's
// build context, the RUN instructions that install from it (matched by
// base name: the file is copied in before it is used).
func (s *scanner) noteInstalls(u *unit, f *dockerfile.File) {
	if u.ctxDir == "" {
		return
	}
	ctx, err := filepath.Abs(u.ctxDir)
	if err != nil {
		return
	}
	for _, st := range f.Stages {
		for _, in := range st.Instructions {
			if in.Cmd != "run" {
				continue
			}
			script := in.Script()
			var names []string
			for _, m := range pipReq.FindAllStringSubmatch(script, -1) {
				names = append(names, path.Base(strings.Trim(m[1], `"'`)))
			}
			for name, re := range lockCmd {
				if re.MatchString(script) {
					names = append(names, name)
				}
			}
			for _, n := range names {
				for _, d := range s.deps {
					if filepath.Base(d.abs) == n && filepath.Dir(d.abs) == ctx {
						s.mu.Lock()
						if s.installs == nil {
							s.installs = map[string][]string{}
						}
						s.installs[d.abs] = append(s.installs[d.abs], fmt.Sprintf("%s:%d", u.path, in.Line))
						s.mu.Unlock()
					}
				}
			}
		}
	}
}
