package fix

import (
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
	"gopkg.in/yaml.v3"
)

var envNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (c *cdoc) secretToEnv(name string, f finding.Finding) error {
	key := strings.TrimPrefix(f.Key, name+":env:")
	if !envNameRe.MatchString(key) {
		return skipf("%q is not a variable name that interpolation can use", key)
	}
	y, _, v, err := c.svc(name)
	if err != nil {
		return err
	}
	ek, env := get(v, "environment")
	if ek == nil {
		return skipf("the environment comes from elsewhere (a merge or an extended service)")
	}
	ref := "${" + key + ":?" + key + " is required}"
	flow := env.Style&yaml.FlowStyle != 0
	switch env.Kind {
	case yaml.MappingNode:
		_, val := get(env, key)
		if val == nil {
			return skipf("%s is not set in this file", key)
		}
		if err := c.setScalar(y, val, ref, flow); err != nil {
			return err
		}
	case yaml.SequenceNode:
		it := seqHas(env, func(s string) bool { k, _, ok := strings.Cut(s, "="); return ok && strings.TrimSpace(k) == key })
		if it == nil {
			return skipf("%s is not set in this file", key)
		}
		if err := c.setScalar(y, it, key+"="+ref, flow); err != nil {
			return err
		}
	default:
		return skipf("environment has a form this fix does not edit")
	}
	c.env = append(c.env, key)
	return nil
}

// writeEnvExample lists the moved names (never values) in .env.example
// next to the compose file, adding only names it lacks.
func (c *cdoc) writeEnvExample() {
	if len(c.env) == 0 {
		return
	}
	abs := filepath.Join(filepath.Dir(c.st.abs), ".env.example")
	st, err := c.p.file(abs)
	if err != nil {
		c.p.skip("DC018", c.p.display(abs), 0, "cannot write .env.example: %v", err)
		return
	}
	have := map[string]bool{}
	for _, l := range splitLines(st.cur) {
		if k, _, ok := strings.Cut(strings.TrimSpace(l), "="); ok {
			have[strings.TrimSpace(strings.TrimPrefix(k, "export "))] = true
		}
	}
	eol := "\n"
	if len(st.cur) > 0 {
		eol = eolOf(st.cur)
	}
	var b strings.Builder
	b.Write(st.cur)
	if len(st.cur) > 0 && !strings.HasSuffix(string(st.cur), "\n") {
		b.WriteString(eol)
	}
	if len(st.cur) == 0 {
		b.WriteString("# Variables " + filepath.Base(c.st.abs) + " reads from the environment. Copy this file to .env" + eol)
		b.WriteString("# and fill in the values there; never commit .env. Names only, no values." + eol)
	}
	added := false
	for _, k := range c.env {
		if !have[k] {
			have[k] = true
			b.WriteString(k + "=" + eol)
			added = true
		}
	}
	if added {
		st.cur = []byte(b.String())
	}
}
