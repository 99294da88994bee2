package config

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestSignaturesPolicy(t *testing.T) {
	src := `signatures:
  trusted-root: keys/trusted_root.json
  images:
    - match: ghcr.io/acme/**
      identities:
        - issuer: https://token.actions.githubusercontent.com
          subject-regex: ^https://github\.com/acme/
      provenance: required
      source: https://github.com/acme/app
    - match: python
      keys: [keys/doi.pub]
    - match: registry.example.com/*
      keys: [keys/team.pub]
`
	c, err := Parse(filepath.Join("proj", ".hardhull.yaml"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.TrustedRootPath(); got != filepath.Join("proj", "keys", "trusted_root.json") {
		t.Errorf("trusted root %q", got)
	}
	for _, tc := range []struct {
		repo string
		line int // 0: no policy
	}{
		{"ghcr.io/acme/app", 4},
		{"ghcr.io/acme/team/app", 4},
		{"ghcr.io/other/app", 0},
		{"docker.io/library/python", 10},
		{"docker.io/library/pythonx", 0},
		{"registry.example.com/app", 12},
		{"registry.example.com/team/app", 0},
	} {
		p := c.ImagePolicy(tc.repo)
		switch {
		case tc.line == 0 && p != nil:
			t.Errorf("%s: matched %q", tc.repo, p.Match)
		case tc.line != 0 && (p == nil || p.Line != tc.line):
			t.Errorf("%s: got %+v, want the entry at line %d", tc.repo, p, tc.line)
		}
	}
	if p := c.ImagePolicy("ghcr.io/acme/app"); !p.RequiresProvenance() || p.Dir != "proj" {
		t.Errorf("policy %+v", p)
	}
}

func TestSignaturesPolicyErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"signatures:\n  images:\n    - keys: [a.pub]\n", ".hardhull.yaml:3: signatures.images[0]: match is required"},
		{"signatures:\n  images:\n    - match: x/*\n", "give keys or identities that must have signed, or provenance: required"},
		{"signatures:\n  images:\n    - match: x/*\n      keys: [a]\n      provenance: yes\n", `not "yes"`},
		{"signatures:\n  images:\n    - match: x/*\n      keys: [a]\n      source: github.com/a/b\n", "add provenance: required"},
		{"signatures:\n  images:\n    - match: x/*\n      identities: [{issuer: a}]\n", "exactly one of"},
		{"signatures:\n  images:\n    - match: x/*\n      identities: [{issuer: a, subject-regex: \"(\"}]\n", "identities[0]: error parsing regexp"},
		{"signatures:\n  images:\n    - match: \"[\"\n      keys: [a]\n", "syntax error in pattern"},
		{"signatures:\n  image: []\n", ".hardhull.yaml:2: unknown key image"},
	} {
		_, err := Parse(".hardhull.yaml", []byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), ".hardhull.yaml") {
			t.Errorf("%q: got %v, want %q", tc.src, err, tc.want)
		}
	}
}
