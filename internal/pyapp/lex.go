package pyapp

import (
	"fmt"
)

// The lexer is a subset of Python's tokenizer: enough to find calls,
// classes and assignments in real code without being fooled by strings,
// comments, brackets or line continuations. It never builds a token list for
// the whole file, only for one logical line at a time, so memory is bounded
// by the longest statement.

type kind uint8

const (
	tName kind = iota + 1
	tNumber
	tString
	tOp
)

// Fields are int32 (MaxFileSize fits) to halve the memory of long statements.
type token struct {
	kind       kind
	start, end int32 // byte offsets into src
	line, col  int32 // 1-based; col counts bytes
}

func tok(k kind, start, end, line, col int) token {
	return token{k, int32(start), int32(end), int32(line), int32(col)}
}

// logical is one logical line: a statement, however many physical lines its
// brackets, continuations and triple-quoted strings span.
type logical struct {
	toks   []token
	indent int
}

const (
	maxDepth      = 200     // bracket and f-string nesting; CPython stops at 200 too
	maxLineTokens = 1 << 20 // tokens in one logical line
)

// posError is a lexing error at a source position.
type posError struct {
	line, col int
	msg       string
}

func (e *posError) Error() string { return fmt.Sprintf("%d:%d: %s", e.line, e.col, e.msg) }

type lexer struct {
	src       []byte
	pos       int
	line      int
	lineStart int
}

func newLexer(src []byte) *lexer {
	lx := &lexer{src: src, line: 1}
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		lx.pos, lx.lineStart = 3, 3
	}
	return lx
}

func (lx *lexer) errAt(pos, line, lineStart int, format string, args ...any) error {
	return &posError{line: line, col: pos - lineStart + 1, msg: fmt.Sprintf(format, args...)}
}

// newline consumes a line break at lx.pos (\n, \r\n or \r), if any.
func (lx *lexer) newline() bool {
	switch {
	case lx.pos < len(lx.src) && lx.src[lx.pos] == '\n':
		lx.pos++
	case lx.pos < len(lx.src) && lx.src[lx.pos] == '\r':
		lx.pos++
		if lx.pos < len(lx.src) && lx.src[lx.pos] == '\n' {
			lx.pos++
		}
	default:
		return false
	}
	lx.line++
	lx.lineStart = lx.pos
	return true
}

// next returns the next logical line; ok is false at the end of input. The
// token slice is reused between calls.
func (lx *lexer) next(buf []token) (l logical, ok bool, err error) {
	toks := buf[:0]
	depth := 0
	atLineStart := true
	indent := 0
	for {
		if lx.pos >= len(lx.src) {
			if len(toks) > 0 {
				return logical{toks: toks, indent: indent}, true, nil
			}
			return logical{}, false, nil
		}
		c := lx.src[lx.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\f':
			lx.pos++
			continue
		case c == '\n' || c == '\r':
			lx.newline()
			if depth == 0 && len(toks) > 0 {
				return logical{toks: toks, indent: indent}, true, nil
			}
			atLineStart = len(toks) == 0
			continue
		case c == '#':
			for lx.pos < len(lx.src) && lx.src[lx.pos] != '\n' && lx.src[lx.pos] != '\r' {
				lx.pos++
			}
			continue
		case c == '\\':
			// Line continuation; a stray backslash is skipped, not fatal.
			lx.pos++
			lx.newline()
			continue
		}
		if atLineStart && len(toks) == 0 {
			indent = indentOf(lx.src[lx.lineStart:lx.pos])
			atLineStart = false
		}
		if len(toks) >= maxLineTokens {
			return logical{}, false, lx.errAt(lx.pos, lx.line, lx.lineStart, "statement longer than %d tokens", maxLineTokens)
		}
		start, line, col := lx.pos, lx.line, lx.pos-lx.lineStart+1
		switch {
		case isIdentStart(c):
			for lx.pos < len(lx.src) && isIdent(lx.src[lx.pos]) {
				lx.pos++
			}
			if lx.pos < len(lx.src) && (lx.src[lx.pos] == '"' || lx.src[lx.pos] == '\'') && stringPrefix(lx.src[start:lx.pos]) {
				if err := lx.str(start, 0); err != nil {
					return logical{toks: toks, indent: indent}, false, err
				}
				toks = append(toks, tok(tString, start, lx.pos, line, col))
				continue
			}
			toks = append(toks, tok(tName, start, lx.pos, line, col))
		case isDigit(c) || c == '.' && lx.pos+1 < len(lx.src) && isDigit(lx.src[lx.pos+1]):
			lx.number()
			toks = append(toks, tok(tNumber, start, lx.pos, line, col))
		case c == '"' || c == '\'':
			if err := lx.str(start, 0); err != nil {
				return logical{toks: toks, indent: indent}, false, err
			}
			toks = append(toks, tok(tString, start, lx.pos, line, col))
		default:
			n := opLen(lx.src[lx.pos:])
			lx.pos += n
			switch c {
			case '(', '[', '{':
				depth++
				if depth > maxDepth {
					return logical{toks: toks, indent: indent}, false, lx.errAt(start, line, lx.lineStart, "brackets nested deeper than %d", maxDepth)
				}
			case ')', ']', '}':
				// Unbalanced closers are tolerated: a partial result is
				// more use than none.
				if depth > 0 {
					depth--
				}
			}
			toks = append(toks, tok(tOp, start, lx.pos, line, col))
		}
	}
}

