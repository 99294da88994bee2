package buildctx

import (
	"errors"
	"os"
	"testing"
)

// FuzzIgnoreFile feeds arbitrary ignore-file bytes and an arbitrary path
// through the reader and every query: errors must be *LineError with a
// plausible line, and the walk decision, the per-line decision and the
// COPY resolution must agree and never panic.
func FuzzIgnoreFile(f *testing.F) {
	if seed, err := os.ReadFile("testdata/seed.dockerignore"); err == nil {
		f.Add(seed, "app/.env")
	}
	f.Add([]byte("*\n!app\n**/.env\n"), "app/.env")
	f.Add([]byte("**/*.pem\n!keep/**\n"), "keep/a/b.pem")
	f.Add([]byte("[\n"), "x")
	f.Add([]byte("!\n"), "x")
	f.Add([]byte("\xEF\xBB\xBF/a/../b\r\n# c\n\\*\n"), "*")
	f.Add([]byte("a/**/b\n!a/x/b\n"), "a/x/b/c")
	f.Add([]byte("caf\xe9\n"), "caf\xe9")
	f.Add([]byte("a\x00b\n"), "../../etc/passwd")
	f.Add([]byte("*[a-\n"), "*[a-")
	f.Fuzz(func(t *testing.T, data []byte, p string) {
		pats, err := ReadIgnore("fuzz.dockerignore", data)
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) || le.Path != "fuzz.dockerignore" || le.Line < 0 || le.Line > len(data)+1 {
				t.Fatalf("bad error %#v", err)
			}
			return
		}
		prev := 0
		for _, pt := range pats {
			if pt.Text == "" || pt.Line <= prev {
				t.Fatalf("bad pattern %+v after line %d", pt, prev)
			}
			prev = pt.Line
		}
		m, err := newMatcher(pats)
		if err != nil {
			t.Fatalf("validated patterns rejected: %v", err)
		}
		c := &Context{Patterns: pats, m: m, Files: []string{"a", "a/b"}, Symlinks: map[string]string{"a/b": "../.."}}
		inc := c.Included(p)
		pt, ex := c.MatchesPattern(p)
		if inc == ex {
			t.Fatalf("Included(%q)=%v but MatchesPattern excluded=%v", p, inc, ex)
		}
		if pt != nil && pt.Exclusion == ex {
			t.Fatalf("deciding pattern %+v contradicts excluded=%v", pt, ex)
		}
		if ex && pt == nil {
			t.Fatalf("excluded %q without a pattern", p)
		}
		for _, s := range c.Sources(p) {
			if !c.Sent(s) {
				t.Fatalf("Sources(%q) returned unsent %q", p, s)
			}
		}
		_ = c.RootOnlyPatterns()
	})
}
