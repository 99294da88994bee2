package fix

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/finding"
	"gopkg.in/yaml.v3"
)

// cdoc is one compose file being fixed.
type cdoc struct {
	p    *planner
	st   *fileState
	proj *compose.Project // the loaded project, for facts; nil if it failed
	l    *links
	env  []string // names moved to .env.example
}

type composeFixer func(c *cdoc, svc string, f finding.Finding) error

var composeFixers = map[string]composeFixer{
	"DC005": (*cdoc).readOnly, "DC006": (*cdoc).tmpfsOnly, "DC002": (*cdoc).capDrop, "DC004": (*cdoc).noNewPrivileges,
	"DC007": (*cdoc).limits, "DC020": (*cdoc).restart, "DC011": (*cdoc).portsToExpose, "DC016": (*cdoc).internalNetwork,
	"DC018": (*cdoc).secretToEnv, "DC019": (*cdoc).composeNoReload,
}

func (p *planner) fixComposeFiles(fs []finding.Finding, l *links) {
	files, byFile := p.byFile(fs)
	for _, a := range files {
		p.fixCompose(a, byFile[a], l)
	}
}

func (p *planner) fixCompose(abs string, fs []finding.Finding, l *links) {
	st, err := p.file(abs)
	if err != nil || !st.exists || !p.inTree(abs) {
		for _, f := range fs {
			p.skipF(f, "the file cannot be edited here (outside the project or unreadable)")
		}
		return
	}
	c := &cdoc{p: p, st: st, proj: l.projects[abs], l: l}
	if _, err := parseY(st.cur); err != nil {
		for _, f := range fs {
			p.skipF(f, "%v", err)
		}
		return
	}
	sort.SliceStable(fs, func(i, j int) bool { return ruleOrder(fs[i].Rule.ID) < ruleOrder(fs[j].Rule.ID) })
	done := map[string]bool{}
	before := len(p.res.Fixed)
	for _, f := range fs {
		id := f.Rule.ID
		svc, _, _ := strings.Cut(f.Key, ":")
		once := id + "\x00" + svc
		if id == "DC018" || id == "DC019" {
			once = id + "\x00" + f.Key
		}
		if done[once] {
			continue
		}
		done[once] = true
		if why := c.keepAsIs(abs, id, svc); why != "" {
			p.skipF(f, "%s", why)
			continue
		}
		snap := st.cur
		err := composeFixers[id](c, svc, f)
		var sk *errSkip
		switch {
		case errors.Is(err, errNoOp):
		case errors.As(err, &sk):
			st.cur = snap
			p.skipF(f, "%s", sk.reason)
		case err != nil:
			st.cur = snap
			p.skipF(f, "%v", err)
		default:
			p.fixedF(f, "%s", describeCompose(id, svc, f.Key))
		}
	}
	if err := c.verify(); err != nil {
		// The loader refuses the result: undo every edit of this file.
		st.cur = st.orig
		fixed := p.res.Fixed[before:]
		p.res.Fixed = p.res.Fixed[:before]
		for _, n := range fixed {
			n.Text = fmt.Sprintf("the fixed file would not load (%v); left as is", err)
			p.res.Skipped = append(p.res.Skipped, n)
		}
		c.env = nil
	}
	c.writeEnvExample()
}

func describeCompose(id, svc, key string) string {
	switch id {
	case "DC005":
		return "service " + svc + ": read_only: true with a tmpfs for /tmp"
	case "DC006":
		return "service " + svc + ": tmpfs for /tmp"
	case "DC002":
		return "service " + svc + ": cap_drop: [ALL]"
	case "DC004":
		return "service " + svc + ": no-new-privileges:true"
	case "DC007":
		return "service " + svc + ": resource limits"
	case "DC020":
		return "service " + svc + ": restart: unless-stopped"
	case "DC011":
		return "service " + svc + ": ports replaced by expose"
	case "DC016":
		return "service " + svc + ": on an internal network with its clients"
	case "DC018":
		return "service " + svc + ": secret taken from the environment"
	case "DC019":
		if k, ok := strings.CutPrefix(key, svc+":env:"); ok {
			return "service " + svc + ": production value for " + k
		}
		return "service " + svc + ": development server flags removed from the command"
	}
	return "fixed"
}

