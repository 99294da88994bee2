package compose

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/template"
	"gopkg.in/yaml.v3"
)

// DefaultFiles returns the files `docker compose` picks in dir without -f:
// the first of compose.yaml, compose.yml, docker-compose.yml,
// docker-compose.yaml that exists, then the first existing override file.
// It returns nil when dir holds no compose file. Unlike `docker compose` it
// does not search parent directories: a scan looks at what it was given.
func DefaultFiles(dir string) []string {
	var out []string
	for _, n := range cli.DefaultFileNames {
		f := filepath.Join(dir, n)
		if isFile(f) {
			out = append(out, f)
			break
		}
	}
	if out == nil {
		return nil
	}
	for _, n := range cli.DefaultOverrideFileNames {
		f := filepath.Join(dir, n)
		if isFile(f) {
			out = append(out, f)
			break
		}
	}
	return out
}

func isFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

var topLevelKeys = map[string]bool{
	"version": true, "name": true, "services": true, "networks": true, "volumes": true,
	"secrets": true, "configs": true, "include": true, "models": true,
}

// checkComposeShape rejects YAML that is not a compose file with a message
// that says so, before compose-go's schema errors (which are terser).
func checkComposeShape(file string, ls []*layer) error {
	nonEmpty := 0
	for _, l := range ls {
		if l.root == nil {
			continue
		}
		nonEmpty++
		if l.root.Kind != yaml.MappingNode {
			if l.root.Kind == yaml.ScalarNode && l.root.Tag == "!!null" {
				nonEmpty--
				continue
			}
			return &Error{File: file, Line: l.root.Line, Column: l.root.Column, Msg: "not a compose file: the top level must be a mapping with `services:`"}
		}
		known := false
		for i := 0; i+1 < len(l.root.Content); i += 2 {
			k := l.root.Content[i].Value
			if topLevelKeys[k] && k != "version" && k != "name" {
				known = true
			}
		}
		if known {
			continue
		}
		return &Error{File: file, Line: l.root.Line, Column: l.root.Column, Msg: "not a compose file: no top-level `services:`, `include:`, `networks:`, `volumes:`, `secrets:` or `configs:`"}
	}
	if nonEmpty == 0 {
		return &Error{File: file, Msg: "empty compose file"}
	}
	return nil
}

// isLegacy reports whether a document is in compose file format v1:
// services at the top level (some with image or build), none of the
// top-level keys of the current format.
func isLegacy(root *yaml.Node) bool {
	root = resolve(root)
	if root == nil || root.Kind != yaml.MappingNode {
		return false
	}
	svc := false
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i].Value
		if topLevelKeys[k] {
			return false
		}
		if v := resolve(root.Content[i+1]); v != nil && v.Kind == yaml.MappingNode {
			if ik, _ := mapGet(v, "image"); ik != nil {
				svc = true
			}
			if bk, _ := mapGet(v, "build"); bk != nil {
				svc = true
			}
		}
	}
	return svc
}

// convertLegacy turns a v1 document into the v2 document it converts to:
// the services move under `services:`, and the v1-only service keys take
// their v2 form (net → network_mode, dockerfile → build.dockerfile,
// log_driver/log_opt → logging). Nodes keep their lines, so positions still
// point into the file as written. It returns the encoded v2 document.
func convertLegacy(file string, l *layer) ([]byte, error) {
	root := l.root
	for i := 0; i+1 < len(root.Content); i += 2 {
		name, svc := root.Content[i], resolve(root.Content[i+1])
		if svc == nil || svc.Kind != yaml.MappingNode {
			return nil, &Error{File: file, Line: name.Line, Column: name.Column, Msg: "legacy compose file format v1: " + name.Value + " is not a service mapping, so the file does not convert to the v2 format"}
		}
		var logging *yaml.Node
		var kept []*yaml.Node
		var dockerfile *yaml.Node
		for j := 0; j+1 < len(svc.Content); j += 2 {
			k, v := svc.Content[j], svc.Content[j+1]
			switch k.Value {
			case "net":
				k.Value = "network_mode"
			case "dockerfile":
				dockerfile = v
				continue
			case "log_driver", "log_opt":
				if logging == nil {
					logging = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: k.Line, Column: k.Column}
					kept = append(kept, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "logging", Line: k.Line, Column: k.Column}, logging)
				}
				sub := "driver"
				if k.Value == "log_opt" {
					sub = "options"
				}
				logging.Content = append(logging.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: sub, Line: k.Line, Column: k.Column}, v)
				continue
			case "volume_driver", "external_links_v1":
				continue
			}
			kept = append(kept, k, v)
		}
		if dockerfile != nil {
			for j := 0; j+1 < len(kept); j += 2 {
				if kept[j].Value != "build" {
					continue
				}
				b := resolve(kept[j+1])
				if b != nil && b.Kind == yaml.ScalarNode {
					kept[j+1] = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: b.Line, Column: b.Column, Content: []*yaml.Node{
						{Kind: yaml.ScalarNode, Tag: "!!str", Value: "context", Line: b.Line, Column: b.Column}, b,
						{Kind: yaml.ScalarNode, Tag: "!!str", Value: "dockerfile", Line: dockerfile.Line, Column: dockerfile.Column}, dockerfile,
					}}
				}
			}
		}
		svc.Content = kept
	}
	wrapped := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: root.Line, Column: root.Column, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: "services", Line: root.Line, Column: root.Column}, root,
	}}
	l.root = wrapped
	out, err := yaml.Marshal(wrapped)
	if err != nil {
		return nil, &Error{File: file, Line: root.Line, Msg: "legacy compose file format v1 does not convert to the v2 format: " + err.Error(), Err: err}
	}
	return out, nil
}

