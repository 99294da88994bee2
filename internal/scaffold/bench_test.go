package scaffold

import (
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkRender measures rendering the largest template.
func BenchmarkRender(b *testing.B) {
	for b.Loop() {
		if _, err := Render("fastapi", Params{Name: "demo"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite measures planning and writing the fastapi template into a
// fresh directory, and re-planning it over an identical tree (the
// everything-unchanged path, which reads every file back).
func BenchmarkWrite(b *testing.B) {
	files, err := Render("fastapi", Params{Name: "demo"})
	if err != nil {
		b.Fatal(err)
	}
	base := b.TempDir()
	b.Run("fresh", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			if _, err := Write(filepath.Join(base, strconv.Itoa(i)), files, WriteOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		dir := filepath.Join(base, "same")
		if _, err := Write(dir, files, WriteOptions{}); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := Plan(dir, files); err != nil {
				b.Fatal(err)
			}
		}
	})
}
