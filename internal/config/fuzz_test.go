package config

import (
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"fail-on: high\ndisable: [DF001]\nseverity: {DF004: info}\nignore:\n  - path: \"**/x\"\n    rules: [DF001]\n",
		"foo: 1\n", "severity:\n  A: nope\n", "a: &a [*a]\n",
		"signatures:\n  images:\n    - match: ghcr.io/**\n      identities: [{issuer: a, subject-regex: '^x'}]\n      provenance: required\n", "ignore:\n  - path: \"[\"\n", "- x\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse("p.yaml", b)
		if err != nil {
			for _, l := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(l, "p.yaml") {
					t.Fatalf("error line %q does not name the file", l)
				}
			}
			return
		}
		for _, ig := range c.Ignore {
			GlobMatch(ig.Path, "a/b/c/Dockerfile")
		}
	})
}

func FuzzGlobMatch(f *testing.F) {
	f.Add("**/testdata/**", "a/testdata/b")
	f.Add("a/**/**/**/z", "a/b/c/d/e/f/g/h/z")
	f.Fuzz(func(t *testing.T, pattern, p string) {
		if len(pattern) > 256 || len(p) > 256 {
			return
		}
		GlobMatch(pattern, p)
	})
}
