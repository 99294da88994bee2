package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/rules"
)

// reBold is markdown emphasis (**Fix:**), not a glob such as **/.env.
var reBold = regexp.MustCompile(`\*\*[A-Za-z][^*\n]*\*\*`)

func TestExplainForTerminal(t *testing.T) {
	for _, r := range rules.All() {
		code, out, errs := hh(t, "", "explain", r.ID)
		if code != 0 {
			t.Fatalf("explain %s: exit %d %s", r.ID, code, errs)
		}
		// Examples are file content (a .dockerignore may hold **/.env);
		// the prose before them must be plain text.
		prose, _, _ := strings.Cut(out, "\nBad")
		if reBold.MatchString(prose) {
			t.Errorf("explain %s prints raw markdown:\n%s", r.ID, out)
		}
		if !strings.Contains(out, "Fix: ") || !strings.Contains(out, r.Title) {
			t.Errorf("explain %s lacks the fix or title", r.ID)
		}
	}
	// Wrapped on request, and never wider than asked except for one word.
	_, out, _ := hh(t, "", "explain", "DF001", "--width", "60")
	prose, _, _ := strings.Cut(out, "\nBad")
	for _, l := range strings.Split(prose, "\n") {
		if len(l) > 60 && strings.Contains(strings.TrimSpace(l), " ") && !strings.HasPrefix(l, "  ") {
			t.Errorf("line wider than 60: %q", l)
		}
	}
}

func TestExplainOtherToolsIDs(t *testing.T) {
	for _, tt := range []struct{ id, tool, rule string }{
		{"DL3007", "hadolint", "DF003"},
		{"hadolint:DL3007", "hadolint", "DF003"},
		{"CKV_DOCKER_2", "checkov", "DF019"},
		{"ae5b6871-7f45-42e0-bb4c-ab300c4d2026", "kics", "DC001"},
	} {
		code, out, errs := hh(t, "", "explain", tt.id)
		if code != 0 {
			t.Errorf("explain %s: exit %d %s", tt.id, code, errs)
			continue
		}
		if first := strings.SplitN(out, "\n", 2)[0]; !strings.Contains(first, tt.tool) || !strings.Contains(first, tt.rule) {
			t.Errorf("explain %s: first line %q, want %s and the claiming rule %s", tt.id, first, tt.tool, tt.rule)
		}
	}
	// A Trivy ID, in either of its spellings, when the catalogue claims one.
	var trivy string
	for _, r := range rules.All() {
		if ids := r.Equivalents["trivy"]; len(ids) > 0 {
			trivy = ids[0]
			break
		}
	}
	if trivy == "" {
		t.Fatal("no rule claims a Trivy ID")
	}
	if code, out, _ := hh(t, "", "explain", "AVD-"+strings.TrimPrefix(trivy, "AVD-")); code != 0 || !strings.HasPrefix(out, "trivy ") {
		t.Errorf("explain AVD-%s: exit %d\n%s", trivy, code, out)
	}
	if code, _, errs := hh(t, "", "explain", "DL9999"); code != 2 || !strings.Contains(errs, "DL9999") {
		t.Errorf("explain DL9999: exit %d %s", code, errs)
	}
}

func TestConfigDisableTakesOtherToolsIDs(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "Dockerfile", "FROM python:latest\nUSER 1000\nCMD [\"python\"]\n")
	r := decode(t, mustRun(t, "scan", dir, "--format", "json"))
	if !hasRule(r, "DF003") {
		t.Fatal("DF003 does not fire on the test Dockerfile")
	}
	for _, id := range []string{"DL3007", "hadolint:DL3007", "df003", "CKV_DOCKER_7"} {
		write(t, dir, ".hardhull.yaml", "disable: ["+id+"]\n")
		code, out, errs := hh(t, "", "scan", dir, "--format", "json")
		if code == 2 {
			t.Fatalf("disable %s: %s", id, errs)
		}
		if hasRule(decode(t, out), "DF003") {
			t.Errorf("disable: [%s] left DF003 on", id)
		}
	}
	write(t, dir, ".hardhull.yaml", "disable: [DL9999]\n")
	if code, _, errs := hh(t, "", "scan", dir); code != 2 || !strings.Contains(errs, `unknown rule "DL9999"`) {
		t.Errorf("disable of an unknown ID: exit %d %s", code, errs)
	}
}

func TestInlineIgnoreWarningsAndExpiry(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "Dockerfile", strings.Join([]string{
		"# hardhull ignore=DF003 exp:2999-01-01 -- until the base image is rebuilt",
		"FROM python:latest",
		"# hardhull ignore=DF999",
		"USER 1000",
		"# hardhull ignore=DF018 exp:2020-01-01 -- was needed for the migration",
		"EXPOSE 22",
		"# hardhull ignore=DF012 exp:someday",
		"CMD python app.py",
	}, "\n")+"\n")
	code, out, errs := hh(t, "", "scan", dir, "--format", "json")
	if code == 2 {
		t.Fatalf("exit 2: %s", errs)
	}
	r := decode(t, out)
	if hasRule(r, "DF003") {
		t.Error("an ignore with a future expiry did not apply")
	}
	if !hasRule(r, "DF018") {
		t.Error("an expired ignore still applies")
	}
	for _, want := range []string{
		`Dockerfile:3: ignore comment names unknown rule "DF999"`,
		"Dockerfile:5: ignore of DF018 expired on 2020-01-01",
		`Dockerfile:7: ignore comment expiry "someday" is not a date`,
	} {
		if !strings.Contains(errs, "hardhull: warning: "+want) {
			t.Errorf("stderr lacks the warning %q:\n%s", want, errs)
		}
	}
}

func hasRule(r jsonReport, id string) bool {
	for _, f := range r.Findings {
		if f.Rule == id {
			return true
		}
	}
	return false
}
