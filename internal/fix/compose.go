package fix

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
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
	byFile := map[string][]finding.Finding{}
	var files []string
	for _, f := range fs {
		a := p.abs(f.Location.Path)
		if _, ok := byFile[a]; !ok {
			files = append(files, a)
		}
		byFile[a] = append(byFile[a], f)
	}
	sort.Strings(files)
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

func (c *cdoc) service(name string) (compose.Service, bool) {
	if c.proj == nil {
		return compose.Service{}, false
	}
	return c.proj.Service(name)
}

// extraTmpfs are the paths well-known images write outside their volumes.
var extraTmpfs = map[string][]string{
	"postgres": {"/var/run/postgresql"},
	"nginx":    {"/var/cache/nginx", "/var/run"},
	"mysql":    {"/var/run/mysqld"},
	"mariadb":  {"/var/run/mysqld"},
}

func imageRepoName(img string) string {
	img = strings.ToLower(img)
	if i := strings.IndexByte(img, '@'); i >= 0 {
		img = img[:i]
	}
	if i := strings.LastIndexByte(img, '/'); i >= 0 {
		img = img[i+1:]
	}
	if i := strings.IndexByte(img, ':'); i >= 0 {
		img = img[:i]
	}
	return img
}

func (c *cdoc) readOnly(name string, f finding.Finding) error {
	y, _, v, err := c.svc(name)
	if err != nil {
		return err
	}
	if k, val := get(v, "read_only"); k != nil {
		if err := c.setPlain(y, val, "true"); err != nil {
			return err
		}
	} else if err := c.insertKey(name, "read_only", "read_only: true"); err != nil {
		return err
	}
	return c.tmpfsOnly(name, f)
}

func (c *cdoc) tmpfsOnly(name string, _ finding.Finding) error {
	paths := []string{"/tmp"}
	if s, ok := c.service(name); ok {
		paths = append(paths, extraTmpfs[imageRepoName(s.Image)]...)
		var need []string
		for _, p := range paths {
			if !s.HasTmpfs(p) {
				need = append(need, p)
			}
		}
		paths = need
	}
	return c.ensureItems(name, "tmpfs", paths, func(item, v string) bool {
		t, _, _ := strings.Cut(v, ":")
		return filepath.Clean(t) == item
	})
}

// runsNonRoot reports whether a service's process is not root: its user:
// says so, or the Dockerfile it builds ends with a non-root USER.
func (c *cdoc) runsNonRoot(name string) (bool, string) {
	s, ok := c.service(name)
	if !ok {
		return false, "the project could not be loaded to tell who the service runs as"
	}
	if s.User != "" {
		if rules.IsRootUser(s.User) {
			return false, "it runs as user " + s.User
		}
		return true, ""
	}
	if b, ok := s.BuildSpec(); ok && b.Dockerfile != "" {
		if u, ok := c.p.dfUsers[b.Dockerfile]; ok && u != "" && !rules.IsRootUser(u) {
			return true, ""
		}
		return false, "its Dockerfile does not end with a non-root USER"
	}
	return false, "image " + s.Image + " may start as root and switch users, which needs capabilities"
}

func (c *cdoc) capDrop(name string, _ finding.Finding) error {
	if ok, why := c.runsNonRoot(name); !ok {
		return skipf("dropping ALL capabilities is only safe for a non-root service; %s (add cap_drop: [ALL] with the cap_add it needs by hand)", why)
	}
	return c.ensureItems(name, "cap_drop", []string{"ALL"}, func(_, v string) bool {
		return strings.EqualFold(strings.TrimPrefix(strings.ToUpper(v), "CAP_"), "ALL")
	})
}

func (c *cdoc) noNewPrivileges(name string, _ finding.Finding) error {
	y, _, v, err := c.svc(name)
	if err != nil {
		return err
	}
	if k, seq := get(v, "security_opt"); k != nil {
		if it := seqHas(seq, func(s string) bool {
			s = strings.ToLower(strings.TrimSpace(s))
			return strings.HasPrefix(s, "no-new-privileges")
		}); it != nil {
			return c.setScalar(y, it, "no-new-privileges:true", seq.Style&yaml.FlowStyle != 0)
		}
	}
	return c.ensureItems(name, "security_opt", []string{"no-new-privileges:true"}, func(_, v string) bool { return false })
}

