package dockerfile

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

func mustParse(t *testing.T, src string, opts Options) *File {
	t.Helper()
	f, err := ParseBytes("Dockerfile", []byte(src), opts)
	if err != nil {
		t.Fatalf("ParseBytes: %v", err)
	}
	return f
}

// ins describes one expected instruction: keyword, first and last line.
type ins struct {
	cmd         string
	line, end   int
	script      string // substring of Script(), when set
	secretMount bool
}

func TestParseInstructions(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		escape rune
		want   []ins
	}{
		{
			name: "heredoc RUN carries its body into Script",
			src:  "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y gcc\nEOF\nUSER app\n",
			want: []ins{{cmd: "from", line: 1, end: 1}, {cmd: "run", line: 2, end: 5, script: "apt-get install -y gcc"}, {cmd: "user", line: 6, end: 6}},
		},
		{
			name: "heredoc with interpreter and two bodies",
			src:  "FROM python:3.12\nRUN <<A python3 && <<B sh\nprint(1)\nA\nmake install\nB\n",
			want: []ins{{cmd: "from", line: 1, end: 1}, {cmd: "run", line: 2, end: 6, script: "make install"}},
		},
		{
			name:   "escape directive backtick",
			src:    "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN echo a `\n  b\nUSER ContainerUser\n",
			escape: '`',
			want:   []ins{{cmd: "from", line: 2, end: 2}, {cmd: "run", line: 3, end: 4, script: "echo a"}, {cmd: "user", line: 5, end: 5}},
		},
		{
			name: "CRLF line endings",
			src:  "FROM alpine:3.20\r\nRUN apk add --no-cache curl \\\r\n    jq\r\nUSER 1000\r\n",
			want: []ins{{cmd: "from", line: 1, end: 1}, {cmd: "run", line: 2, end: 3, script: "jq"}, {cmd: "user", line: 4, end: 4}},
		},
		{
			name: "lowercase instructions",
			src:  "from alpine:3.20 as base\nrun echo hi\nuser nobody\ncmd [\"sh\"]\n",
			want: []ins{{cmd: "from", line: 1, end: 1}, {cmd: "run", line: 2, end: 2, script: "echo hi"}, {cmd: "user", line: 3, end: 3}, {cmd: "cmd", line: 4, end: 4, script: "sh"}},
		},
		{
			name: "RUN --mount=type=secret",
			src:  "FROM alpine\nRUN --mount=type=secret,id=pypi,target=/root/.pypirc pip install -r r.txt\nRUN --mount=type=cache,target=/root/.cache pip install x\n",
			want: []ins{{cmd: "from", line: 1, end: 1}, {cmd: "run", line: 2, end: 2, script: "pip install -r r.txt", secretMount: true}, {cmd: "run", line: 3, end: 3}},
		},
		{
			name: "comments and blank lines inside a continuation",
			src:  "FROM alpine\nRUN apk add \\\n# a comment\n\n    curl\nUSER a\n",
			want: []ins{{cmd: "from", line: 1, end: 1}, {cmd: "run", line: 2, end: 5, script: "curl"}, {cmd: "user", line: 6, end: 6}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustParse(t, tt.src, Options{})
			if tt.escape != 0 && f.Escape != tt.escape {
				t.Errorf("Escape = %q, want %q", f.Escape, tt.escape)
			}
			var got []*Instruction
			for _, s := range f.Stages {
				got = append(got, s.Instructions...)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d instructions, want %d", len(got), len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Cmd != w.cmd || g.Line != w.line || g.EndLine != w.end {
					t.Errorf("instruction %d = %s %d-%d, want %s %d-%d", i, g.Cmd, g.Line, g.EndLine, w.cmd, w.line, w.end)
				}
				if w.script != "" && !strings.Contains(g.Script(), w.script) {
					t.Errorf("instruction %d Script() = %q, want it to contain %q", i, g.Script(), w.script)
				}
				if g.HasSecretMount() != w.secretMount {
					t.Errorf("instruction %d HasSecretMount = %v, want %v", i, g.HasSecretMount(), w.secretMount)
				}
				if g.Stage == nil {
					t.Errorf("instruction %d has no stage", i)
				}
			}
		})
	}
}

