package fix

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/finding"
	"gopkg.in/yaml.v3"
)

// planDir plans fixes for one file written into a fresh directory.
func planFile(t *testing.T, name string, src []byte) (*Result, string) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), src, 0o644); err != nil {
		t.Fatal(err)
	}
	type out struct {
		res *Result
		err error
	}
	ch := make(chan out, 1)
	go func() {
		res, err := Plan(t.Context(), Options{Path: dir})
		ch <- out{res, err}
	}()
	select {
	case o := <-ch:
		if o.err != nil {
			t.Fatal(o.err)
		}
		return o.res, dir
	case <-time.After(20 * time.Second):
		t.Fatalf("Plan hangs on %q", src)
	}
	return nil, dir
}

func FuzzFixDockerfile(f *testing.F) {
	for _, s := range []string{
		"FROM python:3.12\nRUN apt-get update && apt-get install -y gcc\nCMD python app.py\n",
		"FROM alpine\nADD . /app\nENV DEBUG=true\nEXPOSE 8000\nCMD [\"/app\"]\n",
		"FROM node:20\nRUN pip install x \\\n  # c\n  && apt-get install y\nENTRYPOINT node x.js\n",
		"# escape=`\nFROM python:3.12\nRUN apt-get update `\n  && apt-get install -y x\nUSER root\n",
		"FROM scratch\nCOPY .env /x\n",
		"FROM python:3.12 AS a\nFROM a\nRUN <<EOF\napt-get update\nEOF\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 4096 {
			return
		}
		res, _ := planFile(t, "Dockerfile", src)
		for _, c := range res.Changes {
			if filepath.Base(c.Abs) != "Dockerfile" {
				continue
			}
			if _, err := dockerfile.ParseBytes("Dockerfile", c.New, dockerfile.Options{}); err != nil {
				t.Fatalf("fixed Dockerfile does not parse: %v\n%s", err, c.New)
			}
			if !bytes.HasPrefix(c.New, firstLine(src)) && !bytes.HasPrefix(src, []byte("\ufeff")) {
				t.Fatalf("first line changed:\n%q\n%q", src, c.New)
			}
		}
	})
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i]
	}
	return b
}

// FuzzFixCompose drives the compose text edits directly (no scan, so the
// fuzzer spends its time in the YAML editing): every edit either is
// refused or leaves YAML that parses, with the edit's effect visible.
func FuzzFixCompose(f *testing.F) {
	for _, s := range []string{
		"services:\n  api:\n    image: x:1\n    restart: always\n    environment:\n      SECRET_KEY: abcdefghijk123\n",
		"services:\n  db:\n    image: postgres\n    ports: [\"5432:5432\"]\n  app:\n    image: a:1\n    depends_on: [db]\n",
		"x: &a\n  cap_drop: [ALL]\nservices:\n  s:\n    <<: *a\n    image: b:1\n    security_opt: [\"label:disable\"]\n",
		"services:\n  s: {image: x}\n",
		"services:\n  s:\n    image: x\n    read_only: false # no\n    tmpfs:\n    - /run\n    ports:\n    - 80:80\n",
		"services:\r\n  s:\r\n    image: x\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 4096 {
			return
		}
		y, err := parseY(src)
		if err != nil {
			return
		}
		_, svcs := get(y.root, "services")
		if svcs == nil || svcs.Kind != yaml.MappingNode {
			return
		}
		var names []string
		for i := 0; i+1 < len(svcs.Content); i += 2 {
			names = append(names, svcs.Content[i].Value)
		}
		p := &planner{res: &Result{}}
		c := &cdoc{p: p, st: &fileState{cur: src, orig: src}}
		for _, n := range names {
			for _, fix := range []func(string, finding.Finding) error{c.restart, c.noNewPrivileges, c.readOnly, c.portsToExpose} {
				before := c.st.cur
				if err := fix(n, finding.Finding{}); err != nil {
					c.st.cur = before
					continue
				}
				if _, err := parseY(c.st.cur); err != nil {
					t.Fatalf("edit broke the YAML: %v\n%s", err, c.st.cur)
				}
			}
		}
	})
}

