// Package ciconf reads CI pipeline definitions (GitHub Actions workflows
// and GitLab CI files) far enough to find the environment they set and the
// shell scripts they run, each with its position.
package ciconf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"gopkg.in/yaml.v3"
)

// Limits on hostile input: real pipeline files are a few KiB.
const (
	MaxSize  = 1 << 20
	maxDepth = 100
	maxNodes = 200_000
)

// Flavor is the CI system a file belongs to.
type Flavor string

const (
	GitHub Flavor = "github-actions"
	GitLab Flavor = "gitlab-ci"
)

// FlavorOf names the CI system of a slash path relative to a project root,
// or "" when the path is no CI file hardhull reads:
// .github/workflows/*.yml|yaml and .gitlab-ci.yml.
func FlavorOf(rel string) Flavor {
	rel = strings.TrimPrefix(rel, "./")
	base := path.Base(rel)
	low := strings.ToLower(base)
	switch {
	case low == ".gitlab-ci.yml" || low == ".gitlab-ci.yaml":
		return GitLab
	case strings.HasSuffix(low, ".yml") || strings.HasSuffix(low, ".yaml"):
		dir := path.Dir(rel)
		if dir == ".github/workflows" || strings.HasSuffix(dir, "/.github/workflows") {
			return GitHub
		}
	}
	return ""
}

// Error is a file that cannot be read as a pipeline, with its line.
type Error struct {
	File string
	Line int
	Err  error
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Setting is one variable a pipeline sets: a key of an `env:` (GitHub) or
// `variables:` (GitLab) mapping at any level.
type Setting struct {
	Key, Value   string
	Line, Column int
	// Expanded is true when the value is an expression the CI system
	// fills in (${{ ... }}, $VAR): its literal text is not what runs.
	Expanded bool
}

// Script is one shell text a pipeline runs (`run:`, `script:`,
// `before_script:`, `after_script:`); Line is where its first line of
// text is.
type Script struct {
	Text string
	Line int
}

// File is one parsed pipeline definition.
type File struct {
	Path     string
	Flavor   Flavor
	Settings []Setting
	Scripts  []Script
}

var scriptKeys = map[Flavor]map[string]bool{
	GitHub: {"run": true},
	GitLab: {"script": true, "before_script": true, "after_script": true},
}

var envKeys = map[Flavor]string{GitHub: "env", GitLab: "variables"}

// Parse reads a pipeline file. Anchors are walked where they are defined
// and aliases are not followed, so every node is visited once.
func Parse(name string, flavor Flavor, src []byte) (*File, error) {
	if len(src) > MaxSize {
		return nil, &Error{File: name, Err: fmt.Errorf("file larger than the %d-byte limit", MaxSize)}
	}
	if bytes.IndexByte(src, 0) >= 0 {
		return nil, &Error{File: name, Line: 1 + bytes.Count(src[:bytes.IndexByte(src, 0)], []byte("\n")), Err: errors.New("invalid YAML: NUL byte")}
	}
	f := &File{Path: name, Flavor: flavor}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &Error{File: name, Line: yamlErrLine(err), Err: fmt.Errorf("invalid YAML: %w", err)}
		}
		w := walker{f: f}
		if err := w.walk(&doc, 0, ""); err != nil {
			return nil, &Error{File: name, Line: w.line, Err: err}
		}
	}
	return f, nil
}

type walker struct {
	f     *File
	nodes int
	line  int
}

func (w *walker) walk(n *yaml.Node, depth int, key string) error {
	w.nodes++
	w.line = n.Line
	if depth > maxDepth {
		return fmt.Errorf("nesting deeper than %d levels", maxDepth)
	}
	if w.nodes > maxNodes {
		return fmt.Errorf("more than %d YAML nodes", maxNodes)
	}
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			if err := w.walk(c, depth+1, key); err != nil {
				return err
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == envKeys[w.f.Flavor] && v.Kind == yaml.MappingNode {
				w.settings(v)
			}
			if scriptKeys[w.f.Flavor][k.Value] {
				w.scripts(v)
			}
			if err := w.walk(v, depth+1, k.Value); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *walker) settings(m *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if v.Kind == yaml.MappingNode && w.f.Flavor == GitLab {
			// GitLab's long form: KEY: {value: "1", description: ...}.
			for j := 0; j+1 < len(v.Content); j += 2 {
				if v.Content[j].Value == "value" {
					v = v.Content[j+1]
					break
				}
			}
		}
		if v.Kind != yaml.ScalarNode {
			continue
		}
		w.f.Settings = append(w.f.Settings, Setting{
			Key: k.Value, Value: v.Value, Line: k.Line, Column: k.Column,
			Expanded: strings.Contains(v.Value, "${{") || strings.HasPrefix(v.Value, "$"),
		})
	}
}

func (w *walker) scripts(v *yaml.Node) {
	add := func(n *yaml.Node) {
		if n.Kind != yaml.ScalarNode {
			return
		}
		line := n.Line
		if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			line++ // block scalars start on the line after the indicator
		}
		w.f.Scripts = append(w.f.Scripts, Script{Text: n.Value, Line: line})
	}
	switch v.Kind {
	case yaml.ScalarNode:
		add(v)
	case yaml.SequenceNode:
		for _, c := range v.Content {
			add(c)
		}
	}
}

// yamlErrLine pulls the line out of yaml.v3's "yaml: line N: ..." errors.
func yamlErrLine(err error) int {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return 0
	}
	s := err.Error()
	if i := strings.Index(s, "line "); i >= 0 {
		n := 0
		for _, c := range s[i+5:] {
			if c < '0' || c > '9' {
				break
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	return 0
}
