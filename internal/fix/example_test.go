package fix

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hardhull/hardhull/internal/finding"
)

// moduleRoot walks up to go.mod.
func moduleRoot(t testing.TB) string {
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

func countBySeverity(r *finding.Result) map[finding.Severity]int {
	out := map[finding.Severity]int{}
	for _, f := range r.Findings {
		out[f.Severity]++
	}
	return out
}

// TestInsecureExample: fixing a copy of examples/insecure-fastapi removes
// most of its findings, and every guarantee holds on it.
func TestInsecureExample(t *testing.T) {
	src := filepath.Join(moduleRoot(t), "examples", "insecure-fastapi")
	checkCase(t, src, "")

	root := copyTree(t, src)
	before := scanDir(t, root)
	res, err := Plan(context.Background(), Options{Path: root})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Write(); err != nil {
		t.Fatal(err)
	}
	after := scanDir(t, root)
	t.Logf("findings before %d %v, after %d %v; %d fixed, %d skipped",
		len(before.Findings), countBySeverity(before), len(after.Findings), countBySeverity(after), len(res.Fixed), len(res.Skipped))
	if 2*len(after.Findings) > len(before.Findings) {
		t.Errorf("fix removed too little: %d findings before, %d after", len(before.Findings), len(after.Findings))
	}
}

// TestCorpusInPlace runs the guarantees over real projects from the shared
// corpus (next to the module), each copied to a temporary directory.
func TestCorpusInPlace(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	repos := filepath.Join(moduleRoot(t), "..", "shared", "corpus", "repos")
	ents, err := os.ReadDir(repos)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("corpus missing in CI: %v", err)
		}
		t.Skipf("corpus not present: %v", err)
	}
	n := 0
	for _, e := range ents {
		if !e.IsDir() || n >= 24 {
			continue
		}
		n++
		dir := filepath.Join(repos, e.Name())
		t.Run(e.Name(), func(t *testing.T) { checkCase(t, dir, "") })
	}
}
