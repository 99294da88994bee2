package compose

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// corpusDir finds the shared corpus: ../shared/corpus next to the module root.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
	corpus := filepath.Join(dir, "..", "shared", "corpus")
	if _, err := os.Stat(filepath.Join(corpus, "manifest.tsv")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("corpus not found at %s (required in CI): %v", corpus, err)
		}
		t.Skipf("corpus not found at %s", corpus)
	}
	return corpus
}

// corpusComposeFiles lists every file of kind compose in the manifest.
func corpusComposeFiles(t testing.TB) []string {
	corpus := corpusDir(t)
	f, err := os.Open(filepath.Join(corpus, "manifest.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var files []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) > 1 && cols[0] == "compose" {
			files = append(files, filepath.Join(corpus, cols[1]))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("manifest lists no compose file")
	}
	return files
}

// knownInvalid are corpus files that Docker Compose itself refuses; each
// must fail with the reason given here, at a line.
var knownInvalid = map[string]string{
	// A cookiecutter template: `{{ }}` placeholders are not YAML.
	"Buuntu__fastapi-react/{{cookiecutter.project_slug}}/docker-compose.yml": "invalid YAML",
	// `environment:` with only a comment under it is null, which the
	// compose schema rejects.
	"nginx-proxy__nginx-proxy/docker-compose-separate-containers.yml": "environment must be a mapping",
}

// TestCorpus loads every real-world compose file of the shared corpus alone,
// as `docker compose -f FILE config` would. Each must load, or fail with an
// *Error naming the file and a line.
func TestCorpus(t *testing.T) {
	files := corpusComposeFiles(t)
	repos := filepath.Join(corpusDir(t), "repos") + string(filepath.Separator)
	var loaded, failed, services int
	for _, f := range files {
		rel := strings.TrimPrefix(f, repos)
		var p *Project
		var err error
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic: %v\n%s", rel, r, debug.Stack())
				}
			}()
			p, err = Load(context.Background(), Options{Files: []string{f}})
		}()
		if err != nil {
			failed++
			var e *Error
			if !errors.As(err, &e) || e.File != f {
				t.Errorf("%s: error does not name the file: %v", rel, err)
				continue
			}
			want, known := knownInvalid[rel]
			switch {
			case !known:
				t.Errorf("%s: valid compose file failed to load: %v", rel, err)
			case !strings.Contains(e.Msg, want):
				t.Errorf("%s: error %q, want one about %q", rel, e.Msg, want)
			case e.Line == 0:
				t.Errorf("%s: error has no line: %v", rel, err)
			}
			continue
		}
		if _, known := knownInvalid[rel]; known {
			t.Errorf("%s: loaded, but Docker Compose refuses it", rel)
		}
		loaded++
		for _, s := range p.Services() {
			services++
			// Every service has a position, and so does every key the
			// effective model says is set.
			if pos := s.Pos(); pos.Line == 0 {
				t.Errorf("%s: service %s has no position", rel, s.Name)
			}
			if s.Image != "" && !s.Has("image") && !s.Has("build") {
				t.Errorf("%s: service %s image %q set by no file", rel, s.Name, s.Image)
			}
			for k := range s.RawEnv() {
				if _, ok := s.Environment[k]; !ok {
					t.Errorf("%s: service %s raw env key %q missing from the model", rel, s.Name, k)
				}
			}
		}
	}
	t.Logf("%d compose files: %d loaded (%d services), %d refused with a clear error", len(files), loaded, services, failed)
}

// BenchmarkCorpus loads every compose file of the corpus, one project each.
func BenchmarkCorpus(b *testing.B) {
	files := corpusComposeFiles(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, f := range files {
			_, _ = Load(context.Background(), Options{Files: []string{f}})
		}
	}
	b.ReportMetric(float64(len(files)*b.N)/b.Elapsed().Seconds(), "files/s")
}