// seed defaults for deploy.resources.limits.
var limitDefaults = [][2]string{{"cpus", "'1.0'"}, {"memory", "512M"}, {"pids", "100"}}

func (c *cdoc) limits(name string, _ finding.Finding) error {
	s, ok := c.service(name)
	if !ok {
		return skipf("the project could not be loaded to read the service's limits")
	}
	l := s.Limits()
	have := map[string]bool{"memory": l.MemoryBytes > 0, "cpus": l.CPUs > 0, "pids": l.Pids > 0}
	y, _, v, err := c.svc(name)
	if err != nil {
		return err
	}
	short := map[string]string{"memory": "mem_limit", "cpus": "cpus", "pids": "pids_limit"}
	usesShort := false
	for _, k := range short {
		if kk, _ := get(v, k); kk != nil {
			usesShort = true
		}
	}
	dk, deploy := get(v, "deploy")
	if usesShort && dk == nil {
		// Follow the service's own style: mem_limit, cpus, pids_limit.
		vals := map[string]string{"memory": "mem_limit: 512m", "cpus": "cpus: 1.0", "pids": "pids_limit: 100"}
		for _, kv := range limitDefaults {
			if !have[kv[0]] {
				if err := c.insertKey(name, short[kv[0]], vals[kv[0]]); err != nil {
					return err
				}
			}
		}
		return nil
	}
	var leaf []string
	for _, kv := range limitDefaults {
		if !have[kv[0]] {
			leaf = append(leaf, kv[0]+": "+kv[1])
		}
	}
	if len(leaf) == 0 {
		return errNoOp
	}
	pad := func(n int, ls []string) []string {
		out := make([]string, len(ls))
		for i, l := range ls {
			out[i] = strings.Repeat(" ", n*y.step) + l
		}
		return out
	}
	if dk == nil {
		return c.insertKey(name, "deploy", append([]string{"deploy:", pad(1, []string{"resources:"})[0], pad(2, []string{"limits:"})[0]}, pad(3, leaf)...)...)
	}
	rk, res := get(deploy, "resources")
	if rk == nil {
		return c.insertInto(y, deploy, append([]string{"resources:", pad(1, []string{"limits:"})[0]}, pad(2, leaf)...)...)
	}
	lk, lim := get(res, "limits")
	if lk == nil {
		return c.insertInto(y, res, append([]string{"limits:"}, pad(1, leaf)...)...)
	}
	if lim.Kind == yaml.MappingNode && lim.Style&yaml.FlowStyle != 0 {
		// limits: {cpus: "1.0", memory: 512M}: add before the brace.
		s := string(y.src)
		i := y.offset(lim.Line, lim.Column)
		depth, end := 0, -1
		for j := i; j < len(s) && end < 0; j++ {
			switch s[j] {
			case '{':
				depth++
			case '}':
				if depth--; depth == 0 {
					end = j
				}
			case '"', '\'':
				q := s[j]
				for j++; j < len(s) && s[j] != q; j++ {
					if s[j] == '\\' && q == '"' {
						j++
					}
				}
			case '#':
				return skipf("limits is a flow mapping this fix cannot extend")
			}
		}
		if end < 0 {
			return skipf("limits is a flow mapping this fix cannot extend")
		}
		sep := ", "
		if len(lim.Content) == 0 {
			sep = ""
		}
		return c.set(y.replaceSpan(end, end, sep+strings.Join(leaf, ", ")))
	}
	return c.insertInto(y, lim, leaf...)
}

func (c *cdoc) restart(name string, _ finding.Finding) error {
	y, _, v, err := c.svc(name)
	if err != nil {
		return err
	}
	if k, val := get(v, "restart"); k != nil {
		return c.setScalar(y, val, "unless-stopped", false)
	}
	if _, d := get(v, "deploy"); d != nil {
		if rk, _ := get(d, "restart_policy"); rk != nil {
			return skipf("deploy.restart_policy sets the policy; set its condition to on-failure by hand")
		}
	}
	return c.insertKey(name, "restart", "restart: unless-stopped")
}

