// Package shell is hardhull's one view of shell text (RUN, CMD, ENTRYPOINT,
// compose commands): the simple commands a script runs, each with its
// words, the pipeline it belongs to and byte spans into the text, parsed
// by a real POSIX/Bash parser (mvdan.cc/sh/v3/syntax). Wrappers that run
// another command (sudo, env, exec, `sh -c "..."`, `su nobody -s /bin/sh
// -c "..."`, gosu) are looked through, so word 0 of a command is the
// program that really runs.
package shell

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Word is one shell word.
type Word struct {
	// Value is the word after quote removal; expansions ($X, $(...)) are
	// kept as written, so a caller can see that the value is not literal.
	Value string
	// Lit is true when the word holds no expansion: Value is exactly what
	// the program receives.
	Lit bool
	// Start and End are byte offsets of the word as written in Script.Src.
	Start, End int
}

// Command is one simple command.
type Command struct {
	// Args is the program and its arguments, wrappers removed.
	Args []Word
	// Assigns are the VAR=value words before the program (or of an env
	// wrapper), and the whole of a bare assignment line.
	Assigns []Word
	// Wrappers names the programs this one ran under, outermost first
	// ("sudo", "sh -c", "su -c", "env").
	Wrappers []string
	// Start and End span the command in Script.Src; for a command inside
	// a quoted `sh -c` script that cannot be mapped back byte by byte,
	// they span the quoted word.
	Start, End int
	// Line is the 1-based line of Start, counted from Script.Line.
	Line int
	// Pipeline numbers the pipeline the command belongs to; Stage is its
	// position in it (0 for the first or only command).
	Pipeline, Stage int
	// Words are the command's words as written, wrappers included
	// (`exec gosu app uvicorn`): what an edit of the text works on.
	Words []Word
	// Inexact is true when the spans are those of the quoted word that
	// holds the command (an escaped `sh -c` script), not its own.
	Inexact bool
	// Redirs are the targets of the command's output redirections (> f).
	Redirs []Word
}

// Script is parsed shell text.
type Script struct {
	Src string
	// Line is the line number of Src's first byte (1 when unset).
	Line     int
	Commands []Command
	// Err is the first syntax error; Commands then hold what the lines
	// that parse run.
	Err error
	// Comments is true when the text holds a shell comment.
	Comments bool
	// End is the offset just after the last top-level statement
	// (including a trailing ';' or '&').
	End int
	// Compound is true when the text is more than one simple command
	// without redirections (lists, pipes, subshells, control flow).
	Compound bool

	pipes int
	lines string
}

// Program is the base name of the command's program ("" for none).
func (c Command) Program() string {
	if len(c.Args) == 0 {
		return ""
	}
	return Base(c.Args[0].Value)
}

// Base is the last path element of a program name.
func Base(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// Values returns the words' values.
func (c Command) Values() []string {
	out := make([]string, len(c.Args))
	for i, w := range c.Args {
		out[i] = w.Value
	}
	return out
}

// Has reports whether any argument equals one of ws.
func (c Command) Has(ws ...string) bool { return c.Index(ws...) >= 0 }

// Index is the position of the first argument equal to one of ws, or -1.
func (c Command) Index(ws ...string) int {
	for i, a := range c.Args {
		for _, w := range ws {
			if a.Value == w {
				return i
			}
		}
	}
	return -1
}

// After returns the arguments after the first one equal to w.
func (c Command) After(w string) []Word {
	if i := c.Index(w); i >= 0 {
		return c.Args[i+1:]
	}
	return nil
}

// Next is the command that reads this one's output through a pipe, or nil.
func (s *Script) Next(i int) *Command {
	c := s.Commands[i]
	for j := i + 1; j < len(s.Commands); j++ {
		o := s.Commands[j]
		if o.Pipeline == c.Pipeline && o.Stage == c.Stage+1 {
			return &s.Commands[j]
		}
	}
	return nil
}

// Parse parses shell text.
func Parse(src string) *Script {
	s := &Script{Src: src, Line: 1}
	s.parse(src, 0, nil, 0)
	return s
}

// ParseFrom parses src[from:] keeping offsets into src; line is the line
// number of src's first byte.
func ParseFrom(src string, from, line int) *Script { return ParseLines(src, src, from, line) }

// ParseLines is ParseFrom over text prepared from orig without moving a
// byte (lines the shell must not see blanked, line breaks included):
// lines are counted in orig.
func ParseLines(src, orig string, from, line int) *Script {
	s := &Script{Src: src, Line: line, lines: orig}
	if from < 0 || from > len(src) {
		from = len(src)
	}
	s.parse(src[from:], from, nil, 0)
	return s
}

// Exec is the view of an exec-form (JSON) command: the words as given,
// wrappers looked through as for shell text.
func Exec(args []string) *Script {
	s := &Script{Line: 1}
	if len(args) == 0 {
		return s
	}
	var b strings.Builder
	ws := make([]Word, len(args))
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		ws[i] = Word{Value: a, Lit: true, Start: b.Len(), End: b.Len() + len(a)}
		b.WriteString(a)
	}
	s.Src = b.String()
	s.pipes++
	s.add(Command{Args: ws, Start: 0, End: len(s.Src), Pipeline: s.pipes}, nil, 0, fixed{})
	return s
}

