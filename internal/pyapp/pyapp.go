// Package pyapp reads facts that matter for container security out of
// Python (FastAPI) source without running Python: FastAPI(...) and
// uvicorn.run(...) arguments, pydantic BaseSettings fields and module-level
// constants such as DEBUG or SECRET_KEY.
package pyapp

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// MaxFileSize bounds the source Parse accepts. Hand-written application
// modules are far smaller; anything bigger is generated data.
const MaxFileSize = 8 << 20

// maxFacts caps each list in a File (and the arguments of one call): real
// modules have a handful, and the cap keeps memory flat on generated input.
const maxFacts = 10000

// maxArgText caps the expression text kept per argument or default, so a
// pathological expression cannot bloat every report that quotes it.
const maxArgText = 512

// File holds the facts found in one Python file.
type File struct {
	Path           string
	ImportsFastAPI bool
	FastAPICalls   []Call          // FastAPI(...) / fastapi.FastAPI(...)
	UvicornRuns    []Call          // uvicorn.run(...) and uvicorn.Config(...)
	Settings       []SettingsClass // classes deriving from BaseSettings
	Assignments    []Field         // module-level NAME = value statements
}

// Call is one call with its arguments as written.
type Call struct {
	Func       string         // callee as written: "FastAPI", "fastapi.FastAPI", "uvicorn.run"
	Line, Col  int            // of the callee's first token
	Args       map[string]Arg // keyword arguments
	Positional []Arg
	// Spread is set when the call also passes *args or **kwargs, so any
	// argument may be set without appearing in Args.
	Spread bool
}

// Arg is an argument or default value: its expression text as written
// (comments dropped, whitespace runs collapsed) and where it starts.
type Arg struct {
	Text      string
	Line, Col int
}

// SettingsClass is a pydantic settings class and its fields.
type SettingsClass struct {
	Name   string
	Bases  []string
	Line   int
	Fields []Field
}

// Field is a class field or module-level assignment: `name: Annotation =
// Default`, either part optional.
type Field struct {
	Name       string
	Annotation string
	Default    string
	Line, Col  int // of the name
	// DefaultLine and DefaultCol locate Default, for findings that point at
	// the value.
	DefaultLine, DefaultCol int
}

// IsCandidate is a cheap pre-check so that discovery only tokenizes Python
// files that can hold FastAPI, uvicorn or settings facts.
func IsCandidate(path string, src []byte) bool {
	if !strings.HasSuffix(strings.ToLower(path), ".py") {
		return false
	}
	return bytes.Contains(src, []byte("fastapi")) || bytes.Contains(src, []byte("FastAPI")) ||
		bytes.Contains(src, []byte("uvicorn")) || bytes.Contains(src, []byte("BaseSettings"))
}

// Parse extracts the facts of one Python file. On a lexing error (an
// unterminated string, absurd nesting) it returns what it found before the
// error together with an error naming the file and line.
func Parse(path string, src []byte) (*File, error) {
	f := &File{Path: path}
	if len(src) > MaxFileSize {
		return f, fmt.Errorf("parse %s: %d bytes exceeds the %d-byte limit", path, len(src), MaxFileSize)
	}
	p := &parser{src: src, file: f, names: map[string]string{}, settingsNames: map[string]bool{"BaseSettings": true}}
	lx := newLexer(src)
	var buf []token
	for {
		l, ok, err := lx.next(buf)
		if err != nil {
			var pe *posError
			if errors.As(err, &pe) {
				return f, fmt.Errorf("parse %s:%d:%d: %s", path, pe.line, pe.col, pe.msg)
			}
			return f, fmt.Errorf("parse %s: %w", path, err)
		}
		if !ok {
			return f, nil
		}
		p.statement(l)
		buf = l.toks
	}
}

type block struct {
	indent     int
	bodyIndent int // -1 until the first body line is seen
	settings   int // index into File.Settings, or -1 for other classes
}