// verify loads the fixed file with the compose loader scan uses; a file
// that loaded before the fix must still load after it.
func (c *cdoc) verify() error {
	if string(c.st.cur) == string(c.st.orig) {
		return nil
	}
	if _, err := parseY(c.st.cur); err != nil {
		return err
	}
	load := func(data []byte) error {
		dir, err := os.MkdirTemp("", "hardhull-fix-")
		if err != nil {
			return nil // cannot check; the YAML parse above passed
		}
		defer os.RemoveAll(dir)
		f := filepath.Join(dir, filepath.Base(c.st.abs))
		if err := os.WriteFile(f, data, 0o600); err != nil {
			return nil
		}
		_, err = compose.Load(context.Background(), compose.Options{Files: []string{f}})
		return err
	}
	if load(c.st.orig) != nil {
		return nil // the file is not loadable alone (an override fragment)
	}
	if err := load(c.st.cur); err != nil {
		var ce *compose.Error
		if errors.As(err, &ce) {
			return errors.New(ce.Msg)
		}
		return err
	}
	return nil
}

// set keeps an edit only if the text still parses as YAML.
func (c *cdoc) set(next []byte) error {
	if _, err := parseY(next); err != nil {
		return skipf("the edit would not parse as YAML (%v)", err)
	}
	c.st.cur = next
	return nil
}

func (c *cdoc) eol() string { return eolOf(c.st.cur) }

// svc parses the current text and finds the service's mapping.
func (c *cdoc) svc(name string) (*ydoc, *yaml.Node, *yaml.Node, error) {
	y, err := parseY(c.st.cur)
	if err != nil {
		return nil, nil, nil, err
	}
	k, v := y.service(name)
	if k == nil {
		return nil, nil, nil, skipf("service %s is not defined in this file", name)
	}
	if v.Kind == yaml.AliasNode {
		return nil, nil, nil, skipf("service %s is a YAML alias; edit the anchor", name)
	}
	if v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle != 0 {
		return nil, nil, nil, skipf("service %s is written as a flow mapping", name)
	}
	return y, k, v, nil
}

// insertKey adds lines (relative indentation, first line the key) at the
// end of a service's mapping.
func (c *cdoc) insertKey(name, key string, lines ...string) error {
	y, k, v, err := c.svc(name)
	if err != nil {
		return err
	}
	if mergedHas(v, key) {
		return skipf("service %s gets %s from a YAML merge (<<); edit the anchor", name, key)
	}
	var at, indent int
	switch {
	case v.Kind == yaml.MappingNode && len(v.Content) > 0:
		at, indent = y.mapEnd(v)+1, v.Content[0].Column-1
	case v.Kind == yaml.ScalarNode && v.Tag == "!!null" && v.Line == k.Line:
		at, indent = k.Line+1, k.Column-1+y.step
	default:
		return skipf("service %s has a form this fix does not edit", name)
	}
	return c.set(insertBefore(c.st.cur, at, blockInsert(indent, c.eol(), lines...)))
}

// insertInto adds lines at the end of a nested block mapping m.
func (c *cdoc) insertInto(y *ydoc, m *yaml.Node, lines ...string) error {
	if m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle != 0 || len(m.Content) == 0 {
		return skipf("a mapping this fix needs to extend is not in block style")
	}
	return c.set(insertBefore(c.st.cur, y.mapEnd(m)+1, blockInsert(m.Content[0].Column-1, c.eol(), lines...)))
}

// seqLines renders "key:" and its items in the file's style.
func (c *cdoc) seqLines(y *ydoc, key string, items ...string) []string {
	out := []string{key + ":"}
	for _, it := range items {
		out = append(out, strings.Repeat(" ", y.seqOff)+"- "+plainOrQuoted(it, false))
	}
	return out
}

// appendItems adds items to an existing sequence (block or flow).
func (c *cdoc) appendItems(y *ydoc, k, v *yaml.Node, items ...string) error {
	if v.Kind != yaml.SequenceNode {
		return skipf("%s is not a list", k.Value)
	}
	if v.Style&yaml.FlowStyle != 0 {
		// Insert before the closing bracket.
		from := y.offset(v.Line, v.Column)
		if len(v.Content) > 0 {
			last := v.Content[len(v.Content)-1]
			_, end, ok := y.scalarSpan(last, true)
			if !ok {
				return skipf("%s has an item this fix cannot read", k.Value)
			}
			from = end
		} else {
			from++
		}
		s := string(y.src)
		i := from
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == ',') {
			i++
		}
		if i >= len(s) || s[i] != ']' {
			return skipf("%s is a flow list this fix cannot extend", k.Value)
		}
		var add []string
		for _, it := range items {
			add = append(add, plainOrQuoted(it, true))
		}
		text := strings.Join(add, ", ")
		if len(v.Content) > 0 {
			text = ", " + text
		}
		return c.set(y.replaceSpan(from, from, text))
	}
	if len(v.Content) == 0 {
		return skipf("%s is an empty list in an unusual form", k.Value)
	}
	dash := y.lineIndent(v.Content[0].Line)
	if !strings.HasPrefix(strings.TrimSpace(y.lines[v.Content[0].Line-1]), "-") {
		return skipf("%s has items this fix cannot place", k.Value)
	}
	var lines []string
	for _, it := range items {
		lines = append(lines, "- "+plainOrQuoted(it, false))
	}
	return c.set(insertBefore(c.st.cur, y.valueEnd(k)+1, blockInsert(dash, c.eol(), lines...)))
}

