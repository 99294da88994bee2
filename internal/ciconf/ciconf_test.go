package ciconf

import (
	"errors"
	"math/rand"
	"strings"
	"testing"
)

func TestFlavorOf(t *testing.T) {
	for _, tc := range []struct {
		rel  string
		want Flavor
	}{
		{".github/workflows/release.yml", GitHub},
		{".github/workflows/ci.yaml", GitHub},
		{"sub/.github/workflows/ci.yaml", GitHub},
		{".github/workflows/nested/ci.yaml", ""},
		{".github/dependabot.yml", ""},
		{".gitlab-ci.yml", GitLab},
		{"sub/.gitlab-ci.yml", GitLab},
		{"compose.yml", ""},
		{"workflows/ci.yml", ""},
	} {
		if got := FlavorOf(tc.rel); got != tc.want {
			t.Errorf("FlavorOf(%q) = %q, want %q", tc.rel, got, tc.want)
		}
	}
}

func TestParseGitHub(t *testing.T) {
	src := `name: release
env:
  DOCKER_CONTENT_TRUST: 1
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      REGISTRY: ${{ vars.REGISTRY }}
    steps:
      - run: docker pull alpine
      - name: push
        run: |
          export DOCKER_CONTENT_TRUST=1
          docker push app
`
	f, err := Parse("ci.yml", GitHub, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Settings) != 2 {
		t.Fatalf("settings %+v", f.Settings)
	}
	if s := f.Settings[0]; s.Key != "DOCKER_CONTENT_TRUST" || s.Value != "1" || s.Line != 3 || s.Expanded {
		t.Errorf("first setting %+v", s)
	}
	if s := f.Settings[1]; s.Key != "REGISTRY" || !s.Expanded || s.Line != 8 {
		t.Errorf("second setting %+v", s)
	}
	if len(f.Scripts) != 2 || f.Scripts[0].Line != 10 || f.Scripts[1].Line != 13 || !strings.HasPrefix(f.Scripts[1].Text, "export DOCKER_CONTENT_TRUST=1\n") {
		t.Fatalf("scripts %+v", f.Scripts)
	}
}

func TestParseGitLab(t *testing.T) {
	src := `variables:
  DOCKER_CONTENT_TRUST:
    value: "1"
    description: sign
.defaults: &defaults
  before_script:
    - docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" $CI_REGISTRY
build:
  <<: *defaults
  variables:
    DOCKER_TLS_CERTDIR: "/certs"
  script:
    - docker build -t app .
`
	f, err := Parse(".gitlab-ci.yml", GitLab, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Settings) != 2 || f.Settings[0].Value != "1" || f.Settings[0].Line != 2 || f.Settings[1].Key != "DOCKER_TLS_CERTDIR" {
		t.Fatalf("settings %+v", f.Settings)
	}
	// The anchored before_script is seen once, where it is defined.
	if len(f.Scripts) != 2 || f.Scripts[0].Line != 7 || f.Scripts[1].Line != 13 {
		t.Fatalf("scripts %+v", f.Scripts)
	}
}

func billionLaughs() string {
	var b strings.Builder
	b.WriteString("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		b.WriteString(n + ": &" + n + " [")
		for i := 0; i < 9; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("*" + prev)
		}
		b.WriteString("]\n")
		prev = n
	}
	b.WriteString("jobs:\n  x:\n    env: *i\n")
	return b.String()
}

// TestHostile: bad input is an error naming the file (and its line where
// there is one), never a panic or an unbounded walk.
func TestHostile(t *testing.T) {
	garbage := make([]byte, 1<<14)
	rand.New(rand.NewSource(1)).Read(garbage)
	deepMap := "jobs:\n"
	for i := 1; i < 150; i++ {
		deepMap += strings.Repeat("  ", i) + "k:\n"
	}
	for _, tc := range []struct {
		name, src, msg string
		line           int
	}{
		{"garbage", string(garbage), "", 0},
		{"NUL", "jobs:\n  a:\x00\n", "NUL", 2},
		{"invalid UTF-8", "env:\n  A: \xff\xfe\n", "invalid YAML", 0},
		{"deep block nesting", deepMap, "nesting", 0},
		{"deep flow nesting", "env: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n", "", 0},
		{"too large", "env:\n  A: \"" + strings.Repeat("x", MaxSize) + "\"\n", "limit", 0},
		{"bad indentation", "jobs:\n  a:\n    run: x\n   b: y\n", "invalid YAML", 0},
		{"unclosed quote", "env:\n  A: 1\n  B: \"x\n", "invalid YAML", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("ci.yml", GitHub, []byte(tc.src))
			var e *Error
			if !errors.As(err, &e) || e.File != "ci.yml" {
				t.Fatalf("want an *Error naming the file, got %v", err)
			}
			if !strings.HasPrefix(err.Error(), "ci.yml") {
				t.Errorf("error %q does not start with the file", err)
			}
			if tc.msg != "" && !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q lacks %q", err, tc.msg)
			}
			if tc.line != 0 && e.Line != tc.line {
				t.Errorf("line %d, want %d (%v)", e.Line, tc.line, err)
			}
		})
	}
	// Aliases are not followed: the bomb parses in linear time, and only
	// the mapping actually written under env counts.
	f, err := Parse("ci.yml", GitHub, []byte(billionLaughs()))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Settings) != 0 {
		t.Fatalf("alias followed: %d settings", len(f.Settings))
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"env:\n  DOCKER_CONTENT_TRUST: 1\njobs:\n  a:\n    steps:\n      - run: |\n          echo hi\n",
		"variables:\n  A: {value: \"1\"}\nbuild:\n  script: [a, b]\n",
		"a: &a {env: *a}\n", "- x\n", "---\nenv: {}\n---\nenv: []\n",
	} {
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, b []byte, gh bool) {
		fl := GitLab
		if gh {
			fl = GitHub
		}
		pf, err := Parse("p.yml", fl, b)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "p.yml") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		lines := strings.Count(string(b), "\n") + 1
		for _, s := range pf.Settings {
			if s.Line < 1 || s.Line > lines {
				t.Fatalf("setting line %d outside 1..%d", s.Line, lines)
			}
		}
	})
}
