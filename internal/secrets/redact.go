package secrets

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxStars caps the masked middle so that a multi-kilobyte private key does
// not turn into a multi-kilobyte line of stars (and its length stays vague).
const maxStars = 32

// Redact masks a secret value for display. Short values are masked entirely;
// longer ones keep a little of each end so a person can tell two findings
// apart or recognise a key type (AKIA…, ghp_…), without the shown part helping
// anyone guess the rest:
//
//	len < 8     all stars
//	8 ≤ len < 12  first 2
//	12 ≤ len < 20 first 2 and last 2   (≤ 1/3 shown)
//	len ≥ 20    first 4 and last 4   (AKIA************MPLE; ≤ 1/3 from 24 on)
//
// Lengths count runes, so multi-byte text is never cut inside a character, and
// kept characters that are not visible (newlines, control bytes) are starred.
// A structured value (a connection string, key=value pairs, a URL) keeps
// no tail: its secret is one field of it, often the last
// (`Server=db;Password=...;`), and its end would show part of it.
func Redact(s string) string {
	if s == "" {
		return ""
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	r := []rune(s)
	n := len(r)
	var head, tail int
	switch {
	case n < 8:
	case n < 12:
		head = 2
	case n < 20:
		head, tail = 2, 2
	default:
		head, tail = 4, 4
	}
	if strings.ContainsAny(s, "=;@") {
		tail = 0
	}
	stars := min(n-head-tail, maxStars)
	var b strings.Builder
	b.Grow(head + stars + tail + 8)
	writeVisible(&b, r[:head])
	b.WriteString(strings.Repeat("*", stars))
	writeVisible(&b, r[n-tail:])
	return b.String()
}

func writeVisible(b *strings.Builder, rs []rune) {
	for _, c := range rs {
		if unicode.IsGraphic(c) && !unicode.IsSpace(c) && c != utf8.RuneError {
			b.WriteRune(c)
		} else {
			b.WriteByte('*')
		}
	}
}