func indentOf(ws []byte) int {
	n := 0
	for _, c := range ws {
		if c == '\t' {
			n = (n/8 + 1) * 8
		} else {
			n++
		}
	}
	return n
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || c|0x20 >= 'a' && c|0x20 <= 'z' || c >= 0x80 }
func isIdent(c byte) bool      { return isIdentStart(c) || isDigit(c) }

// stringPrefix reports whether p is a string prefix (r, b, u, f, t and
// their two-letter combinations, any case).
func stringPrefix(p []byte) bool {
	if len(p) == 0 || len(p) > 2 {
		return false
	}
	seen := 0
	for _, c := range p {
		switch c | 0x20 {
		case 'r', 'b', 'u', 'f', 't':
			seen++
		default:
			return false
		}
	}
	return seen == len(p)
}

func isFormatPrefix(p []byte) bool {
	for _, c := range p {
		if c|0x20 == 'f' || c|0x20 == 't' {
			return true
		}
	}
	return false
}

func (lx *lexer) number() {
	hex := lx.pos+1 < len(lx.src) && lx.src[lx.pos] == '0' && lx.src[lx.pos+1]|0x20 == 'x'
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		switch {
		case isDigit(c) || c == '_' || c == '.' || c|0x20 >= 'a' && c|0x20 <= 'z':
			lx.pos++
		case (c == '+' || c == '-') && !hex && lx.src[lx.pos-1]|0x20 == 'e':
			lx.pos++
		default:
			return
		}
	}
}

