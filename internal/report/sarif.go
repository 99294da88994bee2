package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
	vulnmatch "github.com/hardhull/hardhull/internal/vuln"
)

// SARIF writes SARIF 2.1.0 as GitHub code scanning accepts it: relative
// URIs against %SRCROOT%, rule descriptors with help, partial fingerprints.
type SARIF struct{ Options }

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Results     []sarifResult     `json:"results"`
	Invocations []sarifInvocation `json:"invocations"`
	OriginalURI map[string]any    `json:"originalUriBaseIds,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	DefaultConfiguration map[string]any `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

func sarifLevel(s finding.Severity) string {
	switch {
	case s >= finding.High:
		return "error"
	case s == finding.Medium:
		return "warning"
	}
	return "note"
}

// securitySeverity is GitHub's numeric scale for security alerts.
// resultProps carries the finding's own severity; a vulnerability's
// security-severity is its CVSS base score when one was computed.
func resultProps(f *finding.Finding) map[string]any {
	m := map[string]any{"severity": f.Severity.String()}
	if d, ok := f.Details.(*vulnmatch.Finding); ok {
		m["security-severity"] = securitySeverity(f.Severity)
		if d.Severity.Score > 0 && d.Uncertain == "" {
			m["security-severity"] = fmt.Sprintf("%.1f", d.Severity.Score)
		}
		m["vulnerability"] = d.ID
		m["aliases"] = d.IDs
	}
	return m
}

func securitySeverity(s finding.Severity) string {
	return [...]string{"1.0", "3.0", "5.5", "8.0", "9.5"}[s]
}

// RuleHelp is the markdown help for a rule, shared by SARIF and docs.
func RuleHelp(r *finding.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** (%s, %s)\n\n%s\n\n**Fix:** %s\n", r.Title, r.ID, r.Severity, r.Rationale, r.Fix)
	if len(r.Checklist) > 0 {
		fmt.Fprintf(&b, "\nChecklist: %s", strings.Join(r.Checklist, ", "))
	}
	if len(r.CIS) > 0 {
		fmt.Fprintf(&b, "; CIS Docker Benchmark %s", strings.Join(r.CIS, ", "))
	}
	if len(r.OWASP) > 0 {
		fmt.Fprintf(&b, "; OWASP Docker Top 10 %s", strings.Join(r.OWASP, ", "))
	}
	return b.String()
}

func sarifLoc(l finding.Location) sarifLocation {
	if l.Container != "" || l.Image != "" {
		// Code scanning shows only results with a physical location, so
		// images and containers get a synthetic artifact (as image
		// scanners do: the reference, then the path or field), with the
		// exact place as a logical location.
		name := l.String()
		art := "image/" + strings.NewReplacer(":", "_", "@", "_").Replace(l.Image) + l.Path
		if l.Container != "" {
			art = "container/" + l.Container
		}
		return sarifLocation{
			PhysicalLocation: &sarifPhysical{ArtifactLocation: artifactOf(strings.TrimPrefix(art, "/")), Region: &sarifRegion{StartLine: 1}},
			LogicalLocations: []sarifLogical{{FullyQualifiedName: name, Kind: "resource"}},
		}
	}
	pl := &sarifPhysical{ArtifactLocation: artifactOf(l.Path)}
	if l.Line > 0 {
		pl.Region = &sarifRegion{StartLine: l.Line, StartColumn: l.Column}
	}
	return sarifLocation{PhysicalLocation: pl}
}

// artifactOf turns a reported path into a SARIF artifact location: a
// relative URI against %SRCROOT% (what code scanning needs), or a file URI
// for an absolute path named on the command line. Every segment is
// percent-encoded so spaces, '%' and '#' in names stay valid URIs.
func artifactOf(p string) sarifArtifact {
	p = strings.ReplaceAll(p, "\\", "/")
	for strings.HasPrefix(p, "./") {
		p = p[2:]
	}
	abs := strings.HasPrefix(p, "/")
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	u := strings.Join(segs, "/")
	if abs {
		return sarifArtifact{URI: "file:///" + u}
	}
	return sarifArtifact{URI: u, URIBaseID: "%SRCROOT%"}
}

func (s *SARIF) Report(w io.Writer, r *finding.Result) error {
	run := sarifRun{
		Tool:    sarifTool{Driver: sarifDriver{Name: "hardhull", Version: s.Version, InformationURI: "https://github.com/hardhull/hardhull"}},
		Results: []sarifResult{},
		// The scanned directory is only known to the user running the scan;
		// naming it file:/// would resolve every result against the root.
		OriginalURI: map[string]any{"%SRCROOT%": map[string]any{"description": map[string]string{"text": "the scanned directory"}}},
	}
	// Descriptors: the whole catalogue when known, else the rules that fired.
	cat := s.Catalogue
	if cat == nil {
		seen := map[string]bool{}
		for _, f := range r.Findings {
			if !seen[f.Rule.ID] {
				seen[f.Rule.ID] = true
				cat = append(cat, f.Rule)
			}
		}
	}
	// A finding whose rule is missing from the catalogue still needs a
	// descriptor, or its ruleIndex would point at another rule.
	known := map[string]bool{}
	for _, rule := range cat {
		known[rule.ID] = true
	}
	for _, f := range r.Findings {
		if !known[f.Rule.ID] {
			known[f.Rule.ID] = true
			cat = append(cat[:len(cat):len(cat)], f.Rule)
		}
	}
	index := map[string]int{}
	for i, rule := range cat {
		index[rule.ID] = i
		tags := []string{"security"}
		tags = append(tags, rule.Checklist...)
		for _, c := range rule.CIS {
			tags = append(tags, "CIS-"+c)
		}
		for _, o := range rule.OWASP {
			tags = append(tags, "OWASP-"+o)
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID: rule.ID, Name: rule.Slug,
			ShortDescription:     sarifText{Text: rule.Title},
			FullDescription:      sarifText{Text: rule.Rationale},
			Help:                 sarifText{Text: rule.Rationale + " Fix: " + rule.Fix, Markdown: RuleHelp(rule)},
			DefaultConfiguration: map[string]any{"level": sarifLevel(rule.Severity)},
			Properties:           map[string]any{"tags": tags, "security-severity": securitySeverity(rule.Severity), "precision": "high"},
		})
	}
	for _, f := range r.Findings {
		msg := f.Message
		if fix := f.FixText(); fix != "" {
			msg += " Fix: " + fix
		}
		run.Results = append(run.Results, sarifResult{
			RuleID: f.Rule.ID, RuleIndex: index[f.Rule.ID], Level: sarifLevel(f.Severity),
			Message:             sarifText{Text: msg},
			Locations:           []sarifLocation{sarifLoc(f.Location)},
			PartialFingerprints: map[string]string{"hardhull/v1": f.Fingerprint()},
			Properties:          resultProps(&f),
		})
	}
	inv := sarifInvocation{ExecutionSuccessful: len(r.Errors) == 0}
	for _, e := range r.Errors {
		n := sarifNotification{Level: "error", Message: sarifText{Text: e.Message}}
		n.Locations = []sarifLocation{sarifLoc(finding.Location{Path: e.Path, Line: e.Line})}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	run.Invocations = []sarifInvocation{inv}
	if run.Tool.Driver.Rules == nil {
		run.Tool.Driver.Rules = []sarifRule{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}