func TestMetaArgsInFrom(t *testing.T) {
	src := `ARG PY=3.12
ARG VARIANT
ARG BASE=python:${PY:-3.11}-${VARIANT:-slim}
FROM ${BASE} AS build
FROM ${REGISTRY:-docker.io}/library/python:${PY}
`
	tests := []struct {
		name       string
		args       map[string]string
		build      string
		final      string
		unresolved []string
	}{
		{name: "defaults", build: "python:3.12-slim", final: "docker.io/library/python:3.12"},
		{name: "build-arg overrides a default", args: map[string]string{"PY": "3.13"}, build: "python:3.13-slim", final: "docker.io/library/python:3.13"},
		{name: "build-arg fills an ARG without default", args: map[string]string{"VARIANT": "bookworm"}, build: "python:3.12-bookworm", final: "docker.io/library/python:3.12"},
		{name: "build-arg overrides the composed ARG", args: map[string]string{"BASE": "python:latest"}, build: "python:latest", final: "docker.io/library/python:3.12"},
		// REGISTRY is not a declared meta ARG: BuildKit ignores the
		// build-arg, so the default in FROM applies.
		{name: "undeclared build-arg is ignored", args: map[string]string{"REGISTRY": "evil.example"}, build: "python:3.12-slim", final: "docker.io/library/python:3.12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustParse(t, src, Options{BuildArgs: tt.args})
			if len(f.MetaArgs) != 3 || f.MetaArgs[0].Name != "PY" || f.MetaArgs[0].Default != "3.12" || !f.MetaArgs[0].HasDef || f.MetaArgs[1].HasDef || f.MetaArgs[2].Line != 3 {
				t.Errorf("MetaArgs = %+v", f.MetaArgs)
			}
			if got := f.Stages[0].Image; got != tt.build {
				t.Errorf("build stage Image = %q, want %q", got, tt.build)
			}
			if got := f.Stages[0].Base; got != "${BASE}" {
				t.Errorf("Base = %q, want as written", got)
			}
			if got := f.Final("").Image; got != tt.final {
				t.Errorf("final Image = %q, want %q", got, tt.final)
			}
			if len(f.Final("").Unresolved) != 1 || f.Final("").Unresolved[0] != "REGISTRY" {
				t.Errorf("final Unresolved = %v, want [REGISTRY]", f.Final("").Unresolved)
			}
		})
	}
}

const multiStage = `FROM python:3.12 AS Builder
ENV PIP_NO_CACHE_DIR=1
USER builder
RUN pip wheel -w /wheels .

FROM builder AS test
ENV MODE=test
RUN pytest

FROM python:3.12-slim AS runtime
COPY --from=builder /wheels /wheels
COPY --from=0 /etc/passwd /etc/passwd
ENV APP=1 MODE=prod

FROM runtime AS final
USER app
`

func TestStages(t *testing.T) {
	f := mustParse(t, multiStage, Options{})
	if len(f.Stages) != 4 {
		t.Fatalf("stages = %d, want 4", len(f.Stages))
	}
	names := []string{"builder", "test", "runtime", "final"}
	for i, s := range f.Stages {
		if s.Index != i || s.Name != names[i] {
			t.Errorf("stage %d = %d %q, want %q", i, s.Index, s.Name, names[i])
		}
	}
	b, tst, rt, fin := f.Stages[0], f.Stages[1], f.Stages[2], f.Stages[3]
	if tst.Parent != b || rt.Parent != nil || fin.Parent != rt {
		t.Errorf("parents: test->%v runtime->%v final->%v", tst.Parent, rt.Parent, fin.Parent)
	}
	for _, ref := range []string{"builder", "BUILDER", "0"} {
		if f.Stage(ref) != b {
			t.Errorf("Stage(%q) is not the builder", ref)
		}
	}
	if f.Stage("nope") != nil {
		t.Error("Stage(nope) found something")
	}
	tests := []struct {
		target string
		want   *Stage
	}{
		{"", fin}, {"test", tst}, {"Runtime", rt}, {"1", tst}, {"missing", fin},
	}
	for _, tt := range tests {
		if got := f.Final(tt.target); got != tt.want {
			t.Errorf("Final(%q) = stage %d, want %d", tt.target, got.Index, tt.want.Index)
		}
	}
	if !f.UsedAsSource(b) {
		t.Error("builder (COPY --from=builder, FROM builder) not UsedAsSource")
	}
	if !f.UsedAsSource(rt) {
		t.Error("runtime (FROM runtime) not UsedAsSource")
	}
	if f.UsedAsSource(tst) || f.UsedAsSource(fin) {
		t.Error("test or final stage reported as a source")
	}
	if got := fin.External(); got != "python:3.12-slim" {
		t.Errorf("final External = %q", got)
	}
	if got := tst.External(); got != "python:3.12" {
		t.Errorf("test External = %q", got)
	}
	cp := rt.Find("copy")
	if v, ok := cp[0].Flag("from"); !ok || v != "builder" {
		t.Errorf("COPY --from flag = %q %v", v, ok)
	}
	if _, ok := cp[0].Flag("chown"); ok {
		t.Error("Flag(chown) found on a COPY without it")
	}
}

