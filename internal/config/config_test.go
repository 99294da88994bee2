package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/finding"
)

func TestParse(t *testing.T) {
	src := `# policy for the app
fail-on: high
disable: [DF024, df016]
severity:
  DF004: info
  dc007: high
ignore:
  - path: "examples/**"
    rules: [DF001]
    reason: teaching material
  - path: "**/testdata/**"
trusted-registries: [registry.example.com]
exclude:
  skip-dirs: [third_party]
  skip-files: ["**/*.tmpl"]
  file-patterns: ['dockerfile:\.df$']
compose:
  - [compose.yml, compose.deploy.yml]
`
	c, err := Parse(".hardhull.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Exclude.SkipDirs) != 1 || len(c.Exclude.SkipFiles) != 1 || c.Exclude.FilePatterns[0] != `dockerfile:\.df$` {
		t.Errorf("Exclude = %+v", c.Exclude)
	}
	if len(c.Compose) != 1 || len(c.Compose[0]) != 2 || c.Compose[0][1] != "compose.deploy.yml" {
		t.Errorf("Compose = %v", c.Compose)
	}
	if c.FailOn == nil || *c.FailOn != finding.High {
		t.Errorf("FailOn = %v", c.FailOn)
	}
	if !c.disabled("DF024") || !c.disabled("DF016") || c.disabled("DF001") {
		t.Errorf("Disable = %v", c.Disable)
	}
	if c.Severity["DF004"] != finding.Info || c.Severity["DC007"] != finding.High {
		t.Errorf("Severity = %v (keys are case-insensitive)", c.Severity)
	}
	if len(c.Ignore) != 2 || c.Ignore[0].Reason != "teaching material" || len(c.Ignore[1].Rules) != 0 {
		t.Errorf("Ignore = %+v", c.Ignore)
	}
	if len(c.TrustedRegistries) != 1 {
		t.Errorf("TrustedRegistries = %v", c.TrustedRegistries)
	}
	for _, empty := range []string{"", "# nothing\n", "---\n"} {
		if c, err := Parse("x", []byte(empty)); err != nil || c.FailOn != nil {
			t.Errorf("Parse(%q) = %+v, %v", empty, c, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"unknown top-level key", "disable: [DF001]\nfail_on: high\n", []string{".hardhull.yaml:2: unknown key fail_on"}},
		{"unknown nested key", "ignore:\n  - path: x\n    rule: [DF001]\n", []string{".hardhull.yaml:3: unknown key rule"}},
		{"two unknown keys, one line each", "foo: 1\nbar: 2\n", []string{".hardhull.yaml:1: unknown key foo", ".hardhull.yaml:2: unknown key bar"}},
		{"bad severity override", "severity:\n  DF001: low\n  DF002: extreme\n", []string{`.hardhull.yaml:3: unknown severity "extreme"`}},
		{"bad fail-on", "\nfail-on: sometimes\n", []string{`.hardhull.yaml:2: unknown severity "sometimes"`}},
		{"wrong type", "disable: DF001\n", []string{".hardhull.yaml:1: cannot unmarshal"}},
		{"not a mapping", "- a\n", []string{".hardhull.yaml:1:"}},
		{"bad glob", "ignore:\n  - path: \"[\"\n", []string{`ignore path "["`}},
		{"bad exclude glob", "exclude:\n  skip-files: [\"a[\"]\n", []string{`exclude glob "a["`}},
		{"unknown exclude key", "exclude:\n  dirs: [a]\n", []string{".hardhull.yaml:2: unknown key dirs"}},
		{"empty compose set", "compose:\n  - []\n", []string{"compose set 1 is empty"}},
		{"syntax error", "disable: [\n", []string{".hardhull.yaml"}},
		{"too large", "# " + strings.Repeat("x", 1<<20), []string{"larger than 1 MiB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(".hardhull.yaml", []byte(tt.src))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			for _, l := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(l, ".hardhull.yaml") {
					t.Errorf("error line %q does not name the file", l)
				}
			}
		})
	}
}

func TestLoadAndFind(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, ok := Find(sub); ok {
		// A .hardhull.yaml above the temp dir would make this test moot.
		t.Skip("a policy file exists above the temp directory")
	}
	cfgPath := filepath.Join(root, FileName)
	os.WriteFile(cfgPath, []byte("fail-on: low\n"), 0o644)
	if p, ok := Find(sub); !ok || p != cfgPath {
		t.Errorf("Find(sub) = %q %v, want %q", p, ok, cfgPath)
	}
	c, err := Load(cfgPath)
	if err != nil || *c.FailOn != finding.Low {
		t.Errorf("Load = %+v, %v", c, err)
	}
	if c, err := Load(filepath.Join(root, "missing.yaml")); err != nil || c == nil {
		t.Errorf("missing file: %+v, %v (want an empty config)", c, err)
	}
	os.Mkdir(filepath.Join(root, "dir.yaml"), 0o755)
	if _, err := Load(filepath.Join(root, "dir.yaml")); err == nil {
		t.Error("loading a directory succeeded")
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"examples/**", "examples/insecure-fastapi/Dockerfile", true},
		{"examples/**", "examples", true},
		{"examples/**", "other/examples/Dockerfile", false},
		{"**/testdata/**", "internal/x/testdata/compose.yaml", true},
		{"**/testdata/**", "testdata/Dockerfile", true},
		{"**/testdata/**", "internal/testdatax/Dockerfile", false},
		{"**/Dockerfile", "Dockerfile", true},
		{"**/Dockerfile", "a/b/c/Dockerfile", true},
		{"**/Dockerfile", "a/b/Dockerfile.dev", false},
		{"Dockerfile.*", "deploy/Dockerfile.prod", true},
		{"*.yaml", "deploy/compose.yaml", true},
		{"deploy/*.yaml", "deploy/compose.yaml", true},
		{"deploy/*.yaml", "deploy/x/compose.yaml", false},
		{"deploy", "deploy/compose.yaml", true},
		{"./deploy/**", "./deploy/compose.yaml", true},
		{"a/**/z", "a/b/c/z", true},
		{"a/**/z", "a/z", true},
		{"a/**/z", "a/b/c/y", false},
	}
	for _, tt := range tests {
		if got := GlobMatch(tt.pattern, tt.path); got != tt.want {
			t.Errorf("GlobMatch(%q, %q) = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
}
