package buildctx

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	fscopy "github.com/tonistiigi/fsutil/copy"
)

// TestSourcesMatchBuildKitCopy materialises the sent context and runs
// fsutil's copy with the options BuildKit's Dockerfile frontend uses for
// COPY (wildcards, links followed, directory contents), then maps every
// copied file back to its source by content and compares with Sources.
func TestSourcesMatchBuildKitCopy(t *testing.T) {
	ctxDir := t.TempDir()
	writeTree(t, ctxDir, map[string]string{
		".dockerignore":        "**/*.log\nsecret\n!secret/public.txt\n",
		"requirements.txt":     "",
		"notes.txt":            "",
		"run.log":              "",
		"app/main.py":          "",
		"app/util.py":          "",
		"app/debug.log":        "",
		"app/pkg/mod.py":       "",
		"app/pkg/data.txt":     "",
		"app/pkg/deep/x.json":  "",
		"lib/helper.py":        "",
		"lib/sub/inner.py":     "",
		"secret/key.pem":       "",
		"secret/public.txt":    "",
		"web/index.html":       "",
		"web/static/site.css":  "",
		"link-app":             "->app",
		"abs-link":             "->/app/pkg",
		"esc-link":             "->../../../../etc",
		"conf.txt":             "->app/pkg/data.txt",
		"app/pkg/up":           "->../../lib",
		"dangling":             "->nowhere",
		"loop-a":               "->loop-b",
		"loop-b":               "->loop-a",
		"question?mark/file.a": "",
	})
	c := mustOpen(t, ctxDir, "")

	sent := t.TempDir()
	for _, f := range c.Files {
		p := filepath.Join(sent, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		if target, ok := c.Symlinks[f]; ok {
			err = os.Symlink(target, p)
		} else {
			err = os.WriteFile(p, []byte(f), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	byTarget := map[string]string{}
	for link, target := range c.Symlinks {
		byTarget[target] = link
	}

	srcs := []string{
		".", "./", "/", "app", "app/", "/app/pkg", "app/pkg/", "../app/main.py", "requirements.txt",
		"*.txt", "*.py", "*/*.py", "app/*", "app/*.py", "app/p?g/*.py", "a*", "*/pkg", "[a-l]*/*.py",
		"link-app", "link-app/*.py", "link-app/pkg/up", "abs-link", "esc-link", "conf.txt", "dangling",
		"loop-a", "loop-*", "secret", "secret/*", "*.log", "app/debug.log", "missing", "missing/*",
		"web/**", "question?mark", `question\?mark/*`, "[",
	}
	type copyCase struct {
		src      string
		excludes []string
	}
	var cases []copyCase
	for _, src := range srcs {
		cases = append(cases, copyCase{src: src})
	}
	cases = append(cases,
		copyCase{".", []string{"*.txt"}},
		copyCase{".", []string{"**/*.py", "!app/main.py"}},
		copyCase{".", []string{"app", "!app/pkg/mod.py"}},
		copyCase{"app", []string{"pkg"}},
		copyCase{"app", []string{"app"}}, // relative to the copied root: matches nothing
		copyCase{"*", []string{"*.py", "deep"}},
		copyCase{"requirements.txt", []string{"*.txt"}}, // a single-file source is never excluded
		copyCase{"*.txt", []string{"*.txt"}},
		copyCase{"link-app", []string{"pkg/*", "!pkg/up"}},
	)
	for _, tc := range cases {
		src := tc.src
		dst := t.TempDir()
		opts := []fscopy.Opt{fscopy.AllowWildcards, func(ci *fscopy.CopyInfo) { ci.FollowLinks = true; ci.CopyDirContents = true }}
		for _, e := range tc.excludes {
			opts = append(opts, fscopy.WithExcludePattern(e))
		}
		// BuildKit's file backend resolves wildcards itself and, for
		// Dockerfile COPY (AllowEmptyWildcard), copies nothing on no match.
		matches, err := fscopy.ResolveWildcards(sent, src, true)
		if err == nil && len(matches) > 0 {
			err = fscopy.Copy(context.Background(), sent, src, dst, "/out/", opts...)
		}
		var got []string
		if err == nil {
			err := filepath.WalkDir(filepath.Join(dst, "out"), func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				if d.Type()&fs.ModeSymlink != 0 {
					target, err := os.Readlink(p)
					if err != nil {
						return err
					}
					got = append(got, byTarget[target])
					return nil
				}
				b, err := os.ReadFile(p)
				got = append(got, string(b))
				return err
			})
			if err != nil && !os.IsNotExist(err) {
				t.Fatalf("%s: list copy: %v", src, err)
			}
		}
		slices.Sort(got)
		got = slices.Compact(got) // a file reached twice (a* hits app and a link into it) is one source
		want, werr := c.SourcesExcluding(src, tc.excludes)
		if (werr != nil) != (err != nil) || (werr != nil && !errors.Is(werr, ErrNoSource)) {
			t.Errorf("SourcesExcluding(%q, %q) error %v; BuildKit's copy error %v", src, tc.excludes, werr, err)
		}
		if !equalStrings(want, got) {
			t.Errorf("SourcesExcluding(%q, %q) = %q, BuildKit's copy brings %q (copy error: %v)", src, tc.excludes, want, got, err)
		}
		if tc.excludes == nil && !equalStrings(c.Sources(src), want) {
			t.Errorf("Sources(%q) differs from SourcesExcluding without patterns", src)
		}
	}
}
