package scan

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/sirupsen/logrus"
)

// compose-go logs deprecation warnings through logrus; the CLI discards
// them, and so do the tests.
func init() { logrus.SetOutput(io.Discard) }

// corpusDir finds the shared real-world corpus beside the repository.
func corpusDir(tb testing.TB) string {
	tb.Helper()
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("go.mod not found")
		}
		dir = parent
	}
	c := filepath.Join(dir, "..", "shared", "corpus", "repos")
	if _, err := os.Stat(c); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("corpus missing at %s", c)
		}
		tb.Skipf("corpus not found at %s", c)
	}
	return c
}

// TestCorpus scans every real-world file: each must parse or give an error
// with a path, and the scan must not panic.
func TestCorpus(t *testing.T) {
	root := corpusDir(t)
	res, err := Scan(context.Background(), Options{Paths: []string{root}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Kinds["dockerfile"] < 400 || res.Kinds["compose"] < 150 {
		t.Fatalf("too few artifacts parsed: %v", res.Kinds)
	}
	for _, e := range res.Errors {
		if e.Path == "" || e.Message == "" {
			t.Errorf("error without path or message: %+v", e)
		}
		t.Logf("input error: %s:%d: %s", e.Path, e.Line, e.Message)
	}
	// Only templated or legacy-format files may fail.
	if len(res.Errors) > 10 {
		t.Errorf("%d corpus files failed to load", len(res.Errors))
	}
	for _, f := range res.Findings {
		if f.Location.Path == "" || f.Location.Line == 0 {
			t.Errorf("%s finding without file:line: %+v", f.Rule.ID, f.Location)
		}
	}
	t.Logf("%v artifacts, %d findings, %d errors", res.Kinds, len(res.Findings), len(res.Errors))
}

func BenchmarkScanCorpus(b *testing.B) {
	root := corpusDir(b)
	var files int
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && Classify(p) != Unknown {
			files++
		}
		return nil
	})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Scan(context.Background(), Options{Paths: []string{root}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(files)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
}
