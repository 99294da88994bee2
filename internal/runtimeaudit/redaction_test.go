package runtimeaudit

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/engine"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/report"
	"github.com/hardhull/hardhull/internal/rules"
)

func TestNoSecretInAnyFormat(t *testing.T) {
	seeded := []string{"mysecretkey123456", "S3cr3tPassw0rdForTheDb"}
	c, err := exampleContainer(map[string]string{"inspect.json": `{"Config": {"Env": ["SECRET_KEY=mysecretkey123456", "DATABASE_URL=postgres://app:S3cr3tPassw0rdForTheDb@db/app"]}}`})
	if err != nil {
		t.Fatal(err)
	}
	res := Judge([]*engine.Container{c}, nil)
	n := 0
	for _, f := range res.Findings {
		if f.Rule.ID == "RT018" {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("want 2 RT018 findings, got %d", n)
	}
	var cat []*finding.Rule
	for _, r := range rules.All() {
		cat = append(cat, r.Rule)
	}
	for _, format := range append(append([]string{}, report.Formats...), report.SBOMFormats...) {
		rep, _ := report.New(format, report.Options{Catalogue: cat})
		var b bytes.Buffer
		if err := rep.Report(&b, res); err != nil {
			t.Fatal(err)
		}
		for _, s := range seeded {
			for i := 0; i+8 <= len(s); i++ {
				if strings.Contains(b.String(), s[i:i+8]) {
					t.Errorf("%s output contains part of a seeded secret: %q", format, s[i:i+8])
					break
				}
			}
		}
	}
}
