package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/finding"
)

func composeEx(src string) finding.Example {
	return finding.Example{Files: map[string]string{"compose.yaml": src}}
}

// svcAt locates a key of a service (or the service itself when unset).
func (p *Pass) svcAt(s compose.Service, keys ...string) finding.Location {
	pos := s.Pos(keys...)
	path := pos.File
	if p.Ext.Display != nil {
		path = p.Ext.Display(path)
	}
	return finding.Location{Path: path, Line: pos.Line, Column: pos.Column}
}

// missingAt locates what a service lacks: the key when the service's own
// file writes it, else the service in its main file. What a merged service
// lacks is reported once, at the base, never at an overlay that happens to
// write part of it.
func (p *Pass) missingAt(s compose.Service, keys ...string) finding.Location {
	main := s.Pos()
	if pos := s.Pos(keys...); pos.File == main.File {
		return p.display(pos)
	}
	return p.display(main)
}

func svcKey(s compose.Service, what string) string { return s.Name + ":" + what }

// eachService runs fn for every service of the pass's compose project.
func (p *Pass) eachService(fn func(s compose.Service)) {
	if p.Ext.Compose == nil {
		return
	}
	for _, s := range p.Ext.Compose.Services() {
		fn(s)
	}
}

// hardenedExample is a service that passes every compose rule.
const hardenedService = `    read_only: true
    tmpfs: [/tmp]
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    user: "1000:1000"
    restart: unless-stopped
    healthcheck:
      test: ["CMD", "/app/healthcheck"]
    deploy:
      resources:
        limits: {cpus: "1.0", memory: 512M, pids: 100}
`

func svcYAML(name, extra string) string {
	return "services:\n  " + name + ":\n    image: example/app:1.0\n" + extra
}

func quoted(ss []string) string {
	return strings.Join(ss, ", ")
}

func plural(n int, s string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, s)
	}
	return fmt.Sprintf("%d %ss", n, s)
}

func sortedEnvKeys(s compose.Service) []string {
	ks := make([]string, 0, len(s.Environment))
	for k := range s.Environment {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// eachComplete runs fn for the services that can run on their own. A
// fragment of an overlay whose base was not found is judged only on what it
// sets (privileged, published ports...), never on what it lacks.
func (p *Pass) eachComplete(fn func(s compose.Service)) {
	p.eachService(func(s compose.Service) {
		if !s.Fragment() {
			fn(s)
		}
	})
}

// portsAt locates a published port entry by its text in every merged file
// that writes it: each file that publishes it is reported.
func (p *Pass) portsAt(s compose.Service, i int, pc types.ServicePortConfig) []finding.Location {
	var out []finding.Location
	for _, pos := range s.PortPositions(pc) {
		out = append(out, p.display(pos))
	}
	if len(out) == 0 {
		out = append(out, p.svcAt(s, "ports", fmt.Sprint(i)))
	}
	return out
}

// volumesAt locates a volume entry by its target in every merged file that
// writes it.
func (p *Pass) volumesAt(s compose.Service, i int, v types.ServiceVolumeConfig) []finding.Location {
	var out []finding.Location
	if v.Target != "" {
		for _, pos := range s.VolumePositions(v.Target) {
			out = append(out, p.display(pos))
		}
	}
	if len(out) == 0 {
		out = append(out, p.svcAt(s, "volumes", fmt.Sprint(i)))
	}
	return out
}

func (p *Pass) display(pos compose.Position) finding.Location {
	path := pos.File
	if p.Ext.Display != nil {
		path = p.Ext.Display(path)
	}
	return finding.Location{Path: path, Line: pos.Line, Column: pos.Column}
}

// portDesc names a port as published: "host port 8090 (container port
// 8080)", "port 5432", or an ephemeral host port.
func portDesc(s compose.Service, pc types.ServicePortConfig) string {
	t := fmt.Sprint(pc.Target)
	proto := ""
	if pc.Protocol != "" && !strings.EqualFold(pc.Protocol, "tcp") {
		proto = "/" + strings.ToLower(pc.Protocol)
	}
	switch pc.Published {
	case "":
		// `${PORT}:80` that nothing resolves reads as no host port: name
		// the host side as written, not as ephemeral.
		for _, rv := range s.RawItems("ports") {
			text := strings.Trim(rv.Text, `"'`)
			if i := strings.LastIndex(text, ":"); i > 0 && strings.Contains(text[:i], "${") {
				if c, _, _ := strings.Cut(text[i+1:], "/"); c == t {
					host := text[:i]
					if j := strings.LastIndex(host, "}:"); j >= 0 {
						host = host[j+2:] // an interface before it
					}
					return "host port " + host + proto + " (container port " + t + ", set by the deployment)"
				}
			}
		}
		return "container port " + t + proto + " on an ephemeral host port"
	case t:
		return "port " + t + proto
	}
	return "host port " + pc.Published + proto + " (container port " + t + ")"
}

// unresolvedPorts records, for the checklist, the `ports:` entries whose
// host side a variable sets that nothing resolves, and says whether any
// exist: where they publish is the deployment's choice.
func (p *Pass) unresolvedPorts(s compose.Service) bool {
	any := false
	for _, rv := range s.RawItems("ports") {
		if s.UnresolvedText(rv.Text) {
			any = true
			p.Unknown("runtime.network-isolation", p.display(rv.Pos()), fmt.Sprintf("service %s publishes %s, set by the deployment", s.Name, rv.Text))
		}
	}
	return any
}
