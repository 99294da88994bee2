package report

import (
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/hardhull/hardhull/internal/finding"
)

// HTML is a single self-contained page for reviewers, with no script: the
// top problems first (linked to their places), the image facts, then the
// findings per file (or rolled up per rule) in collapsible sections, and
// the checklist with its marks. It follows the reader's light or dark
// colour scheme. The markup is well-formed XML (XHTML-style) so tests can
// parse it.
type HTML struct{ Options }

type htmlFinding struct {
	ID, Sev, Rule, RuleURL, Title, Where, Message, Fix string
	Checklist                                          []htmlLink
}

type htmlLink struct{ Text, Href string }

type htmlEntry struct {
	ID, Sev, Name, Count string
	Rule, RuleURL, Fix   string // rollups only
	Open, Rollup         bool
	Findings             []htmlFinding
}

type htmlItem struct {
	ID, Section, Text, Mark, Class, Note string
	Rules                                []htmlLink
	Evidence                             []string
}

type htmlTop struct {
	Sev, Rule, Anchor, Title, Places, First string
}

type htmlPage struct {
	Command, Target, Version, Summary, Examined, Time, CIS string
	Counts                                                 []htmlCount
	Top                                                    []htmlTop
	Facts                                                  [][2]string
	Items                                                  []htmlItem
	Entries                                                []htmlEntry
	Errors                                                 []string
	Suppressed, Hidden                                     int
}

type htmlCount struct {
	Sev string
	N   int
}

