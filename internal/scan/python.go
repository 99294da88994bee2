package scan

import (
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/pyapp"
	"github.com/hardhull/hardhull/internal/rules"
)

// runPython judges the Python sources that can hold FastAPI, uvicorn or
// settings facts; other Python files are read but never tokenized.
func (s *scanner) runPython() {
	for _, f := range s.python {
		b, err := readCapped(f.abs, pyapp.MaxFileSize)
		if err != nil {
			s.inputError(f.display, 0, err)
			continue
		}
		s.runPythonSource(f.display, b)
	}
}

func (s *scanner) runPythonSource(name string, b []byte) {
	if !pyapp.IsCandidate(name, b) && name != "-" {
		return
	}
	pf, err := pyapp.Parse(name, b)
	if err != nil {
		// Facts found before the error still count.
		s.inputError(name, 0, err)
	}
	if pf == nil {
		return
	}
	s.count(finding.KindPython, 1)
	p := &rules.Pass{Ext: rules.Extensions{Python: pf, PythonPath: name, PythonSource: b}}
	s.addFindings(rules.Run(p, kindRules(s.rules, finding.KindPython)))
	s.addEvidence(p.Evidences())
}
