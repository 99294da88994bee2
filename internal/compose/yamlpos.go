package compose

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	yaml4 "go.yaml.in/yaml/v4"
	"gopkg.in/yaml.v3"
)

// Limits on the raw YAML, checked before compose-go expands anything: compose
// files are small, so these only stop hostile input (alias bombs, absurd nesting).
const (
	maxExpandedNodes = 250_000
	maxDepth         = 200
	maxLinkedFiles   = 64 // extends/include files followed from one project
)

// Position is a place in a compose file. Line and Column are 1-based; a zero
// Position means the key could not be found in any file.
type Position struct {
	File   string
	Line   int
	Column int
}

func (p Position) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// IsZero reports whether p locates nothing.
func (p Position) IsZero() bool { return p.File == "" && p.Line == 0 }

// RawValue is a value as written in the file, before interpolation.
type RawValue struct {
	// Text is the uninterpolated text. It may be a secret: expose it only
	// through a redacting function.
	Text string
	// Interpolated is true when the value comes from the environment rather
	// than from the file: it contains a `${VAR}`/`$VAR` reference, or it is a
	// bare `- KEY` / `KEY:` entry whose value the host environment supplies.
	Interpolated bool
	File         string
	Line         int
	Column       int
}

// Pos returns the position of the effective value.
func (r RawValue) Pos() Position { return Position{File: r.File, Line: r.Line, Column: r.Column} }

// layer is one YAML document of one file.
type layer struct {
	file string
	root *yaml.Node // the document's top-level node; nil for an empty document
}

var yamlLineRe = regexp.MustCompile(`line (\d+)(?:, column (\d+))?`)

// parseLayers parses every document of a file into yaml.v3 node trees.
func parseLayers(file string, data []byte) ([]*layer, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []*layer
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, yamlError(file, data, err)
		}
		root := resolve(&doc)
		if line, err := checkBounds(root); err != nil {
			return nil, &Error{File: file, Line: line, Msg: err.Error()}
		}
		if err := checkDuplicateKeys(file, root); err != nil {
			return nil, err
		}
		out = append(out, &layer{file: file, root: root})
	}
	return out, nil
}

// yamlError turns a yaml.v3 error into an Error with the line it names.
// yaml.v3 reports parser errors on the line before the problem; the same
// parse with compose-go's YAML library (go.yaml.in/yaml/v4) says where the
// problem is, so its location is used when it has one.
func yamlError(file string, data []byte, err error) *Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := &Error{File: file, Msg: "invalid YAML: " + msg, Err: err}
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		if m[2] != "" {
			e.Column, _ = strconv.Atoi(m[2])
		}
	}
	dec := yaml4.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml4.Node
		err4 := dec.Decode(&n)
		if err4 == nil {
			continue
		}
		if errors.Is(err4, io.EOF) {
			return e
		}
		rest := strings.TrimPrefix(err4.Error(), "yaml: ")
		ctxLine, ctxCol, base := 0, 0, 0
		if m := yamlContextRe.FindStringSubmatch(rest); m != nil {
			if strings.HasPrefix(m[1], "parsing") {
				base = 1 // parser errors count lines from 0, scanner errors from 1
			}
			ctxLine, _ = strconv.Atoi(m[2])
			ctxLine += base
			ctxCol, _ = strconv.Atoi(m[3])
			rest = rest[len(m[0]):]
		}
		if m := yamlProblemRe.FindStringSubmatch(rest); m != nil {
			e.Line, _ = strconv.Atoi(m[1])
			e.Line += base
			e.Column, _ = strconv.Atoi(m[2])
			rest = rest[len(m[0]):]
		} else if ctxLine > 0 {
			e.Line, e.Column = ctxLine, ctxCol
		}
		if m := yamlOffsetRe.FindStringSubmatch(rest); m != nil && e.Line == 0 {
			// Encoding errors come with a byte offset only.
			off, _ := strconv.Atoi(m[1])
			if off <= len(data) {
				e.Line = bytes.Count(data[:off], []byte("\n")) + 1
				e.Column = off - bytes.LastIndexByte(data[:off], '\n')
			}
			rest = strings.TrimPrefix(rest, m[0]+": ")
		}
		e.Msg = "invalid YAML: " + rest
		return e
	}
}

