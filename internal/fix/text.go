package fix

import (
	"bytes"
	"strings"
)

// splitLines splits src into lines that keep their terminators, so joining
// them gives src back byte for byte.
func splitLines(src []byte) []string {
	var out []string
	for len(src) > 0 {
		i := bytes.IndexByte(src, '\n')
		if i < 0 {
			out = append(out, string(src))
			break
		}
		out = append(out, string(src[:i+1]))
		src = src[i+1:]
	}
	return out
}

// eolOf is the line ending the file uses (CRLF when its first line has
// one), so inserted lines match the file.
func eolOf(src []byte) string {
	if i := bytes.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// replaceLines replaces 1-based lines from..to (inclusive) with text, which
// carries its own terminators. from > to inserts text before line from.
func replaceLines(src []byte, from, to int, text string) []byte {
	ls := splitLines(src)
	if from < 1 {
		from = 1
	}
	if to > len(ls) {
		to = len(ls)
	}
	var b strings.Builder
	for i := 0; i < from-1 && i < len(ls); i++ {
		b.WriteString(ls[i])
	}
	// A file without a final newline: what follows needs one.
	if from-1 > 0 && from-1 <= len(ls) && !strings.HasSuffix(ls[from-2], "\n") && text != "" {
		b.WriteString(eolOf(src))
	}
	b.WriteString(text)
	for i := max(to, from-1); i < len(ls); i++ {
		b.WriteString(ls[i])
	}
	return []byte(b.String())
}

// insertBefore inserts text before 1-based line n (n = len+1 appends).
func insertBefore(src []byte, n int, text string) []byte {
	return replaceLines(src, n, n-1, text)
}

// lineText returns lines from..to joined, terminators included.
func lineText(src []byte, from, to int) string {
	ls := splitLines(src)
	var b strings.Builder
	for i := from - 1; i < to && i < len(ls); i++ {
		if i >= 0 {
			b.WriteString(ls[i])
		}
	}
	return b.String()
}

// indentOf is the leading whitespace of a line.
func indentOf(line string) string {
	return line[:len(line)-len(strings.TrimLeft(line, " \t"))]
}

// trimEOL drops a line's terminator.
func trimEOL(s string) string {
	return strings.TrimRight(s, "\r\n")
}
