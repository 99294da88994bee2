package rules

import (
	"strings"

	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/finding"
)

// Pass is what one rule sees of one artifact. Exactly the fields of the
// rule's kind are set; the scan front fills them and runs the rules.
type Pass struct {
	// Dockerfile kind: the file, the stage that ships, and the compose
	// services that build it (their settings can make a finding moot).
	Dockerfile *dockerfile.File
	Final      *dockerfile.Stage
	Links      []Link

	Ext Extensions

	rule     *Rule
	findings []finding.Finding
	evidence []finding.Evidence
}

// Evidence records a practice seen done right, for the checklist view.
func (p *Pass) Evidence(key string, loc finding.Location, msg string) {
	for _, e := range p.evidence {
		if !e.Unknown && e.Checklist == key && e.Location == loc && e.Message == msg {
			return // several rules may notice the same thing
		}
	}
	p.evidence = append(p.evidence, finding.Evidence{Checklist: key, Location: loc, Message: msg})
}

// Unknown records that the item bears on this place but cannot be decided
// from what was examined (interpolation left unresolved, an unknown base).
func (p *Pass) Unknown(key string, loc finding.Location, msg string) {
	for _, e := range p.evidence {
		if e.Unknown && e.Checklist == key && e.Location == loc && e.Message == msg {
			return
		}
	}
	p.evidence = append(p.evidence, finding.Evidence{Checklist: key, Location: loc, Message: msg, Unknown: true})
}

// Evidences returns what Run's rules recorded as positive evidence.
func (p *Pass) Evidences() []finding.Evidence { return p.evidence }

// Link is a compose service that builds a Dockerfile.
type Link struct {
	Service string
	Path    string // the compose file
	Line    int
	// User is the service's `user:`, "" when unset.
	User string
	// Healthcheck is true when the service declares an enabled healthcheck;
	// HealthDisabled when it says `disable: true` or test NONE.
	Healthcheck    bool
	HealthDisabled bool
	// Proxied is true when the project fronts the app with a TLS proxy.
	Proxied bool
}

// Report records a finding of the running rule.
func (p *Pass) Report(loc finding.Location, key, msg string) {
	p.ReportFix(loc, key, msg, "")
}

// ReportFix records a finding with a fix more specific than the rule's.
func (p *Pass) ReportFix(loc finding.Location, key, msg, fix string) {
	p.findings = append(p.findings, finding.Finding{
		Rule: p.rule.Rule, Severity: p.rule.Severity, Message: msg,
		Location: loc, Fix: fix, Key: key,
	})
}

// ReportSeverity records a finding whose severity differs from the rule's
// default (e.g. a dangerous capability that is worse than the rest).
func (p *Pass) ReportSeverity(sev finding.Severity, loc finding.Location, key, msg string) {
	p.ReportFix(loc, key, msg, "")
	p.findings[len(p.findings)-1].Severity = sev
}

// DevImage reports a Dockerfile under a .devcontainer/ directory: a VS
// Code development container, where compilers, caches and a full base are
// the point, so the shipped-image hygiene rules (build tools, package
// caches, slim base, healthcheck) skip it. Secret, supply-chain and
// pinning rules still apply.
func (p *Pass) DevImage() bool {
	if p.Dockerfile == nil {
		return false
	}
	for _, seg := range strings.Split(strings.ReplaceAll(p.Dockerfile.Path, `\`, "/"), "/") {
		if seg == ".devcontainer" {
			return true
		}
	}
	return false
}

// At locates an instruction of the pass's Dockerfile.
func (p *Pass) At(in *dockerfile.Instruction) finding.Location {
	return finding.Location{Path: p.Dockerfile.Path, Line: in.Line, Column: 1}
}

// Run applies rules to a prepared pass and returns their findings.
func Run(p *Pass, rs []*Rule) []finding.Finding {
	p.findings, p.evidence = nil, nil
	for _, r := range rs {
		p.rule = r
		n := len(p.findings)
		r.Check(p)
		if ev := evidenceOf[r.ID]; ev != nil {
			ev(p, p.findings[n:])
		}
	}
	p.rule = nil
	return p.findings
}