var (
	yamlContextRe = regexp.MustCompile(`^while (\w+[^:]*?) at line (\d+)(?:, column (\d+))?: `)
	yamlOffsetRe  = regexp.MustCompile(`^offset (\d+)`)
	yamlProblemRe = regexp.MustCompile(`^line (\d+)(?:, column (\d+))?: `)
)

// checkBounds refuses documents whose alias-expanded size or nesting would
// make compose-go's map conversion blow up ("billion laughs").
func checkBounds(root *yaml.Node) (line int, err error) {
	if root == nil {
		return 0, nil
	}
	memo := map[*yaml.Node]int{}
	var size func(n *yaml.Node, depth int) (int, error)
	size = func(n *yaml.Node, depth int) (int, error) {
		if depth > maxDepth {
			line = n.Line
			return 0, fmt.Errorf("nesting deeper than %d levels", maxDepth)
		}
		if n.Kind == yaml.AliasNode {
			if n.Alias == nil {
				return 1, nil
			}
			line = n.Line
			n = n.Alias
		}
		if s, ok := memo[n]; ok {
			if s < 0 {
				// compose-go recurses through such a node for minutes.
				return 0, errors.New("alias refers to a node that contains it")
			}
			return s, nil
		}
		memo[n] = -1 // in progress
		total := 1
		for _, c := range n.Content {
			s, err := size(c, depth+1)
			if err != nil {
				return 0, err
			}
			total += s
			if total > maxExpandedNodes {
				line = c.Line
				return 0, fmt.Errorf("document expands to more than %d nodes through aliases; refusing it", maxExpandedNodes)
			}
		}
		memo[n] = total
		return total, nil
	}
	if _, err = size(root, 0); err != nil {
		return line, err
	}
	return 0, nil
}

// checkDuplicateKeys reports a key set twice in one mapping: YAML forbids
// it and Compose refuses it, and only the node tree still knows both lines.
func checkDuplicateKeys(file string, root *yaml.Node) error {
	var walk func(n *yaml.Node, depth int) error
	walk = func(n *yaml.Node, depth int) error {
		if n == nil || depth > maxDepth || n.Kind == yaml.AliasNode {
			return nil
		}
		if n.Kind == yaml.MappingNode {
			seen := make(map[string]int, len(n.Content)/2)
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
					continue
				}
				if prev, dup := seen[k.Value]; dup {
					return &Error{File: file, Line: k.Line, Column: k.Column,
						Msg: fmt.Sprintf("invalid YAML: mapping key %q already defined at line %d", k.Value, prev)}
				}
				seen[k.Value] = k.Line
			}
		}
		for _, c := range n.Content {
			if err := walk(c, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(root, 0)
}

// resolve follows aliases and unwraps documents.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && i < 16; i++ {
		switch n.Kind {
		case yaml.AliasNode:
			n = n.Alias
		case yaml.DocumentNode:
			if len(n.Content) == 0 {
				return nil
			}
			n = n.Content[0]
		default:
			return n
		}
	}
	return n
}

// mapGet finds key in a mapping, including keys brought in by `<<` merges
// (explicit keys win over merged ones, as YAML specifies).
func mapGet(m *yaml.Node, key string) (k, v *yaml.Node) {
	return mapGetDepth(m, key, 0)
}

func mapGetDepth(m *yaml.Node, key string, depth int) (k, v *yaml.Node) {
	m = resolve(m)
	if m == nil || m.Kind != yaml.MappingNode || depth > 8 {
		return nil, nil
	}
	var merges []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		kn := m.Content[i]
		if kn.Kind != yaml.ScalarNode {
			continue
		}
		if kn.Tag == "!!merge" {
			merges = append(merges, m.Content[i+1])
			continue
		}
		if kn.Value == key {
			return kn, m.Content[i+1]
		}
	}
	for _, mv := range merges {
		mv = resolve(mv)
		if mv == nil {
			continue
		}
		if mv.Kind == yaml.SequenceNode {
			for _, item := range mv.Content {
				if k, v := mapGetDepth(item, key, depth+1); k != nil {
					return k, v
				}
			}
			continue
		}
		if k, v := mapGetDepth(mv, key, depth+1); k != nil {
			return k, v
		}
	}
	return nil, nil
}