func FuzzUnified(f *testing.F) {
	f.Add([]byte("a\nb\nc\n"), []byte("a\nc\nd"))
	f.Add([]byte(""), []byte("x\n"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		var w bytes.Buffer
		if err := Unified(&w, "a", "b", a, b); err != nil {
			t.Fatal(err)
		}
		if (w.Len() == 0) != bytes.Equal(a, b) {
			t.Fatalf("diff emptiness wrong for %q vs %q", a, b)
		}
		if got, err := applyUnified(a, w.String()); err != nil || !bytes.Equal(got, b) {
			t.Fatalf("applying the diff to %q gives %q (%v), want %q\n%s", a, got, err, b, w.String())
		}
	})
}

// applyUnified applies a one-file unified diff, checking every context
// and removed line against old.
func applyUnified(old []byte, diff string) ([]byte, error) {
	if diff == "" {
		return old, nil
	}
	src := splitLines(old)
	var out []string
	pos := 0 // next old line (0-based)
	lines := splitLines([]byte(diff))
	for i := 2; i < len(lines); i++ {
		l := lines[i]
		if !strings.HasPrefix(l, "@@ -") {
			return nil, fmt.Errorf("expected a hunk header, got %q", l)
		}
		var a, an, b, bn int
		hdr := strings.TrimSuffix(l, "\n")
		if _, err := fmt.Sscanf(hdr, "@@ -%s +%s @@", new(string), new(string)); err != nil {
			return nil, err
		}
		parts := strings.Fields(hdr)
		parseRange := func(s string) (int, int) {
			x, y, ok := strings.Cut(s[1:], ",")
			n := 1
			if ok {
				n = atoi(y)
			}
			return atoi(x), n
		}
		a, an = parseRange(parts[1])
		b, bn = parseRange(parts[2])
		_, _ = b, bn
		start := a - 1
		if an == 0 {
			start = a
		}
		for pos < start {
			out = append(out, src[pos])
			pos++
		}
		for i+1 < len(lines) && !strings.HasPrefix(lines[i+1], "@@ -") {
			i++
			l := lines[i]
			body := l[1:]
			noNL := i+1 < len(lines) && strings.HasPrefix(lines[i+1], "\\ No newline")
			if noNL {
				body = strings.TrimSuffix(body, "\n")
				i++
			}
			switch l[0] {
			case ' ', '-':
				if pos >= len(src) || src[pos] != body {
					return nil, fmt.Errorf("old line %d is %q, diff says %q", pos+1, safe(src, pos), body)
				}
				if l[0] == ' ' {
					out = append(out, body)
				}
				pos++
			case '+':
				out = append(out, body)
			default:
				return nil, fmt.Errorf("bad diff line %q", l)
			}
		}
	}
	out = append(out, src[pos:]...)
	return []byte(strings.Join(out, "")), nil
}

func safe(ss []string, i int) string {
	if i < len(ss) {
		return ss[i]
	}
	return "<eof>"
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// TestHostileTree: a Dockerfile that is a symlink out of the tree is
// never written through, and a file that does not parse is reported, not
// touched.
func TestHostileTree(t *testing.T) {
	outside := t.TempDir()
	target := filepath.Join(outside, "Dockerfile")
	orig := "FROM python:3.12\nCMD python app.py\n"
	os.WriteFile(target, []byte(orig), 0o644)
	dir := t.TempDir()
	if err := os.Symlink(target, filepath.Join(dir, "Dockerfile")); err != nil {
		t.Skip(err)
	}
	os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte("services:\n  a: [\n"), 0o644)
	res, err := Plan(t.Context(), Options{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Write(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != orig {
		t.Fatal("wrote through a symlink")
	}
	for _, c := range res.Changes {
		if strings.HasSuffix(c.Abs, "Dockerfile") || strings.HasSuffix(c.Abs, "compose.yaml") {
			t.Fatalf("changed %s", c.Path)
		}
	}
	if len(res.Errors) == 0 {
		t.Fatal("the broken compose file is not reported as an input error")
	}
}