type parser struct {
	src  []byte
	file *File
	// names maps local names bound by imports to what they stand for:
	// "FastAPI" -> "fastapi.FastAPI", "fa" -> "fastapi", "run" -> "uvicorn.run".
	names         map[string]string
	settingsNames map[string]bool // BaseSettings and classes derived from it here
	blocks        []block         // enclosing class blocks
}

func (p *parser) text(t token) string { return string(p.src[t.start:t.end]) }

func (p *parser) statement(l logical) {
	toks := l.toks
	for len(p.blocks) > 0 && l.indent <= p.blocks[len(p.blocks)-1].indent {
		p.blocks = p.blocks[:len(p.blocks)-1]
	}
	// Fields are statements directly in a settings class body.
	if n := len(p.blocks); n > 0 {
		b := &p.blocks[n-1]
		if b.bodyIndent < 0 {
			b.bodyIndent = l.indent
		}
		if b.settings >= 0 && l.indent == b.bodyIndent {
			if fl, ok := p.assignment(toks); ok {
				s := &p.file.Settings[b.settings]
				if len(s.Fields) < maxFacts {
					s.Fields = append(s.Fields, fl)
				}
			}
		}
	}
	if len(toks) > 0 && toks[0].kind == tName {
		switch p.text(toks[0]) {
		case "import":
			p.importStmt(toks[1:])
		case "from":
			p.fromStmt(toks[1:])
		case "class":
			p.classStmt(toks, l.indent)
		default:
			if l.indent == 0 {
				if fl, ok := p.assignment(toks); ok && len(p.file.Assignments) < maxFacts {
					p.file.Assignments = append(p.file.Assignments, fl)
				}
			}
		}
	}
	p.calls(toks)
}

// dotted reads a dotted name (a.b.c) from toks and returns it and the rest.
func (p *parser) dotted(toks []token) (string, []token) {
	var sb strings.Builder
	for len(toks) > 0 && toks[0].kind == tName {
		sb.WriteString(p.text(toks[0]))
		toks = toks[1:]
		if len(toks) > 0 && p.text(toks[0]) == "." {
			sb.WriteByte('.')
			toks = toks[1:]
			continue
		}
		break
	}
	return sb.String(), toks
}

// importStmt handles `import a.b as c, d`.
func (p *parser) importStmt(toks []token) {
	for len(toks) > 0 {
		mod, rest := p.dotted(toks)
		if mod == "" {
			return
		}
		toks = rest
		local := mod
		if i := strings.IndexByte(mod, '.'); i >= 0 {
			local = mod[:i] // `import fastapi.responses` binds fastapi
		}
		if len(toks) >= 2 && p.text(toks[0]) == "as" && toks[1].kind == tName {
			local = p.text(toks[1])
			toks = toks[2:]
		} else {
			mod = local
		}
		p.bind(local, mod)
		if len(toks) > 0 && p.text(toks[0]) == "," {
			toks = toks[1:]
			continue
		}
		return
	}
}

// fromStmt handles `from m import a as b, (c, d)`.
func (p *parser) fromStmt(toks []token) {
	mod, rest := p.dotted(toks)
	if len(rest) == 0 || p.text(rest[0]) != "import" {
		return
	}
	if mod == "fastapi" || strings.HasPrefix(mod, "fastapi.") {
		p.file.ImportsFastAPI = true
	}
	toks = rest[1:]
	for len(toks) > 0 {
		switch p.text(toks[0]) {
		case "(", ")", ",":
			toks = toks[1:]
			continue
		}
		if toks[0].kind != tName {
			return
		}
		name := p.text(toks[0])
		local := name
		toks = toks[1:]
		if len(toks) >= 2 && p.text(toks[0]) == "as" && toks[1].kind == tName {
			local = p.text(toks[1])
			toks = toks[2:]
		}
		p.bind(local, mod+"."+name)
	}
}

