package dockerfile

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostileErr asserts a *ParseError naming the file, on one printable line of
// bounded length.
func hostileErr(t *testing.T, err error, line int, msg string) {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v (%T), want *ParseError", err, err)
	}
	s := err.Error()
	if !strings.HasPrefix(s, "evil/Dockerfile") {
		t.Errorf("error %q does not name the file", s)
	}
	if line >= 0 && pe.Line != line {
		t.Errorf("error %q at line %d, want %d", s, pe.Line, line)
	}
	if !strings.Contains(s, msg) {
		t.Errorf("error %q does not say %q", s, msg)
	}
	if len(s) > 400 || strings.ContainsAny(s, "\n\r\x00\x1b") || !utf8.ValidString(s) {
		t.Errorf("error is not one short clean line: %q", s[:min(len(s), 400)])
	}
}

func TestHostileSizes(t *testing.T) {
	// A 50 MB single line through Parse stops at MaxSize without reading
	// (or holding) the rest.
	big := io.MultiReader(strings.NewReader("FROM alpine\nRUN "), io.LimitReader(repeatReader('A'), 50<<20))
	_, err := Parse("evil/Dockerfile", big, Options{})
	hostileErr(t, err, 0, "4 MiB limit")

	tests := []struct {
		name string
		src  []byte
		line int
		msg  string
	}{
		{"single line just under MaxSize", append([]byte("FROM alpine\nRUN "), bytes.Repeat([]byte("A"), MaxSize-100)...), 2, "limited to 65535 bytes"},
		{"long line after short ones", []byte("FROM alpine\nRUN echo\nRUN " + strings.Repeat("x ", 40000) + "\n"), 3, "limited to 65535 bytes"},
		{"60 KB unknown instruction is cut", []byte("FROM alpine\n" + strings.Repeat("A", 60000) + "\n"), 2, "unknown instruction: AAAA…"},
		{"60 KB unknown flag is truncated", []byte("FROM alpine\nRUN --" + strings.Repeat("x", 60000) + " true\n"), 2, "more bytes"},
		{"control bytes are escaped", []byte("FROM alpine\n\x1b[31m\x01\x02 red\n"), 2, `\x1b`},
		{"invalid UTF-8 is escaped", []byte("\xc3\x28\xff FROM alpine\n"), 1, `\xff`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBytes("evil/Dockerfile", tt.src, Options{})
			hostileErr(t, err, tt.line, tt.msg)
		})
	}
}

// Parser messages echo the offending text; a mistyped line must not carry
// a secret into reports.
func TestErrorsWithholdValues(t *testing.T) {
	const secret = "Xk4pW9mR2vT7nB3qL8zC5yH1"
	for _, src := range []string{
		"FROM alpine\nSECRET_KEY=" + secret + "\n",
		"FROM alpine\nENV SECRET_KEY=abc\n    " + secret + "\n",
		"FROM alpine\nENV A=1 " + secret + "\n",
		"FROM alpine\nRUN --network=" + secret + " x\n",
		"FROM alpine\nHEALTHCHECK --interval=" + secret + " CMD x\n",
	} {
		_, err := ParseBytes("Dockerfile", []byte(src), Options{})
		if err == nil {
			t.Errorf("%q parsed", src)
			continue
		}
		for i := 0; i+8 <= len(secret); i++ {
			if strings.Contains(err.Error(), secret[i:i+8]) {
				t.Errorf("error %q reveals part of the value", err)
				break
			}
		}
	}
	// Ordinary messages keep their words.
	_, err := ParseBytes("Dockerfile", []byte("FROM alpine\nFORM x\nCOPY --chmod=0644x a b\n"), Options{})
	if err == nil || !strings.Contains(err.Error(), "unknown instruction: FORM") {
		t.Errorf("err = %v", err)
	}
}

type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

func TestHostileGarbage(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 200; i++ {
		b := make([]byte, rng.Intn(4096))
		rng.Read(b)
		if i%2 == 0 {
			// Without NUL bytes, so the parser itself sees the garbage.
			b = bytes.ReplaceAll(b, []byte{0}, []byte{'\n'})
		}
		f, err := ParseBytes("evil/Dockerfile", b, Options{})
		if err == nil {
			// Garbage that happens to parse must still be a usable model.
			_ = f.Final("").User()
			continue
		}
		hostileErr(t, err, -1, "")
	}
}

