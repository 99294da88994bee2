package fix

import (
	"bytes"
	"errors"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// ydoc is a compose file's text with its yaml.v3 node tree; every edit
// goes through the text, the tree only says where.
type ydoc struct {
	src    []byte
	lines  []string
	root   *yaml.Node // top-level mapping
	step   int        // mapping indentation step
	seqOff int        // indentation of "- " items below their key
}

func parseY(src []byte) (*ydoc, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, errors.New("the file holds several YAML documents")
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("the file is not a YAML mapping")
	}
	y := &ydoc{src: src, lines: splitLines(src), root: doc.Content[0], step: 2, seqOff: 2}
	y.detectStyle()
	return y, nil
}

// detectStyle learns the file's indentation step and where sequence dashes
// sit relative to their key, from the first examples it holds.
func (y *ydoc) detectStyle() {
	stepFound, seqFound := false, false
	var walk func(m *yaml.Node, depth int)
	walk = func(m *yaml.Node, depth int) {
		if depth > 20 || m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle != 0 {
			return
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			if v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && !stepFound && v.Content[0].Line > k.Line {
				if d := v.Content[0].Column - k.Column; d > 0 {
					y.step, stepFound = d, true
				}
			}
			if v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && !seqFound && v.Content[0].Line > k.Line {
				if l := v.Content[0].Line; l-1 < len(y.lines) {
					dash := len(indentOf(y.lines[l-1]))
					if d := dash - (k.Column - 1); d >= 0 {
						y.seqOff, seqFound = d, true
					}
				}
			}
			walk(v, depth+1)
		}
	}
	walk(y.root, 0)
}

// get returns the key and value nodes of a key written directly in m.
func get(m *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key && k.Tag != "!!merge" {
			return k, m.Content[i+1]
		}
	}
	return nil, nil
}

// mergedHas reports whether key reaches m through a `<<` merge: adding it
// to m would replace the merged value instead of extending it.
func mergedHas(m *yaml.Node, key string) bool {
	if m == nil || m.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Tag != "!!merge" && m.Content[i].Value != "<<" {
			continue
		}
		v := m.Content[i+1]
		targets := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			targets = v.Content
		}
		for _, t := range targets {
			if t.Kind == yaml.AliasNode {
				t = t.Alias
			}
			if k, _ := get(t, key); k != nil || mergedHas(t, key) {
				return true
			}
		}
	}
	return false
}

func (y *ydoc) service(name string) (*yaml.Node, *yaml.Node) {
	_, svcs := get(y.root, "services")
	return get(svcs, name)
}

// lineIndent is the indentation (in spaces) of a 1-based line.
func (y *ydoc) lineIndent(n int) int {
	if n < 1 || n > len(y.lines) {
		return 0
	}
	return len(indentOf(y.lines[n-1]))
}

// valueEnd is the last line of the block that key k's value spans: the
// following lines indented deeper than k (or compact "- " items at k's
// column), without trailing blank and comment lines.
func (y *ydoc) valueEnd(k *yaml.Node) int {
	col := k.Column - 1
	last := k.Line
	for n := k.Line + 1; n <= len(y.lines); n++ {
		l := trimEOL(y.lines[n-1])
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		ind := len(indentOf(l))
		if strings.HasPrefix(t, "#") {
			if ind > col {
				continue
			}
			break
		}
		if ind == 0 && (strings.HasPrefix(l, "---") || strings.HasPrefix(l, "...")) {
			break
		}
		if ind > col || ind == col && (t == "-" || strings.HasPrefix(t, "- ")) {
			last = n
			continue
		}
		break
	}
	return last
}

// mapEnd is the last line of a block mapping's content.
func (y *ydoc) mapEnd(m *yaml.Node) int {
	if len(m.Content) < 2 {
		return m.Line
	}
	return y.valueEnd(m.Content[len(m.Content)-2])
}