// maxDepth bounds `sh -c "sh -c '...'"` nesting.
const maxDepth = 4

// fixed maps spans of a nested script onto the word that holds it.
type fixed struct {
	on         bool
	start, end int
}

func newParser() *syntax.Parser {
	return syntax.NewParser(syntax.KeepComments(true), syntax.Variant(syntax.LangBash))
}

// parse parses src (which starts at offset base of s.Src) and adds its
// commands. When the whole text does not parse, each logical line is
// parsed on its own so one odd line does not hide the rest.
func (s *Script) parse(src string, base int, wrappers []string, depth int, at ...fixed) {
	fx := fixed{}
	if len(at) > 0 {
		fx = at[0]
	}
	f, err := newParser().Parse(strings.NewReader(src), "")
	if err == nil {
		s.file(f, src, base, wrappers, depth, fx)
		return
	}
	if s.Err == nil && depth == 0 {
		s.Err = err
	}
	for _, ln := range logicalLines(src) {
		f, err := newParser().Parse(strings.NewReader(src[ln[0]:ln[1]]), "")
		if err != nil {
			continue
		}
		s.file(f, src[ln[0]:ln[1]], base+ln[0], wrappers, depth, fx)
	}
}

func (s *Script) file(f *syntax.File, src string, base int, wrappers []string, depth int, fx fixed) {
	if len(f.Last) > 0 {
		s.Comments = true
	}
	if depth == 0 && !fx.on {
		if len(f.Stmts) > 1 {
			s.Compound = true
		}
	}
	w := &walker{s: s, src: src, base: base, wrappers: wrappers, depth: depth, fx: fx}
	for _, st := range f.Stmts {
		w.stmt(st, 0, 0, depth == 0)
		if depth == 0 {
			s.End = base + w.off(st.End())
		}
	}
}

// logicalLines splits text at newlines that end a command line: not
// escaped and outside quotes (best effort, for text that did not parse).
func logicalLines(src string) [][2]int {
	var out [][2]int
	start := 0
	var q byte
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case q == '\'':
			if c == '\'' {
				q = 0
			}
		case c == '\\':
			i++
		case q == '"':
			if c == '"' {
				q = 0
			}
		case c == '\'' || c == '"':
			q = c
		case c == '\n':
			out = append(out, [2]int{start, i})
			start = i + 1
		}
	}
	return append(out, [2]int{start, len(src)})
}

type walker struct {
	s        *Script
	src      string
	base     int
	wrappers []string
	depth    int
	fx       fixed
}

func (w *walker) off(p syntax.Pos) int {
	o := int(p.Offset())
	if o > len(w.src) {
		o = len(w.src)
	}
	return o
}

