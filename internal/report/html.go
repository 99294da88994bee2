package report

import (
	"html/template"
	"io"
	"sort"
	"strconv"

	"github.com/hardhull/hardhull/internal/finding"
)

// HTML is a single self-contained page for reviewers: the summary, the
// checklist with its marks, then findings per file with the fix. The markup
// is well-formed XML (XHTML-style) so tests can parse it.
type HTML struct{ Options }

type htmlGroup struct {
	Name     string
	Findings []htmlFinding
}

type htmlFinding struct {
	Sev, Rule, Slug, Title, Where, Message, Fix string
}

type htmlItem struct {
	Section, Text, Mark, Rules, Note string
	Evidence                         []string
}

type htmlPage struct {
	Command, Target, Version, Summary string
	Counts                            []htmlCount
	Items                             []htmlItem
	Groups                            []htmlGroup
	Errors                            []string
	Suppressed                        int
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
<title>hardhull {{.Command}}{{if .Target}}: {{.Target}}{{end}}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d2330}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:1px solid #dde2ea;padding-bottom:.25rem}
.sub{color:#5b6475}.counts span{display:inline-block;margin:.5rem .5rem 0 0;padding:.2rem .6rem;border-radius:1rem;font-weight:600}
table{border-collapse:collapse;width:100%}td,th{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid #eef1f5}
th{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:#5b6475}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f4f6f9;padding:.05rem .3rem;border-radius:.25rem}
.sev{font-weight:700;font-size:.75rem;text-transform:uppercase;padding:.1rem .45rem;border-radius:.3rem;white-space:nowrap}
.critical{background:#7f1d1d;color:#fff}.high{background:#dc2626;color:#fff}.medium{background:#f59e0b;color:#1d2330}
.low{background:#bfdbfe;color:#1e3a8a}.info{background:#e5e7eb;color:#374151}
.mark{font-weight:700;white-space:nowrap}.pass{color:#15803d}.fail{color:#b91c1c}.warn{color:#b45309}.na,.manual,.unknown{color:#6b7280}
.fix{color:#374151}.ev{color:#15803d;font-size:.85rem}
</style>
</head>
<body>
<h1>hardhull {{.Command}}{{if .Target}}: <code>{{.Target}}</code>{{end}}</h1>
<div class="sub">{{.Summary}}{{if .Suppressed}} ({{.Suppressed}} suppressed by policy){{end}}{{if .Version}} — hardhull {{.Version}}{{end}}</div>
<div class="counts">{{range .Counts}}<span class="{{.Sev}}">{{.N}} {{.Sev}}</span>{{end}}</div>
<h2>Security checklist</h2>
<table>
<tr><th>Item</th><th>Mark</th><th>Rules</th></tr>
{{range .Items}}<tr><td>{{.Text}} <span class="sub">({{.Section}})</span>{{range .Evidence}}<div class="ev">✓ {{.}}</div>{{end}}</td><td class="mark {{.Mark}}">{{.Mark}}</td><td>{{.Rules}}{{if .Note}}<div class="sub">{{.Note}}</div>{{end}}</td></tr>
{{end}}</table>
{{if .Errors}}<h2>Inputs that could not be read</h2>
<ul>{{range .Errors}}<li><code>{{.}}</code></li>{{end}}</ul>
{{end}}{{range .Groups}}<h2><code>{{.Name}}</code></h2>
<table>
<tr><th>Severity</th><th>Where</th><th>Finding</th></tr>
{{range .Findings}}<tr><td><span class="sev {{.Sev}}">{{.Sev}}</span></td><td><code>{{.Where}}</code></td><td><strong>{{.Rule}}</strong> {{.Title}}<br/>{{.Message}}<div class="fix">Fix: {{.Fix}}</div></td></tr>
{{end}}</table>
{{end}}</body>
</html>
`))

func (h *HTML) Report(w io.Writer, r *finding.Result) error {
	page := htmlPage{Command: r.Command, Target: r.Target, Version: h.Version, Summary: summary(r.Findings), Suppressed: r.Suppressed}
	cs := counts(r.Findings)
	for s := finding.Critical; s >= finding.Info; s-- {
		if cs[s] > 0 {
			page.Counts = append(page.Counts, htmlCount{s.String(), cs[s]})
		}
	}
	judged := r
	if r.Judged != nil {
		cp := *r
		cp.Findings = r.Judged
		judged = &cp
	}
	for _, st := range Evaluate(judged, h.Catalogue) {
		it := htmlItem{Section: st.Item.Section, Text: st.Item.Text, Mark: string(st.Mark)}
		if it.Mark == string(NA) {
			it.Mark = "na"
		}
		if len(st.Rules) > 0 {
			sort.Strings(st.Rules)
			for i, id := range st.Rules {
				if i > 0 {
					it.Rules += ", "
				}
				it.Rules += id
			}
		}
		if st.Mark == Manual {
			it.Note = st.Item.Manual
		}
		for _, e := range st.Evidence {
			it.Evidence = append(it.Evidence, e.Location.String()+": "+e.Message)
		}
		page.Items = append(page.Items, it)
	}
	for _, e := range r.Errors {
		page.Errors = append(page.Errors, errLocation(e)+": "+e.Message)
	}
	keys, byKey := groups(r.Findings)
	for _, k := range keys {
		g := htmlGroup{Name: k}
		for _, f := range byKey[k] {
			g.Findings = append(g.Findings, htmlFinding{f.Severity.String(), f.Rule.ID, f.Rule.Slug, f.Rule.Title, f.Location.String(), f.Message, f.FixText()})
		}
		page.Groups = append(page.Groups, g)
	}
	return htmlTmpl.Execute(w, page)
}

func errLocation(e finding.InputError) string {
	if e.Line > 0 {
		return e.Path + ":" + strconv.Itoa(e.Line)
	}
	return e.Path
}
