package scan

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestClassifyDockerfileNames(t *testing.T) {
	for _, c := range []struct {
		name string
		want Kind
	}{
		{"Dockerfile", DockerfileKind},
		{"dockerfile", DockerfileKind},
		{"Containerfile", DockerfileKind},
		{"Dockerfile.prod", DockerfileKind},
		{"Dockerfile.3.12", DockerfileKind},
		{"Dockerfile-dev", DockerfileKind},
		{"Dockerfile_alpine", DockerfileKind},
		{"base.Dockerfile", DockerfileKind},
		{"test-radius.dockerfile", DockerfileKind},
		{"Containerfile.fedora", DockerfileKind},
		{"dockerfile.go", Unknown},
		{"dockerfile_test.go", Unknown},
		{"Dockerfile.md", Unknown},
		{"Dockerfile.tmpl", Unknown},
		{"Dockerfile.j2", Unknown},
		{"Dockerfile-dev.tmpl", Unknown},
		{"dockerfile.tsv", Unknown}, // lower-case stem: only the exact name "dockerfile" counts
		{"DOCKERFILE", Unknown},
		{"Dockerfiles", Unknown},
		{"Dockerfile.", Unknown},
		{".Dockerfile", Unknown},
		{"Dockerfile.dockerignore", IgnoreKind},
		{"compose.yaml", ComposeKind},
		{"compose.yml", ComposeKind},
		{"docker-compose.yml", ComposeKind},
		{"compose.prod.yaml", ComposeKind},
		{"docker-compose.override.yml", ComposeKind},
		{"docker-compose-dev.yml", ComposeKind},
		{"traefik-compose.yaml", ComposeKind},
		{"compose..yaml", Unknown},
		{"compose.", Unknown},
		{"-compose.yml", Unknown},
		{"mycompose.yml", Unknown},
		{"compose.json", Unknown},
		{"main.py", PythonKind},
	} {
		want := c.want
		if got := Classify(filepath.Join("a", c.name)); got != want {
			t.Errorf("Classify(%q) = %v, want %v", c.name, got, want)
		}
	}
}

func TestDiscoverFiltered(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{
		"Dockerfile", "docs/Dockerfile", "third_party/x/Dockerfile", "deploy/compose.yml",
		"build/app.df", "build/Dockerfile.gen", "a/b/skip.Dockerfile", "keep/Dockerfile",
	} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("FROM scratch\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fp, err := ParseFilePattern(`dockerfile:\.df$`)
	if err != nil {
		t.Fatal(err)
	}
	d, err := DiscoverFiltered(dir, &Filter{
		SkipDirs:  []string{"docs", "third_party/**"},
		SkipFiles: []string{"**/Dockerfile.gen", "a/**/skip.*"},
		Patterns:  []FilePattern{fp},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Dockerfile", "build/app.df", "keep/Dockerfile"}
	if !reflect.DeepEqual(d.Dockerfiles, want) {
		t.Errorf("Dockerfiles = %v, want %v", d.Dockerfiles, want)
	}
	if !reflect.DeepEqual(d.Compose, []string{"deploy/compose.yml"}) {
		t.Errorf("Compose = %v", d.Compose)
	}
}

func TestParseFilePatternErrors(t *testing.T) {
	for _, s := range []string{"dockerfile", "nope:x", "compose:(", "compose:"} {
		if _, err := ParseFilePattern(s); err == nil {
			t.Errorf("ParseFilePattern(%q): want an error", s)
		}
	}
}
