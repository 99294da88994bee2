package fix

import "strings"

// word is a shell word (or operator) of an instruction's text, with its
// byte span in that text so that edits can be made next to it.
type word struct {
	s          string // unquoted value
	start, end int
	op         bool // a command separator: && || ; | & ( ) or a newline
	comment    bool // starts a shell comment (# after whitespace)
}

// shellWords splits instruction text (continuation lines included) into
// words and separators. Lines that are Dockerfile comments inside a
// continued instruction are skipped, as the builder skips them. It is not
// a shell: it is enough to find a program's arguments and where they end.
func shellWords(text string, escape byte) []word {
	var out []word
	i := 0
	atLineStart := false
	for i < len(text) {
		c := text[i]
		if atLineStart {
			// A comment line inside a continued instruction is dropped by
			// the builder before the shell sees it.
			j := i
			for j < len(text) && (text[j] == ' ' || text[j] == '\t') {
				j++
			}
			if j < len(text) && text[j] == '#' {
				for j < len(text) && text[j] != '\n' {
					j++
				}
				i = j + 1
				continue
			}
			atLineStart = false
		}
		switch {
		case c == escape && i+1 < len(text) && (text[i+1] == '\n' || text[i+1] == '\r' && i+2 < len(text) && text[i+2] == '\n'):
			if text[i+1] == '\r' {
				i++
			}
			i += 2
			atLineStart = true
		case c == '\n':
			out = append(out, word{s: "\n", start: i, end: i + 1, op: true})
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == ';' || c == '(' || c == ')':
			out = append(out, word{s: string(c), start: i, end: i + 1, op: true})
			i++
		case c == '&' || c == '|':
			j := i + 1
			if j < len(text) && text[j] == c {
				j++
			}
			out = append(out, word{s: text[i:j], start: i, end: j, op: true})
			i = j
		case c == '#':
			// A shell comment runs to the end of the line.
			j := i
			for j < len(text) && text[j] != '\n' {
				j++
			}
			out = append(out, word{s: text[i:j], start: i, end: j, comment: true})
			i = j
		default:
			start := i
			var b strings.Builder
			var quote byte
			for i < len(text) {
				c := text[i]
				if quote != 0 {
					if c == quote {
						quote = 0
					} else if c == '\\' && quote == '"' && i+1 < len(text) {
						b.WriteByte(text[i+1])
						i++
					} else {
						b.WriteByte(c)
					}
					i++
					continue
				}
				if c == '"' || c == '\'' {
					quote = c
					i++
					continue
				}
				if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')' {
					break
				}
				if c == escape && i+1 < len(text) {
					if text[i+1] == '\n' || text[i+1] == '\r' && i+2 < len(text) && text[i+2] == '\n' {
						break
					}
					b.WriteByte(text[i+1])
					i += 2
					continue
				}
				b.WriteByte(c)
				i++
			}
			if i == start {
				i++ // never stall on a byte no case consumes
				continue
			}
			out = append(out, word{s: b.String(), start: start, end: i})
		}
	}
	return out
}

// simpleCommands groups words into commands, dropping separators.
func simpleCommands(ws []word) [][]word {
	var out [][]word
	var cur []word
	for _, w := range ws {
		if w.op || w.comment {
			if len(cur) > 0 {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, w)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// programIndex skips leading VAR=value assignments and sudo/env wrappers.
func programIndex(c []word) int {
	for i, w := range c {
		if strings.Contains(w.s, "=") && !strings.HasPrefix(w.s, "-") && !strings.HasPrefix(w.s, "/") {
			continue
		}
		if w.s == "sudo" || w.s == "env" || w.s == "command" || w.s == "exec" {
			continue
		}
		return i
	}
	return len(c)
}

func baseName(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func hasWordIn(c []word, s string) bool {
	for _, w := range c {
		if w.s == s {
			return true
		}
	}
	return false
}
