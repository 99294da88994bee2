package fix

import (
	"regexp"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
	"gopkg.in/yaml.v3"
)

// internalNetwork puts a datastore on an internal network shared only with
// the services that use it: the ones that depend on it, link it or name
// it as a host in their environment. They keep their other networks.
func (c *cdoc) internalNetwork(name string, f finding.Finding) error {
	if y, _, v, err := c.svc(name); err == nil && strings.Contains(f.Key, ":net:") {
		// "joins network default" is also what an unset networks: means.
		if nk, _ := get(v, "networks"); nk != nil || !strings.HasSuffix(f.Key, ":net:default") {
			return skipf("the datastore already joins named networks; move it to an internal one by hand")
		}
		_ = y
	}
	if c.proj == nil {
		return skipf("the project could not be loaded to find the datastore's clients")
	}
	clients := c.clientsOf(name)
	if len(clients) == 0 {
		return skipf("no service declares that it uses %s (depends_on, links or a host in its environment); isolating it would cut it off", name)
	}
	for _, cl := range clients {
		s, _ := c.proj.Service(cl)
		if s.NetworkMode != "" && s.NetworkMode != "bridge" && s.NetworkMode != "default" {
			return skipf("client %s uses network_mode %s and cannot join a network", cl, s.NetworkMode)
		}
		if s.NetworkMode != "" {
			return skipf("client %s uses network_mode %s; move it to networks: by hand", cl, s.NetworkMode)
		}
	}
	net, err := c.ensureNetwork()
	if err != nil {
		return err
	}
	// The datastore: only the internal network.
	y, _, v, err := c.svc(name)
	if err != nil {
		return err
	}
	if mk, mv := get(v, "network_mode"); mk != nil {
		if mv.Value != "bridge" && mv.Value != "default" {
			return skipf("network_mode %s", mv.Value)
		}
		lines := c.seqLines(y, "networks", net)
		if err := c.set(replaceLines(c.st.cur, mk.Line, y.valueEnd(mk), blockInsert(mk.Column-1, c.eol(), lines...))); err != nil {
			return err
		}
	} else if nk, _ := get(v, "networks"); nk == nil {
		if err := c.insertKey(name, "networks", c.seqLines(y, "networks", net)...); err != nil {
			return err
		}
	} else {
		return skipf("the datastore already lists networks")
	}
	// Each client: keep the default network (its other connections and
	// published ports) and add the internal one.
	for _, cl := range clients {
		if err := c.attach(cl, net); err != nil {
			return err
		}
	}
	return nil
}

// attach adds a network to a service's networks (creating the key with
// default kept).
func (c *cdoc) attach(name, net string) error {
	y, _, v, err := c.svc(name)
	if err != nil {
		return err
	}
	nk, nets := get(v, "networks")
	if nk == nil {
		if mergedHas(v, "networks") {
			return skipf("service %s gets networks from a YAML merge (<<); edit the anchor", name)
		}
		return c.insertKey(name, "networks", c.seqLines(y, "networks", "default", net)...)
	}
	switch nets.Kind {
	case yaml.SequenceNode:
		if seqHas(nets, func(s string) bool { return s == net }) != nil {
			return nil
		}
		return c.appendItems(y, nk, nets, net)
	case yaml.MappingNode:
		if k, _ := get(nets, net); k != nil {
			return nil
		}
		if nets.Style&yaml.FlowStyle != 0 {
			return skipf("service %s lists networks as a flow mapping", name)
		}
		return c.insertInto(y, nets, net+": {}")
	}
	return skipf("service %s has networks in a form this fix does not edit", name)
}

// ensureNetwork declares an internal network (reusing one that is
// internal already) and returns its name.
func (c *cdoc) ensureNetwork() (string, error) {
	y, err := parseY(c.st.cur)
	if err != nil {
		return "", err
	}
	nk, nets := get(y.root, "networks")
	name := "backend"
	for _, cand := range []string{"backend", "backend-internal", "hardhull-internal"} {
		name = cand
		_, def := get(nets, cand)
		if def == nil {
			break
		}
		if _, in := get(def, "internal"); in != nil && in.Value == "true" {
			return cand, nil
		}
	}
	body := []string{name + ":", strings.Repeat(" ", y.step) + "internal: true"}
	if nk == nil {
		text := "networks:" + c.eol() + blockInsert(y.step, c.eol(), body...)
		src := c.st.cur
		if len(src) > 0 && !strings.HasSuffix(string(src), "\n") {
			src = append(append([]byte{}, src...), c.eol()...)
		}
		// A blank line before the new top-level section, as compose files
		// usually separate them.
		if len(src) > 0 {
			text = c.eol() + text
		}
		return name, c.set(append(append([]byte{}, src...), text...))
	}
	if nets.Kind == yaml.ScalarNode && nets.Tag == "!!null" {
		return name, c.set(insertBefore(c.st.cur, nk.Line+1, blockInsert(nk.Column-1+y.step, c.eol(), body...)))
	}
	return name, c.insertInto(y, nets, body...)
}

// clientsOf lists the services that use a datastore.
func (c *cdoc) clientsOf(db string) []string {
	hostRe := regexp.MustCompile(`(^|[@/=:,\s])` + regexp.QuoteMeta(db) + `($|[:/\s,;])`)
	var out []string
	for _, s := range c.proj.Services() {
		if s.Name == db || s.Fragment() {
			// A fragment no base completes (a misspelt overlay service)
			// never runs, so it is nobody's client.
			continue
		}
		uses := false
		if _, ok := s.DependsOn[db]; ok {
			uses = true
		}
		for _, l := range s.Links {
			n, _, _ := strings.Cut(l, ":")
			uses = uses || n == db
		}
		for _, rv := range s.RawEnv() {
			uses = uses || hostRe.MatchString(rv.Text)
		}
		if uses {
			out = append(out, s.Name)
		}
	}
	sort.Strings(out)
	return out
}
