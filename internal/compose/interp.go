package compose

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/template"
	"gopkg.in/yaml.v3"
)

// interpolator substitutes variables like Docker Compose does, except that a
// missing `${VAR:?err}` yields "" and a warning instead of failing the load,
// and nothing is logged: unset variables become warnings on the Project.
type interpolator struct {
	env      map[string]string
	unset    map[string]bool
	required map[string]string
}

func newInterpolator(env map[string]string) *interpolator {
	return &interpolator{env: env, unset: map[string]bool{}, required: map[string]string{}}
}

func (ip *interpolator) lookup(k string) (string, bool) {
	v, ok := ip.env[k]
	return v, ok
}

func (ip *interpolator) substitute(tmpl string, m template.Mapping) (string, error) {
	if !strings.Contains(tmpl, "$") {
		return tmpl, nil
	}
	return template.SubstituteWithOptions(tmpl, m, template.WithoutLogging, template.WithReplacementFunction(ip.replace))
}

func (ip *interpolator) replace(sub string, m template.Mapping, cfg *template.Config) (string, error) {
	v, applied, err := template.DefaultReplacementAppliedFunc(sub, m, cfg)
	if err != nil {
		var mre *template.MissingRequiredError
		if errors.As(err, &mre) {
			ip.required[mre.Variable] = mre.Reason
			return "", nil
		}
		return v, err
	}
	if !applied {
		if name := refName(sub); name != "" {
			ip.unset[name] = true
		}
	}
	return v, nil
}

func (ip *interpolator) hasUnset() bool { return len(ip.unset) > 0 || len(ip.required) > 0 }

func (ip *interpolator) warnings() []string {
	var out []string
	for name, reason := range ip.required {
		if _, dup := ip.unset[name]; dup {
			continue
		}
		w := fmt.Sprintf("required variable %s is not set; substituted an empty string", name)
		if reason != "" {
			w += " (" + reason + ")"
		}
		out = append(out, w)
	}
	for name := range ip.unset {
		out = append(out, fmt.Sprintf("variable %s is not set; substituted an empty string", name))
	}
	sort.Strings(out)
	return out
}

// refName extracts NAME from "$NAME" or "${NAME}".
func refName(sub string) string {
	s := strings.TrimPrefix(sub, "$")
	s = strings.TrimPrefix(s, "{")
	end := 0
	for end < len(s) {
		c := s[end]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || end > 0 && c >= '0' && c <= '9' {
			end++
			continue
		}
		break
	}
	return s[:end]
}

// freeTextKeys hold strings where an empty substitution is harmless; values
// elsewhere are typed (sizes, ports, volume specs) and break when empty.
var freeTextKeys = map[string]bool{
	"environment": true, "labels": true, "annotations": true, "command": true,
	"entrypoint": true, "test": true, "args": true, "name": true,
	"container_name": true, "hostname": true, "image": true, "user": true,
	"working_dir": true, "description": true,
}

// dropUnresolved re-encodes a file without the typed values that depend on
// unset variables, so the rest of it can still be audited. It reports what
// it dropped, with lines.
func dropUnresolved(file string, data []byte, env map[string]string) ([]byte, []string, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		docs = append(docs, &doc)
	}
	var dropped []string
	unresolved := func(n *yaml.Node) []string {
		if n.Kind != yaml.ScalarNode || !strings.Contains(n.Value, "$") {
			return nil
		}
		ip := newInterpolator(env)
		if _, err := ip.substitute(n.Value, ip.lookup); err != nil {
			return []string{"invalid interpolation"}
		}
		var names []string
		for k := range ip.unset {
			names = append(names, k)
		}
		for k := range ip.required {
			names = append(names, k)
		}
		sort.Strings(names)
		return names
	}
	var walk func(n *yaml.Node, path string, depth int)
	walk = func(n *yaml.Node, path string, depth int) {
		if n == nil || depth > maxDepth {
			return
		}
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path, depth+1)
			}
		case yaml.MappingNode:
			kept := n.Content[:0:0]
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if freeTextKeys[k.Value] {
					kept = append(kept, k, v)
					continue
				}
				if names := unresolved(v); names != nil {
					dropped = append(dropped, fmt.Sprintf("%s:%d: %s%s ignored: it depends on unset %s", file, v.Line, path, k.Value, strings.Join(names, ", ")))
					continue
				}
				walk(v, path+k.Value+".", depth+1)
				kept = append(kept, k, v)
			}
			n.Content = kept
		case yaml.SequenceNode:
			kept := n.Content[:0:0]
			for i, item := range n.Content {
				if names := unresolved(item); names != nil {
					dropped = append(dropped, fmt.Sprintf("%s:%d: %s%d ignored: it depends on unset %s", file, item.Line, path, i, strings.Join(names, ", ")))
					continue
				}
				walk(item, path+fmt.Sprint(i)+".", depth+1)
				kept = append(kept, item)
			}
			n.Content = kept
		}
	}
	for _, d := range docs {
		walk(d, "", 0)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	for _, d := range docs {
		if err := enc.Encode(d); err != nil {
			return nil, nil, err
		}
	}
	if err := enc.Close(); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), dropped, nil
}
