package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/finding"
)

type checklistEntry struct {
	Key      string   `json:"key"`
	Verdict  string   `json:"verdict"`
	Rules    []string `json:"rules"`
	Evidence []string `json:"evidence"`
}

func checklistOf(t *testing.T, args ...string) map[string]checklistEntry {
	t.Helper()
	_, out, errs := hh(t, "", append(append([]string{"scan"}, args...), "--format", "json")...)
	var doc struct {
		CIS       string           `json:"cis_benchmark"`
		Checklist []checklistEntry `json:"checklist"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v: %s", err, errs)
	}
	if doc.CIS != finding.CISVersion {
		t.Errorf("cis_benchmark %q, want %q", doc.CIS, finding.CISVersion)
	}
	if len(doc.Checklist) != len(finding.Checklist) {
		t.Fatalf("checklist has %d items, want %d", len(doc.Checklist), len(finding.Checklist))
	}
	m := map[string]checklistEntry{}
	for _, e := range doc.Checklist {
		switch e.Verdict {
		case "PASS", "FAIL", "WARN", "UNKNOWN", "N/A", "MANUAL":
		default:
			t.Errorf("%s: verdict %q", e.Key, e.Verdict)
		}
		if e.Verdict == "PASS" && len(e.Evidence) == 0 {
			t.Errorf("%s: PASS without evidence", e.Key)
		}
		if (e.Verdict == "FAIL" || e.Verdict == "WARN") && len(e.Rules) == 0 {
			t.Errorf("%s: %s names no rule", e.Key, e.Verdict)
		}
		m[e.Key] = e
	}
	return m
}

// The hardened example passes every item it shows evidence for; the rest
// are WARN (a digest pin goes beyond the item), N/A or MANUAL, never a
// PASS for lack of findings.
func TestHardenedChecklistVerdicts(t *testing.T) {
	// Without a vulnerability database the dependency files are examined
	// but not matched: UNKNOWN, with the way to get one as evidence.
	want := map[string]string{"build.pinned-versions": "WARN", "secrets.not-exposed": "N/A", "build.vuln-scan": "UNKNOWN"}
	for key, e := range checklistOf(t, hardened) {
		v, ok := want[key]
		switch {
		case finding.ChecklistItem(key).Manual != "":
			v = "MANUAL"
		case !ok:
			v = "PASS"
		}
		if e.Verdict != v {
			t.Errorf("hardened %s: %s (%v), want %s", key, e.Verdict, e.Evidence, v)
		}
	}
}

func TestInsecureChecklistVerdicts(t *testing.T) {
	for key, e := range checklistOf(t, insecure) {
		want := "FAIL"
		switch {
		case finding.ChecklistItem(key).Manual != "":
			want = "MANUAL"
		case key == "build.vuln-scan":
			want = "UNKNOWN" // no database in the tests: examined, not matched
		}
		if e.Verdict != want {
			t.Errorf("insecure %s: %s, want %s", key, e.Verdict, want)
		}
	}
}

// A Dockerfile alone shows nothing about networks or injected secrets, and
// ${VAR} left to the deployment is UNKNOWN, not PASS.
func TestChecklistWithoutEvidence(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Dockerfile", "FROM python:3.12-slim\nRUN useradd -u 1000 app\nUSER app\nHEALTHCHECK CMD [\"true\"]\nCMD [\"python\", \"-m\", \"http.server\"]\n")
	c := checklistOf(t, dir)
	for _, key := range []string{"runtime.network-isolation", "secrets.injected", "runtime.read-only", "runtime.resource-limits", "runtime.capabilities"} {
		if c[key].Verdict == "PASS" {
			t.Errorf("Dockerfile only: %s PASS (%v)", key, c[key].Evidence)
		}
	}
	if c["runtime.non-root"].Verdict != "PASS" || c["runtime.health-checks"].Verdict != "PASS" {
		t.Errorf("USER app and HEALTHCHECK are evidence: non-root %s, health %s", c["runtime.non-root"].Verdict, c["runtime.health-checks"].Verdict)
	}

	write("compose.yaml", "services:\n  web:\n    image: example/web:1.2\n    read_only: ${RO}\n    user: ${UID}\n")
	c = checklistOf(t, dir)
	for _, key := range []string{"runtime.read-only", "runtime.non-root"} {
		// UNKNOWN; FAIL while a rule still reports the unresolved value
		// as missing, but never PASS.
		if v := c[key].Verdict; v != "UNKNOWN" && v != "FAIL" {
			t.Errorf("%s with ${VAR}: %s (%v), want UNKNOWN", key, v, c[key].Evidence)
		}
		if !strings.Contains(strings.Join(c[key].Evidence, " "), "${") {
			t.Errorf("%s: evidence does not show the value as written: %v", key, c[key].Evidence)
		}
	}
}

// ${PASSWORD:-admin} is a literal whenever the variable is unset: never
// evidence that no secret is hardcoded.
func TestDefaultedSecretIsNoEvidence(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte("services:\n  db:\n    image: postgres:16.4\n    environment:\n      POSTGRES_PASSWORD: ${DB_PASSWORD:-admin}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := checklistOf(t, dir)
	if e := c["secrets.no-hardcoded"]; e.Verdict == "PASS" {
		t.Errorf("secrets.no-hardcoded PASS on a defaulted password: %v", e.Evidence)
	}
}