var htmlTmpl = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta name="color-scheme" content="light dark"/>
<title>hardhull {{.Command}}{{if .Target}}: {{.Target}}{{end}}</title>
<style>
:root{--bg:#ffffff;--fg:#1d2330;--muted:#5b6475;--line:#e3e7ee;--code:#f4f6f9;--link:#1d4ed8;--card:#f8fafc}
@media (prefers-color-scheme: dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9aa4b2;--line:#2a3140;--code:#161b22;--link:#8ab4f8;--card:#111722}}
html{background:var(--bg)}
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5rem auto;max-width:72rem;padding:0 1rem;color:var(--fg);background:var(--bg)}
a{color:var(--link)}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:1.75rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}
.sub{color:var(--muted)}.counts span{display:inline-block;margin:.5rem .5rem 0 0;padding:.2rem .6rem;border-radius:1rem;font-weight:600}
table{border-collapse:collapse;width:100%}td,th{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid var(--line)}
th{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace;background:var(--code);padding:.05rem .3rem;border-radius:.25rem}
.sev,.pill{font-weight:700;font-size:.75rem;text-transform:uppercase;padding:.1rem .45rem;border-radius:.3rem;white-space:nowrap}
.critical{background:#7f1d1d;color:#fff}.high{background:#dc2626;color:#fff}.medium{background:#f59e0b;color:#1d2330}
.low{background:#bfdbfe;color:#1e3a8a}.info{background:#e5e7eb;color:#374151}
details{border:1px solid var(--line);border-radius:.4rem;margin:.5rem 0;background:var(--card)}
summary{cursor:pointer;padding:.45rem .6rem;font-weight:600}details table{background:var(--bg)}
.mark{font-weight:700;white-space:nowrap}.pass{color:#16a34a}.fail{color:#dc2626}.warn{color:#d97706}.na,.manual,.unknown{color:var(--muted)}
.fix{color:var(--muted)}.ev{color:#16a34a;font-size:.85rem}.cl{font-size:.8rem}
</style>
</head>
<body>
<header>
<h1>hardhull {{.Command}}{{if .Target}}: <code>{{.Target}}</code>{{end}}</h1>
<div class="sub">{{.Summary}}{{if .Suppressed}} ({{.Suppressed}} suppressed by policy){{end}}{{if .Hidden}} ({{.Hidden}} below the shown severities){{end}}</div>
<div class="sub">Examined: {{if .Examined}}{{.Examined}}{{else}}<strong>nothing</strong> (no Dockerfile, compose file, image or container found){{end}}</div>
<div class="sub">{{if .Version}}hardhull {{.Version}}{{end}}{{if .Time}} · {{.Time}}{{end}}</div>
<div class="counts">{{range .Counts}}<span class="{{.Sev}}">{{.N}} {{.Sev}}</span>{{end}}</div>
</header>
{{if .Top}}<section id="top">
<h2>Top problems</h2>
<table>
<tr><th>Severity</th><th>Rule</th><th>Problem</th><th>Worst place</th><th>Places</th></tr>
{{range .Top}}<tr><td><span class="pill {{.Sev}}">{{.Sev}}</span></td><td><a href="#{{.Anchor}}"><strong>{{.Rule}}</strong></a></td><td>{{.Title}}</td><td><a href="#{{.Anchor}}"><code>{{.First}}</code></a></td><td>{{.Places}}</td></tr>
{{end}}</table>
</section>
{{end}}{{if .Facts}}<section id="facts">
<h2>Image</h2>
<table>
{{range .Facts}}<tr><th>{{index . 0}}</th><td><code>{{index . 1}}</code></td></tr>
{{end}}</table>
</section>
{{end}}{{if .Errors}}<section id="errors">
<h2>Inputs that could not be read</h2>
<ul>{{range .Errors}}<li><code>{{.}}</code></li>{{end}}</ul>
</section>
{{end}}{{if .Entries}}<section id="findings">
<h2>Findings</h2>
{{range .Entries}}<details id="{{.ID}}"{{if .Open}} open="open"{{end}}>
<summary><span class="pill {{.Sev}}">{{.Sev}}</span> {{if .Rollup}}<strong>{{.Rule}}</strong> {{.Name}}{{else}}<code>{{.Name}}</code>{{end}}: {{.Count}}</summary>
<table>
<tr><th>Severity</th><th>Where</th><th>Finding</th></tr>
{{range .Findings}}<tr{{if .ID}} id="{{.ID}}"{{end}}><td><span class="sev {{.Sev}}">{{.Sev}}</span></td><td><code>{{.Where}}</code></td><td><a href="{{.RuleURL}}"><strong>{{.Rule}}</strong></a> {{.Title}}<br/>{{.Message}}{{if .Fix}}<div class="fix">Fix: {{.Fix}}</div>{{end}}{{if .Checklist}}<div class="cl">Checklist: {{range $i, $c := .Checklist}}{{if $i}}, {{end}}<a href="{{$c.Href}}">{{$c.Text}}</a>{{end}}</div>{{end}}</td></tr>
{{end}}</table>
{{if .Fix}}<div class="fix" style="padding:.4rem .6rem">Fix: {{.Fix}}</div>
{{end}}</details>
{{end}}</section>
{{end}}<section id="checklist">
<h2>Security checklist</h2>
<div class="sub">CIS ids refer to {{.CIS}}.</div>
<table>
<tr><th>Item</th><th>Mark</th><th>Rules</th></tr>
{{range .Items}}<tr id="{{.ID}}"><td>{{.Text}} <span class="sub">({{.Section}})</span>{{range .Evidence}}<div class="ev">✓ {{.}}</div>{{end}}</td><td class="mark {{.Class}}">{{.Mark}}</td><td>{{range $i, $r := .Rules}}{{if $i}}, {{end}}<a href="{{$r.Href}}">{{$r.Text}}</a>{{end}}{{if .Note}}<div class="sub">{{.Note}}</div>{{end}}</td></tr>
{{end}}</table>
</section>
</body>
</html>
`))

// htmlOpenSections are expanded on load; the rest stay collapsed so a
// large report opens on its worst problems.
const htmlOpenSections = 8

func (h *HTML) Report(w io.Writer, r *finding.Result) error {
	page := htmlPage{Command: r.Command, Target: r.Target, Version: h.Version, Summary: summary(r.Findings),
		Suppressed: r.Suppressed, Hidden: r.Hidden, Examined: examined(r.Kinds), CIS: finding.CISVersion}
	if !h.Time.IsZero() {
		page.Time = h.Time.UTC().Format(time.RFC3339)
	}
	cs := counts(r.Findings)
	for s := finding.Critical; s >= finding.Info; s-- {
		if cs[s] > 0 {
			page.Counts = append(page.Counts, htmlCount{s.String(), cs[s]})
		}
	}
	for _, k := range sortedKeys(r.Facts) {
		page.Facts = append(page.Facts, [2]string{k, fmt.Sprint(r.Facts[k])})
	}
	// The one evaluated checklist (it judges what policy kept, however
	// --severity narrows the listing).
	for _, e := range ChecklistEntries(r, h.Catalogue) {
		it := htmlItem{ID: checkAnchor(e.Key), Section: e.Section, Text: e.Item, Mark: e.Verdict, Class: markClass(e.Verdict), Note: e.Note, Evidence: e.Evidence}
		for _, id := range e.Rules {
			it.Rules = append(it.Rules, htmlLink{id, ruleAnchorURL(id)})
		}
		page.Items = append(page.Items, it)
	}
	for _, e := range r.Errors {
		page.Errors = append(page.Errors, errLocation(e)+": "+e.Message)
	}
	// Every rule that fired gets an anchor where it first appears: its
	// rollup, or its first finding row. The top problems link there.
	anchor := map[string]string{}
	n := 0
	row := func(f finding.Finding) htmlFinding {
		n++
		hf := htmlFinding{Sev: f.Severity.String(), Rule: f.Rule.ID, RuleURL: ruleAnchorURL(f.Rule.ID), Title: f.Rule.Title,
			Where: f.Location.String(), Message: f.Message, Fix: f.FixText()}
		if _, ok := anchor[f.Rule.ID]; !ok {
			hf.ID = "rule-" + f.Rule.ID
			anchor[f.Rule.ID] = hf.ID
		}
		for _, c := range f.Rule.Checklist {
			hf.Checklist = append(hf.Checklist, htmlLink{c, "#" + checkAnchor(c)})
		}
		return hf
	}
	for i, e := range entries(r.Findings) {
		he := htmlEntry{Sev: e.sev.String(), Open: i < htmlOpenSections}
		if ro := e.roll; ro != nil {
			he.ID, he.Rollup, he.Rule, he.RuleURL, he.Name, he.Fix = "rule-"+ro.Rule.ID, true, ro.Rule.ID, ruleAnchorURL(ro.Rule.ID), ro.Rule.Title, ro.Rule.Fix
			he.Count = places(len(ro.Places))
			anchor[ro.Rule.ID] = he.ID
			for _, f := range ro.Places {
				hf := row(f)
				hf.ID, hf.Fix = "", "" // the section holds the anchor and the fix
				he.Findings = append(he.Findings, hf)
			}
		} else {
			he.ID, he.Name = "file-"+strconv.Itoa(i+1), e.key
			he.Count = fmt.Sprintf("%d finding", len(e.fs))
			if len(e.fs) != 1 {
				he.Count += "s"
			}
			for _, f := range e.fs {
				he.Findings = append(he.Findings, row(f))
			}
		}
		page.Entries = append(page.Entries, he)
	}
	first := map[string]string{}
	for _, f := range r.Findings { // worst first: the first seen is the worst
		if _, ok := first[f.Rule.ID]; !ok {
			first[f.Rule.ID] = f.Location.String()
		}
	}
	for _, p := range topProblems(r.Findings) {
		page.Top = append(page.Top, htmlTop{Sev: p.Severity.String(), Rule: p.Rule.ID, Anchor: anchor[p.Rule.ID], Title: p.Rule.Title,
			Places: places(p.Count) + " in " + inFiles(p.Files), First: first[p.Rule.ID]})
	}
	return htmlTmpl.Execute(w, page)
}

// markClass is the CSS class of a verdict.
func markClass(v string) string {
	if v == NA.Verdict() {
		return "na"
	}
	return strings.ToLower(v)
}
func ruleAnchorURL(id string) string { return RulesDoc + "#" + strings.ToLower(id) }

func checkAnchor(key string) string { return "check-" + key }

func errLocation(e finding.InputError) string {
	if e.Line > 0 {
		return e.Path + ":" + strconv.Itoa(e.Line)
	}
	return e.Path
}
