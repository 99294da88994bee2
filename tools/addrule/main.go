// Command addrule writes the skeleton of a new rule: one file in
// internal/rules holding its finding.Rule metadata, a bad and a good
// example, and its registration. The skeleton's check reports nothing, so
// the catalogue's example test (internal/scan TestCatalogueExamples) fails
// on its bad example until the check is written; that failing test is
// where the work starts.
//
//	go run ./tools/addrule -id DF050 -slug apt-no-pin -title "apt-get install without versions" -kind dockerfile -severity low
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"text/template"

	"github.com/hardhull/hardhull/internal/finding"
)

func main() {
	var s spec
	dir := flag.String("dir", "internal/rules", "the rules package directory")
	flag.StringVar(&s.ID, "id", "", "rule ID from your allocated range, e.g. DF050")
	flag.StringVar(&s.Slug, "slug", "", "kebab-case slug, e.g. apt-no-pin")
	flag.StringVar(&s.Title, "title", "", "one-line title")
	flag.StringVar(&s.Kind, "kind", "", "artifact kind: "+strings.Join(kindNames(), ", "))
	flag.StringVar(&s.Severity, "severity", "", "info, low, medium, high or critical")
	flag.Parse()
	path, err := write(*dir, s)
	if err != nil {
		fmt.Fprintln(os.Stderr, "addrule:", err)
		os.Exit(2)
	}
	fmt.Println(path)
}

type spec struct {
	ID, Slug, Title, Kind, Severity string
}

// kindFile is, per file-based kind, the Go name of the kind and the file
// its examples are written to. Image, container, engine and integrity
// rules build their examples with a Builder; start those from a sibling.
var kindFile = map[string]struct{ Const, File, Bad, Good string }{
	"dockerfile":   {"KindDockerfile", "Dockerfile", "FROM python:3.12-slim\\n", "FROM python:3.12-slim\\nUSER 1000\\n"},
	"compose":      {"KindCompose", "compose.yaml", "services:\\n  app:\\n    image: app:1\\n", "services:\\n  app:\\n    image: app:1\\n    read_only: true\\n"},
	"context":      {"KindContext", ".dockerignore", "node_modules\\n", ".git\\n.env\\nnode_modules\\n"},
	"python":       {"KindPython", "main.py", "import os\\n", "import os\\n"},
	"dependencies": {"KindDeps", "requirements.txt", "fastapi\\n", "fastapi==0.115.0\\n"},
}

func kindNames() []string {
	return []string{"dockerfile", "compose", "context", "python", "dependencies"}
}

var (
	idRe   = regexp.MustCompile(`^[A-Z]{2,3}[0-9]{3}$`)
	slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	// The catalogue's literals: ID: "DF001", Slug: "root-user".
	idLit   = regexp.MustCompile(`\bID:\s*"([^"]+)"`)
	slugLit = regexp.MustCompile(`\bSlug:\s*"([^"]+)"`)
)

// write checks s against the package in dir and writes the rule's file,
// returning its path. It never overwrites.
func write(dir string, s spec) (string, error) {
	k, ok := kindFile[s.Kind]
	switch {
	case !idRe.MatchString(s.ID):
		return "", fmt.Errorf("-id %q: want two or three capitals and three digits (DF050)", s.ID)
	case !slugRe.MatchString(s.Slug):
		return "", fmt.Errorf("-slug %q: want kebab-case (apt-no-pin)", s.Slug)
	case strings.TrimSpace(s.Title) == "":
		return "", errors.New("-title is required")
	case !ok:
		return "", fmt.Errorf("-kind %q: want one of %s (image, container, engine and integrity rules build their examples; copy a sibling)", s.Kind, strings.Join(kindNames(), ", "))
	}
	sev, err := finding.ParseSeverity(s.Severity)
	if err != nil || s.Severity == "" {
		return "", fmt.Errorf("-severity %q: want info, low, medium, high or critical", s.Severity)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return "", err
	}
	if len(files) == 0 {
		return "", fmt.Errorf("%s: no Go files; run from the module root or give -dir", dir)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		for _, m := range idLit.FindAllSubmatch(b, -1) {
			if string(m[1]) == s.ID {
				return "", fmt.Errorf("rule %s already exists (%s)", s.ID, filepath.Base(f))
			}
		}
		for _, m := range slugLit.FindAllSubmatch(b, -1) {
			if string(m[1]) == s.Slug {
				return "", fmt.Errorf("slug %q already used (%s)", s.Slug, filepath.Base(f))
			}
		}
	}
	path := filepath.Join(dir, s.Kind+"_"+strings.ReplaceAll(s.Slug, "-", "_")+".go")
	var b bytes.Buffer
	if err := skeleton.Execute(&b, map[string]any{
		"ID": s.ID, "Slug": strconv.Quote(s.Slug), "Title": strconv.Quote(s.Title),
		"SlugText": s.Slug, "TitleText": strings.Join(strings.Fields(s.Title), " "),
		"Severity": strings.ToUpper(sev.String()[:1]) + sev.String()[1:],
		"Kind":     k.Const, "File": strconv.Quote(k.File), "Bad": k.Bad, "Good": k.Good,
	}); err != nil {
		return "", err
	}
	src, err := format.Source(b.Bytes())
	if err != nil {
		return "", fmt.Errorf("generated source: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", err
	}
	if _, err := f.Write(src); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}

var skeleton = template.Must(template.New("rule").Parse(`package rules

import "github.com/hardhull/hardhull/internal/finding"

// {{.ID}} ({{.SlugText}}): {{.TitleText}}.
//
// Before this rule lands: write its check, make the bad example the
// smallest file that shows the problem (and the good one its fix), map it
// to the seed's checklist, CIS and OWASP ids, then run
// go test ./internal/rules ./internal/scan and go run ./tools/gendocs.
var _ = register(finding.Rule{
	ID: "{{.ID}}", Slug: {{.Slug}}, Title: {{.Title}},
	Severity: finding.{{.Severity}}, Kind: finding.{{.Kind}},
	// Checklist keys come from the seed's Security Checklist
	// (finding.ChecklistItem); give each one a reason in ChecklistWhy (or
	// in the checklistWhy table), saying why this rule's findings bear on
	// that item. A rule that feeds no item says why under the key "".
	Checklist:    nil,
	ChecklistWhy: map[string]string{"": "say why no checklist item applies, or list the items above with a reason each"},
	CIS:          nil, // CIS Docker Benchmark ids (finding.CISRecommendation)
	OWASP:        nil, // OWASP Docker Top 10 ids (finding.OWASPRisk)
	Rationale:    "Why this matters, in one or two sentences.",
	Fix:          "What to change, concretely.",
	Bad:          []finding.Example{{"{{"}}Files: map[string]string{ {{.File}}: "{{.Bad}}" }{{"}}"}},
	Good:         []finding.Example{{"{{"}}Files: map[string]string{ {{.File}}: "{{.Good}}" }{{"}}"}},
}, func(p *Pass) {
	// Read the artifact from p and call p.Report for each violation. Until
	// it does, the bad example above fails TestCatalogueExamples.
})
`))
