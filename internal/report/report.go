// Package report formats a Result. Reporters only format: what is a
// finding, and what the exit code is, was decided before they run.
package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
)

// Reporter writes one format.
type Reporter interface {
	Report(w io.Writer, r *finding.Result) error
}

// Options shared by the formats.
type Options struct {
	Color   bool
	Version string
	// Catalogue is every rule, for SARIF descriptors and the checklist.
	Catalogue []*finding.Rule
	// Summary limits text output to the top problems.
	Summary bool
}

// Formats lists the format names New accepts.
var Formats = []string{"text", "json", "sarif", "markdown", "checklist", "junit", "html", "gitlab-codequality", "gitlab-sast"}

// New returns the reporter for a format name; every format sees the
// findings worst first.
func New(format string, opts Options) (Reporter, error) {
	r, err := newFormat(format, opts)
	if err != nil {
		return nil, err
	}
	return ordered{r}, nil
}

func newFormat(format string, opts Options) (Reporter, error) {
	switch strings.ToLower(format) {
	case "text", "":
		return &Text{opts}, nil
	case "json":
		return &JSON{opts}, nil
	case "sarif":
		return &SARIF{opts}, nil
	case "markdown", "md":
		return &Markdown{opts}, nil
	case "checklist":
		return &Checklist{opts}, nil
	case "junit":
		return &JUnit{opts}, nil
	case "html":
		return &HTML{opts}, nil
	case "gitlab-codequality", "codequality", "codeclimate":
		return &GitLabCodeQuality{opts}, nil
	case "gitlab-sast":
		return &GitLabSAST{Options: opts}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// counts returns findings per severity, highest first.
func counts(fs []finding.Finding) map[finding.Severity]int {
	m := map[finding.Severity]int{}
	for _, f := range fs {
		m[f.Severity]++
	}
	return m
}

func summary(fs []finding.Finding) string {
	if len(fs) == 0 {
		return "no findings"
	}
	m := counts(fs)
	var parts []string
	for s := finding.Critical; s >= finding.Info; s-- {
		if m[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", m[s], s))
		}
	}
	noun := "findings"
	if len(fs) == 1 {
		noun = "finding"
	}
	return fmt.Sprintf("%d %s: %s", len(fs), noun, strings.Join(parts, ", "))
}

// groupKey is the file (or image, or container) a finding belongs to.
func groupKey(l finding.Location) string {
	switch {
	case l.Container != "":
		return "container " + l.Container
	case l.Image != "":
		return "image " + l.Image
	}
	return l.Path
}

func groups(fs []finding.Finding) ([]string, map[string][]finding.Finding) {
	m := map[string][]finding.Finding{}
	var keys []string
	for _, f := range fs {
		k := groupKey(f.Location)
		if _, ok := m[k]; !ok {
			keys = append(keys, k)
		}
		m[k] = append(m[k], f)
	}
	// Kept in order of first appearance: worst-first findings put the
	// file with the worst finding first.
	return keys, m
}
