package buildctx

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestHostileIgnoreFiles(t *testing.T) {
	cases := []struct {
		name    string
		content string
		opts    Options
		line    int    // expected LineError.Line
		msg     string // substring of the error
	}{
		{"bad bracket", "ok\n# c\n[\n", Options{}, 3, `pattern "[": syntax error in pattern`},
		{"bad bracket in exception", "a\n![\n", Options{}, 2, `pattern "![": syntax error`},
		{"lone bang", "a\n\n!\n", Options{}, 3, `illegal exclusion pattern`},
		{"unterminated class", "x/[a-\n", Options{}, 1, "syntax error"},
		{"huge line", "a\nb\n" + strings.Repeat("x", 100_000) + "\n", Options{}, 3, "token too long"},
		{"file too large", strings.Repeat("a\n", 600), Options{MaxIgnoreBytes: 1000}, 0, "more than 1000 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, map[string]string{".dockerignore": tc.content, "f": ""})
			_, err := Open(dir, "", tc.opts)
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not a *LineError", err)
			}
			want := filepath.Join(dir, ".dockerignore")
			if le.Path != want || le.Line != tc.line {
				t.Errorf("error at %s:%d, want %s:%d", le.Path, le.Line, want, tc.line)
			}
			if !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q or the path", err, tc.msg)
			}
		})
	}
}

func TestUnrepresentablePatterns(t *testing.T) {
	cases := map[string]struct {
		content string
		line    int
		msg     string
	}{
		"invalid utf-8":      {"ok\ncaf\xe9.txt\n", 2, "not valid UTF-8"},
		"binary garbage":     {"\x00\x01\x02\n", 1, "NUL"},
		"bom after line one": {"a\n\xEF\xBB\xBFb\n", 2, "byte order mark"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ReadIgnore(".dockerignore", []byte(tc.content))
			var le *LineError
			if !errors.As(err, &le) || le.Line != tc.line || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v, want line %d with %q", err, tc.line, tc.msg)
			}
		})
	}
	// Invalid UTF-8 in a comment is harmless: the builder never reads it.
	if p, err := ReadIgnore(".dockerignore", []byte("# caf\xe9\n.env\n")); err != nil || len(p) != 1 || p[0].Line != 2 {
		t.Errorf("comment: %v %v", p, err)
	}
}

func TestSymlinksInTree(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(root, "outside")
	ctx := filepath.Join(root, "ctx")
	writeTree(t, root, map[string]string{
		"outside/secret.txt": "s",
		"ctx/app/main.py":    "",
		"ctx/app/self":       "->.",  // loop through a directory
		"ctx/app/up":         "->..", // loop to the root
		"ctx/loop-a":         "->loop-b",
		"ctx/loop-b":         "->loop-a",
		"ctx/out":            "->" + outside,
		"ctx/out-rel":        "->../outside",
		"ctx/out-file":       "->../outside/secret.txt",
		"ctx/dangling":       "->nowhere",
	})
	c := mustOpen(t, ctx, "")
	want := []string{"app/main.py", "app/self", "app/up", "dangling", "loop-a", "loop-b", "out", "out-file", "out-rel"}
	if !equalStrings(c.Files, want) {
		t.Fatalf("Files = %q, want %q", c.Files, want)
	}
	if c.Symlinks["out"] != outside {
		t.Errorf("Symlinks[out] = %q", c.Symlinks["out"])
	}
	copies := map[string][]string{
		"out":                   nil, // resolves inside the context, where nothing is
		"out-rel":               nil,
		"out-file":              nil,
		"out/secret.txt":        nil,
		"loop-a":                nil,
		"loop-a/x":              nil,
		"dangling":              nil,
		"app/self/self/main.py": {"app/main.py"},
		"app/up/app/main.py":    {"app/main.py"},
		"app/self":              {"app/main.py", "app/self", "app/up"},
		"loop-*":                nil,
	}
	for src, w := range copies {
		if got := c.Sources(src); !equalStrings(got, w) {
			t.Errorf("Sources(%q) = %q, want %q", src, got, w)
		}
	}
}

