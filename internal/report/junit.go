package report

import (
	"encoding/xml"
	"fmt"
	"io"

	"github.com/hardhull/hardhull/internal/finding"
)

// JUnit writes JUnit XML for CI systems that show test reports (GitLab,
// Jenkins, Azure Pipelines): one suite per file, image or container, one
// test case per finding, one erroring case per unreadable input. Only
// findings at or above the --fail-on threshold are failures; the others
// are skipped cases that keep their severity as properties, so the test
// report agrees with the exit code.
type JUnit struct{ Options }

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name       string           `xml:"name,attr"`
	Classname  string           `xml:"classname,attr"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Failure    *junitProblem    `xml:"failure,omitempty"`
	Error      *junitProblem    `xml:"error,omitempty"`
	Skipped    *junitSkipped    `xml:"skipped,omitempty"`
}

type junitProperties struct {
	Props []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func (j *JUnit) fails(s finding.Severity) bool { return !j.ReportOnly && s >= j.FailOn }

func (j *JUnit) Report(w io.Writer, r *finding.Result) error {
	doc := junitSuites{Name: "hardhull " + r.Command}
	keys, byKey := groups(r.Findings)
	for _, k := range keys {
		s := junitSuite{Name: k}
		for _, f := range byKey[k] {
			c := junitCase{
				Name:      fmt.Sprintf("%s %s", f.Rule.ID, f.Location.String()),
				Classname: f.Rule.ID + "." + f.Rule.Slug,
			}
			if j.fails(f.Severity) {
				c.Failure = &junitProblem{Message: f.Message, Type: f.Severity.String(),
					Text: fmt.Sprintf("%s\n%s [%s] %s\nfix: %s\n", f.Rule.Title, f.Location.String(), f.Severity, f.Message, f.FixText())}
				s.Failures++
			} else {
				why := fmt.Sprintf("%s: below the --fail-on threshold (%s): %s", f.Severity, j.FailOn, f.Message)
				if j.ReportOnly {
					why = fmt.Sprintf("%s: report-only run: %s", f.Severity, f.Message)
				}
				c.Skipped = &junitSkipped{Message: why}
				c.Properties = &junitProperties{Props: []junitProperty{
					{"severity", f.Severity.String()}, {"location", f.Location.String()}, {"message", f.Message}, {"fix", f.FixText()}}}
				s.Skipped++
			}
			s.Cases = append(s.Cases, c)
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
		doc.Skipped += s.Skipped
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