// stmt visits a statement; pipe and stage place it in a pipeline (0: a
// new one). top is true for the script's own top level.
func (w *walker) stmt(st *syntax.Stmt, pipe, stage int, top bool) {
	if st == nil {
		return
	}
	if len(st.Comments) > 0 {
		w.s.Comments = true
	}
	for _, r := range st.Redirs {
		w.words(r.Word)
		if top && r.Op != syntax.DplOut && r.Op != syntax.DplIn {
			w.s.Compound = true
		}
	}
	defer w.heredocs(st)
	if pipe == 0 {
		w.s.pipes++
		pipe = w.s.pipes
	}
	switch c := st.Cmd.(type) {
	case *syntax.CallExpr:
		w.call(c, st, pipe, stage)
	case *syntax.BinaryCmd:
		if top {
			w.s.Compound = true
		}
		if c.Op == syntax.Pipe || c.Op == syntax.PipeAll {
			parts := flattenPipe(st)
			for i, p := range parts {
				w.stmt(p, pipe, i, false)
			}
			return
		}
		w.stmt(c.X, 0, 0, false)
		w.stmt(c.Y, 0, 0, false)
	default:
		if top && st.Cmd != nil {
			w.s.Compound = true
		}
		w.compound(st.Cmd, pipe, stage)
	}
}

// heredocs parses the here-documents a shell runs as script.
func (w *walker) heredocs(st *syntax.Stmt) {
	for _, r := range st.Redirs {
		if r.Hdoc == nil || r.Op != syntax.Hdoc && r.Op != syntax.DashHdoc || !feedsShell(st.Cmd) || w.depth >= maxDepth {
			continue
		}
		a, b := w.off(r.Hdoc.Pos()), w.off(r.Hdoc.End())
		body := w.src[a:b]
		// The span ends with the closing delimiter line.
		if i := strings.LastIndexByte(strings.TrimRight(body, "\n"), '\n'); i >= 0 {
			body = body[:i+1]
		} else if strings.TrimSpace(body) == strings.Trim(r.Word.Lit(), `'"`) {
			body = ""
		}
		w.s.parse(body, w.base+a, w.wrappers, w.depth+1, w.fx)
	}
}

// feedsShell reports a statement whose here-document is a script: no
// command at all, or a shell reading its script from stdin.
func feedsShell(cmd syntax.Command) bool {
	if cmd == nil {
		return true
	}
	c, ok := cmd.(*syntax.CallExpr)
	if !ok || len(c.Args) == 0 {
		return false
	}
	switch Base(c.Args[0].Lit()) {
	case "sh", "bash", "ash", "dash", "zsh":
		for _, a := range c.Args[1:] {
			if v := a.Lit(); !strings.HasPrefix(v, "-") || strings.HasPrefix(v, "-") && strings.Contains(v, "c") && !strings.HasPrefix(v, "--") {
				return false
			}
		}
		return true
	}
	return false
}

func flattenPipe(st *syntax.Stmt) []*syntax.Stmt {
	if b, ok := st.Cmd.(*syntax.BinaryCmd); ok && (b.Op == syntax.Pipe || b.Op == syntax.PipeAll) && len(st.Redirs) == 0 && !st.Negated {
		return append(flattenPipe(b.X), flattenPipe(b.Y)...)
	}
	return []*syntax.Stmt{st}
}

func (w *walker) list(sts []*syntax.Stmt) {
	for _, st := range sts {
		w.stmt(st, 0, 0, false)
	}
}