// seqFind finds an item of a sequence by index, or by value: a scalar equal to
// seg or starting with "seg=" (environment, labels lists), or a mapping whose
// source, target or name is seg (long-syntax volumes, secrets, ports).
func seqFind(s *yaml.Node, seg string) *yaml.Node {
	s = resolve(s)
	if s == nil || s.Kind != yaml.SequenceNode {
		return nil
	}
	if i, err := strconv.Atoi(seg); err == nil {
		if i >= 0 && i < len(s.Content) {
			return s.Content[i]
		}
		return nil
	}
	for _, item := range s.Content {
		it := resolve(item)
		if it == nil {
			continue
		}
		switch it.Kind {
		case yaml.ScalarNode:
			if it.Value == seg || strings.HasPrefix(it.Value, seg+"=") {
				return item
			}
		case yaml.MappingNode:
			for _, f := range []string{"source", "target", "name"} {
				if _, v := mapGet(it, f); v != nil && resolve(v) != nil && resolve(v).Value == seg {
					return item
				}
			}
		}
	}
	return nil
}

// hit is where a path was found: key is the node to report (a mapping key or
// a sequence item), val the value node.
type hit struct {
	file     string
	key, val *yaml.Node
}

// descend walks path from start and returns the deepest node reached and how
// many segments matched.
func descend(file string, start *yaml.Node, path []string) (hit, int) {
	cur := hit{file: file, key: start, val: start}
	for i, seg := range path {
		v := resolve(cur.val)
		if v == nil {
			return cur, i
		}
		switch v.Kind {
		case yaml.MappingNode:
			k, val := mapGet(v, seg)
			if k == nil {
				return cur, i
			}
			cur = hit{file: file, key: k, val: val}
		case yaml.SequenceNode:
			item := seqFind(v, seg)
			if item == nil {
				return cur, i
			}
			cur = hit{file: file, key: item, val: item}
		default:
			return cur, i
		}
	}
	return cur, len(path)
}

func (h hit) pos() Position {
	if h.key == nil {
		return Position{File: h.file}
	}
	return Position{File: h.file, Line: h.key.Line, Column: h.key.Column}
}

// layersOf returns the documents parsed from one file.
func (p *Project) layersOf(file string) []*layer {
	if ls, ok := p.extra[file]; ok {
		return ls
	}
	var out []*layer
	for _, l := range p.layers {
		if l.file == file {
			out = append(out, l)
		}
	}
	return out
}

// Pos returns the position of a key. With a service name the path is below
// `services.<service>`; with "" it is from the top level, e.g.
// Pos("", "networks", "backend"). Sequence items are addressed by index
// ("ports", "0") or by value ("cap_add", "SYS_ADMIN"; "environment", "KEY";
// "secrets", "db_password").
//
// When several merged files set the key, the last one wins, as its value is
// the one that takes effect; a key inherited through `extends` points into
// the base service. When the key is set nowhere, Pos returns the deepest
// ancestor that exists, which for a missing service key is the service itself
// (in the first file that defines it), so "missing cap_drop" has a line.
func (p *Project) Pos(service string, keyPath ...string) Position {
	h, _ := p.lookup(service, keyPath)
	return h.pos()
}

// Has reports whether a key is set in any file (or an extended base service).
func (p *Project) Has(service string, keyPath ...string) bool {
	_, full := p.lookup(service, keyPath)
	return full
}

// Raw returns the uninterpolated scalar at a key, as Pos finds it.
func (p *Project) Raw(service string, keyPath ...string) (RawValue, bool) {
	h, full := p.lookup(service, keyPath)
	if !full {
		return RawValue{}, false
	}
	v := resolve(h.val)
	if v == nil || v.Kind != yaml.ScalarNode {
		return RawValue{}, false
	}
	return rawScalar(h.file, v), true
}

