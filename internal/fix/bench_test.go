package fix

import (
	"context"
	"path/filepath"
	"testing"
)

// BenchmarkPlanInsecureExample measures a whole fix plan (scan included)
// of examples/insecure-fastapi.
func BenchmarkPlanInsecureExample(b *testing.B) {
	root := copyTree(b, filepath.Join(moduleRoot(b), "examples", "insecure-fastapi"))
	for b.Loop() {
		if _, err := Plan(context.Background(), Options{Path: root}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlanCorpusSample plans the copied awesome-compose samples.
func BenchmarkPlanCorpusSample(b *testing.B) {
	root := copyTree(b, filepath.Join("testdata", "corpus"))
	for b.Loop() {
		if _, err := Plan(context.Background(), Options{Path: root}); err != nil {
			b.Fatal(err)
		}
	}
}
