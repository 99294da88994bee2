package fix_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/fix"
)

func TestDevFilesAndOneShotServices(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "compose.yaml", `services:
  api:
    image: example/api:1.0
    user: "1000"
    depends_on:
      migrate:
        condition: service_completed_successfully
  migrate:
    image: example/api:1.0
    user: "1000"
    command: ["alembic", "upgrade", "head"]
  tests:
    image: example/api:1.0
    user: "1000"
    command: ["python", "-m", "pytest"]
`)
	write(t, dir, "compose.override.yaml", `services:
  api:
    command: ["uvicorn", "app.main:app", "--reload"]
  db:
    image: postgres:16.4
    user: "999"
    ports: ["5432:5432"]
`)
	res, err := fix.Plan(context.Background(), fix.Options{Path: dir, Rules: []string{"DC020", "DC005", "DC019", "DC011"}})
	if err != nil {
		t.Fatal(err)
	}
	skipped := map[string]string{}
	for _, n := range res.Skipped {
		skipped[n.Rule+" "+n.Path+" "+n.Finding] = n.Text
	}
	find := func(rule, svc string) string {
		for k, v := range skipped {
			if strings.HasPrefix(k, rule+" ") && strings.Contains(k, svc) {
				return v
			}
		}
		return ""
	}
	for _, tt := range []struct{ rule, svc, want string }{
		{"DC020", "tests", "service tests is one-shot (it runs tests)"},
		{"DC005", "migrate", "read_only is left to a review"},
		{"DC019", "api", "compose.override.yaml is a development file"},
		{"DC011", "db", "compose.override.yaml is a development file"},
	} {
		if got := find(tt.rule, tt.svc); !strings.Contains(got, tt.want) {
			t.Errorf("%s %s: skip reason %q, want %q (skipped: %v)", tt.rule, tt.svc, got, tt.want, skipped)
		}
	}
	// The long-running api still gets its restart policy; the migration
	// others wait on gets none (whether scan reports it or fix skips it).
	var api bool
	for _, n := range res.Fixed {
		api = api || (n.Rule == "DC020" && strings.Contains(n.Text, "service api"))
		if (n.Rule == "DC020" || n.Rule == "DC005") && (strings.Contains(n.Text, "service migrate") || strings.Contains(n.Text, "service tests")) {
			t.Errorf("one-shot service fixed: %+v", n)
		}
	}
	if !api {
		t.Errorf("api got no restart policy: fixed %+v", res.Fixed)
	}
	// Other hardening may apply to the development file; what makes it
	// one stays.
	for _, c := range res.Changes {
		if filepath.Base(c.Path) == "compose.override.yaml" && (!strings.Contains(string(c.New), "--reload") || !strings.Contains(string(c.New), `"5432:5432"`)) {
			t.Errorf("the development file lost its reload or published port:\n%s", c.New)
		}
	}
}
