package fix

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
	"gopkg.in/yaml.v3"
)

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
