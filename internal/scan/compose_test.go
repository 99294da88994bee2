package scan

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hardhull/hardhull/internal/finding"
)

func TestComposeNames(t *testing.T) {
	for name, want := range map[string]bool{
		"compose.yaml": true, "compose.yml": true, "docker-compose.yml": true, "docker-compose.yaml": true,
		"compose.prod.yaml": true, "docker-compose.override.yml": true, "docker-compose.test.override.yml": true,
		"docker-compose-dev.yml": true, "docker-compose-windows.prod.yml": true,
		"filebeat-compose.yml": true, "podman-compose.yaml": true,
		"compose.json": false, "compose.yaml.bak": false, "compose.": false, "docker-compose-.yml": false,
		"-compose.yml": false, "compose-file.yml": false, "mycompose.yml": false, "composer.yml": false,
	} {
		if got := Classify(name) == ComposeKind; got != want {
			t.Errorf("Classify(%q) compose = %v, want %v", name, got, want)
		}
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func byRuleFile(res *finding.Result) map[string]map[string][]int {
	out := map[string]map[string][]int{}
	for _, f := range res.Findings {
		if out[f.Rule.ID] == nil {
			out[f.Rule.ID] = map[string][]int{}
		}
		out[f.Rule.ID][f.Location.Path] = append(out[f.Rule.ID][f.Location.Path], f.Location.Line)
	}
	return out
}

// TestComposeOverlay: a fragment overlay is judged with its base; what the
// merged service lacks is reported once at the base, what the overlay adds
// at the overlay.
func TestComposeOverlay(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"compose.yaml":                "services:\n  api:\n    image: example/api:1.0\n",
		"compose.prod.yaml":           "services:\n  api:\n    read_only: true\n    tmpfs: [/tmp]\n",
		"overrides/compose.debug.yml": "services:\n  api:\n    privileged: true\n",
	})
	res, err := Scan(context.Background(), Options{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	got := byRuleFile(res)
	if l := got["DC004"]; len(l) != 1 || len(l["compose.yaml"]) != 1 || l["compose.yaml"][0] != 2 {
		t.Errorf("DC004 = %v, want once at compose.yaml:2", l)
	}
	if l := got["DC005"]; len(l) != 0 {
		t.Errorf("DC005 = %v: the prod overlay sets read_only", l)
	}
	if l := got["DC001"]["overrides/compose.debug.yml"]; len(l) != 1 || l[0] != 3 {
		t.Errorf("DC001 = %v, want at the overlay's line 3", got["DC001"])
	}
	if res.Kinds[finding.KindCompose] != 1 {
		t.Errorf("%d compose projects, want 1", res.Kinds[finding.KindCompose])
	}
}

// TestComposeUnknown: values the deployment sets are unknown, not missing:
// no finding, and the checklist evidence says UNKNOWN for the service.
func TestComposeUnknown(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"compose.yaml": "services:\n  api:\n    image: example/api:1.0\n    restart: ${RESTART_POLICY}\n    read_only: ${RO}\n    user: ${UID}\n    mem_limit: ${MEM}\n    ports: [\"${BIND}:8080:80\"]\n",
	})
	res, err := Scan(context.Background(), Options{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	got := byRuleFile(res)
	for _, id := range []string{"DC005", "DC010", "DC012", "DC020"} {
		if len(got[id]) > 0 {
			t.Errorf("%s fired on a value the deployment sets: %v", id, got[id])
		}
	}
	unknown := map[string]bool{}
	for _, e := range res.Evidence {
		if e.Unknown {
			unknown[e.Checklist] = true
		}
	}
	for _, k := range []string{"runtime.read-only", "runtime.health-checks", "runtime.non-root", "runtime.resource-limits", "runtime.network-isolation"} {
		if !unknown[k] {
			t.Errorf("no UNKNOWN evidence for %s (have %v)", k, unknown)
		}
	}
}

// TestComposeResolvedDefault: a default resolves the value, which is then
// judged.
func TestComposeResolvedDefault(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"compose.yaml": "services:\n  api:\n    image: example/api:1.0\n    user: ${UID:-0}\n",
	})
	res, err := Scan(context.Background(), Options{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	var msg string
	for _, f := range res.Findings {
		if f.Rule.ID == "DC010" {
			msg = f.Message
		}
	}
	if msg != "service api sets user: ${UID:-0}" {
		t.Errorf("DC010 = %q, want the user as written", msg)
	}
}

// TestComposeSecretDefaults: a literal default for a secret-named variable
// is a hardcoded secret graded by the literal and never evidence that
// secrets are injected; a plain reference and a /run/secrets file are.
func TestComposeSecretDefaults(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"compose.yaml": "services:\n  db:\n    image: postgres:16\n    environment:\n" +
			"      POSTGRES_PASSWORD: ${DB_PASSWORD:-changeme}\n" +
			"      API_KEY: ${API_KEY:-Qm7Zt2Lx9Vb4Nw8Kc1Rj5Hs3}\n" +
			"      MYSQL_ROOT_PASSWORD: 123\n" +
			"      MYSQL_ALLOW_EMPTY_PASSWORD: 1\n" +
			"      SECRET_KEY: ${SECRET_KEY}\n" +
			"      POSTGRES_PASSWORD_FILE: /run/secrets/db\n" +
			"      REDIS_PASSWORD: \"\"\n",
	})
	res, err := Scan(context.Background(), Options{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]finding.Severity{}
	for _, f := range res.Findings {
		if f.Rule.ID == "DC018" {
			got[f.Location.Line] = f.Severity
		}
	}
	want := map[int]finding.Severity{5: finding.Medium, 6: finding.High, 7: finding.High}
	if len(got) != len(want) {
		t.Errorf("DC018 at %v, want %v", got, want)
	}
	for line, sev := range want {
		if got[line] != sev {
			t.Errorf("line %d: %v, want %v", line, got[line], sev)
		}
	}
	injected := map[int]bool{}
	for _, e := range res.Evidence {
		if e.Checklist == "secrets.injected" && !e.Unknown {
			injected[e.Location.Line] = true
		}
	}
	if injected[5] || injected[6] || !injected[9] || !injected[10] {
		t.Errorf("secrets.injected evidence at lines %v, want 9 and 10 only", injected)
	}
}

// TestComposeSeverities: userns_mode: host is the engine default (info),
// SELinux label=disable is unconfined (DC030), restart always is fine.
func TestComposeSeverities(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"compose.yaml": "services:\n  a:\n    image: example/a:1\n    userns_mode: host\n    restart: always\n    security_opt: [\"label:disable\"]\n",
	})
	res, err := Scan(context.Background(), Options{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]finding.Severity{}
	for _, f := range res.Findings {
		seen[f.Rule.ID] = f.Severity
	}
	if sev, ok := seen["DC013"]; !ok || sev != finding.Info {
		t.Errorf("DC013 userns = %v (fired %v), want info", sev, ok)
	}
	if _, ok := seen["DC030"]; !ok {
		t.Error("label:disable not reported")
	}
	if _, ok := seen["DC020"]; ok {
		t.Error("restart: always reported")
	}
}
