package buildctx

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type decision struct {
	line     int // 0: no pattern settles it
	excluded bool
}

func TestOpen(t *testing.T) {
	seed, err := os.ReadFile("testdata/seed.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		tree       map[string]string
		dockerfile string // relative to the context; "" for the default
		wantIgnore string // relative to the context; "" for none
		specific   bool
		wantFiles  []string
		decisions  map[string]decision
		copies     map[string][]string
	}{
		{
			name: "seed dockerignore",
			tree: map[string]string{
				".dockerignore":                    string(seed),
				"Dockerfile":                       "FROM scratch\n",
				".env":                             "A=1",
				".env.production":                  "A=2",
				"app/.env":                         "A=3",
				"app/config/.env.local":            "A=4",
				"app/main.py":                      "print()",
				"app/secrets/api.txt":              "k",
				"server.pem":                       "p",
				"certs/server.pem":                 "p",
				"server.key":                       "k",
				"secrets/db.txt":                   "s",
				"credentials/gcp.json":             "{}",
				".git/config":                      "",
				".git/HEAD":                        "",
				".gitignore":                       "",
				".idea/workspace.xml":              "",
				".vscode/settings.json":            "",
				"tests/fixtures/secrets/token.txt": "t",
				"tests/fixtures/data.json":         "{}",
				"tests/test_app.py":                "",
				"requirements.txt":                 "fastapi",
			},
			wantIgnore: ".dockerignore",
			wantFiles: []string{
				".dockerignore", "Dockerfile", "app/.env", "app/config/.env.local", "app/main.py",
				"app/secrets/api.txt", "certs/server.pem", "requirements.txt",
				"tests/fixtures/data.json", "tests/test_app.py",
			},
			decisions: map[string]decision{
				".env":                             {2, true},
				".env.production":                  {3, true},
				"app/.env":                         {0, false},
				"server.pem":                       {4, true},
				"server.key":                       {5, true},
				"secrets/db.txt":                   {6, true},
				"/credentials/gcp.json":            {7, true},
				".git/config":                      {10, true},
				"./.vscode/settings.json":          {15, true},
				"tests/fixtures/secrets/token.txt": {18, true},
				"tests/fixtures/data.json":         {0, false},
			},
			copies: map[string][]string{
				"requirements.txt": {"requirements.txt"},
				"app/":             {"app/.env", "app/config/.env.local", "app/main.py", "app/secrets/api.txt"},
				".env":             nil, // excluded: the build would fail
				"*.txt":            {"requirements.txt"},
				"app/*.py":         {"app/main.py"},
				"tests":            {"tests/fixtures/data.json", "tests/test_app.py"},
			},
		},
		{
			name: "root-only vs everywhere",
			tree: map[string]string{
				".dockerignore":        ".env\n**/.env.local\n",
				".env":                 "",
				".env.local":           "",
				"app/.env":             "",
				"app/.env.local":       "",
				"app/deep/er/.env":     "",
				"app/deep/er/.env.loc": "",
			},
			wantIgnore: ".dockerignore",
			wantFiles:  []string{".dockerignore", "app/.env", "app/deep/er/.env", "app/deep/er/.env.loc"},
			decisions: map[string]decision{
				".env":             {1, true},
				"app/.env":         {0, false},
				".env.local":       {2, true},
				"app/.env.local":   {2, true},
				"x/y/z/.env.local": {2, true},
			},
		},
		{
			name: "exceptions re-include",
			tree: map[string]string{
				".dockerignore":     "*.md\n!README.md\ndocs\n!docs/keep.txt\n# order matters: a later line wins\n!CHANGELOG.md\nCHANGELOG.md\n",
				"README.md":         "",
				"NOTES.md":          "",
				"CHANGELOG.md":      "",
				"docs/keep.txt":     "",
				"docs/drop.txt":     "",
				"docs/sub/deep.txt": "",
				"src/NOTES.md":      "",
			},
			wantIgnore: ".dockerignore",
			// *.md is root-only, so src/NOTES.md stays.
			wantFiles: []string{".dockerignore", "README.md", "docs/keep.txt", "src/NOTES.md"},
			decisions: map[string]decision{
				"README.md":         {2, false},
				"NOTES.md":          {1, true},
				"docs/keep.txt":     {4, false},
				"docs/drop.txt":     {3, true},
				"docs/sub/deep.txt": {3, true},
				"CHANGELOG.md":      {7, true},
			},
			copies: map[string][]string{
				"docs": {"docs/keep.txt"},
				"*.md": {"README.md"},
			},
		},
		{
			name: "a later exception re-includes a whole directory",
			tree: map[string]string{
				".dockerignore": "**/.env\n*\n!app\n",
				"app/.env":      "",
				"app/main.py":   "",
				"other/.env":    "",
			},
			wantIgnore: ".dockerignore",
			wantFiles:  []string{"app/.env", "app/main.py"},
			decisions: map[string]decision{
				"app/.env":   {3, false},
				"other/.env": {2, true},
				".env":       {1, true}, // the first matching exclude settles it
			},
		},
		{
			name: "dockerfile-specific ignore file wins",
			tree: map[string]string{
				".dockerignore":                     "*.txt\n",
				"build/app.Dockerfile":              "FROM scratch\n",
				"build/app.Dockerfile.dockerignore": "secret.env\n",
				"a.txt":                             "",
				"secret.env":                        "",
			},
			dockerfile: "build/app.Dockerfile",
			wantIgnore: "build/app.Dockerfile.dockerignore",
			specific:   true,
			wantFiles:  []string{".dockerignore", "a.txt", "build/app.Dockerfile", "build/app.Dockerfile.dockerignore"},
			decisions:  map[string]decision{"secret.env": {1, true}, "a.txt": {0, false}},
		},
		{
			name: "empty dockerfile-specific file still wins",
			tree: map[string]string{
				".dockerignore":           "*.txt\n",
				"Dockerfile":              "FROM scratch\n",
				"Dockerfile.dockerignore": "",
				"a.txt":                   "",
			},
			wantIgnore: "Dockerfile.dockerignore",
			specific:   true,
			wantFiles:  []string{".dockerignore", "Dockerfile", "Dockerfile.dockerignore", "a.txt"},
		},
		{
			name: "other dockerfile falls back to context file",
			tree: map[string]string{
				".dockerignore":           "*.txt\n",
				"Dockerfile.dockerignore": "Dockerfile*\n",
				"prod.Dockerfile":         "FROM scratch\n",
				"a.txt":                   "",
			},
			dockerfile: "prod.Dockerfile",
			wantIgnore: ".dockerignore",
			wantFiles:  []string{".dockerignore", "Dockerfile.dockerignore", "prod.Dockerfile"},
		},
		{
			name: "a directory named .dockerignore is no ignore file",
			tree: map[string]string{
				".dockerignore/x": "",
				"a.txt":           "",
			},
			wantFiles: []string{".dockerignore/x", "a.txt"},
		},
		{
			name: "leading slash and cleaning",
			tree: map[string]string{
				".dockerignore": "/app/../secret\n  /tmp//x/  \n",
				"secret":        "",
				"tmp/x/y":       "",
				"tmp/z":         "",
			},
			wantIgnore: ".dockerignore",
			wantFiles:  []string{".dockerignore", "tmp/z"},
			decisions:  map[string]decision{"secret": {1, true}, "tmp/x/y": {2, true}},
		},
		{
			name: "copy forms",
			tree: map[string]string{
				"requirements.txt": "",
				"notes.txt":        "",
				"app/main.py":      "",
				"app/util.py":      "",
				"app/pkg/mod.py":   "",
				"app/pkg/data.txt": "",
				"web/index.html":   "",
				"link-app":         "->app",
				"abs-link":         "->/app/pkg",
				"esc-link":         "->../../../../etc",
				"conf.txt":         "->app/pkg/data.txt",
			},
			wantFiles: []string{
				"abs-link", "app/main.py", "app/pkg/data.txt", "app/pkg/mod.py", "app/util.py",
				"conf.txt", "esc-link", "link-app", "notes.txt", "requirements.txt", "web/index.html",
			},
			copies: map[string][]string{
				".": {"abs-link", "app/main.py", "app/pkg/data.txt", "app/pkg/mod.py", "app/util.py",
					"conf.txt", "esc-link", "link-app", "notes.txt", "requirements.txt", "web/index.html"},
				"./":                {"abs-link", "app/main.py", "app/pkg/data.txt", "app/pkg/mod.py", "app/util.py", "conf.txt", "esc-link", "link-app", "notes.txt", "requirements.txt", "web/index.html"},
				"app/":              {"app/main.py", "app/pkg/data.txt", "app/pkg/mod.py", "app/util.py"},
				"/app/pkg":          {"app/pkg/data.txt", "app/pkg/mod.py"},
				"../../app/main.py": {"app/main.py"},
				"*.txt":             {"app/pkg/data.txt", "notes.txt", "requirements.txt"}, // conf.txt is a link, followed
				"requirements.txt":  {"requirements.txt"},
				"app/*":             {"app/main.py", "app/pkg/data.txt", "app/pkg/mod.py", "app/util.py"},
				"app/*.py":          {"app/main.py", "app/util.py"},
				"*/*.py":            {"app/main.py", "app/util.py"},
				"app/p?g/*.py":      {"app/pkg/mod.py"},
				"a*":                {"app/main.py", "app/pkg/data.txt", "app/pkg/mod.py", "app/util.py"},
				"link-app/*.py":     {"app/main.py", "app/util.py"},
				"link-app":          {"app/main.py", "app/pkg/data.txt", "app/pkg/mod.py", "app/util.py"},
				"abs-link":          {"app/pkg/data.txt", "app/pkg/mod.py"},
				"esc-link":          nil, // resolves to <context>/etc: not there
				"missing.txt":       nil,
				"[":                 nil, // bad glob matches nothing
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, tc.tree)
			df := ""
			if tc.dockerfile != "" {
				df = filepath.Join(dir, tc.dockerfile)
			}
			c := mustOpen(t, dir, df)
			wantIgnore := ""
			if tc.wantIgnore != "" {
				wantIgnore = filepath.Join(dir, tc.wantIgnore)
			}
			if c.IgnoreFile != wantIgnore || c.DockerfileSpecific != tc.specific {
				t.Errorf("ignore file = %q specific=%v, want %q specific=%v", c.IgnoreFile, c.DockerfileSpecific, wantIgnore, tc.specific)
			}
			if sent := sentByFsutil(t, dir, c.Patterns); !equalStrings(c.Files, sent) {
				t.Errorf("Files differ from fsutil:\n got %q\nwant %q", c.Files, sent)
			}
			if !equalStrings(c.Files, tc.wantFiles) {
				t.Errorf("Files:\n got %q\nwant %q", c.Files, tc.wantFiles)
			}
			for rel, want := range tc.decisions {
				p, ex := c.MatchesPattern(rel)
				line := 0
				if p != nil {
					line = p.Line
				}
				if line != want.line || ex != want.excluded {
					t.Errorf("MatchesPattern(%q) = line %d excluded %v, want line %d excluded %v", rel, line, ex, want.line, want.excluded)
				}
				if c.Included(rel) == want.excluded {
					t.Errorf("Included(%q) = %v, want %v", rel, !want.excluded, !want.excluded)
				}
			}
			for src, want := range tc.copies {
				if got := c.Sources(src); !equalStrings(got, want) {
					t.Errorf("Sources(%q):\n got %q\nwant %q", src, got, want)
				}
			}
			// Every sent file is Included and Sent; the walk and the
			// per-path decision never disagree.
			for _, f := range c.Files {
				if !c.Included(f) || !c.Sent(f) {
					t.Errorf("sent file %q: Included=%v Sent=%v", f, c.Included(f), c.Sent(f))
				}
			}
		})
	}
}