func (p *parser) bind(local, target string) {
	if target == "fastapi" || strings.HasPrefix(target, "fastapi.") {
		p.file.ImportsFastAPI = true
	}
	p.names[local] = target
	if strings.HasSuffix(target, ".BaseSettings") {
		p.settingsNames[local] = true
	}
}

// resolve maps a callee as written to what it refers to through imports.
func (p *parser) resolve(callee string) string {
	head, tail, dot := strings.Cut(callee, ".")
	if t, ok := p.names[head]; ok {
		if dot {
			return t + "." + tail
		}
		return t
	}
	return callee
}

// classStmt opens a class block; settings classes are those with a base
// named BaseSettings (however imported) or derived from one in this file.
func (p *parser) classStmt(toks []token, indent int) {
	b := block{indent: indent, bodyIndent: -1, settings: -1}
	defer func() { p.blocks = append(p.blocks, b) }()
	if len(toks) < 2 || toks[1].kind != tName {
		return
	}
	name := p.text(toks[1])
	var bases []string
	settings := false
	if len(toks) > 2 && p.text(toks[2]) == "(" {
		depth := 0
		var cur []token
		flush := func() {
			if len(cur) == 0 {
				return
			}
			if len(cur) >= 2 && cur[1].kind == tOp && p.text(cur[1]) == "=" {
				cur = nil // metaclass=..., keyword, not a base
				return
			}
			base := p.render(cur)
			bases = append(bases, base)
			last := base[strings.LastIndexByte(base, '.')+1:]
			if p.settingsNames[last] || p.settingsNames[base] || strings.HasSuffix(p.resolve(base), ".BaseSettings") {
				settings = true
			}
			cur = nil
		}
		for _, t := range toks[3:] {
			s := p.text(t)
			if depth == 0 && (s == ")" || s == ",") {
				flush()
				if s == ")" {
					break
				}
				continue
			}
			switch s {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				depth--
			}
			cur = append(cur, t)
		}
	}
	if !settings || len(p.file.Settings) >= maxFacts {
		return
	}
	p.settingsNames[name] = true
	p.file.Settings = append(p.file.Settings, SettingsClass{Name: name, Bases: bases, Line: int(toks[0].line)})
	b.settings = len(p.file.Settings) - 1
}

// assignment recognises `NAME = expr` and `NAME: ann [= expr]`.
func (p *parser) assignment(toks []token) (Field, bool) {
	if len(toks) < 2 || toks[0].kind != tName || isKeyword(p.text(toks[0])) {
		return Field{}, false
	}
	f := Field{Name: p.text(toks[0]), Line: int(toks[0].line), Col: int(toks[0].col)}
	rest := toks[1:]
	switch p.text(rest[0]) {
	case "=":
		rest = rest[1:]
	case ":":
		rest = rest[1:]
		i := indexOp(p, rest, "=")
		f.Annotation = p.render(rest[:i])
		if i == len(rest) {
			return f, f.Annotation != ""
		}
		rest = rest[i+1:]
	default:
		return Field{}, false
	}
	// Chained assignment (a = b = 1) is rare in settings; keep the first value.
	if j := indexOp(p, rest, "="); j < len(rest) {
		rest = rest[:j]
	}
	if len(rest) == 0 {
		return Field{}, false
	}
	f.Default = p.render(rest)
	f.DefaultLine, f.DefaultCol = int(rest[0].line), int(rest[0].col)
	return f, true
}

// indexOp finds a top-level operator token; len(toks) when absent.
func indexOp(p *parser, toks []token, op string) int {
	depth := 0
	for i, t := range toks {
		if t.kind != tOp {
			continue
		}
		switch s := p.text(t); s {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		default:
			if depth == 0 && s == op {
				return i
			}
		}
	}
	return len(toks)
}

