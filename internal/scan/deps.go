package scan

import (
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
