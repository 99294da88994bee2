// Package dockerfile turns a Dockerfile into a typed model with source
// positions, using the parser BuildKit itself uses, and resolves what the
// rules need: stages, meta ARGs in FROM, which stage ships, the effective
// user and environment of a stage.
package dockerfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/hardhull/hardhull/internal/shell"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	bkshell "github.com/moby/buildkit/frontend/dockerfile/shell"
)

// MaxSize bounds what Parse reads; real Dockerfiles are a few KiB.
const MaxSize = 4 << 20

// File is one parsed Dockerfile.
type File struct {
	Path     string
	Source   []byte
	Escape   rune
	MetaArgs []Arg
	Stages   []*Stage
	Warnings []string
}

// Arg is one ARG declaration.
type Arg struct {
	Name    string
	Default string
	HasDef  bool
	Line    int
}

// Stage is one FROM and the instructions after it.
type Stage struct {
	Index int
	Name  string // lower-cased "AS" name, or ""
	// Base is the FROM argument as written; Image is Base with meta ARGs
	// expanded (their defaults, or overrides from Options.BuildArgs).
	Base     string
	Image    string
	Platform string
	Line     int
	// Parent is the stage this one builds FROM, when it names one.
	Parent       *Stage
	Instructions []*Instruction
	// Unresolved lists meta ARGs that FROM uses but nothing defines.
	Unresolved []string
}

// Instruction is one instruction with its typed form from BuildKit.
type Instruction struct {
	Cmd      string // lower-case keyword: "run", "copy", ...
	Line     int
	EndLine  int
	Original string
	Command  instructions.Command
	Flags    []string
	Heredocs []parser.Heredoc
	Comments []string
	Stage    *Stage

	raw   string // the instruction's lines as written
	esc   rune
	once  sync.Once
	shell *shell.Script
}

// Options changes how a file is resolved.
type Options struct {
	BuildArgs map[string]string
}

// ParseError is an input error with a position.
type ParseError struct {
	Path string
	Line int
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Parse reads a Dockerfile. Errors are *ParseError naming path and line.
func Parse(path string, r io.Reader, opts Options) (*File, error) {
	src, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, &ParseError{Path: path, Err: err}
	}
	if len(src) > MaxSize {
		return nil, &ParseError{Path: path, Err: fmt.Errorf("file larger than the %d MiB limit for Dockerfiles", MaxSize>>20)}
	}
	return ParseBytes(path, src, opts)
}

// ParseBytes is Parse over content already in memory.
func ParseBytes(path string, src []byte, opts Options) (f *File, err error) {
	defer func() {
		// BuildKit's parser is trusted code but fuzzing is cheaper than
		// auditing every path of it: a panic becomes an input error.
		if r := recover(); r != nil {
			f, err = nil, &ParseError{Path: path, Err: fmt.Errorf("parser failure: %v", r)}
		}
	}()
	if bytes.HasPrefix(src, []byte{0xff, 0xfe}) || bytes.HasPrefix(src, []byte{0xfe, 0xff}) {
		return nil, &ParseError{Path: path, Line: 1, Err: errors.New("UTF-16 encoded; Dockerfiles must be UTF-8")}
	}
	if bytes.IndexByte(src, 0) >= 0 {
		return nil, &ParseError{Path: path, Line: lineOf(src, bytes.IndexByte(src, 0)), Err: errors.New("binary content (NUL byte); not a Dockerfile")}
	}
	// BuildKit's scanner refuses physical lines of 64 KiB or more without
	// saying which; find it so the error names the line.
	if n, l := longLine(src); n > 0 {
		return nil, &ParseError{Path: path, Line: n, Err: fmt.Errorf("line is %d bytes long; Dockerfile lines are limited to %d bytes", l, maxLine)}
	}
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, &ParseError{Path: path, Line: errLine(err), Err: cleanErr(err)}
	}
	f = &File{Path: path, Source: src, Escape: res.EscapeToken}
	for _, w := range res.Warnings {
		f.Warnings = append(f.Warnings, w.Short)
	}
	var cur *Stage
	lines := lineStarts(src)
	for _, n := range res.AST.Children {
		v, err := instructions.ParseInstruction(n)
		if err != nil {
			return nil, &ParseError{Path: path, Line: n.StartLine, Err: cleanErr(err)}
		}
		in := &Instruction{
			Cmd: strings.ToLower(n.Value), Line: n.StartLine, EndLine: n.EndLine,
			Original: n.Original, Flags: n.Flags, Heredocs: n.Heredocs, Comments: n.PrevComment,
			raw: rawLines(src, lines, n.StartLine, n.EndLine), esc: res.EscapeToken,
		}
		switch c := v.(type) {
		case *instructions.Stage:
			cur = &Stage{Index: len(f.Stages), Name: strings.ToLower(c.Name), Base: c.BaseName, Platform: c.Platform, Line: n.StartLine}
			in.Stage = cur
			cur.Instructions = append(cur.Instructions, in)
			f.Stages = append(f.Stages, cur)
		case *instructions.ArgCommand:
			if cur == nil {
				for _, a := range c.Args {
					arg := Arg{Name: a.Key, Line: n.StartLine}
					if a.Value != nil {
						arg.Default, arg.HasDef = *a.Value, true
					}
					f.MetaArgs = append(f.MetaArgs, arg)
				}
				continue
			}
			in.Command = c
			in.Stage = cur
			cur.Instructions = append(cur.Instructions, in)
		case instructions.Command:
			if cur == nil {
				return nil, &ParseError{Path: path, Line: n.StartLine, Err: fmt.Errorf("%s before the first FROM", strings.ToUpper(in.Cmd))}
			}
			in.Command = c
			in.Stage = cur
			cur.Instructions = append(cur.Instructions, in)
		}
	}
	if len(f.Stages) == 0 {
		return nil, &ParseError{Path: path, Err: errors.New("no FROM instruction")}
	}
	f.resolve(opts)
	return f, nil
}