func TestWalkLimits(t *testing.T) {
	dir := t.TempDir()
	tree := map[string]string{}
	for i := range 1200 {
		tree[fmt.Sprintf("d%02d/f%04d", i%10, i)] = ""
	}
	writeTree(t, dir, tree)

	c, err := Open(dir, "", Options{MaxFiles: 100})
	if !errors.Is(err, ErrLimit) || c == nil || len(c.Files) == 0 || len(c.Files) > 100 {
		t.Errorf("MaxFiles: err=%v files=%d", err, len(c.Files))
	}
	c, err = Open(dir, "", Options{Budget: time.Nanosecond})
	if !errors.Is(err, ErrLimit) || c == nil || len(c.Files) >= 1200 {
		t.Errorf("Budget: err=%v", err)
	}
	c, err = Open(dir, "", Options{})
	if err != nil || len(c.Files) != 1200 {
		t.Errorf("unbounded: err=%v files=%d", err, len(c.Files))
	}
}

func TestExcludedDirNotWalked(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		".dockerignore":   "node_modules\n",
		"node_modules/a":  "",
		"node_modules/b":  "",
		"node_modules/c/": "",
		"main.js":         "",
	})
	c := mustOpen(t, dir, "")
	// One excluded entry: the directory itself, never opened.
	if c.Excluded != 1 || !equalStrings(c.Files, []string{".dockerignore", "main.js"}) {
		t.Errorf("Excluded=%d Files=%q", c.Excluded, c.Files)
	}
}

// TestDecisionsAgree walks random trees under random pattern lists and
// checks that the walk, Included (the builder's matcher fed ancestor by
// ancestor) and MatchesPattern (the same decision tracked per line) never
// disagree.
func TestDecisionsAgree(t *testing.T) {
	names := []string{"a", "b", ".env", "x.txt", "node_modules", "secrets"}
	pats := []string{"a", "b", ".env", "**/.env", "*.txt", "**/*.txt", "*", "a/*", "a/**", "secrets/",
		"!a", "!a/b", "!**/x.txt", "!.env", "!b/*", "*/.env", "**", "!a/.env", "node_modules", "!node_modules/a"}
	rng := rand.New(rand.NewSource(1))
	var nSent, nExcluded, nReincluded int
	for iter := range 60 {
		dir := t.TempDir()
		tree := map[string]string{}
		for range 25 {
			depth := 1 + rng.Intn(4)
			parts := make([]string, depth)
			for i := range parts {
				parts[i] = names[rng.Intn(len(names))]
			}
			p := strings.Join(parts, "/")
			tree[p] = ""
		}
		// Drop files that collide with directories.
		for p := range tree {
			for q := range tree {
				if strings.HasPrefix(q, p+"/") {
					delete(tree, p)
				}
			}
		}
		var lines []string
		for range 1 + rng.Intn(5) {
			lines = append(lines, pats[rng.Intn(len(pats))])
		}
		writeTree(t, dir, tree)
		if err := os.WriteFile(filepath.Join(dir, "Dockerfile.dockerignore"), []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		c := mustOpen(t, dir, "")
		if want := sentByFsutil(t, dir, c.Patterns); !equalStrings(c.Files, want) {
			t.Errorf("iter %d patterns %q: Files differ from fsutil\n got %q\nwant %q", iter, lines, c.Files, want)
		}
		for p := range tree {
			sent := c.Sent(p)
			pat, ex := c.MatchesPattern(p)
			switch {
			case !sent:
				nExcluded++
			case pat != nil:
				nReincluded++
			default:
				nSent++
			}
			if sent != c.Included(p) || sent == ex {
				t.Errorf("iter %d patterns %q path %q: sent=%v Included=%v MatchesPattern=%v,%v",
					iter, lines, p, sent, c.Included(p), pat, ex)
			}
		}
	}
	// The random mix must exercise every outcome to mean anything.
	if nSent == 0 || nExcluded == 0 || nReincluded == 0 {
		t.Errorf("weak coverage: sent %d, excluded %d, re-included %d", nSent, nExcluded, nReincluded)
	}
	t.Logf("sent %d, excluded %d, re-included %d", nSent, nExcluded, nReincluded)
}