func TestPatternsKeepLines(t *testing.T) {
	data := "\xEF\xBB\xBF# comment\n\n  .env  \r\n!  /keep\n# x\n*.pem\n"
	got, err := ReadIgnore("x/.dockerignore", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []Pattern{{".env", 3, false}, {"!keep", 4, true}, {"*.pem", 6, false}}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("pattern %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestRootOnlyPatterns(t *testing.T) {
	dir := t.TempDir()
	seed, err := os.ReadFile("testdata/seed.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, map[string]string{
		".dockerignore":         string(seed),
		".env":                  "",
		"app/.env":              "",
		"app/config/.env.local": "",
		"certs/server.pem":      "",
		"app/secrets/api.txt":   "",
		"app/main.py":           "",
		"lib/.gitignore":        "",
	})
	c := mustOpen(t, dir, "")
	got := map[string][]string{}
	for _, r := range c.RootOnlyPatterns() {
		if r.Suggestion != "**/"+r.Pattern.Text {
			t.Errorf("suggestion %q for %q", r.Suggestion, r.Pattern.Text)
		}
		got[r.Pattern.Text] = r.Files
	}
	want := map[string][]string{
		".env":       {"app/.env"},
		".env.*":     {"app/config/.env.local"},
		"*.pem":      {"certs/server.pem"},
		"secrets":    {"app/secrets/api.txt"},
		".gitignore": {"lib/.gitignore"},
	}
	if len(got) != len(want) {
		t.Errorf("got %q, want %q", got, want)
	}
	for k, v := range want {
		if !equalStrings(got[k], v) {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}

	// With "**/" the nested copies are excluded and nothing is reported.
	// The exception comes first: a later "!app" would re-include all of
	// app/, .env included.
	dir2 := t.TempDir()
	writeTree(t, dir2, map[string]string{
		".dockerignore": "*\n!app\n**/.env\n**/*.pem\n",
		"app/.env":      "",
		"app/x.pem":     "",
		"app/main.py":   "",
	})
	c2 := mustOpen(t, dir2, "")
	if r := c2.RootOnlyPatterns(); len(r) != 0 {
		t.Errorf("unexpected root-only report %+v", r)
	}
	if !equalStrings(c2.Files, []string{"app/main.py"}) {
		t.Errorf("Files = %q", c2.Files)
	}
}

func TestNoIgnoreFile(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{".env": "", "a/b": "", "empty/": ""})
	c := mustOpen(t, dir, "")
	if c.IgnoreFile != "" || len(c.Patterns) != 0 || c.Excluded != 0 {
		t.Errorf("got ignore %q patterns %v excluded %d", c.IgnoreFile, c.Patterns, c.Excluded)
	}
	if !equalStrings(c.Files, []string{".env", "a/b"}) {
		t.Errorf("Files = %q", c.Files)
	}
	if p, ex := c.MatchesPattern(".env"); p != nil || ex || !c.Included(".env") {
		t.Errorf(".env: %v %v", p, ex)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(filepath.Join(dir, "missing"), "", Options{}); err == nil {
		t.Error("missing context: no error")
	}
	f := filepath.Join(dir, "file")
	writeTree(t, dir, map[string]string{"file": ""})
	if _, err := Open(f, "", Options{}); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("file as context: %v", err)
	}
}

func TestSourcesErrors(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		".dockerignore": ".env\n",
		".env":          "",
		"app/.env":      "",
		"app/main.py":   "",
		"empty/":        "",
	})
	c := mustOpen(t, dir, "")
	cases := []struct {
		src      string
		excludes []string
		want     []string
		err      error
	}{
		{".env", nil, nil, ErrNoSource}, // excluded: COPY .env fails the build
		{"nope/*.py", nil, nil, ErrNoSource},
		{"*.nothing", nil, nil, nil}, // empty wildcard is allowed
		{"empty", nil, nil, nil},     // an empty directory copies nothing, fine
		{".", []string{"**/.env"}, []string{".dockerignore", "app/main.py"}, nil},
		{"app", []string{".env"}, []string{"app/main.py"}, nil},
		{"app/.env", []string{".env"}, []string{"app/.env"}, nil},
	}
	for _, tc := range cases {
		got, err := c.SourcesExcluding(tc.src, tc.excludes)
		if !errors.Is(err, tc.err) || (tc.err == nil && err != nil) || !equalStrings(got, tc.want) {
			t.Errorf("SourcesExcluding(%q, %q) = %q, %v; want %q, %v", tc.src, tc.excludes, got, err, tc.want, tc.err)
		}
	}
	if _, err := c.SourcesExcluding(".", []string{"["}); err == nil || !strings.Contains(err.Error(), "syntax error") {
		t.Errorf("bad --exclude pattern: %v", err)
	}
}

// TestCopiesDir: a COPY source is a directory by what the context holds,
// not by how it is spelled.
func TestCopiesDir(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"app/main.py":              "",
		"docker-php-ext-configure": "",
		"docker-php-ext-install":   "",
		"entrypoint.sh":            "",
		"conf/nginx/default.conf":  "",
		"empty/":                   "",
	})
	c := mustOpen(t, dir, "")
	for src, want := range map[string]bool{
		".": true, "./": true, "app": true, "./app": true, "app/": true, "empty": true,
		"docker-php-ext-*": false, "entrypoint.sh": false, "conf/*": true, "conf/nginx/*.conf": false, "*.js": false,
	} {
		if got, known := c.CopiesDir(src); got != want || !known {
			t.Errorf("CopiesDir(%q) = %v, %v; want %v, true", src, got, known, want)
		}
	}
	if _, known := c.CopiesDir("rootfs/"); known {
		t.Error("a source missing from the context is decided")
	}
}
