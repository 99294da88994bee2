package pyapp

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHostileInput(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		wantErr string // substring; "" means no error
		calls   int    // FastAPI calls in the (partial) result
	}{
		{"unterminated string keeps what came before",
			"app = FastAPI(debug=True)\nx = \"abc\ny = 1\n", "bad.py:2:5: unterminated string literal", 1},
		{"unterminated triple-quoted string",
			"app = FastAPI()\ndoc = '''never closed\n\n", "bad.py:2:7: unterminated triple-quoted string", 1},
		{"unterminated f-string field",
			"app = FastAPI()\ns = f\"{x\n", "bad.py:2:", 1},
		{"deep brackets", "app = FastAPI()\nx = " + strings.Repeat("(", 100000), "bad.py:2:", 1},
		{"deep f-strings", "x = " + strings.Repeat(`f"{`, 5000), "bad.py:1:", 0},
		{"unbalanced closers", ")))\n]]\napp = FastAPI(debug=True)\n", "", 1},
		{"truncated call", "app = FastAPI(debug=True, docs_url=", "", 1},
		{"invalid UTF-8", "app = FastAPI(\xff\xfe=True, title=\"\xc3\x28\")\n\xff = 1\n", "", 1},
		{"CR line endings", "import fastapi\rapp = fastapi.FastAPI(\r  debug=True)\r", "", 1},
		{"NUL bytes", "app = FastAPI(debug=True)\x00\x00\n", "", 1},
		{"stray backslash", "\\ app = FastAPI()\n", "", 1},
		{"empty", "", "", 0},
		{"BOM", "\xef\xbb\xbfapp = FastAPI()\n", "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("bad.py", []byte(tt.src))
			if f == nil {
				t.Fatal("Parse must return a (partial) File")
			}
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
			if len(f.FastAPICalls) != tt.calls {
				t.Errorf("FastAPI calls = %d, want %d", len(f.FastAPICalls), tt.calls)
			}
		})
	}
}

func TestTooLarge(t *testing.T) {
	_, err := Parse("huge.py", make([]byte, MaxFileSize+1))
	if err == nil || !strings.Contains(err.Error(), "huge.py") {
		t.Fatalf("err = %v", err)
	}
}

// TestHugeSingleLine is one 2 MiB statement: it must parse, with argument
// text and counts capped. Past maxLineTokens a statement is an error.
func TestHugeSingleLine(t *testing.T) {
	src := "app = FastAPI(title=\"" + strings.Repeat("t", 1<<20) + "\", " + strings.Repeat("x, ", 1<<18) + "debug=True)"
	f, err := Parse("one.py", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	c := f.FastAPICalls[0]
	if !c.Args["debug"].IsTrue() || len(c.Positional) != maxFacts {
		t.Errorf("debug %+v, %d positional", c.Args["debug"], len(c.Positional))
	}
	if n := len(c.Args["title"].Text); n > maxArgText+len("…") {
		t.Errorf("title text not capped: %d bytes", n)
	}

	_, err = Parse("long.py", []byte("x = ["+strings.Repeat("1,", maxLineTokens)+"]"))
	if err == nil || !strings.Contains(err.Error(), "long.py:1:") {
		t.Errorf("err = %v, want a statement-too-long error with position", err)
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.py")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{"", "f'{", `f"{x:{y}}"`, "'''", "(\n\\\n", "class A(BaseSettings):\n  x: int = 1\n", "\xff\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := Parse("fuzz.py", src)
		if file == nil {
			t.Fatal("nil File")
		}
		if err != nil && !strings.HasPrefix(err.Error(), "parse fuzz.py") {
			t.Fatalf("error does not name the file: %v", err)
		}
		lines := bytes.Count(src, []byte("\n")) + bytes.Count(src, []byte("\r")) + 1
		for _, c := range append(file.FastAPICalls, file.UvicornRuns...) {
			for _, a := range c.Args {
				if a.Line < 1 || a.Line > lines || len(a.Text) > maxArgText+4 {
					t.Fatalf("bad arg %+v (%d lines)", a, lines)
				}
				DocsGated(a)
				a.IsStringLiteral()
			}
		}
		for _, s := range file.Settings {
			for _, fl := range s.Fields {
				fl.DefaultValue()
			}
		}
	})
}

// BenchmarkParse parses ~100 KiB of realistic source, and one 1 MiB line,
// to show that time stays linear in input size.
func BenchmarkParse(b *testing.B) {
	files, _ := filepath.Glob("testdata/*.py")
	var sb strings.Builder
	for sb.Len() < 100<<10 {
		for _, p := range files {
			src, _ := os.ReadFile(p)
			sb.Write(src)
			sb.WriteByte('\n')
		}
	}
	cases := map[string][]byte{
		"realistic100KiB": []byte(sb.String()),
		"oneLine1MiB":     []byte("x = [" + strings.Repeat("'a', ", 200<<10) + "]\n"),
	}
	for name, src := range cases {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for i := 0; i < b.N; i++ {
				if _, err := Parse("bench.py", src); err != nil {
					b.Fatal(fmt.Errorf("%s: %w", name, err))
				}
			}
		})
	}
}