func (w *walker) compound(cmd syntax.Command, pipe, stage int) {
	switch c := cmd.(type) {
	case *syntax.Subshell:
		w.list(c.Stmts)
	case *syntax.Block:
		w.list(c.Stmts)
	case *syntax.IfClause:
		for ; c != nil; c = c.Else {
			w.list(c.Cond)
			w.list(c.Then)
		}
	case *syntax.WhileClause:
		w.list(c.Cond)
		w.list(c.Do)
	case *syntax.ForClause:
		if wi, ok := c.Loop.(*syntax.WordIter); ok {
			for _, x := range wi.Items {
				w.words(x)
			}
		}
		w.list(c.Do)
	case *syntax.CaseClause:
		w.words(c.Word)
		for _, it := range c.Items {
			w.list(it.Stmts)
		}
	case *syntax.FuncDecl:
		w.stmt(c.Body, 0, 0, false)
	case *syntax.TimeClause:
		w.stmt(c.Stmt, pipe, stage, false)
	case *syntax.CoprocClause:
		w.stmt(c.Stmt, 0, 0, false)
	case *syntax.DeclClause:
		var as []Word
		for _, a := range c.Args {
			as = append(as, w.assign(a))
		}
		defer func() {
			for _, a := range c.Args {
				w.words(a.Value)
			}
		}()
		if c.Variant != nil {
			v := Word{Value: c.Variant.Value, Lit: true, Start: w.off(c.Variant.Pos()), End: w.off(c.Variant.End())}
			args := append([]Word{v}, as...)
			w.s.add(Command{Args: args, Start: v.Start, End: w.lastEnd(v, as), Pipeline: pipe, Stage: stage, Wrappers: w.wrappers}, w, w.depth, w.fx)
		}
	}
}

func (w *walker) lastEnd(first Word, rest []Word) int {
	if len(rest) > 0 {
		return rest[len(rest)-1].End
	}
	return first.End
}

// words visits the command substitutions inside a word.
func (w *walker) words(x *syntax.Word) {
	if x == nil {
		return
	}
	syntax.Walk(x, func(n syntax.Node) bool {
		switch c := n.(type) {
		case *syntax.CmdSubst:
			w.list(c.Stmts)
			return false
		case *syntax.ProcSubst:
			w.list(c.Stmts)
			return false
		}
		return true
	})
}

func (w *walker) assign(a *syntax.Assign) Word {
	start := w.off(a.Pos())
	end := w.off(a.End())
	raw := w.src[start:end]
	val := raw
	lit := true
	if a.Name != nil && a.Value != nil {
		v, l := w.value(a.Value)
		val, lit = a.Name.Value+"="+v, l
	} else if a.Name != nil && !a.Naked {
		val = a.Name.Value + "="
	}
	return Word{Value: val, Lit: lit, Start: start, End: end}
}

func (w *walker) word(x *syntax.Word) Word {
	v, lit := w.value(x)
	return Word{Value: v, Lit: lit, Start: w.off(x.Pos()), End: w.off(x.End())}
}

// value is the word after quote removal, expansions kept as written.
func (w *walker) value(x *syntax.Word) (string, bool) {
	var b strings.Builder
	lit := true
	var parts func(ps []syntax.WordPart, dq bool)
	parts = func(ps []syntax.WordPart, dq bool) {
		for _, p := range ps {
			switch q := p.(type) {
			case *syntax.Lit:
				b.WriteString(unescape(q.Value, dq))
			case *syntax.SglQuoted:
				b.WriteString(q.Value)
			case *syntax.DblQuoted:
				parts(q.Parts, true)
			default:
				lit = false
				b.WriteString(w.src[w.off(p.Pos()):w.off(p.End())])
			}
		}
	}
	parts(x.Parts, false)
	return b.String(), lit
}