// setScalar replaces a scalar value in place, keeping its quoting.
func (c *cdoc) setScalar(y *ydoc, n *yaml.Node, value string, flow bool) error {
	start, end, ok := y.scalarSpan(n, flow)
	if !ok {
		return skipf("the value at line %d is written in a form this fix does not edit", n.Line)
	}
	return c.set(y.replaceSpan(start, end, quoteLike(n, value, flow)))
}

// setPlain replaces a scalar with a plain (typed) value such as true.
func (c *cdoc) setPlain(y *ydoc, n *yaml.Node, value string) error {
	start, end, ok := y.scalarSpan(n, false)
	if !ok {
		return skipf("the value at line %d is written in a form this fix does not edit", n.Line)
	}
	return c.set(y.replaceSpan(start, end, value))
}

func seqHas(v *yaml.Node, want func(string) bool) *yaml.Node {
	if v == nil || v.Kind != yaml.SequenceNode {
		return nil
	}
	for _, it := range v.Content {
		if it.Kind == yaml.ScalarNode && want(it.Value) {
			return it
		}
	}
	return nil
}

// ensureItems makes a service's list key contain items.
func (c *cdoc) ensureItems(name, key string, items []string, has func(item, v string) bool) error {
	y, _, v, err := c.svc(name)
	if err != nil {
		return err
	}
	k, seq := get(v, key)
	if k == nil {
		if len(items) == 0 {
			return nil
		}
		return c.insertKey(name, key, c.seqLines(y, key, items...)[0:]...)
	}
	var missing []string
	for _, it := range items {
		if seqHas(seq, func(s string) bool { return has(it, s) }) == nil {
			missing = append(missing, it)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if seq.Kind == yaml.ScalarNode {
		return skipf("%s is a single value; make it a list by hand", key)
	}
	return c.appendItems(y, k, seq, missing...)
}

// keepAsIs says why a fix would be wrong for this file or service: a
// development file keeps what makes it one, and a one-shot service (a
// test run, a migration, a job others wait on) is meant to exit.
func (c *cdoc) keepAsIs(abs, id, svc string) string {
	if (id == "DC019" || id == "DC011") && devFile(abs) {
		return fmt.Sprintf("%s is a development file: it keeps its dev server, reload and published database ports", filepath.Base(abs))
	}
	if id != "DC020" && id != "DC005" || c.proj == nil {
		return ""
	}
	why := oneShot(c.proj, svc)
	switch {
	case why == "":
		return ""
	case id == "DC020":
		return fmt.Sprintf("service %s is one-shot (%s): it is meant to exit, so it gets no restart policy", svc, why)
	}
	return fmt.Sprintf("service %s is one-shot (%s) and may write where it runs; read_only is left to a review", svc, why)
}

// devFile: compose.override.yml and files named *dev* are development
// overlays.
func devFile(abs string) bool {
	low := strings.ToLower(filepath.Base(abs))
	return strings.Contains(low, "override") || strings.Contains(low, "dev")
}

var oneShotWords = map[string]bool{
	"migrate": true, "migration": true, "migrations": true, "init": true, "test": true, "tests": true,
	"pytest": true, "seed": true, "setup": true, "job": true, "alembic": true, "fixtures": true,
}

// oneShot says why a service runs once, or "".
func oneShot(p *compose.Project, name string) string {
	for _, other := range p.Services() {
		if d, ok := other.DependsOn[name]; ok && d.Condition == "service_completed_successfully" {
			return "service " + other.Name + " waits for it to complete"
		}
	}
	s, ok := p.Service(name)
	if !ok {
		return ""
	}
	// The service name's words, and the first words of its command
	// (python -m pytest, alembic upgrade head).
	words := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '-' || r == '_' || r == '.' })
	for i, w := range s.Command {
		if i == 3 {
			break
		}
		words = append(words, strings.ToLower(filepath.Base(w)))
	}
	for _, w := range words {
		if oneShotWords[w] {
			return "it runs " + w
		}
	}
	return ""
}