func (f *File) resolve(opts Options) {
	env := argEnv{}
	for _, a := range f.MetaArgs {
		if v, ok := opts.BuildArgs[a.Name]; ok {
			env[a.Name] = v
		} else if a.HasDef {
			// Defaults may reference earlier meta ARGs.
			env[a.Name] = expand(a.Default, env, f.Escape)
		} else {
			env[a.Name] = ""
		}
	}
	lex := bkshell.NewLex(f.Escape)
	byName := map[string]*Stage{}
	for _, s := range f.Stages {
		res, err := lex.ProcessWordWithMatches(s.Base, env)
		if err != nil || len(res.Result) > maxExpand {
			s.Image = s.Base
		} else {
			s.Image = res.Result
			for u := range res.Unmatched {
				s.Unresolved = append(s.Unresolved, u)
			}
			sort.Strings(s.Unresolved)
		}
		if p, ok := byName[strings.ToLower(s.Image)]; ok {
			s.Parent = p
		}
		if s.Name != "" {
			byName[s.Name] = s
		}
	}
}

// maxExpand bounds an expanded meta ARG or FROM word: ARG A=${A}${A}
// repeated doubles the value each line and would exhaust memory.
const maxExpand = 64 << 10

func expand(word string, env argEnv, esc rune) string {
	out, _, err := bkshell.NewLex(esc).ProcessWord(word, env)
	if err != nil || len(out) > maxExpand {
		return word
	}
	return out
}

type argEnv map[string]string

