package fix

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/scan"
)

var update = flag.Bool("update", false, "rewrite golden files")

// copyTree copies a fixture into a fresh temporary directory.
func copyTree(t testing.TB, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, _ := d.Info()
		return os.WriteFile(target, b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// snapshot reads every file of a tree.
func snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			out[filepath.ToSlash(rel)] = string(b)
		}
		return nil
	})
	return out
}

func scanDir(t testing.TB, dir string) *finding.Result {
	t.Helper()
	res, err := scan.Scan(context.Background(), scan.Options{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// render is what a golden file holds: the diff, then the notes.
func render(t testing.TB, res *Result, root string) string {
	var b bytes.Buffer
	if err := res.Diff(&b); err != nil {
		t.Fatal(err)
	}
	b.WriteString("# notes\n")
	res.Summary(&b)
	return strings.ReplaceAll(b.String(), root, "$ROOT")
}

func TestGolden(t *testing.T) {
	for _, group := range []string{"cases", "corpus"} {
		ents, err := os.ReadDir(filepath.Join("testdata", group))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if !e.IsDir() {
				continue
			}
			dir := filepath.Join("testdata", group, e.Name())
			t.Run(group+"/"+e.Name(), func(t *testing.T) {
				checkCase(t, dir, dir+".golden")
			})
		}
	}
	// The bundled hardened example itself, not a copy that could drift:
	// nothing to fix, so it must come out identical.
	t.Run("examples/hardened-fastapi", func(t *testing.T) {
		checkCase(t, filepath.Join("..", "..", "examples", "hardened-fastapi"), filepath.Join("testdata", "hardened-example.golden"))
	})
}

// checkCase runs every guarantee of fix over one project: the golden diff,
// the diff applies with patch(1) to the same bytes --write produces, the
// output re-parses, the repaired findings are gone and nothing got worse,
// and a second run changes nothing.
func checkCase(t *testing.T, src, golden string) {
	ctx := context.Background()
	root := copyTree(t, src)
	orig := snapshot(t, root)
	before := scanDir(t, root)
	res, err := Plan(ctx, Options{Path: root})
	if err != nil {
		t.Fatal(err)
	}
	if got := snapshot(t, root); !equalMaps(got, orig) {
		t.Fatal("Plan wrote to the tree")
	}
	out := render(t, res, root)
	if golden != "" {
		if *update {
			if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update)", err)
		}
		if string(want) != out {
			t.Errorf("output differs from %s:\n%s", golden, out)
		}
	}
	// The printed diff is a real patch of the same edit.
	if len(res.Changes) > 0 {
		if _, err := exec.LookPath("patch"); err == nil {
			patched := copyTree(t, src)
			var d bytes.Buffer
			res.Diff(&d)
			cmd := exec.Command("patch", "-p1", "--quiet", "--no-backup-if-mismatch")
			cmd.Dir, cmd.Stdin = patched, &d
			if msg, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("patch -p1: %v\n%s", err, msg)
			}
			defer func() {
				if got, want := snapshot(t, patched), snapshot(t, root); !equalMaps(got, want) {
					t.Errorf("patch(1) of the diff and --write disagree")
				}
			}()
		}
	}
	if err := res.Write(); err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Changes {
		if st, err := os.Stat(c.Abs); err != nil || (c.Old != nil && st.Mode().Perm() != c.Mode) {
			t.Errorf("%s: mode not kept", c.Path)
		}
		checkParses(t, c)
	}
	after := scanDir(t, root)
	checkRepaired(t, res, before, after)
	checkNotWorse(t, before, after)
	// Idempotence: fixing the fixed tree changes nothing.
	again, err := Plan(ctx, Options{Path: root})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range again.Changes {
		var d bytes.Buffer
		Unified(&d, "a/"+c.Path, "b/"+c.Path, c.Old, c.New)
		t.Errorf("second run changes %s:\n%s", c.Path, d.String())
	}
	if len(res.Changes) == 0 {
		if got := snapshot(t, root); !equalMaps(got, orig) {
			t.Error("nothing to fix, yet the tree changed")
		}
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// checkParses re-reads a changed file with the parsers scan uses.
func checkParses(t *testing.T, c *Change) {
	switch scan.Classify(c.Abs) {
	case scan.DockerfileKind:
		if _, err := dockerfile.ParseBytes(c.Path, c.New, dockerfile.Options{}); err != nil {
			t.Errorf("fixed %s does not parse: %v", c.Path, err)
		}
	case scan.ComposeKind:
		if _, err := compose.Load(context.Background(), compose.Options{Files: []string{c.Abs}}); err != nil && c.Old != nil {
			// Only a file that loaded alone before must load alone after.
			dir := t.TempDir()
			f := filepath.Join(dir, filepath.Base(c.Abs))
			os.WriteFile(f, c.Old, 0o600)
			if _, oerr := compose.Load(context.Background(), compose.Options{Files: []string{f}}); oerr == nil {
				t.Errorf("fixed %s does not load: %v", c.Path, err)
			}
		}
	}
}

type fkey struct{ rule, path, msg string }

func keyOf(f finding.Finding) fkey { return fkey{f.Rule.ID, f.Location.Path, f.Message} }

// checkRepaired: every finding a fix claims to repair is gone.
func checkRepaired(t *testing.T, res *Result, before, after *finding.Result) {
	left := map[fkey]bool{}
	for _, f := range after.Findings {
		left[keyOf(f)] = true
	}
	for _, n := range res.Fixed {
		for _, f := range before.Findings {
			if f.Rule.ID == n.Rule && f.Location.Path == n.Path && f.Message == n.Finding && left[keyOf(f)] {
				t.Errorf("%s claimed fixed at %s:%d but still reported: %s", n.Rule, n.Path, n.Line, f.Message)
			}
		}
	}
}

// checkNotWorse: no finding appears that is more severe than the worst
// finding of the same file before the fix.
func checkNotWorse(t *testing.T, before, after *finding.Result) {
	had := map[fkey]bool{}
	worst := map[string]finding.Severity{}
	for _, f := range before.Findings {
		had[keyOf(f)] = true
		if f.Severity > worst[f.Location.Path] {
			worst[f.Location.Path] = f.Severity
		}
	}
	var news []string
	for _, f := range after.Findings {
		if had[keyOf(f)] {
			continue
		}
		news = append(news, fmt.Sprintf("%s %s %s: %s", f.Severity, f.Rule.ID, f.Location, f.Message))
		if f.Severity > finding.Low && f.Severity > worst[f.Location.Path] {
			t.Errorf("new finding worse than anything before: %s %s %s", f.Severity, f.Rule.ID, f.Message)
		}
	}
	sort.Strings(news)
	for _, n := range news {
		t.Logf("new: %s", n)
	}
	if len(after.Errors) > len(before.Errors) {
		t.Errorf("the fixed tree has input errors: %v", after.Errors)
	}
}
