package buildctx

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// genTree writes n files spread over 100 directories two levels deep,
// with a mix of names the seed's .dockerignore excludes, plus the seed's
// ignore file and a node_modules the builder skips without walking.
func genTree(b *testing.B, n int) string {
	b.Helper()
	dir := b.TempDir()
	seed, err := os.ReadFile("testdata/seed.dockerignore")
	if err != nil {
		b.Fatal(err)
	}
	seed = append(seed, "\n**/*.pyc\nnode_modules\n!app/keep.env\n"...)
	if err := os.WriteFile(filepath.Join(dir, ".dockerignore"), seed, 0o644); err != nil {
		b.Fatal(err)
	}
	names := []string{"main.py", "util.pyc", "config.json", ".env", "cert.pem", "README.md", "data.csv"}
	for i := range n {
		d := filepath.Join(dir, fmt.Sprintf("pkg%02d", i%10), fmt.Sprintf("sub%02d", (i/10)%10))
		if i%1000 == 0 {
			d = filepath.Join(dir, "node_modules", fmt.Sprintf("m%d", i))
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			b.Fatal(err)
		}
		p := filepath.Join(d, fmt.Sprintf("%05d-%s", i, names[i%len(names)]))
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

func benchOpen(b *testing.B, n int) {
	dir := genTree(b, n)
	var walked int
	b.ResetTimer()
	for b.Loop() {
		c, err := Open(dir, "", Options{MaxFiles: 2 * n})
		if err != nil {
			b.Fatal(err)
		}
		walked = len(c.Files) + c.Excluded
	}
	b.ReportMetric(float64(walked)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
	b.ReportMetric(float64(walked), "entries")
}

// BenchmarkOpen20k is the size of a large application repository.
func BenchmarkOpen20k(b *testing.B) { benchOpen(b, 20_000) }

// BenchmarkOpen100k is the hostile size: a context half of MaxFiles.
func BenchmarkOpen100k(b *testing.B) { benchOpen(b, 100_000) }

// BenchmarkSources resolves the usual COPY sources on a 20k-file context.
func BenchmarkSources(b *testing.B) {
	c, err := Open(genTree(b, 20_000), "", Options{})
	if err != nil {
		b.Fatal(err)
	}
	srcs := []string{".", "pkg03/", "pkg0*/sub0?/*.py", "requirements.txt"}
	b.ResetTimer()
	for b.Loop() {
		for _, s := range srcs {
			_ = c.Sources(s)
		}
	}
}
