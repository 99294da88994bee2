package image

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hardhull/hardhull/internal/image/imagegen"
)

// benchImage is the image the benchmarks read: HARDHULL_BENCH_IMAGE (see
// scripts/bench-image.sh) or a small generated one.
func benchImage(b *testing.B) string {
	if p := os.Getenv("HARDHULL_BENCH_IMAGE"); p != "" {
		return p
	}
	p := filepath.Join(b.TempDir(), "bench.tar")
	writeGenerated(b, p, imagegen.Spec{Size: 64 << 20, Layers: 8, Files: 5000, Seed: 1, Gzip: true})
	return p
}

func writeGenerated(tb testing.TB, p string, s imagegen.Spec) {
	tb.Helper()
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	if err := imagegen.Write(w, s); err != nil {
		tb.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkWalk is the full load: index, whiteouts, content capture.
func BenchmarkWalk(b *testing.B) {
	p := benchImage(b)
	var total int64
	for b.Loop() {
		m, err := Load(context.Background(), p, Options{})
		if err != nil {
			b.Fatal(err)
		}
		total = 0
		for _, l := range m.Layers {
			total += l.UncompressedSize
		}
	}
	b.SetBytes(total)
	reportPeakRSS(b)
}

// BenchmarkDecompressFloor reads every layer's uncompressed stream with the
// same parallelism and discards it: the floor the walk is measured against.
func BenchmarkDecompressFloor(b *testing.B) {
	p := benchImage(b)
	var total int64
	for b.Loop() {
		n, err := decompressOnly(p)
		if err != nil {
			b.Fatal(err)
		}
		total = n
	}
	b.SetBytes(total)
	reportPeakRSS(b)
}

func decompressOnly(p string) (int64, error) {
	src, err := Open(context.Background(), p, Options{})
	if err != nil {
		return 0, err
	}
	defer src.Close()
	layers, err := src.Layers()
	if err != nil {
		return 0, err
	}
	o := Options{}.withDefaults()
	var (
		mu    sync.Mutex
		total int64
		first error
		wg    sync.WaitGroup
	)
	jobs := make(chan LayerSource)
	for range min(o.Workers, len(layers)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for l := range jobs {
				rc, err := l.Open()
				var n int64
				if err == nil {
					n, err = io.Copy(io.Discard, rc)
					rc.Close()
				}
				mu.Lock()
				total += n
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		}()
	}
	for _, l := range layers {
		jobs <- l
	}
	close(jobs)
	wg.Wait()
	return total, first
}

// reportPeakRSS reports the process's peak resident set size (Linux).
func reportPeakRSS(b *testing.B) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for line := range bytes.Lines(data) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(string(rest)), " kB"), 10, 64)
			if err == nil {
				b.ReportMetric(float64(kb)/1024, "peakRSS-MiB")
			}
		}
	}
}

// TestGeneratedImage checks the generator's planted facts through the loader.
func TestGeneratedImage(t *testing.T) {
	p := filepath.Join(t.TempDir(), "gen.tar")
	writeGenerated(t, p, imagegen.Spec{Size: 2 << 20, Layers: 6, Files: 600, Seed: 7, Gzip: true})
	m := load(t, p, Options{})
	if len(m.Layers) != 6 || m.Layers[1].CreatedBy != "RUN /bin/sh -c generate layer 1" || m.Layers[2].CreatedBy != "RUN /bin/sh -c generate layer 2" {
		t.Errorf("layers: %d, created_by %q %q", len(m.Layers), m.Layers[1].CreatedBy, m.Layers[2].CreatedBy)
	}
	if len(m.Deleted) != 1 || m.Deleted[0].Path != imagegen.DeletedEnvPath || m.Deleted[0].Layer != 2 {
		t.Fatalf("Deleted = %v", paths(m.Deleted))
	}
	if b, _ := m.EntryContent(m.Deleted[0]); !strings.Contains(string(b), imagegen.FakeEnvSecret) {
		t.Error("deleted .env content not kept")
	}
	if b, _ := m.Content("/app/.git/config"); !strings.Contains(string(b), imagegen.FakeGitRemote) {
		t.Error(".git/config content not kept")
	}
	if p := m.Packages(); p.Dpkg != 120 {
		t.Errorf("Packages = %+v", p)
	}
	if s := m.SetuidFiles(); len(s) != 1 || s[0].Path != "/usr/bin/passwd" {
		t.Errorf("SetuidFiles = %v", paths(s))
	}
	files := 0
	for _, e := range m.FS {
		if e.Type == TypeFile && strings.HasPrefix(e.Path, "/data/") {
			files++
		}
	}
	if files != 600 {
		t.Errorf("%d generated files, want 600", files)
	}
}