func TestInheritance(t *testing.T) {
	f := mustParse(t, multiStage, Options{})
	b, tst, rt, fin := f.Stages[0], f.Stages[1], f.Stages[2], f.Stages[3]
	users := []struct {
		s    *Stage
		want string
	}{{b, "builder"}, {tst, "builder"}, {rt, ""}, {fin, "app"}}
	for _, u := range users {
		if got := u.s.UserName(); got != u.want {
			t.Errorf("stage %s UserName = %q, want %q", u.s.Name, got, u.want)
		}
	}
	if rt.User() != nil {
		t.Error("runtime stage (external base, no USER) has a User instruction")
	}
	if u := tst.User(); u == nil || u.Line != 3 || u.Stage != b {
		t.Errorf("test stage inherits USER from builder line 3, got %+v", u)
	}
	env := func(s *Stage) []string {
		var out []string
		for _, e := range s.Env() {
			out = append(out, e.Key+"="+e.Value)
		}
		return out
	}
	if got, want := env(tst), []string{"PIP_NO_CACHE_DIR=1", "MODE=test"}; !slices.Equal(got, want) {
		t.Errorf("test Env = %v, want %v (parents first)", got, want)
	}
	if got, want := env(fin), []string{"APP=1", "MODE=prod"}; !slices.Equal(got, want) {
		t.Errorf("final Env = %v, want %v (builder ENV is not inherited across COPY --from)", got, want)
	}
	if got := fin.Env()[0].In.Line; got != 13 {
		t.Errorf("final Env APP set at line %d, want 13", got)
	}
	if got := len(fin.Chain()); got != 2 {
		t.Errorf("final Chain length = %d, want 2", got)
	}
	if in := tst.Last("run"); in == nil || in.Line != 8 {
		t.Errorf("test Last(run) = %+v, want line 8", in)
	}
	if in := tst.Last("copy"); in != nil {
		t.Errorf("test Last(copy) = line %d, want nil", in.Line)
	}
}

func TestArgsAndTypedCommands(t *testing.T) {
	f := mustParse(t, "FROM alpine\nARG TOKEN\nARG VERSION=1.2\nHEALTHCHECK NONE\nCMD echo hi\n", Options{})
	s := f.Final("")
	args := s.Args()
	if len(args) != 2 || args[0].Key != "TOKEN" || args[0].Value != "" || args[1].Value != "1.2" || args[1].In.Line != 3 {
		t.Errorf("Args = %+v", args)
	}
	if _, ok := s.Find("healthcheck")[0].Command.(*instructions.HealthCheckCommand); !ok {
		t.Errorf("HEALTHCHECK typed as %T", s.Find("healthcheck")[0].Command)
	}
	c, ok := s.Find("cmd")[0].Command.(*instructions.CmdCommand)
	if !ok || !c.PrependShell {
		t.Errorf("CMD echo hi should be shell form, got %+v", c)
	}
}

// Self- and cyclic references must not loop: a stage named like the image
// it builds on refers to the image, not to itself.
func TestChainTerminates(t *testing.T) {
	f := mustParse(t, "FROM alpine AS alpine\nUSER a\nFROM alpine AS b\nFROM b AS alpine\nFROM alpine\n", Options{})
	if f.Stages[0].Parent != nil {
		t.Error("FROM alpine AS alpine refers to itself")
	}
	for _, s := range f.Stages {
		if n := len(s.Chain()); n > len(f.Stages) {
			t.Errorf("stage %d chain length %d", s.Index, n)
		}
	}
	if got := f.Final("").UserName(); got != "a" {
		t.Errorf("final UserName = %q, want a (via b -> alpine stage 0)", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		line int
		msg  string
	}{
		{"empty", "", 0, "no instructions"},
		{"only comments", "# just a comment\n\n", -1, "no instructions"},
		{"only ARG", "ARG A=1\n", 0, "no FROM"},
		{"instruction before FROM", "RUN echo\nFROM alpine\n", 1, "RUN before the first FROM"},
		{"unknown instruction", "FROM alpine\nFOO bar\n", 2, "unknown instruction: FOO"},
		{"bad flag", "FROM alpine\nRUN echo\nCOPY --bogus=1 a b\n", 3, "unknown flag"},
		{"bad healthcheck", "FROM alpine\nHEALTHCHECK --interval=soon CMD true\n", 2, "invalid duration"},
		{"FROM without image", "FROM \n", 1, "FROM requires"},
		{"unterminated heredoc", "FROM alpine\nRUN <<EOF\necho\n", 2, "unterminated heredoc"},
		{"NUL byte", "FROM alpine\nRUN echo\x00\n", 2, "binary content"},
		{"UTF-16", "\xff\xfeF\x00R\x00O\x00M\x00", 1, "UTF-16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBytes("app/Dockerfile", []byte(tt.src), Options{})
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v (%T), want *ParseError", err, err)
			}
			if pe.Path != "app/Dockerfile" || (tt.line >= 0 && pe.Line != tt.line) || !strings.Contains(pe.Err.Error(), tt.msg) {
				t.Errorf("err = %q (line %d), want line %d containing %q", err, pe.Line, tt.line, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "app/Dockerfile") {
				t.Errorf("err %q does not name the file", err)
			}
		})
	}
}