func rawScalar(file string, v *yaml.Node) RawValue {
	return RawValue{Text: v.Value, Interpolated: hasReference(v.Value), File: file, Line: v.Line, Column: v.Column}
}

// lookup finds keyPath below a service (or the top level) in the merged files.
func (p *Project) lookup(service string, keyPath []string) (hit, bool) {
	return p.lookupIn(p.layers, service, keyPath, 0)
}

func (p *Project) lookupIn(layers []*layer, service string, keyPath []string, depth int) (hit, bool) {
	path := keyPath
	prefix := 0
	if service != "" {
		path = append([]string{"services", service}, keyPath...)
		prefix = 2
	}
	if h, ok := p.lookupIndexed(layers, path, prefix); ok {
		return h, true
	}
	if service != "" && len(keyPath) == 0 {
		// A service's own position is its main definition: the first
		// file that declares it, not an override that tweaks it.
		for _, l := range layers {
			if h, d := descend(l.file, l.root, path); l.root != nil && d == len(path) {
				return h, true
			}
		}
	}
	best, bestDepth := hit{}, -1
	var firstService *hit
	for i := len(layers) - 1; i >= 0; i-- {
		l := layers[i]
		if l.root == nil {
			continue
		}
		h, d := descend(l.file, l.root, path)
		if d == len(path) {
			return h, true
		}
		if d > bestDepth {
			best, bestDepth = h, d
		}
		if d >= prefix && prefix > 0 {
			hh, _ := descend(l.file, l.root, path[:prefix])
			firstService = &hh
		}
	}
	if service != "" && depth < 8 {
		if base, baseLayers := p.extendsBase(layers, service); base != "" {
			if h, ok := p.lookupIn(baseLayers, base, keyPath, depth+1); ok {
				return h, true
			}
		}
	}
	if bestDepth <= prefix && firstService != nil {
		return *firstService, false
	}
	if bestDepth < 0 {
		return hit{file: p.firstFile()}, false
	}
	return best, false
}

// lookupIndexed resolves a path whose first index segment addresses a list
// that several files contribute to: merged lists (ports, volumes, ...) are
// the files' lists appended in merge order.
func (p *Project) lookupIndexed(layers []*layer, path []string, prefix int) (hit, bool) {
	k := -1
	var idx int
	for i := prefix; i < len(path); i++ {
		if n, err := strconv.Atoi(path[i]); err == nil && n >= 0 {
			k, idx = i, n
			break
		}
	}
	if k < 0 {
		return hit{}, false
	}
	for _, l := range layers {
		if l.root == nil {
			continue
		}
		h, d := descend(l.file, l.root, path[:k])
		if d != k {
			continue
		}
		seq := resolve(h.val)
		if seq == nil || seq.Kind != yaml.SequenceNode {
			continue
		}
		if idx < len(seq.Content) {
			item := seq.Content[idx]
			hh, d := descend(l.file, item, path[k+1:])
			if d == len(path)-k-1 {
				if k+1 == len(path) {
					hh.key = item
				}
				return hh, true
			}
			return hit{}, false
		}
		idx -= len(seq.Content)
	}
	return hit{}, false
}

func (p *Project) firstFile() string {
	if len(p.Files) > 0 {
		return p.Files[0]
	}
	return ""
}

// extendsBase returns the service that `service` extends and the documents
// it lives in.
func (p *Project) extendsBase(layers []*layer, service string) (string, []*layer) {
	for i := len(layers) - 1; i >= 0; i-- {
		l := layers[i]
		if l.root == nil {
			continue
		}
		h, d := descend(l.file, l.root, []string{"services", service, "extends"})
		if d != 3 {
			continue
		}
		ext := resolve(h.val)
		if ext == nil {
			continue
		}
		if ext.Kind == yaml.ScalarNode {
			if ext.Value == service {
				return "", nil
			}
			return ext.Value, layers
		}
		_, sv := mapGet(ext, "service")
		_, fv := mapGet(ext, "file")
		name := ""
		if sv = resolve(sv); sv != nil {
			name = sv.Value
		}
		if fv = resolve(fv); fv != nil && fv.Value != "" {
			return name, p.layersOf(extendsPath(l.file, fv.Value))
		}
		if name == service {
			return "", nil
		}
		return name, layers
	}
	return "", nil
}