// Large but legal files parse, and the model's walks stay linear.
func TestHostileShapes(t *testing.T) {
	chain := func(n int) string {
		var b strings.Builder
		b.WriteString("FROM alpine AS s0\n")
		for i := 1; i < n; i++ {
			b.WriteString("FROM s")
			b.WriteString(itoa(i - 1))
			b.WriteString(" AS s")
			b.WriteString(itoa(i))
			b.WriteString("\nENV A=b\n")
		}
		b.WriteString("USER app\n")
		return b.String()
	}
	tests := []struct {
		name   string
		src    string
		stages int
		check  func(*File) string
	}{
		{"100k lines", "FROM alpine\n" + strings.Repeat("RUN echo hi\n", 100000), 1, func(f *File) string {
			if n := len(f.Final("").Instructions); n != 100001 {
				return "instructions: " + itoa(n)
			}
			return ""
		}},
		{"300k continued lines", "FROM alpine\nRUN echo \\\n" + strings.Repeat("  a \\\n", 300000) + "  end\nUSER app\n", 1, func(f *File) string {
			run := f.Final("").Find("run")[0]
			if run.Line != 2 || run.EndLine != 300003 || f.Final("").User().Line != 300004 {
				return "lines: run " + itoa(run.Line) + "-" + itoa(run.EndLine)
			}
			return ""
		}},
		{"a million bare continuations", "FROM alpine\nRUN echo \\\n" + strings.Repeat("\\\n", 1000000) + "end\n", 1, nil},
		{"50k heredocs", "FROM alpine\n" + strings.Repeat("RUN <<EOF\necho\nEOF\n", 50000), 1, nil},
		{"20k chained stages", chain(20000), 20000, func(f *File) string {
			s := f.Final("")
			if len(s.Chain()) != 20000 || len(s.Env()) != 19999 || s.UserName() != "app" {
				return "chain walk wrong"
			}
			return ""
		}},
		// Each ARG doubles the previous value: without a bound the FROM
		// expansion would need 2^40 bytes.
		{"meta ARG doubling", "ARG A=aaaaaaaa\n" + strings.Repeat("ARG A=${A}${A}\n", 40) + "FROM x${A}\n", 1, func(f *File) string {
			if n := len(f.Stages[0].Image); n > maxExpand+16 {
				return "image expanded to " + itoa(n) + " bytes"
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := ParseBytes("evil/Dockerfile", []byte(tt.src), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Stages) != tt.stages {
				t.Errorf("stages = %d, want %d", len(f.Stages), tt.stages)
			}
			if tt.check != nil {
				if msg := tt.check(f); msg != "" {
					t.Error(msg)
				}
			}
		})
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		multiStage,
		"FROM alpine\nRUN <<EOF\napt-get install gcc\nEOF\n",
		"# escape=`\nFROM x\nRUN a `\n b\n",
		"ARG V=1\nARG B=img:${V:-2}\nFROM ${B} AS a\nFROM a\nCOPY --from=a / /\n",
		"FROM alpine\r\nRUN --mount=type=secret,id=x cat /run/secrets/x\r\n",
		"from alpine\nonbuild run x\nhealthcheck none\nshell [\"sh\"]\n",
		"FROM alpine\nCOPY <<A <<B /dst/\na\nA\nb\nB\n",
		"FROM a AS a\nFROM b AS a\nFROM a\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := ParseBytes("Dockerfile", b, Options{BuildArgs: map[string]string{"V": "x"}})
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Path != "Dockerfile" {
				t.Fatalf("error %v is not a *ParseError naming the file", err)
			}
			if s := err.Error(); strings.ContainsAny(s, "\n\x00") || !utf8.ValidString(s) {
				t.Fatalf("error is not one clean line: %q", s)
			}
			return
		}
		if len(file.Stages) == 0 {
			t.Fatal("parsed without stages")
		}
		for _, s := range file.Stages {
			if len(s.Chain()) > len(file.Stages) {
				t.Fatal("chain longer than the stage list")
			}
			_, _, _ = s.User(), s.Env(), s.Args()
			_ = file.UsedAsSource(s)
			for _, in := range s.Instructions {
				if in.Line < 1 || in.EndLine < in.Line {
					t.Fatalf("instruction %q at lines %d-%d", in.Original, in.Line, in.EndLine)
				}
				_ = in.Script()
				_ = in.HasSecretMount()
				// The shell view places every command inside its instruction.
				for _, c := range in.Shell().Commands {
					if c.Line < in.Line || c.Line > in.EndLine {
						t.Fatalf("command %q at line %d outside instruction lines %d-%d", c.Values(), c.Line, in.Line, in.EndLine)
					}
				}
			}
		}
		_ = file.Final("0")
	})
}
