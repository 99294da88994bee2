package sbom

import (
	"io"
	"sort"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/google/uuid"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/vuln"
)

// CycloneDX writes in as a CycloneDX 1.6 JSON document.
func CycloneDX(w io.Writer, in *Input) error {
	bom := cdx.NewBOM()
	bom.SerialNumber = "urn:uuid:" + uuid.NewString()
	root := &cdx.Component{BOMRef: "subject", Type: cdx.ComponentTypeApplication, Name: in.Name}
	if in.Container {
		root.Type = cdx.ComponentTypeContainer
		root.Version = in.Digest
		root.PackageURL = subjectPurl(in)
	}
	bom.Metadata = &cdx.Metadata{
		Timestamp: in.Now.UTC().Format("2006-01-02T15:04:05Z"),
		Tools:     &cdx.ToolsChoice{Components: &[]cdx.Component{{Type: cdx.ComponentTypeApplication, Name: in.Tool, Version: in.Version}}},
		Component: root,
	}
	var comps []cdx.Component
	var deps []string
	if in.OS != nil && in.OS.ID != "" {
		comps = append(comps, cdx.Component{BOMRef: "os", Type: cdx.ComponentTypeOS, Name: in.OS.ID, Version: in.OS.VersionID, Description: in.OS.Pretty})
		deps = append(deps, "os")
	}
	for i := range in.Packages {
		p := &in.Packages[i]
		c := cdx.Component{BOMRef: pkgRef(i), Type: cdx.ComponentTypeLibrary, Name: p.Name, Version: p.Version, PackageURL: Purl(p)}
		c.Properties = cdxProps(props(p))
		comps = append(comps, c)
		deps = append(deps, c.BOMRef)
	}
	bom.Components = &comps
	bom.Dependencies = &[]cdx.Dependency{{Ref: root.BOMRef, Dependencies: &deps}}
	if len(in.Vulns) > 0 {
		refs := refsByPackage(in.Packages)
		var vs []cdx.Vulnerability
		for i := range in.Vulns {
			vs = append(vs, cdxVuln(&in.Vulns[i], refs))
		}
		bom.Vulnerabilities = &vs
	}
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	enc.SetEscapeHTML(false)
	return enc.EncodeVersion(bom, cdx.SpecVersion1_6)
}

func cdxProps(m map[string]string) *[]cdx.Property {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	out := make([]cdx.Property, 0, len(ks))
	for _, k := range ks {
		out = append(out, cdx.Property{Name: k, Value: m[k]})
	}
	return &out
}

var cdxSeverity = map[finding.Severity]cdx.Severity{
	finding.Info: cdx.SeverityInfo, finding.Low: cdx.SeverityLow, finding.Medium: cdx.SeverityMedium,
	finding.High: cdx.SeverityHigh, finding.Critical: cdx.SeverityCritical,
}

func cdxVuln(f *vuln.Finding, refs map[string]string) cdx.Vulnerability {
	v := cdx.Vulnerability{
		BOMRef:      "vuln-" + f.ID + "-" + refs[pkgKey(&f.Package)],
		ID:          f.ID,
		Source:      source(f.ID),
		Description: f.Summary,
		Affects:     &[]cdx.Affects{{Ref: refs[pkgKey(&f.Package)]}},
	}
	var others []cdx.VulnerabilityReference
	for _, id := range f.IDs {
		if id != f.ID {
			others = append(others, cdx.VulnerabilityReference{ID: id, Source: source(id)})
		}
	}
	if len(others) > 0 {
		v.References = &others
	}
	var ratings []cdx.VulnerabilityRating
	for _, s := range f.Severity.CVSS {
		score := s.Score
		r := cdx.VulnerabilityRating{Score: &score, Vector: s.Vector, Severity: cdxSeverity[cvssLevel(score)]}
		switch {
		case strings.HasPrefix(s.Vector, "CVSS:4.0/"):
			r.Method = cdx.ScoringMethodCVSSv4
		case strings.HasPrefix(s.Vector, "CVSS:3.1/"):
			r.Method = cdx.ScoringMethodCVSSv31
		case strings.HasPrefix(s.Vector, "CVSS:3.0/"):
			r.Method = cdx.ScoringMethodCVSSv3
		default:
			r.Method = cdx.ScoringMethodCVSSv2
		}
		ratings = append(ratings, r)
	}
	if len(ratings) == 0 {
		sev := cdx.SeverityUnknown
		if f.Severity.Known {
			sev = cdxSeverity[f.Severity.Level]
		}
		ratings = append(ratings, cdx.VulnerabilityRating{Severity: sev, Method: cdx.ScoringMethodOther, Justification: f.Severity.Source})
	}
	v.Ratings = &ratings
	if len(f.Fixed) > 0 {
		v.Recommendation = "Upgrade " + f.Package.Name + " to " + strings.Join(f.Fixed, " or ")
	}
	return v
}

func cvssLevel(s float64) finding.Severity {
	switch {
	case s >= 9:
		return finding.Critical
	case s >= 7:
		return finding.High
	case s >= 4:
		return finding.Medium
	case s > 0:
		return finding.Low
	}
	return finding.Info
}

// source names where an ID is published.
func source(id string) *cdx.Source {
	switch {
	case strings.HasPrefix(id, "CVE-"):
		return &cdx.Source{Name: "NVD", URL: "https://nvd.nist.gov/vuln/detail/" + id}
	case strings.HasPrefix(id, "GHSA-"):
		return &cdx.Source{Name: "GitHub", URL: "https://github.com/advisories/" + id}
	}
	return &cdx.Source{Name: "OSV", URL: "https://osv.dev/vulnerability/" + id}
}
