package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/vuln"
)

// VulnScan is the vulnerability match a front hands the rules: the
// report, or why there is none.
type VulnScan struct {
	// Report is nil when no database could be opened; NoDB says why and
	// how to get one.
	Report *vuln.Report
	NoDB   string
	// Now and MaxAge judge the database's age.
	Now    time.Time
	MaxAge time.Duration
	// IgnoreUnfixed hides vulnerabilities without a released fix.
	IgnoreUnfixed bool
	// VEXSuppressed says which findings VEX statements took out.
	VEXSuppressed []string
}

// vulnRecord is how a vulnerability example names an OSV record: a file
// "osv/<Ecosystem>/<ID>.json" next to the image files. The example tests
// import these into a fresh database.
const vulnDeb12 = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"

const vulnRecord = `{"id":"DEBIAN-CVE-2099-0001","upstream":["CVE-2099-0001"],"summary":"openssl: example flaw",
"affected":[{"package":{"ecosystem":"Debian:12","name":"openssl"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.19-1~deb12u3"}]}],"ecosystem_specific":{"urgency":"high"}}]}`

func vulnImage(version, record string) map[string]string {
	return goodImage(map[string]string{
		"layer0/etc/os-release":      vulnDeb12,
		"layer0/var/lib/dpkg/status": "Package: libssl3\nStatus: install ok installed\nSource: openssl\nVersion: " + version + "\nArchitecture: amd64\n",
		"osv/Debian/example.json":    record,
	})
}

var _ = register(finding.Rule{
	ID: "VU001", Slug: "vulnerable-package", Title: "Package with a known vulnerability",
	Severity: finding.High, Kind: finding.KindImage,
	Checklist: []string{"build.vuln-scan"}, CIS: []string{"4.4"}, OWASP: []string{"D02"},
	Equivalents: map[string][]string{"trivy": {"vulnerability"}},
	Rationale:   "A package with a published vulnerability is the easiest way in: exploits for known CVEs are public and scanned for. Each finding's severity is the vulnerability's own (CVSS base score, else the database's rating).",
	Fix:         "Upgrade the package to a fixed version: rebuild on an updated base image, or upgrade it in the Dockerfile (apt-get upgrade, apk upgrade, pip install -U). For a vulnerability that does not apply, record a VEX statement or an ignore with reason and expiry.",
	Bad:         []finding.Example{imgEx(vulnImage("3.0.19-1~deb12u2", vulnRecord))},
	Good:        []finding.Example{imgEx(vulnImage("3.0.19-1~deb12u3", vulnRecord))},
}, func(p *Pass) {
	if p.Ext.Vulns == nil {
		return
	}
	p.reportVulns(p.imgConfigAt("packages"), func(f *vuln.Finding) finding.Location { return p.imgAt(f.Package.Layer, f.Package.Path) })
})

// reportVulns turns a match into findings of the running rule and the
// checklist evidence: counts per severity and the database's date, or
// why nothing could be matched.
func (p *Pass) reportVulns(loc finding.Location, at func(*vuln.Finding) finding.Location) {
	vs := p.Ext.Vulns
	if vs.Report == nil {
		p.Unknown("build.vuln-scan", loc, vs.NoDB)
		return
	}
	r := vs.Report
	counts := map[finding.Severity]int{}
	fixable, hidden := 0, 0
	for i := range r.Findings {
		f := &r.Findings[i]
		if vs.IgnoreUnfixed && f.Status != vuln.StatusFixed {
			hidden++
			continue
		}
		sev := f.Severity.Level
		msg := vulnMessage(f)
		if f.Uncertain != "" {
			// Reported, never failing: the match may not hold.
			msg += fmt.Sprintf("; uncertain (rated %s): %s", sev, f.Uncertain)
			sev = finding.Info
		}
		counts[sev]++
		if f.Status == vuln.StatusFixed {
			fixable++
		}
		fix := ""
		if len(f.Fixed) > 0 {
			fix = fmt.Sprintf("Upgrade %s to %s or later (rebuild on an updated base image, or upgrade it in the Dockerfile).", f.Package.Name, strings.Join(f.Fixed, " or "))
			if f.Package.Type == "python" && f.Package.Layer < 0 {
				fix = fmt.Sprintf("Upgrade %s to %s or later in %s.", f.Package.Name, strings.Join(f.Fixed, " or "), f.Package.Path)
			}
		}
		p.ReportFix(at(f), "vuln:"+f.Package.Type+":"+f.Package.Name+":"+f.ID, msg, fix)
		last := &p.findings[len(p.findings)-1]
		last.Severity = sev
		last.Details = f
	}
	for _, n := range r.Notes {
		p.Unknown("build.vuln-scan", loc, n)
	}
	var parts []string
	for s := finding.Critical; s >= finding.Info; s-- {
		parts = append(parts, fmt.Sprintf("%s=%d", s, counts[s]))
	}
	ev := fmt.Sprintf("%d packages matched against %s (newest record %s): %s; %d with a fix", r.Matched, dbSources(r), dateOf(r.Newest), strings.Join(parts, " "), fixable)
	if hidden > 0 {
		ev += fmt.Sprintf("; %d without a fix hidden by --ignore-unfixed", hidden)
	}
	if n := len(vs.VEXSuppressed); n > 0 {
		ev += fmt.Sprintf("; %d not affected or fixed per VEX", n)
	}
	p.Evidence("build.vuln-scan", loc, ev)
}