// offset converts a 1-based line and rune column to a byte offset.
func (y *ydoc) offset(line, col int) int {
	off := 0
	for i := 0; i < line-1 && i < len(y.lines); i++ {
		off += len(y.lines[i])
	}
	if line-1 >= len(y.lines) {
		return off
	}
	l := y.lines[line-1]
	b := 0
	for c := 1; c < col && b < len(l); c++ {
		_, sz := utf8.DecodeRuneInString(l[b:])
		b += sz
	}
	return off + b
}

// scalarSpan is the byte span of a scalar as written, checked by decoding
// the span back to the node's value.
func (y *ydoc) scalarSpan(n *yaml.Node, flow bool) (int, int, bool) {
	if n.Kind != yaml.ScalarNode || n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 || n.Tag == "!!null" && n.Value == "" {
		return 0, 0, false
	}
	if n.Anchor != "" {
		return 0, 0, false // the anchor's text precedes the value; leave it
	}
	start := y.offset(n.Line, n.Column)
	s := string(y.src)
	if start >= len(s) {
		return 0, 0, false
	}
	end := start
	switch s[start] {
	case '"':
		end = start + 1
		for end < len(s) && s[end] != '"' {
			if s[end] == '\\' {
				end++
			}
			end++
		}
		end++
	case '\'':
		end = start + 1
		for end < len(s) {
			if s[end] == '\'' {
				if end+1 < len(s) && s[end+1] == '\'' {
					end += 2
					continue
				}
				break
			}
			end++
		}
		end++
	default:
		for end < len(s) && s[end] != '\n' && s[end] != '\r' {
			if s[end] == '#' && end > start && (s[end-1] == ' ' || s[end-1] == '\t') {
				break
			}
			if flow && (s[end] == ',' || s[end] == ']' || s[end] == '}') {
				break
			}
			// A plain scalar never holds ": " (that makes it a key).
			if s[end] == ':' && (end+1 == len(s) || s[end+1] == ' ' || s[end+1] == '\t' || s[end+1] == '\n' || s[end+1] == '\r') {
				break
			}
			end++
		}
		for end > start && (s[end-1] == ' ' || s[end-1] == '\t') {
			end--
		}
	}
	if end > len(s) {
		return 0, 0, false
	}
	var v string
	if err := yaml.Unmarshal([]byte("v: "+s[start:end]), &struct {
		V *string `yaml:"v"`
	}{&v}); err != nil || v != n.Value {
		return 0, 0, false
	}
	return start, end, true
}

// replaceSpan returns src with [start,end) replaced.
func (y *ydoc) replaceSpan(start, end int, text string) []byte {
	out := make([]byte, 0, len(y.src)+len(text))
	out = append(out, y.src[:start]...)
	out = append(out, text...)
	return append(out, y.src[end:]...)
}

// quoteLike renders v as a scalar in the style of the node it replaces.
func quoteLike(n *yaml.Node, v string, flow bool) string {
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		return dq(v)
	case n.Style&yaml.SingleQuotedStyle != 0:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	}
	return plainOrQuoted(v, flow)
}

func dq(v string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(v) + `"`
}

// plainOrQuoted writes v plain when YAML reads it back unchanged as a
// string, else double-quoted.
func plainOrQuoted(v string, flow bool) string {
	if v == "" || flow && strings.ContainsAny(v, ",[]{}") || strings.Contains(v, ": ") || strings.Contains(v, " #") ||
		strings.ContainsAny(v[:1], "!&*?|>'\"%@`{[#,") || strings.HasPrefix(v, "- ") {
		return dq(v)
	}
	var got any
	if err := yaml.Unmarshal([]byte("v: "+v), &struct {
		V *any `yaml:"v"`
	}{&got}); err != nil {
		return dq(v)
	}
	if s, ok := got.(string); !ok || s != v {
		return dq(v)
	}
	return v
}

// blockInsert renders lines at an indentation; lines already carry their
// relative indentation.
func blockInsert(indent int, eol string, lines ...string) string {
	var b strings.Builder
	pad := strings.Repeat(" ", indent)
	for _, l := range lines {
		b.WriteString(pad + l + eol)
	}
	return b.String()
}