// unescape removes the backslashes the shell removes: any escaped byte
// outside quotes, and \$ \` \" \\ inside double quotes.
func unescape(s string, dq bool) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			n := s[i+1]
			if !dq || n == '$' || n == '`' || n == '"' || n == '\\' {
				b.WriteByte(n)
				i++
				continue
			}
			if n == '\n' {
				i++
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

func (w *walker) call(c *syntax.CallExpr, st *syntax.Stmt, pipe, stage int) {
	var cmd Command
	for _, a := range c.Assigns {
		cmd.Assigns = append(cmd.Assigns, w.assign(a))
	}
	for _, a := range c.Args {
		cmd.Args = append(cmd.Args, w.word(a))
	}
	// Commands in substitutions are recorded after the one that holds them.
	defer func() {
		for _, a := range c.Assigns {
			w.words(a.Value)
		}
		for _, a := range c.Args {
			w.words(a)
		}
	}()
	for _, r := range st.Redirs {
		if r.Word != nil && (r.Op == syntax.RdrOut || r.Op == syntax.AppOut || r.Op == syntax.RdrAll || r.Op == syntax.AppAll || r.Op == syntax.RdrClob) {
			cmd.Redirs = append(cmd.Redirs, w.word(r.Word))
		}
	}
	cmd.Start, cmd.End = w.off(c.Pos()), w.off(c.End())
	cmd.Pipeline, cmd.Stage = pipe, stage
	cmd.Wrappers = w.wrappers
	w.s.add(cmd, w, w.depth, w.fx)
}

// add records a command in absolute offsets, unwrapping wrappers.
func (s *Script) add(c Command, w *walker, depth int, fx fixed) {
	base := 0
	if w != nil {
		base = w.base
	}
	shift := func(x *Word) {
		if fx.on {
			x.Start, x.End = fx.start, fx.end
			return
		}
		x.Start += base
		x.End += base
	}
	for i := range c.Args {
		shift(&c.Args[i])
	}
	for i := range c.Assigns {
		shift(&c.Assigns[i])
	}
	for i := range c.Redirs {
		shift(&c.Redirs[i])
	}
	if fx.on {
		c.Start, c.End = fx.start, fx.end
		c.Inexact = true
	} else {
		c.Start += base
		c.End += base
	}
	c.Words = append([]Word(nil), c.Args...)
	s.unwrap(c, depth)
}

// unwrap looks through wrapper programs and records the command.
func (s *Script) unwrap(c Command, depth int) {
	for len(c.Args) > 0 {
		prog := Base(c.Args[0].Value)
		rest := c.Args[1:]
		switch prog {
		case "sudo", "doas":
			rest = skipOpts(rest, "-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U")
		case "exec":
			rest = skipOpts(rest, "-a")
		case "nice":
			rest = skipOpts(rest, "-n")
		case "chroot":
			// chroot [--userspec U:G] NEWROOT [COMMAND]: the command runs
			// in NEWROOT.
			if rest = skipOpts(rest, "--userspec", "--groups"); len(rest) > 0 {
				rest = rest[1:]
			}
		case "command", "time", "nohup", "builtin", "eatmydata", "tini", "dumb-init":
			rest = skipOpts(rest)
		case "env":
			rest = skipOpts(rest, "-u", "--unset", "-C", "--chdir", "-S", "--split-string")
			for len(rest) > 0 && isAssign(rest[0].Value) {
				c.Assigns = append(c.Assigns, rest[0])
				rest = rest[1:]
			}
		case "gosu", "su-exec", "chpst", "setpriv", "s6-setuidgid":
			if prog == "chpst" || prog == "setpriv" {
				rest = skipOpts(rest, "-u", "-U", "--reuid", "--regid")
			} else if len(rest) > 0 {
				rest = rest[1:] // the user
			}
		case "runuser":
			if i := indexOf(rest, "--"); i >= 0 && !hasC(rest) {
				rest = rest[i+1:]
				break
			}
			fallthrough
		case "su":
			if script, at, ok := suScript(rest); ok {
				s.nested(c, prog+" -c", script, at, depth)
				return
			}
			rest = nil
		case "sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox":
			if prog == "busybox" {
				if len(rest) > 0 && (rest[0].Value == "sh" || rest[0].Value == "ash") {
					rest = rest[1:]
				} else {
					rest = skipOpts(rest)
					break
				}
			}
			if script, at, ok := shScript(rest); ok {
				s.nested(c, prog+" -c", script, at, depth)
				return
			}
			s.record(c)
			return
		default:
			s.record(c)
			return
		}
		if len(rest) == 0 && (prog != "env" || len(c.Assigns) == 0) {
			s.record(c) // the wrapper alone: `exec`, `env`, `su`
			return
		}
		c.Wrappers = append(append([]string(nil), c.Wrappers...), prog)
		c.Args = rest
	}
	if len(c.Assigns) > 0 || len(c.Args) > 0 {
		s.record(c)
	}
}

func (s *Script) record(c Command) {
	ls := s.Src
	if len(s.lines) == len(s.Src) {
		ls = s.lines
	}
	c.Line = s.Line + strings.Count(ls[:min(c.Start, len(ls))], "\n")
	s.Commands = append(s.Commands, c)
}

// nested parses the script of `sh -c`/`su -c` as commands of its own.
func (s *Script) nested(c Command, wrapper string, script Word, at int, depth int) {
	wr := append(append([]string(nil), c.Wrappers...), wrapper)
	if depth >= maxDepth {
		c.Wrappers = wr
		s.record(c)
		return
	}
	// Spans map byte for byte when the script was written as one quoted
	// string the shell passes unchanged.
	raw := ""
	if script.Start >= 0 && script.End <= len(s.Src) && script.Start <= script.End {
		raw = s.Src[script.Start:script.End]
	}
	fx := fixed{on: true, start: script.Start, end: script.End}
	base := script.Start
	if n := len(raw); n >= 2 && (raw[0] == '\'' && raw[n-1] == '\'' || raw[0] == '"' && raw[n-1] == '"') && raw[1:n-1] == script.Value {
		fx.on = false
		base = script.Start + 1
	} else if raw == script.Value {
		fx.on = false
	}
	sub := &Script{Src: s.Src, Line: s.Line, pipes: s.pipes, lines: s.lines}
	sub.parse(script.Value, base, wr, depth+1, fx)
	s.pipes = sub.pipes
	if sub.Comments {
		s.Comments = true
	}
	s.Commands = append(s.Commands, sub.Commands...)
	_ = at
}

// shScript finds the script of `sh [-opts] -c script`.
func shScript(ws []Word) (Word, int, bool) {
	for i := 0; i < len(ws); i++ {
		v := ws[i].Value
		switch {
		case v == "-o" || v == "+o" || v == "-O" || v == "+O":
			i++
		case v == "--":
			return Word{}, 0, false
		case strings.HasPrefix(v, "--"):
		case len(v) > 1 && (v[0] == '-' || v[0] == '+'):
			if strings.IndexByte(v[1:], 'c') >= 0 && i+1 < len(ws) {
				return ws[i+1], i + 1, true
			}
		default:
			return Word{}, 0, false // a script file
		}
	}
	return Word{}, 0, false
}

// suScript finds the command of `su [opts] [user] -c command` or
// `su -c command user`.
func suScript(ws []Word) (Word, int, bool) {
	for i := 0; i < len(ws); i++ {
		v := ws[i].Value
		switch {
		case v == "-c" || v == "--command":
			if i+1 < len(ws) {
				return ws[i+1], i + 1, true
			}
		case strings.HasPrefix(v, "--command="):
			w := ws[i]
			w.Value = strings.TrimPrefix(v, "--command=")
			return w, i, true
		case v == "-s" || v == "--shell" || v == "-g" || v == "-G" || v == "-u" || v == "-w":
			i++
		}
	}
	return Word{}, 0, false
}

func hasC(ws []Word) bool {
	for _, w := range ws {
		if w.Value == "-c" || w.Value == "--command" || strings.HasPrefix(w.Value, "--command=") {
			return true
		}
	}
	return false
}

func indexOf(ws []Word, v string) int {
	for i, w := range ws {
		if w.Value == v {
			return i
		}
	}
	return -1
}

// skipOpts drops leading options; the named ones take a value.
func skipOpts(ws []Word, withValue ...string) []Word {
	for len(ws) > 0 {
		v := ws[0].Value
		if v == "--" {
			return ws[1:]
		}
		if !strings.HasPrefix(v, "-") || v == "-" {
			return ws
		}
		takes := false
		for _, o := range withValue {
			if v == o {
				takes = true
			}
		}
		ws = ws[1:]
		if takes && len(ws) > 0 {
			ws = ws[1:]
		}
	}
	return ws
}

func isAssign(v string) bool {
	k, _, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return false
	}
	for i, r := range k {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