var keywords = map[string]bool{"False": true, "None": true, "True": true, "and": true, "as": true,
	"assert": true, "async": true, "await": true, "break": true, "class": true, "continue": true,
	"def": true, "del": true, "elif": true, "else": true, "except": true, "finally": true, "for": true,
	"from": true, "global": true, "if": true, "import": true, "in": true, "is": true, "lambda": true,
	"nonlocal": true, "not": true, "or": true, "pass": true, "raise": true, "return": true, "try": true,
	"while": true, "with": true, "yield": true}

func isKeyword(s string) bool { return keywords[s] }

// calls finds FastAPI and uvicorn calls anywhere in the statement.
func (p *parser) calls(toks []token) {
	for i := 0; i < len(toks); i++ {
		if toks[i].kind != tName || (i > 0 && p.text(toks[i-1]) == ".") {
			continue
		}
		if i > 0 && (p.text(toks[i-1]) == "def" || p.text(toks[i-1]) == "class") {
			continue
		}
		// Cheap filter before building the dotted name: the head must be
		// one of the known callees or an imported name.
		if head := p.text(toks[i]); head != "FastAPI" && head != "fastapi" && head != "uvicorn" && p.names[head] == "" {
			continue
		}
		callee, rest := p.dotted(toks[i:])
		j := len(toks) - len(rest)
		if j >= len(toks) || p.text(toks[j]) != "(" {
			continue
		}
		var dst *[]Call
		switch target := p.resolve(callee); {
		case target == "fastapi.FastAPI" || callee == "FastAPI" && p.names["FastAPI"] == "":
			dst = &p.file.FastAPICalls
		case target == "uvicorn.run" || target == "uvicorn.Config":
			dst = &p.file.UvicornRuns
		default:
			continue
		}
		if len(*dst) < maxFacts {
			*dst = append(*dst, p.call(callee, toks[i], toks[j:]))
		}
	}
}

// call parses the argument list that starts at toks[0] == "(".
func (p *parser) call(callee string, at token, toks []token) Call {
	c := Call{Func: callee, Line: int(at.line), Col: int(at.col), Args: map[string]Arg{}}
	depth := 0
	var cur []token
	flush := func() {
		if len(cur) == 0 {
			return
		}
		switch {
		case p.text(cur[0]) == "*" || p.text(cur[0]) == "**":
			c.Spread = true
		case len(cur) >= 3 && cur[0].kind == tName && cur[1].kind == tOp && p.text(cur[1]) == "=":
			if len(c.Args) < maxFacts {
				c.Args[p.text(cur[0])] = p.arg(cur[2:])
			}
		default:
			if len(c.Positional) < maxFacts {
				c.Positional = append(c.Positional, p.arg(cur))
			}
		}
		cur = nil
	}
	for _, t := range toks {
		s := ""
		if t.kind == tOp {
			s = p.text(t)
		}
		switch s {
		case "(", "[", "{":
			depth++
			if depth == 1 {
				continue
			}
		case ")", "]", "}":
			depth--
			if depth == 0 {
				flush()
				return c
			}
		case ",":
			if depth == 1 {
				flush()
				continue
			}
		}
		cur = append(cur, t)
	}
	flush() // unterminated call (truncated file): keep what was there
	return c
}

func (p *parser) arg(toks []token) Arg {
	return Arg{Text: p.render(toks), Line: int(toks[0].line), Col: int(toks[0].col)}
}

// render writes tokens back as text: exactly as written within a token,
// one space wherever the source had whitespace, comments or line breaks.
func (p *parser) render(toks []token) string {
	var sb strings.Builder
	for i, t := range toks {
		if i > 0 && t.start > toks[i-1].end {
			sb.WriteByte(' ')
		}
		sb.Write(p.src[t.start:t.end])
		if sb.Len() > maxArgText {
			return truncate(sb.String())
		}
	}
	return sb.String()
}

func truncate(s string) string {
	s = s[:maxArgText]
	for i := 0; i < 4 && len(s) > 0 && s[len(s)-1] >= 0x80; i++ {
		s = s[:len(s)-1] // do not end inside a UTF-8 sequence
	}
	return s + "…"
}
