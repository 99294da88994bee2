package scan

import (
	"errors"

	"github.com/hardhull/hardhull/internal/ciconf"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
)

// runCI judges CI pipeline files (GitHub Actions workflows, GitLab CI).
func (s *scanner) runCI() {
	rs := kindRules(s.rules, finding.KindCI)
	if len(rs) == 0 {
		return
	}
	for _, f := range s.ci {
		b, err := readCapped(f.abs, ciconf.MaxSize)
		if err != nil {
			s.inputError(f.display, 0, err)
			continue
		}
		s.runCISource(f.display, ciconf.FlavorOf(f.display), b, rs)
	}
}

func (s *scanner) runCISource(name string, fl ciconf.Flavor, b []byte, rs []*rules.Rule) {
	cf, err := ciconf.Parse(name, fl, b)
	if err != nil {
		var ce *ciconf.Error
		if errors.As(err, &ce) {
			s.inputError(name, ce.Line, ce.Err)
			return
		}
		s.inputError(name, 0, err)
		return
	}
	s.count(finding.KindCI, 1)
	p := &rules.Pass{Ext: rules.Extensions{CI: cf}}
	s.addFindings(rules.Run(p, rs))
	s.addEvidence(p.Evidences())
}