func (e argEnv) Get(k string) (string, bool) { v, ok := e[k]; return v, ok }
func (e argEnv) Keys() []string {
	ks := make([]string, 0, len(e))
	for k := range e {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Stage returns the stage with the given name or index string.
func (f *File) Stage(ref string) *Stage {
	for _, s := range f.Stages {
		if s.Name != "" && strings.EqualFold(s.Name, ref) {
			return s
		}
		if fmt.Sprint(s.Index) == ref {
			return s
		}
	}
	return nil
}

// Final is the stage that ships: the target when one is given and exists,
// else the last stage.
func (f *File) Final(target string) *Stage {
	if target != "" {
		if s := f.Stage(target); s != nil {
			return s
		}
	}
	return f.Stages[len(f.Stages)-1]
}

// Chain returns the stage and its ancestors (stage first), stopping at the
// first stage built from an external image.
func (s *Stage) Chain() []*Stage {
	var out []*Stage
	seen := map[*Stage]bool{}
	for c := s; c != nil && !seen[c]; c = c.Parent {
		seen[c] = true
		out = append(out, c)
	}
	return out
}

// External is the image the stage finally builds on (through parent
// stages), as resolved.
func (s *Stage) External() string {
	ch := s.Chain()
	return ch[len(ch)-1].Image
}

// Find returns the stage's own instructions with the given keyword.
func (s *Stage) Find(cmd string) []*Instruction {
	var out []*Instruction
	for _, in := range s.Instructions {
		if in.Cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// Last returns the last instruction with the keyword across the stage and
// its parents (what the built image inherits), or nil.
func (s *Stage) Last(cmd string) *Instruction {
	for _, st := range s.Chain() {
		ins := st.Find(cmd)
		if len(ins) > 0 {
			return ins[len(ins)-1]
		}
	}
	return nil
}

// User is the effective USER of the stage: the last USER across the chain,
// or nil when the image's own default (usually root) applies.
func (s *Stage) User() *Instruction { return s.Last("user") }

// UserName is the text of the effective USER, or "".
func (s *Stage) UserName() string {
	if u := s.User(); u != nil {
		if c, ok := u.Command.(*instructions.UserCommand); ok {
			return c.User
		}
	}
	return ""
}

// EnvVar is one ENV or ARG key of a stage with where it is set.
type EnvVar struct {
	Key, Value string
	In         *Instruction
}

// Env lists ENV pairs across the chain in definition order (parents first).
func (s *Stage) Env() []EnvVar {
	ch := s.Chain()
	var out []EnvVar
	for i := len(ch) - 1; i >= 0; i-- {
		for _, in := range ch[i].Instructions {
			if c, ok := in.Command.(*instructions.EnvCommand); ok {
				for _, kv := range c.Env {
					out = append(out, EnvVar{Key: kv.Key, Value: Unquote(kv.Value), In: in})
				}
			}
		}
	}
	return out
}

// Args lists the stage's own ARG declarations with defaults.
func (s *Stage) Args() []EnvVar {
	var out []EnvVar
	for _, in := range s.Instructions {
		if c, ok := in.Command.(*instructions.ArgCommand); ok {
			for _, a := range c.Args {
				v := ""
				if a.Value != nil {
					v = *a.Value
				}
				out = append(out, EnvVar{Key: a.Key, Value: Unquote(v), In: in})
			}
		}
	}
	return out
}

// Key identifies an instruction by its text, not its line, so that
// baselines survive edits above it. It is a hash: RUN lines may hold
// secrets and keys are never shown.
func (in *Instruction) Key() string {
	sum := sha256.Sum256([]byte(strings.Join(strings.Fields(in.Original), " ")))
	return hex.EncodeToString(sum[:8])
}

// Unquote removes one pair of matching surrounding quotes, as the builder
// does when it processes ENV and ARG values (`ENV A="x y"` sets x y).
func Unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// Script is the shell text an instruction runs: its command line plus any
// heredoc bodies, so checks see commands hidden in heredocs.
func (in *Instruction) Script() string {
	var b strings.Builder
	switch c := in.Command.(type) {
	case *instructions.RunCommand:
		b.WriteString(strings.Join(c.CmdLine, " "))
		for _, f := range c.Files {
			b.WriteString("\n")
			b.WriteString(f.Data)
		}
	case *instructions.CmdCommand:
		b.WriteString(strings.Join(c.CmdLine, " "))
	case *instructions.EntrypointCommand:
		b.WriteString(strings.Join(c.CmdLine, " "))
	default:
		b.WriteString(in.Original)
	}
	return b.String()
}

// Flag returns the value of a --name=value flag on the instruction.
func (in *Instruction) Flag(name string) (string, bool) {
	for _, f := range in.Flags {
		k, v, _ := strings.Cut(strings.TrimPrefix(f, "--"), "=")
		if k == name {
			return v, true
		}
	}
	return "", false
}

// HasSecretMount reports RUN --mount=type=secret (the fix for build secrets).
func (in *Instruction) HasSecretMount() bool {
	for _, f := range in.Flags {
		if strings.HasPrefix(f, "--mount=") && strings.Contains(f, "type=secret") {
			return true
		}
	}
	return false
}

// UsedAsSource reports whether another stage copies from s, or builds FROM
// it: a stage that only feeds others is a builder.
func (f *File) UsedAsSource(s *Stage) bool {
	for _, o := range f.Stages {
		if o == s {
			continue
		}
		if o.Parent == s {
			return true
		}
		for _, in := range o.Find("copy") {
			if from, ok := in.Flag("from"); ok && (strings.EqualFold(from, s.Name) || from == fmt.Sprint(s.Index)) {
				return true
			}
		}
	}
	return false
}

func lineOf(src []byte, off int) int { return bytes.Count(src[:off], []byte("\n")) + 1 }

func errLine(err error) int {
	var le *parser.LocationError
	if errors.As(err, &le) && len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
		return le.Locations[0][0].Start.Line
	}
	return 0
}

// maxLine is the longest physical line BuildKit's scanner accepts.
const maxLine = 64<<10 - 1

// longLine returns the 1-based number and length of the first line longer
// than maxLine, or 0.
func longLine(src []byte) (int, int) {
	for n := 1; len(src) > 0; n++ {
		l := bytes.IndexByte(src, '\n')
		if l < 0 {
			l = len(src)
		}
		if l > maxLine {
			return n, l
		}
		src = src[min(l+1, len(src)):]
	}
	return 0, 0
}

// cleanErr drops BuildKit's stack-carrying wrappers so messages stay one
// line, and keeps hostile input from reaching terminals and reports raw:
// control bytes and invalid UTF-8 are escaped and the text is truncated.
func cleanErr(err error) error {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return errors.New(sanitize(withhold(msg), 200))
}

// BuildKit echoes the offending text, and a mistyped line such as
// `SECRET_KEY=...` (ENV forgotten) would put a secret into reports. Values
// after '=' in an unknown instruction and long quoted words are cut to
// their first four bytes.
var (
	reUnknown = regexp.MustCompile(`unknown instruction: (\S+)`)
	reQuoted  = regexp.MustCompile(`"([^"]{4})([^"]{5,})"`)
)

func withhold(msg string) string {
	msg = reUnknown.ReplaceAllStringFunc(msg, func(m string) string {
		word := strings.TrimPrefix(m, "unknown instruction: ")
		if k, v, ok := strings.Cut(word, "="); ok && len(v) > 4 {
			word = k + "=" + prefix4(v) + "…"
		} else if !ok && len(word) > 16 {
			// Instruction typos are short; a long word is stray content.
			word = prefix4(word) + "…"
		}
		return "unknown instruction: " + word
	})
	return reQuoted.ReplaceAllString(msg, `"$1…"`)
}

func prefix4(s string) string {
	if len(s) > 4 {
		return s[:4]
	}
	return s
}

func sanitize(s string, max int) string {
	var b strings.Builder
	n := 0
	for i, r := range s {
		if n >= max {
			fmt.Fprintf(&b, "... (%d more bytes)", len(s)-i)
			break
		}
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case !unicode.IsPrint(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
		n++
	}
	return b.String()
}

// lineStarts returns the offset of each line's first byte.
func lineStarts(src []byte) []int {
	out := []int{0}
	for i, c := range src {
		if c == '\n' {
			out = append(out, i+1)
		}
	}
	return out
}

// rawLines is the text of lines first..last (1-based) without the final
// line break.
func rawLines(src []byte, starts []int, first, last int) string {
	if first < 1 || first > len(starts) || last < first {
		return ""
	}
	end := len(src)
	if last < len(starts) {
		end = starts[last] - 1
	}
	return string(src[starts[first-1]:max(end, starts[first-1])])
}

// Shell is the shell view of a RUN, CMD or ENTRYPOINT: the commands it
// runs, wrappers looked through, with the Dockerfile line of each. Shell
// form is parsed from the text as written (so lines are exact, and a
// RUN heredoc that feeds the shell is read as script); exec form is
// taken word for word. Other instructions have no commands.
func (in *Instruction) Shell() *shell.Script {
	in.once.Do(func() { in.shell = in.parseShell() })
	return in.shell
}

func (in *Instruction) parseShell() *shell.Script {
	var args []string
	prepend := true
	switch c := in.Command.(type) {
	case *instructions.RunCommand:
		args, prepend = c.CmdLine, c.PrependShell
	case *instructions.CmdCommand:
		args, prepend = c.CmdLine, c.PrependShell
	case *instructions.EntrypointCommand:
		args, prepend = c.CmdLine, c.PrependShell
	default:
		return &shell.Script{Line: in.Line}
	}
	if !prepend {
		s := shell.Exec(args)
		s.Line = in.Line
		for i := range s.Commands {
			s.Commands[i].Line = in.Line
		}
		return s
	}
	text := ShellText(in.raw, in.esc)
	return shell.ParseLines(text, in.raw, BodyStart(text), in.Line)
}

// ShellText prepares an instruction's text for a shell parser without
// moving a byte: lines the builder drops inside a continued instruction
// (comments, blank lines) become spaces with their line break, carriage
// returns become spaces, and a non-default escape character before a line
// break becomes a backslash.
func ShellText(raw string, esc rune) string {
	b := []byte(raw)
	cont := false
	for i := 0; i < len(b); {
		j := i
		for j < len(b) && b[j] != '\n' {
			j++
		}
		line := b[i:j]
		trim := strings.TrimSpace(string(line))
		if cont && (trim == "" || strings.HasPrefix(trim, "#")) {
			for k := i; k < j; k++ {
				b[k] = ' '
			}
			if j < len(b) {
				b[j] = ' '
			}
			i = j + 1
			continue
		}
		e := len(line)
		for e > 0 && (line[e-1] == '\r' || line[e-1] == ' ' || line[e-1] == '\t') {
			if line[e-1] == '\r' {
				line[e-1] = ' '
			}
			e--
		}
		cont = e > 0 && rune(line[e-1]) == esc && j < len(b)
		if cont && esc != '\\' && esc < 0x80 {
			line[e-1] = '\\'
		}
		i = j + 1
	}
	return string(b)
}

// BodyStart skips the keyword and --flags of an instruction's text.
func BodyStart(text string) int {
	i := 0
	skipSpace := func() {
		for i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\\' && i+1 < len(text) && text[i+1] == '\n') {
			i++
		}
	}
	skipSpace()
	for i < len(text) && text[i] != ' ' && text[i] != '\t' && text[i] != '\n' {
		i++
	}
	for {
		skipSpace()
		if !strings.HasPrefix(text[i:], "--") {
			return i
		}
		for i < len(text) && text[i] != ' ' && text[i] != '\t' && text[i] != '\n' {
			i++
		}
	}
}

// copiedFromImages are official images used bare in COPY --from.
var copiedFromImages = map[string]bool{
	"composer": true, "docker": true, "golang": true, "node": true, "python": true, "alpine": true, "busybox": true,
	"nginx": true, "redis": true, "postgres": true, "mysql": true, "mongo": true, "ubuntu": true, "debian": true,
	"rust": true, "gradle": true, "maven": true, "php": true, "ruby": true, "caddy": true, "traefik": true, "tini": true,
}

// ImageUse is an image pulled by an instruction other than FROM: `COPY
// --from=<image>` or `RUN --mount=from=<image>`.
type ImageUse struct {
	Ref string // as written
	In  *Instruction
	How string // "COPY --from" or "RUN --mount"
}

// PulledImages lists the images COPY --from and RUN --mount=from= pull:
// values that name no stage (by name or index). A bare unknown name
// (`--from=templates`) may as well be a named build context
// (`--build-context templates=...`) and is left out; the official images
// commonly copied from are kept.
func (f *File) PulledImages() []ImageUse {
	var out []ImageUse
	isStage := func(v string) bool {
		for _, s := range f.Stages {
			if s.Name != "" && strings.EqualFold(s.Name, v) || strconv.Itoa(s.Index) == v {
				return true
			}
		}
		return !strings.ContainsAny(v, "/:@.") && !copiedFromImages[strings.ToLower(v)]
	}
	for _, s := range f.Stages {
		for _, in := range s.Instructions {
			switch in.Cmd {
			case "copy", "add":
				if v, ok := in.Flag("from"); ok && v != "" && !isStage(v) {
					out = append(out, ImageUse{Ref: v, In: in, How: "COPY --from"})
				}
			case "run":
				for _, fl := range in.Flags {
					m, ok := strings.CutPrefix(fl, "--mount=")
					if !ok {
						continue
					}
					for _, kv := range strings.Split(m, ",") {
						if k, v, _ := strings.Cut(kv, "="); strings.TrimSpace(k) == "from" && v != "" && !isStage(v) {
							out = append(out, ImageUse{Ref: v, In: in, How: "RUN --mount"})
						}
					}
				}
			}
		}
	}
	return out
}
