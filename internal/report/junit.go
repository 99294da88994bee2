package report

import (
	"encoding/xml"
	"fmt"
	"io"

	"github.com/hardhull/hardhull/internal/finding"
)

// JUnit writes JUnit XML for CI systems that show test reports (GitLab,
// Jenkins, Azure Pipelines): one suite per file, image or container, one
// failing test case per finding, one erroring case per unreadable input.
type JUnit struct{ Options }

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func (j *JUnit) Report(w io.Writer, r *finding.Result) error {
	doc := junitSuites{Name: "hardhull " + r.Command}
	keys, byKey := groups(r.Findings)
	for _, k := range keys {
		s := junitSuite{Name: k}
		for _, f := range byKey[k] {
			s.Cases = append(s.Cases, junitCase{
				Name:      fmt.Sprintf("%s %s", f.Rule.ID, f.Location.String()),
				Classname: f.Rule.ID + "." + f.Rule.Slug,
				Failure: &junitProblem{Message: f.Message, Type: f.Severity.String(),
					Text: fmt.Sprintf("%s\n%s [%s] %s\nfix: %s\n", f.Rule.Title, f.Location.String(), f.Severity, f.Message, f.FixText())},
			})
			s.Failures++
		}
		s.Tests = len(s.Cases)
		doc.Suites = append(doc.Suites, s)
	}
	if len(r.Errors) > 0 {
		s := junitSuite{Name: "inputs"}
		for _, e := range r.Errors {
			loc := e.Path
			if e.Line > 0 {
				loc = fmt.Sprintf("%s:%d", e.Path, e.Line)
			}
			s.Cases = append(s.Cases, junitCase{Name: loc, Classname: "input", Error: &junitProblem{Message: e.Message, Type: "input-error", Text: loc + ": " + e.Message}})
			s.Errors++
		}
		s.Tests = len(s.Cases)
		doc.Suites = append(doc.Suites, s)
	}
	if len(doc.Suites) == 0 {
		// A clean run is one passing case, so CI shows that the audit ran.
		doc.Suites = []junitSuite{{Name: r.Command, Tests: 1, Cases: []junitCase{{Name: "no findings", Classname: "hardhull." + r.Command}}}}
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