// containerPort reads the container side of a ports entry.
func containerPort(s string) (string, bool) {
	if strings.Contains(s, "$") {
		return "", false
	}
	port, proto, _ := strings.Cut(s, "/")
	if i := strings.LastIndexByte(port, ':'); i >= 0 {
		port = port[i+1:]
	}
	if port == "" || strings.Trim(port, "0123456789-") != "" {
		return "", false
	}
	if proto != "" && proto != "tcp" {
		return port + "/" + proto, true
	}
	return port, true
}

func (c *cdoc) portsToExpose(name string, _ finding.Finding) error {
	y, _, v, err := c.svc(name)
	if err != nil {
		return err
	}
	pk, ports := get(v, "ports")
	if pk == nil {
		return skipf("the ports come from elsewhere (a merge or an extended service)")
	}
	if ports.Kind != yaml.SequenceNode {
		return skipf("ports is not a list")
	}
	var targets []string
	for _, it := range ports.Content {
		switch it.Kind {
		case yaml.ScalarNode:
			t, ok := containerPort(it.Value)
			if !ok {
				return skipf("cannot read the container port of %q", it.Value)
			}
			targets = append(targets, t)
		case yaml.MappingNode:
			_, t := get(it, "target")
			_, pr := get(it, "protocol")
			if t == nil || strings.Contains(t.Value, "$") {
				return skipf("a long-syntax port has no literal target")
			}
			tv := t.Value
			if pr != nil && pr.Value != "tcp" {
				tv += "/" + pr.Value
			}
			targets = append(targets, tv)
		default:
			return skipf("ports holds an entry this fix cannot read")
		}
	}
	// Two host ports can map the same container port: expose it once.
	seen := map[string]bool{}
	var uniq []string
	for _, t := range targets {
		if !seen[t] {
			seen[t] = true
			uniq = append(uniq, t)
		}
	}
	ek, expose := get(v, "expose")
	allScalar := len(uniq) == len(targets)
	for _, it := range ports.Content {
		allScalar = allScalar && it.Kind == yaml.ScalarNode
	}
	if ek == nil && allScalar {
		// Rename the key and rewrite each item where it stands, so comments
		// around them stay.
		flow := ports.Style&yaml.FlowStyle != 0
		edits := map[int][2]int{}
		texts := map[int]string{}
		ks, ke, ok := y.scalarSpan(pk, false)
		if !ok {
			return skipf("the ports key is written in a form this fix does not edit")
		}
		edits[ks], texts[ks] = [2]int{ks, ke}, "expose"
		for i, it := range ports.Content {
			s, e, ok := y.scalarSpan(it, flow)
			if !ok {
				return skipf("a ports entry is written in a form this fix does not edit")
			}
			edits[s], texts[s] = [2]int{s, e}, quoteStr(it, targets[i], flow)
		}
		out := string(y.src)
		var starts []int
		for s := range edits {
			starts = append(starts, s)
		}
		sort.Sort(sort.Reverse(sort.IntSlice(starts)))
		for _, s := range starts {
			e := edits[s][1]
			out = out[:s] + texts[s] + out[e:]
		}
		return c.set([]byte(out))
	}
	if ek == nil {
		// Long syntax: replace the block.
		lines := []string{"expose:"}
		for _, t := range uniq {
			lines = append(lines, strings.Repeat(" ", y.seqOff)+"- "+dq(t))
		}
		return c.set(replaceLines(c.st.cur, pk.Line, y.valueEnd(pk), blockInsert(pk.Column-1, c.eol(), lines...)))
	}
	// expose: exists: add the ports to it, then drop ports.
	var missing []string
	for _, t := range uniq {
		if seqHas(expose, func(s string) bool { return s == t }) == nil {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		if err := c.appendItems(y, ek, expose, missing...); err != nil {
			return err
		}
	}
	y, _, v, err = c.svc(name)
	if err != nil {
		return err
	}
	pk, _ = get(v, "ports")
	return c.set(replaceLines(c.st.cur, pk.Line, y.valueEnd(pk), ""))
}

// quoteStr writes a port as a string scalar: ports are usually quoted
// because YAML 1.1 reads 22:22 as a number in base 60.
func quoteStr(n *yaml.Node, v string, flow bool) string {
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		return quoteLike(n, v, flow)
	}
	return dq(v)
}

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