var _ = register(finding.Rule{
	ID: "VU002", Slug: "vuln-db-stale", Title: "Vulnerability database older than the allowed age",
	Severity: finding.Low, Kind: finding.KindImage,
	Checklist: []string{"build.vuln-scan"}, CIS: []string{"4.4"}, OWASP: []string{"D02"},
	Rationale: "A scan against an old database passes images with vulnerabilities published since; the checklist item only counts a scan against current data.",
	Fix:       "Refresh the database: `hardhull db update` where the internet is reachable, or `hardhull db import` freshly downloaded OSV exports on an air-gapped machine.",
	Bad: []finding.Example{imgEx(vulnImage("3.0.19-1~deb12u3",
		strings.Replace(vulnRecord, `"summary"`, `"modified":"2020-01-01T00:00:00Z","summary"`, 1)))},
	Good: []finding.Example{imgEx(vulnImage("3.0.19-1~deb12u3", vulnRecord))},
}, func(p *Pass) {
	vs := p.Ext.Vulns
	if vs == nil || vs.Report == nil {
		return
	}
	for _, s := range vs.Report.Sources {
		if age := s.Age(vs.Now); age > vs.MaxAge {
			p.Report(p.imgConfigAt("packages"), "vulndb:"+s.ID, fmt.Sprintf("vulnerability database source %s is %d days old (newest record %s), more than %d days",
				s.ID, int(age.Hours()/24), dateOf(s.NewestModified), int(vs.MaxAge.Hours()/24)))
		}
	}
})

func vulnMessage(f *vuln.Finding) string {
	pk := f.Package
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", pk.Name, pk.Version)
	if pk.SourceName != "" && (pk.SourceName != pk.Name || pk.MatchVersion() != pk.Version) {
		fmt.Fprintf(&b, " (source %s %s)", pk.SourceName, pk.MatchVersion())
	}
	fmt.Fprintf(&b, ": %s", f.ID)
	if len(f.IDs) > 1 {
		fmt.Fprintf(&b, " [%s]", strings.Join(f.IDs[1:], ", "))
	}
	sev := f.Severity
	switch {
	case sev.Score > 0:
		fmt.Fprintf(&b, ", %s (%s %.1f)", sev.Level, sev.Source, sev.Score)
	case sev.Known:
		fmt.Fprintf(&b, ", %s (%s)", sev.Level, sev.Source)
	default:
		fmt.Fprintf(&b, ", severity unknown (counted as %s)", sev.Level)
	}
	switch f.Status {
	case vuln.StatusFixed:
		fmt.Fprintf(&b, ", fixed in %s", strings.Join(f.Fixed, ", "))
	case vuln.StatusUnfixed:
		b.WriteString(", no fix released")
	case vuln.StatusUnimportant:
		b.WriteString(", rated unimportant by the distribution")
	}
	if f.Summary != "" {
		fmt.Fprintf(&b, ": %s", f.Summary)
	}
	return b.String()
}

func dbSources(r *vuln.Report) string {
	var ids []string
	for _, s := range r.Sources {
		ids = append(ids, s.ID)
	}
	return "the database " + strings.Join(ids, ", ")
}

func dateOf(t time.Time) string {
	if t.IsZero() {
		return "undated"
	}
	return t.Format("2006-01-02")
}
