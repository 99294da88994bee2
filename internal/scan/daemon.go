package scan

import (
	"errors"
	"path"
	"path/filepath"

	"github.com/hardhull/hardhull/internal/daemon"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
)

// isDaemonConfig says whether a discovered file is a Docker daemon
// configuration. Conservatively, only etc/docker/daemon.json is: projects
// hold many JSON files, and a file that only happens to be named
// daemon.json elsewhere in a tree is not necessarily dockerd's. A file named
// daemon.json on the command line always is.
func isDaemonConfig(rel string) bool {
	rel = filepath.ToSlash(rel)
	return rel == "etc/docker/daemon.json" || path.Base(rel) == "daemon.json" && path.Base(path.Dir(rel)) == "docker" && path.Base(path.Dir(path.Dir(rel))) == "etc"
}

// runDaemons judges daemon.json files with the engine rules: the same
// rules that judge a running engine's API answer.
func (s *scanner) runDaemons() {
	rs := kindRules(s.rules, finding.KindEngine)
	for _, f := range s.daemons {
		b, err := readCapped(f.abs, daemon.MaxConfigSize)
		if err != nil {
			s.inputError(f.display, 0, err)
			continue
		}
		cfg, err := daemon.Parse(f.display, b)
		if err != nil {
			var pe *daemon.ParseError
			if errors.As(err, &pe) {
				s.inputError(f.display, pe.Line, errors.New(pe.Msg))
			} else {
				s.inputError(f.display, 0, err)
			}
			continue
		}
		st, err := cfg.Settings()
		if err != nil {
			s.inputError(f.display, 0, err)
			continue
		}
		s.count(finding.KindEngine, 1)
		p := &rules.Pass{Ext: rules.Extensions{Daemon: st}}
		s.addFindings(rules.Run(p, rs))
		s.addEvidence(p.Evidences())
	}
}
