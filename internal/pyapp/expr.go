package pyapp

import (
	"strconv"
	"strings"
)

// Predicates over argument text. They re-lex the text, which is short
// (capped at maxArgText), rather than keep tokens in every Arg.

func lexText(s string) ([]token, []byte, bool) {
	src := []byte(s)
	lx := newLexer(src)
	l, ok, err := lx.next(nil)
	if err != nil || !ok {
		return nil, src, false
	}
	// The text of one argument is one expression: anything after a first
	// logical line means it was not.
	if _, more, _ := lx.next(nil); more {
		return nil, src, false
	}
	return l.toks, src, true
}

// IsTrue reports whether the argument is the literal True.
func (a Arg) IsTrue() bool { return strings.TrimSpace(a.Text) == "True" }

// IsNone reports whether the argument is the literal None.
func (a Arg) IsNone() bool { return strings.TrimSpace(a.Text) == "None" }

// IsSet reports whether the argument was present at all.
func (a Arg) IsSet() bool { return a.Text != "" }

// IsStringLiteral reports whether the argument is a plain string literal
// (implicit concatenation allowed, f-strings only without fields) and
// returns its value.
func (a Arg) IsStringLiteral() (string, bool) {
	toks, src, ok := lexText(a.Text)
	if !ok || len(toks) == 0 {
		return "", false
	}
	var sb strings.Builder
	for _, t := range toks {
		if t.kind != tString {
			return "", false
		}
		v, ok := stringValue(string(src[t.start:t.end]))
		if !ok {
			return "", false
		}
		sb.WriteString(v)
	}
	return sb.String(), true
}

// stringValue decodes one string literal token. Bytes literals and
// f-strings with replacement fields are not plain strings.
func stringValue(lit string) (string, bool) {
	i := strings.IndexAny(lit, `"'`)
	if i < 0 {
		return "", false
	}
	prefix := strings.ToLower(lit[:i])
	body := lit[i:]
	if strings.ContainsAny(prefix, "bt") {
		return "", false
	}
	q := body[:1]
	if strings.HasPrefix(body, q+q+q) && len(body) >= 6 {
		body = body[3 : len(body)-3]
	} else if len(body) >= 2 {
		body = body[1 : len(body)-1]
	} else {
		return "", false
	}
	if strings.Contains(prefix, "f") {
		if strings.Count(body, "{") != 2*strings.Count(body, "{{") {
			return "", false
		}
		body = strings.ReplaceAll(strings.ReplaceAll(body, "{{", "{"), "}}", "}")
	}
	if strings.Contains(prefix, "r") || !strings.Contains(body, `\`) {
		return body, true
	}
	return unescape(body), true
}

// unescape decodes the common escapes; unknown ones stay as written, as in
// Python.
func unescape(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			sb.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			sb.WriteByte('\n')
		case 't':
			sb.WriteByte('\t')
		case 'r':
			sb.WriteByte('\r')
		case '\\', '\'', '"':
			sb.WriteByte(s[i])
		case '\n':
		case 'x':
			if i+2 < len(s) {
				if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
					sb.WriteRune(rune(n))
					i += 2
					continue
				}
			}
			sb.WriteString(`\x`)
		default:
			sb.WriteByte('\\')
			sb.WriteByte(s[i])
		}
	}
	return sb.String()
}

// DocsGated reports whether a docs_url / redoc_url / openapi_url argument
// depends on configuration: a conditional expression (`"/docs" if debug else
// None`) or a reference to settings, environment or any other name. It is
// false for literals (strings, None) and for an absent argument, since
// FastAPI then serves its docs at the default path.
func DocsGated(a Arg) bool {
	toks, src, ok := lexText(a.Text)
	if !ok {
		// Unparseable text was still written by someone: only a
		// conditional counts as gating then.
		return strings.Contains(a.Text, " if ")
	}
	for _, t := range toks {
		if t.kind != tName {
			continue
		}
		switch string(src[t.start:t.end]) {
		case "None", "True", "False", "and", "or", "not", "in", "is":
			continue
		}
		// `if`, a settings attribute, os.getenv, a constant: all make
		// the value configuration-dependent.
		return true
	}
	return false
}

// DefaultValue returns the field's default with pydantic's Field(...)
// wrapper removed: Field("x") and Field(default="x", env="X") give "x".
// default_factory and a missing default give an empty Arg.
func (f Field) DefaultValue() Arg {
	a := Arg{Text: f.Default, Line: f.DefaultLine, Col: f.DefaultCol}
	toks, src, ok := lexText(f.Default)
	if !ok || len(toks) < 3 || toks[0].kind != tName {
		return a
	}
	name := string(src[toks[0].start:toks[0].end])
	if name != "Field" && !strings.HasSuffix(name, ".Field") {
		return a
	}
	p := &parser{src: src, names: map[string]string{}}
	callee, rest := p.dotted(toks)
	if len(rest) == 0 || p.text(rest[0]) != "(" {
		return a
	}
	c := p.call(callee, toks[0], rest)
	v, ok := c.Args["default"]
	if !ok && len(c.Positional) > 0 {
		v, ok = c.Positional[0], true
	}
	if !ok || strings.TrimSpace(v.Text) == "..." {
		return Arg{}
	}
	// Positions inside the re-lexed text are relative to the default's start.
	if v.Line == 1 {
		v.Col += f.DefaultCol - 1
	}
	v.Line += f.DefaultLine - 1
	return v
}

// Resolve follows an argument that is a bare module-level name to the value
// assigned to it in this file (docs_url=DOCS_URL, DOCS_URL = "/docs"), so
// rules see the literal. Other arguments come back unchanged.
func (f *File) Resolve(a Arg) Arg {
	name := strings.TrimSpace(a.Text)
	if name == "" || !isIdentText(name) {
		return a
	}
	var found *Field
	for i := range f.Assignments {
		if f.Assignments[i].Name == name {
			if found != nil {
				return a // reassigned: no single value
			}
			found = &f.Assignments[i]
		}
	}
	if found == nil || found.Default == "" {
		return a
	}
	return Arg{Text: found.Default, Line: found.DefaultLine, Col: found.DefaultCol}
}

func isIdentText(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isIdent(s[i]) || i == 0 && isDigit(s[i]) {
			return false
		}
	}
	return !keywords[s]
}