var ops3 = []string{"**=", "//=", ">>=", "<<=", "..."}
var ops2 = []string{"**", "//", "<<", ">>", "<=", ">=", "==", "!=", "->", ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@="}

func opLen(b []byte) int {
	// Most operators are single brackets, commas, dots and colons.
	switch b[0] {
	case '(', ')', '[', ']', '{', '}', ',', ';', '~':
		return 1
	}
	if len(b) == 1 || b[1] != '=' && b[1] != b[0] && b[1] != '>' && b[1] != '.' {
		return 1
	}
	for _, o := range ops3 {
		if len(b) >= 3 && string(b[:3]) == o {
			return 3
		}
	}
	for _, o := range ops2 {
		if len(b) >= 2 && string(b[:2]) == o {
			return 2
		}
	}
	return 1
}

// str lexes a string literal whose prefix starts at start; lx.pos is at the
// opening quote. Replacement fields of f-strings are lexed as code, so quotes
// and braces inside them (f"{d["k"]}", valid since Python 3.12) do not end
// the string early.
func (lx *lexer) str(start, nest int) error {
	if nest > maxDepth {
		return lx.errAt(start, lx.line, lx.lineStart, "f-strings nested deeper than %d", maxDepth)
	}
	format := isFormatPrefix(lx.src[start:lx.pos])
	q := lx.src[lx.pos]
	line, lineStart := lx.line, lx.lineStart
	triple := lx.pos+2 < len(lx.src) && lx.src[lx.pos+1] == q && lx.src[lx.pos+2] == q
	if triple {
		lx.pos += 3
	} else {
		lx.pos++
	}
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		switch {
		case c == '\\':
			lx.pos++
			if !lx.newline() && lx.pos < len(lx.src) {
				lx.pos++
			}
		case c == '\n' || c == '\r':
			if !triple {
				return lx.errAt(start, line, lineStart, "unterminated string literal")
			}
			lx.newline()
		case c == q:
			if !triple {
				lx.pos++
				return nil
			}
			if lx.pos+2 < len(lx.src) && lx.src[lx.pos+1] == q && lx.src[lx.pos+2] == q {
				lx.pos += 3
				return nil
			}
			lx.pos++
		case format && c == '{':
			if lx.pos+1 < len(lx.src) && lx.src[lx.pos+1] == '{' {
				lx.pos += 2
				continue
			}
			lx.pos++
			if err := lx.field(nest); err != nil {
				return err
			}
		default:
			lx.pos++
		}
	}
	if triple {
		return lx.errAt(start, line, lineStart, "unterminated triple-quoted string literal")
	}
	return lx.errAt(start, line, lineStart, "unterminated string literal")
}

// field skips an f-string replacement field after its '{', up to and
// including the matching '}': an expression, then an optional !conversion
// and :format spec (which may hold nested fields).
func (lx *lexer) field(nest int) error {
	depth := 0
	spec := false
	openLine, openStart, open := lx.line, lx.lineStart, lx.pos-1
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		if spec {
			switch c {
			case '{':
				lx.pos++
				if err := lx.field(nest + 1); err != nil {
					return err
				}
			case '}':
				lx.pos++
				return nil
			case '\n', '\r':
				lx.newline()
			default:
				lx.pos++
			}
			continue
		}
		switch {
		case c == '"' || c == '\'':
			if err := lx.str(lx.pos, nest+1); err != nil {
				return err
			}
		case isIdentStart(c):
			s := lx.pos
			for lx.pos < len(lx.src) && isIdent(lx.src[lx.pos]) {
				lx.pos++
			}
			if lx.pos < len(lx.src) && (lx.src[lx.pos] == '"' || lx.src[lx.pos] == '\'') && stringPrefix(lx.src[s:lx.pos]) {
				if err := lx.str(s, nest+1); err != nil {
					return err
				}
			}
		case c == '(' || c == '[' || c == '{':
			depth++
			if depth > maxDepth {
				return lx.errAt(lx.pos, lx.line, lx.lineStart, "brackets nested deeper than %d", maxDepth)
			}
			lx.pos++
		case c == ')' || c == ']':
			if depth > 0 {
				depth--
			}
			lx.pos++
		case c == '}':
			lx.pos++
			if depth == 0 {
				return nil
			}
			depth--
		case c == ':' && depth == 0 && !(lx.pos+1 < len(lx.src) && lx.src[lx.pos+1] == '='):
			spec = true
			lx.pos++
		case c == '\n' || c == '\r':
			lx.newline()
		case c == '#':
			// Comments are allowed in multi-line replacement fields.
			for lx.pos < len(lx.src) && lx.src[lx.pos] != '\n' && lx.src[lx.pos] != '\r' {
				lx.pos++
			}
		default:
			lx.pos++
		}
	}
	return lx.errAt(open, openLine, openStart, "unterminated f-string replacement field")
}
