package compose

import (
	"bytes"
	"context"
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loadContent writes content as a compose file and loads it, turning a panic
// into a test failure.
func loadContent(t testing.TB, content []byte) (*Project, error) {
	t.Helper()
	dir := t.TempDir()
	f := filepath.Join(dir, "compose.yaml")
	if err := os.WriteFile(f, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return loadFile(t, f)
}

func loadFile(t testing.TB, f string) (p *Project, err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("panic loading %s: %v", f, r)
		}
	}()
	return Load(context.Background(), Options{Files: []string{f}})
}

func billionLaughs() []byte {
	var b strings.Builder
	b.WriteString("x-a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		b.WriteString("x-" + n + ": &" + n + " [")
		for i := 0; i < 9; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("*" + prev)
		}
		b.WriteString("]\n")
		prev = n
	}
	b.WriteString("services:\n  api:\n    image: nginx\n    command: *i\n")
	return []byte(b.String())
}

func TestHostile(t *testing.T) {
	deep := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	deepMap := "services:\n" + strings.Repeat("  ", 1) + "a:\n"
	for i := 2; i < 300; i++ {
		deepMap += strings.Repeat("  ", i) + "k:\n"
	}
	garbage := make([]byte, 1<<16)
	rand.New(rand.NewSource(1)).Read(garbage)
	tests := []struct {
		name    string
		content []byte
		msg     string
		line    int // 0: not checked
	}{
		{"billion laughs", billionLaughs(), "aliases", 0},
		{"binary garbage", garbage, "", 0},
		{"invalid UTF-8", []byte("services:\n  api:\n    image: \xff\xfe\xfd\n"), "invalid YAML", 3},
		{"NUL bytes", []byte("services:\n  api:\x00\n"), "invalid YAML", 2},
		{"deep flow nesting", []byte("services: " + deep + "\n"), "max depth", 1},
		{"deep block nesting", []byte(deepMap), "nesting", 201},
		{"self-referencing merge", []byte("x-a: &a\n  <<: *a\nservices: {}\n"), "contains it", 2},
		{"self-referencing sequence", []byte("services:\n  a:\n    image: x\n    command: &c [a, *c]\n"), "contains it", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadContent(t, tt.content)
			if err == nil {
				t.Fatal("want an error")
			}
			var e *Error
			if !errors.As(err, &e) || e.File == "" {
				t.Fatalf("error %v does not name the file", err)
			}
			t.Log(err)
			if tt.line != 0 && e.Line != tt.line {
				t.Errorf("line %d, want %d", e.Line, tt.line)
			}
			if tt.msg != "" && !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q lacks %q", err, tt.msg)
			}
		})
	}
}

func TestHostileHugeLine(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "compose.yaml")
	out, err := os.Create(f)
	if err != nil {
		t.Fatal(err)
	}
	out.WriteString("services:\n  api:\n    image: \"")
	chunk := bytes.Repeat([]byte("A"), 1<<20)
	for i := 0; i < 50; i++ {
		out.Write(chunk)
	}
	out.WriteString("\"\n")
	out.Close()
	_, err = loadFile(t, f)
	if err == nil || !strings.Contains(err.Error(), "limit") || !strings.HasPrefix(err.Error(), f) {
		t.Fatalf("want a size limit error naming the file, got %v", err)
	}
}

func TestHostileNotARegularFile(t *testing.T) {
	_, err := Load(context.Background(), Options{Files: []string{t.TempDir()}})
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("got %v", err)
	}
}

// FuzzLoad feeds arbitrary bytes as a compose file (plus a fixed override,
// to exercise merging): Load must return a project or an *Error naming the
// file, never panic or hang, and positions must stay inside the file.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		"services:\n  api:\n    image: nginx\n",
		"version: \"3.8\"\nservices:\n  db:\n    image: postgres:16\n    ports: [\"5432:5432\"]\n    environment:\n      - PASSWORD=${PW:?unset}\n",
		"x-a: &a {read_only: true}\nservices:\n  a:\n    <<: *a\n    image: x\n    extends: b\n  b:\n    image: y\n",
		"services:\n  api:\n    build: {context: ., dockerfile: Dockerfile}\n    secrets: [{source: s, mode: 0400}]\nsecrets:\n  s: {file: ./s}\n",
		"include: [other.yaml]\nservices: {}\n",
		"services:\n  api:\n    image: a\n    image: b\n",
		"web:\n  image: nginx\n",
		"vpn:\n  build: .\n  dockerfile: D\n  net: host\n  log_driver: syslog\n  log_opt: {tag: x}\n",
		"web:\n  image: nginx\nfoo: bar\n",
		"- a\n",
		"a: *x\n",
		"---\nservices: {a: {image: x}}\n---\nservices: {b: {image: y}}\n",
		string(billionLaughs()),
	} {
		f.Add([]byte(seed))
	}
	dir := f.TempDir()
	over := filepath.Join(dir, "compose.override.yaml")
	if err := os.WriteFile(over, []byte("services:\n  api:\n    read_only: true\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, content []byte) {
		if len(content) > 1<<16 {
			return
		}
		sub, err := os.MkdirTemp(dir, "case")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(sub)
		main := filepath.Join(sub, "compose.yaml")
		if err := os.WriteFile(main, content, 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := Load(context.Background(), Options{Files: []string{main}})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.File == "" {
				t.Fatalf("error without file: %v", err)
			}
			return
		}
		lines := bytes.Count(content, []byte("\n")) + 1
		for _, s := range p.Services() {
			for _, pos := range []Position{s.Pos(), s.Pos("image"), s.Pos("ports", "0"), s.Pos("environment", "A")} {
				if pos.File == main && pos.Line > lines {
					t.Fatalf("position %v beyond the file's %d lines", pos, lines)
				}
			}
			_ = s.RawEnv()
			_ = s.SecretRefs()
			_, _ = s.BuildSpec()
			_ = s.NetworkAttachments()
		}
	})
}
