package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
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
	Properties  map[string]any    `json:"properties,omitempty"`
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
	HelpURI              string         `json:"helpUri,omitempty"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	DefaultConfiguration map[string]any `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          map[string]any     `json:"properties,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
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
	Name               string         `json:"name"`
	FullyQualifiedName string         `json:"fullyQualifiedName"`
	Kind               string         `json:"kind"`
	Properties         map[string]any `json:"properties,omitempty"`
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

// RuleHelp is the markdown help for a rule, shared by SARIF and explain:
// each checklist item with the reason the rule bears on it, and the CIS
// and OWASP entries with their titles.
func RuleHelp(r *finding.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** (%s, %s)\n\n%s\n\n**Fix:** %s\n", r.Title, r.ID, r.Severity, r.Rationale, r.Fix)
	if len(r.Checklist) == 0 && r.ChecklistWhy[""] != "" {
		fmt.Fprintf(&b, "\nChecklist: none (%s)\n", r.ChecklistWhy[""])
	}
	for i, c := range r.Checklist {
		if i == 0 {
			b.WriteString("\nChecklist:\n")
		}
		text := c
		if it := finding.ChecklistItem(c); it != nil {
			text = it.Text
		}
		fmt.Fprintf(&b, "- %s (%s)", text, c)
		if why := r.ChecklistWhy[c]; why != "" {
			fmt.Fprintf(&b, ": %s", why)
		}
		b.WriteString("\n")
	}
	if len(r.CIS) > 0 {
		fmt.Fprintf(&b, "\n%s: %s\n", finding.CISVersion, finding.CISText(r.CIS))
	}
	if len(r.OWASP) > 0 {
		fmt.Fprintf(&b, "\nOWASP Docker Top 10: %s\n", finding.OWASPText(r.OWASP))
	}
	return strings.TrimRight(b.String(), "\n")
}

func (s *SARIF) loc(l finding.Location) sarifLocation {
	if l.Container != "" || l.Image != "" || l.Engine != "" {
		// Code scanning shows only results with a physical location, so
		// images and containers get a synthetic artifact (as image
		// scanners do: the reference, then the path or field), with the
		// exact place as a logical location: its name, and a fully
		// qualified name that nests it in the image (ref!/path) or the
		// container (name.Field).
		art := "image/" + strings.NewReplacer(":", "_", "@", "_").Replace(l.Image) + l.Path
		lg := sarifLogical{Name: l.Image, FullyQualifiedName: l.Image, Kind: "module"}
		if l.Path != "" {
			lg = sarifLogical{Name: l.Path, FullyQualifiedName: l.Image + "!" + l.Path, Kind: "resource"}
		}
		if l.Layer != "" {
			lg.Properties = map[string]any{"layer": l.Layer}
		}
		if l.Container != "" {
			art = "container/" + l.Container
			lg = sarifLogical{Name: l.Container, FullyQualifiedName: l.Container, Kind: "object"}
			if l.Field != "" {
				lg = sarifLogical{Name: l.Field, FullyQualifiedName: l.Container + "." + l.Field, Kind: "property"}
			}
			if l.ID != "" {
				lg.Properties = map[string]any{"containerId": l.ID}
			}
		}
		if l.Engine != "" {
			art = "engine/" + strings.NewReplacer("://", "_", ":", "_", "/", "_").Replace(l.Engine)
			lg = sarifLogical{Name: l.Engine, FullyQualifiedName: l.String(), Kind: "object"}
			if l.Field != "" {
				lg = sarifLogical{Name: l.Field, FullyQualifiedName: l.String(), Kind: "property"}
			}
		}
		return sarifLocation{
			PhysicalLocation: &sarifPhysical{ArtifactLocation: artifactOf(strings.TrimPrefix(art, "/")), Region: &sarifRegion{StartLine: 1}},
			LogicalLocations: []sarifLogical{lg},
		}
	}
	pl := &sarifPhysical{ArtifactLocation: artifactOf(s.fromRoot(l.Path))}
	if l.Line > 0 {
		pl.Region = &sarifRegion{StartLine: l.Line, StartColumn: l.Column}
	}
	return sarifLocation{PhysicalLocation: pl}
}

// fromRoot re-expresses a reported path (relative to PathBase) relative to
// SourceRoot, the repository root code scanning resolves URIs against. A
// path outside the root becomes absolute (a file URI).
func (s *SARIF) fromRoot(p string) string {
	if s.SourceRoot == "" || s.PathBase == "" || p == "" || p == "-" {
		return p
	}
	abs := filepath.FromSlash(p)
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(s.PathBase, abs)
	}
	rel, err := filepath.Rel(s.SourceRoot, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(rel)
}

// SourceRoot is the repository root for a directory: the git work tree
// containing it, or else the working directory.
func SourceRoot(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for d := abs; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	wd, _ := os.Getwd()
	return wd
}

// rootURI is a directory as a file URI with a trailing slash, as
// originalUriBaseIds requires.
func rootURI(dir string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}
	if !strings.HasPrefix(u.Path, "/") {
		u.Path = "/" + u.Path // Windows drive paths
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String()
}

// GitHub code scanning's documented limits for one SARIF file.
const (
	SARIFMaxResults     = 25000 // results per run
	SARIFMaxRuns        = 20
	SARIFMaxRules       = 25000 // rules per run
	SARIFMaxLocations   = 1000  // locations per result
	SARIFMaxTags        = 20    // tags per rule (only 10 are shown)
	SARIFShownTags      = 10
	SARIFMaxUploadBytes = 10 << 20 // after gzip
)

// RulesDoc is where each rule's section lives; helpUri links its anchor.
const RulesDoc = "https://github.com/hardhull/hardhull/blob/main/docs/rules.md"

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
		// Without a known root, naming one would resolve every result
		// against the wrong directory: describe it instead.
		OriginalURI: map[string]any{"%SRCROOT%": map[string]any{"description": map[string]string{"text": "the scanned directory"}}},
	}
	if s.SourceRoot != "" && s.PathBase != "" {
		run.OriginalURI = map[string]any{"%SRCROOT%": map[string]any{
			"uri": rootURI(s.SourceRoot), "description": map[string]string{"text": "the repository root"}}}
	}
	// Suppressed findings are results too, marked so code scanning closes
	// them, instead of disappearing.
	type item struct {
		f   finding.Finding
		sup *finding.Suppression
	}
	var items []item
	for _, f := range r.Findings {
		items = append(items, item{f: f})
	}
	sil := append([]finding.Suppression(nil), r.Silenced...)
	sort.SliceStable(sil, func(i, j int) bool { return worse(sil[i].Finding, sil[j].Finding) })
	for i := range sil {
		items = append(items, item{f: sil[i].Finding, sup: &sil[i]})
	}
	// Descriptors: the whole catalogue when known, else the rules that fired.
	cat := s.Catalogue
	if cat == nil {
		seen := map[string]bool{}
		for _, it := range items {
			if !seen[it.f.Rule.ID] {
				seen[it.f.Rule.ID] = true
				cat = append(cat, it.f.Rule)
			}
		}
	}
	// A finding whose rule is missing from the catalogue still needs a
	// descriptor, or its ruleIndex would point at another rule.
	known := map[string]bool{}
	for _, rule := range cat {
		known[rule.ID] = true
	}
	// Code scanning grades alerts by the rule's security-severity: after
	// policy overrides that is the severity the rule's findings carry.
	graded := map[string]finding.Severity{}
	for _, it := range items {
		if g, ok := graded[it.f.Rule.ID]; !ok || it.f.Severity > g {
			graded[it.f.Rule.ID] = it.f.Severity
		}
		if !known[it.f.Rule.ID] {
			known[it.f.Rule.ID] = true
			cat = append(cat[:len(cat):len(cat)], it.f.Rule)
		}
	}
	index := map[string]int{}
	for i, rule := range cat {
		index[rule.ID] = i
		sev := rule.Severity
		if g, ok := graded[rule.ID]; ok {
			sev = g
		}
		tags := []string{"security"}
		tags = append(tags, rule.Checklist...)
		for _, c := range rule.CIS {
			tags = append(tags, "CIS-"+c)
		}
		for _, o := range rule.OWASP {
			tags = append(tags, "OWASP-"+o)
		}
		if len(tags) > SARIFShownTags {
			tags = tags[:SARIFShownTags] // the full lists are properties
		}
		props := map[string]any{"tags": tags, "security-severity": securitySeverity(sev), "precision": "high"}
		for k, v := range map[string][]string{"checklist": rule.Checklist, "cis": rule.CIS, "owasp": rule.OWASP} {
			if len(v) > 0 {
				props[k] = v
			}
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID: rule.ID, Name: rule.Slug, HelpURI: RulesDoc + "#" + strings.ToLower(rule.ID),
			ShortDescription:     sarifText{Text: rule.Title},
			FullDescription:      sarifText{Text: rule.Rationale},
			Help:                 sarifText{Text: rule.Rationale + " Fix: " + rule.Fix, Markdown: RuleHelp(rule)},
			DefaultConfiguration: map[string]any{"level": sarifLevel(sev)},
			Properties:           props,
		})
	}
	// Two findings with the same fingerprint (the same instruction twice
	// in one file) stay two alerts: the second and later get their rank.
	seenFP := map[string]int{}
	dropped := 0
	for _, it := range items {
		f := it.f
		if len(run.Results) == SARIFMaxResults {
			dropped++
			continue
		}
		msg := f.Message
		if fix := f.FixText(); fix != "" {
			msg += " Fix: " + fix
		}
		fp := f.Fingerprint()
		seenFP[fp]++
		if n := seenFP[fp]; n > 1 {
			fp = fmt.Sprintf("%s/%d", fp, n)
		}
		res := sarifResult{
			RuleID: f.Rule.ID, RuleIndex: index[f.Rule.ID], Level: sarifLevel(f.Severity),
			Message:             sarifText{Text: msg},
			Locations:           []sarifLocation{s.loc(f.Location)},
			PartialFingerprints: map[string]string{"hardhull/v1": fp},
			Properties:          resultProps(&f),
		}
		if it.sup != nil {
			kind := "external"
			if it.sup.InSource {
				kind = "inSource"
			}
			res.Suppressions = []sarifSuppression{{Kind: kind, Justification: it.sup.Justification}}
		}
		run.Results = append(run.Results, res)
	}
	inv := sarifInvocation{ExecutionSuccessful: len(r.Errors) == 0}
	for _, e := range r.Errors {
		n := sarifNotification{Level: "error", Message: sarifText{Text: e.Message}}
		n.Locations = []sarifLocation{s.loc(finding.Location{Path: e.Path, Line: e.Line})}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	if dropped > 0 {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{Level: "warning",
			Message: sarifText{Text: fmt.Sprintf("%d results left out, the least severe: GitHub code scanning accepts at most %d per run", dropped, SARIFMaxResults)}})
	}
	run.Invocations = []sarifInvocation{inv}
	// The evaluated checklist travels with the run, as in the JSON report.
	run.Properties = map[string]any{"cisBenchmark": finding.CISVersion, "checklist": ChecklistEntries(r, s.Catalogue)}
	if run.Tool.Driver.Rules == nil {
		run.Tool.Driver.Rules = []sarifRule{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}