// withoutVersion comments out a top-level `version:` line: Compose ignores
// the key but compose-go logs a warning for it on the process-wide logger.
// Line numbers are unchanged.
func withoutVersion(data []byte, ls []*layer) []byte {
	var out []byte
	for _, l := range ls {
		if l.root == nil || l.root.Kind != yaml.MappingNode || l.root.Style&yaml.FlowStyle != 0 {
			continue
		}
		k, v := mapGet(l.root, "version")
		if k == nil || k.Column != 1 || v == nil || v.Kind != yaml.ScalarNode || v.Line != k.Line ||
			v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			continue
		}
		off := lineOffset(data, k.Line)
		if off < 0 || off >= len(data) {
			continue
		}
		if out == nil {
			out = append([]byte(nil), data...)
		}
		out[off] = '#'
	}
	if out == nil {
		return data
	}
	return out
}

func lineOffset(data []byte, line int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := indexByte(data[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	return off
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// addIncludes parses local `include`d files so their keys have positions,
// and reports whether compose-go must skip includes: a remote or missing
// include is never fetched, and the audit goes on without it.
func (p *Project) addIncludes(env map[string]string) (skip bool) {
	seen := map[string]bool{}
	for _, f := range p.Files {
		seen[f] = true
	}
	queue := append([]*layer(nil), p.layers...)
	for len(queue) > 0 && len(seen) < maxLinkedFiles {
		l := queue[0]
		queue = queue[1:]
		_, inc := mapGet(l.root, "include")
		inc = resolve(inc)
		if inc == nil || inc.Kind != yaml.SequenceNode {
			continue
		}
		for _, item := range inc.Content {
			for _, ref := range includePaths(item) {
				ref, _ = template.SubstituteWithOptions(ref, func(k string) (string, bool) { v, ok := env[k]; return v, ok }, template.WithoutLogging)
				if isRemote(ref) {
					p.Warnings = append(p.Warnings, l.file+": remote include "+ref+" not fetched; its services are not audited")
					skip = true
					continue
				}
				path := extendsPath(l.file, ref)
				if seen[path] {
					continue
				}
				seen[path] = true
				data, err := readBounded(path, p.opts.MaxFileSize)
				if err != nil {
					p.Warnings = append(p.Warnings, l.file+": include "+ref+": "+err.Error()+"; includes skipped")
					skip = true
					continue
				}
				ls, err := parseLayers(path, data)
				if err != nil {
					p.Warnings = append(p.Warnings, err.Error()+"; includes skipped")
					skip = true
					continue
				}
				p.Files = append(p.Files, path)
				p.layers = append(p.layers, ls...)
				queue = append(queue, ls...)
			}
		}
	}
	p.addExtendsFiles()
	return skip
}

func includePaths(item *yaml.Node) []string {
	item = resolve(item)
	if item == nil {
		return nil
	}
	if item.Kind == yaml.ScalarNode {
		return []string{item.Value}
	}
	_, pv := mapGet(item, "path")
	pv = resolve(pv)
	if pv == nil {
		return nil
	}
	if pv.Kind == yaml.ScalarNode {
		return []string{pv.Value}
	}
	var out []string
	for _, c := range pv.Content {
		if c = resolve(c); c != nil && c.Kind == yaml.ScalarNode {
			out = append(out, c.Value)
		}
	}
	return out
}

// addExtendsFiles parses the files that `extends.file` points at, so that
// inherited keys and environment have positions. Missing files are left to
// compose-go to report.
func (p *Project) addExtendsFiles() {
	queue := append([]*layer(nil), p.layers...)
	for len(queue) > 0 && len(p.extra) < maxLinkedFiles {
		l := queue[0]
		queue = queue[1:]
		_, svcs := mapGet(l.root, "services")
		svcs = resolve(svcs)
		if svcs == nil || svcs.Kind != yaml.MappingNode {
			continue
		}
		for i := 1; i < len(svcs.Content); i += 2 {
			_, fv := mapGet(svcs.Content[i], "extends")
			_, fv = mapGet(fv, "file")
			if fv = resolve(fv); fv == nil || fv.Kind != yaml.ScalarNode || fv.Value == "" || isRemote(fv.Value) {
				continue
			}
			path := extendsPath(l.file, fv.Value)
			if _, done := p.extra[path]; done {
				continue
			}
			p.extra[path] = nil
			data, err := readBounded(path, p.opts.MaxFileSize)
			if err != nil {
				continue
			}
			ls, err := parseLayers(path, data)
			if err != nil {
				continue
			}
			p.extra[path] = ls
			queue = append(queue, ls...)
		}
	}
}

var (
	interpErrRe   = regexp.MustCompile(`error while interpolating ([\w.\[\]-]+):`)
	decodeErrRe   = regexp.MustCompile(`'services\[([^\]]+)\]\.([\w.\[\]-]+)'`)
	additionalRe  = regexp.MustCompile(`validating [^:]+:\s*([\w.-]*)\s*additional propert(?:y|ies) '([^']+)'`)
	validatingRe  = regexp.MustCompile(`validating [^:]+:\s*([\w.-]+) `)
	serviceErrRe  = regexp.MustCompile(`service "([^"]+)"`)
	fileInErrorRe = regexp.MustCompile(`(?:failed to parse|validating) [^:]+:\s*`)
)

// wrapLoadError turns a compose-go error into an Error naming the file and,
// where the message names a key or a YAML line, the line.
func (p *Project) wrapLoadError(err error) error {
	msg := err.Error()
	e := &Error{File: p.firstFile(), Err: err}
	// compose-go names files by absolute path; report them as given.
	for _, f := range p.Files {
		if abs, aerr := filepath.Abs(f); aerr == nil && strings.Contains(msg, abs) {
			e.File = f
			msg = strings.ReplaceAll(msg, abs, f)
		}
	}
	// Only the first of a joined error list matters for the line.
	first := msg
	if i := strings.IndexByte(first, '\n'); i > 0 {
		first = first[:i]
	}
	// The file is already in the Error's prefix.
	e.Msg = strings.TrimSpace(fileInErrorRe.ReplaceAllString(msg, ""))
	e.Msg = strings.TrimPrefix(e.Msg, "yaml: ")
	if m := yamlLineRe.FindStringSubmatch(first); m != nil && strings.Contains(first, "yaml") {
		e.Line, _ = strconv.Atoi(m[1])
		return e
	}
	var path []string
	if m := interpErrRe.FindStringSubmatch(first); m != nil {
		path = splitKeyPath(m[1])
	} else if m := decodeErrRe.FindStringSubmatch(msg); m != nil {
		// mapstructure puts the key path on a later line of its message.
		path = append([]string{"services", m[1]}, splitKeyPath(m[2])...)
	} else if m := additionalRe.FindStringSubmatch(first); m != nil {
		path = append(splitKeyPath(m[1]), m[2])
	} else if m := validatingRe.FindStringSubmatch(first); m != nil {
		path = splitKeyPath(m[1])
	} else if m := serviceErrRe.FindStringSubmatch(first); m != nil {
		path = []string{"services", m[1]}
	}
	if len(path) > 0 {
		h, _ := p.lookup("", path)
		if h.key != nil {
			e.File, e.Line, e.Column = h.file, h.key.Line, h.key.Column
		}
	}
	if e.Line == 0 {
		// Some decode errors name only the offending value ("invalid
		// containerPort: abc"): find the scalar that holds it.
		if m := trailingValueRe.FindStringSubmatch(first); m != nil {
			if file, n := p.findScalar(m[1]); n != nil {
				e.File, e.Line, e.Column = file, n.Line, n.Column
			}
		}
	}
	return e
}

// trailingValueRe takes the value at the end of "invalid X: value".
var trailingValueRe = regexp.MustCompile(`(?i)invalid [\w ]+: "?([^"\s]{1,200})"?$`)

// findScalar returns the first scalar node, in file order, whose value
// contains v.
func (p *Project) findScalar(v string) (string, *yaml.Node) {
	var walk func(n *yaml.Node) *yaml.Node
	walk = func(n *yaml.Node) *yaml.Node {
		if n == nil {
			return nil
		}
		if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, v) {
			return n
		}
		for _, c := range n.Content {
			if r := walk(c); r != nil {
				return r
			}
		}
		return nil
	}
	for _, l := range p.layers {
		if n := walk(l.root); n != nil {
			return l.file, n
		}
	}
	return "", nil
}

// splitKeyPath splits "services.api.ports.[]" or "services.api.ports.0".
func splitKeyPath(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ".") {
		if part == "" || part == "[]" {
			break
		}
		out = append(out, part)
	}
	return out
}