func extendsPath(from, ref string) string {
	if filepath.IsAbs(ref) {
		return filepath.Clean(ref)
	}
	return filepath.Join(filepath.Dir(from), ref)
}

// RawEnv returns a service's `environment` as written, before interpolation:
// entries from an extended base service first, then from each merged file in
// order, later ones overriding earlier ones, as Compose merges them.
func (p *Project) RawEnv(service string) map[string]RawValue {
	out := map[string]RawValue{}
	p.rawEnvInto(out, p.layers, service, 0)
	return out
}

// EnvEntry is one environment entry as one file writes it.
type EnvEntry struct {
	Key string
	RawValue
}

// RawEnvEntries returns every environment entry of a service in every file
// that writes one (extended base first, then merge order), also those a
// later file overrides: each file that hardcodes a secret ships it.
func (p *Project) RawEnvEntries(service string) []EnvEntry {
	var out []EnvEntry
	p.rawEnvEach(func(k string, rv RawValue) { out = append(out, EnvEntry{k, rv}) }, p.layers, service, 0)
	return out
}

func (p *Project) rawEnvInto(out map[string]RawValue, layers []*layer, service string, depth int) {
	p.rawEnvEach(func(k string, rv RawValue) { out[k] = rv }, layers, service, depth)
}

func (p *Project) rawEnvEach(put func(string, RawValue), layers []*layer, service string, depth int) {
	if depth > 8 {
		return
	}
	if base, baseLayers := p.extendsBase(layers, service); base != "" {
		p.rawEnvEach(put, baseLayers, base, depth+1)
	}
	for _, l := range layers {
		if l.root == nil {
			continue
		}
		h, d := descend(l.file, l.root, []string{"services", service, "environment"})
		if d != 3 {
			continue
		}
		env := resolve(h.val)
		if env == nil {
			continue
		}
		switch env.Kind {
		case yaml.MappingNode:
			for _, kv := range mapEntries(env, 0) {
				k, v := kv[0], resolve(kv[1])
				if v == nil || v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
					// `KEY:` takes its value from the host environment.
					put(k.Value, RawValue{Interpolated: true, File: l.file, Line: k.Line, Column: k.Column})
					continue
				}
				put(k.Value, rawScalar(l.file, v))
			}
		case yaml.SequenceNode:
			for _, item := range env.Content {
				it := resolve(item)
				if it == nil || it.Kind != yaml.ScalarNode {
					continue
				}
				key, val, hasValue := strings.Cut(it.Value, "=")
				rv := RawValue{Text: val, File: l.file, Line: it.Line, Column: it.Column}
				rv.Interpolated = !hasValue || hasReference(val)
				put(key, rv)
			}
		}
	}
}

// hasReference reports whether s contains a variable reference Compose would
// interpolate (`$VAR`, `${VAR...}`), as opposed to an escaped `$$`.
func hasReference(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			continue
		}
		c := s[i+1]
		switch {
		case c == '$':
			i++ // escaped
		case c == '{', c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			return true
		}
	}
	return false
}

// mapEntries lists a mapping's key/value pairs with `<<` merges applied:
// merged entries first, so explicit keys override them.
func mapEntries(m *yaml.Node, depth int) [][2]*yaml.Node {
	m = resolve(m)
	if m == nil || m.Kind != yaml.MappingNode || depth > 8 {
		return nil
	}
	var merged, own [][2]*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			continue
		}
		if k.Tag == "!!merge" {
			mv := resolve(v)
			if mv != nil && mv.Kind == yaml.SequenceNode {
				// Earlier maps in a merge list win: add them last.
				for j := len(mv.Content) - 1; j >= 0; j-- {
					merged = append(merged, mapEntries(mv.Content[j], depth+1)...)
				}
				continue
			}
			merged = append(merged, mapEntries(v, depth+1)...)
			continue
		}
		own = append(own, [2]*yaml.Node{k, v})
	}
	return append(merged, own...)
}
