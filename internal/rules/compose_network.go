package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/finding"
)

const appAndDB = `services:
  api:
    image: example/api:1.0
    networks: [frontend, backend]
  db:
    image: postgres:16
    networks: [backend]
networks:
  frontend:
  backend:
    internal: true
`

var _ = register(finding.Rule{
	ID: "DC011", Slug: "datastore-port-published", Title: "Database or cache publishes a port",
	Severity: finding.High, Kind: finding.KindCompose,
	Checklist: []string{"runtime.network-isolation"}, CIS: []string{"5.9"}, OWASP: []string{"D03"},
	Rationale: "A published database port is reachable from outside the host; only the app should reach it, over an internal network.",
	Fix:       "Replace ports: with expose: (or nothing) and reach the database by service name on an internal network.",
	Bad:       []finding.Example{composeEx(strings.Replace(appAndDB, "    image: postgres:16\n", "    image: postgres:16\n    ports: [\"5432:5432\"]\n", 1))},
	Good:      []finding.Example{composeEx(strings.Replace(appAndDB, "    image: postgres:16\n", "    image: postgres:16\n    expose: [\"5432\"]\n", 1))},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		if !s.IsDataStore() {
			return
		}
		p.unresolvedPorts(s)
		for i, pc := range s.Ports {
			sev := finding.High
			where := "on all interfaces"
			if !compose.PublishesOnAllInterfaces(pc) {
				sev, where = finding.Low, "on "+pc.HostIP
			}
			for _, loc := range p.portsAt(s, i, pc) {
				p.ReportSeverity(sev, loc, svcKey(s, "port:"+fmt.Sprint(pc.Target)),
					fmt.Sprintf("datastore %s (%s) publishes %s %s", s.Name, datastoreWhat(s), portDesc(s, pc), where))
			}
		}
	})
})

var _ = register(finding.Rule{
	ID: "DC012", Slug: "port-on-all-interfaces", Title: "Port published on all interfaces",
	Severity: finding.Low, Kind: finding.KindCompose,
	Checklist: []string{"runtime.network-isolation"}, CIS: []string{"5.14"}, OWASP: []string{"D03"},
	Rationale: "\"8080:80\" binds 0.0.0.0 and bypasses host firewalls (Docker writes its own iptables rules).",
	Fix:       "Bind to one address (\"127.0.0.1:8080:80\"), or publish only from the TLS proxy.",
	Bad:       []finding.Example{composeEx(svcYAML("api", hardenedService+"    ports: [\"8080:80\"]\n"))},
	Good:      []finding.Example{composeEx(svcYAML("api", hardenedService+"    ports: [\"127.0.0.1:8080:80\"]\n")), composeEx(svcYAML("api", hardenedService+"    expose: [\"80\"]\n"))},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		if s.IsDataStore() {
			return // DC011 says it louder
		}
		p.unresolvedPorts(s)
		loud := endpointPorts(s) // DC028 and DC029 say those louder
		for i, pc := range s.Ports {
			if !compose.PublishesOnAllInterfaces(pc) || isProxyService(s) && (pc.Published == "80" || pc.Published == "443" || pc.Target == 80 || pc.Target == 443) {
				continue // a TLS proxy is the one service meant to be public
			}
			if _, ok := loud[pc.Target]; ok {
				continue
			}
			for _, loc := range p.portsAt(s, i, pc) {
				p.Report(loc, svcKey(s, "port:"+fmt.Sprint(pc.Target)),
					fmt.Sprintf("service %s publishes %s on all host interfaces", s.Name, portDesc(s, pc)))
			}
		}
	})
})

// datastoreWhat names what makes a service a datastore: its image as
// written, or the image its Dockerfile starts FROM.
func datastoreWhat(s compose.Service) string {
	if compose.IsDataStoreImage(s.Image) || s.BuildBase() == "" {
		return s.ImageAsWritten()
	}
	return "built FROM " + s.BuildBase()
}

func isProxyService(s compose.Service) bool {
	img := strings.ToLower(s.Image)
	for _, p := range []string{"nginx", "traefik", "caddy", "haproxy", "envoy"} {
		if strings.Contains(img, p) {
			return true
		}
	}
	return false
}

var _ = register(finding.Rule{
	ID: "DC013", Slug: "host-namespace", Title: "Host namespace shared",
	Severity: finding.High, Kind: finding.KindCompose,
	Equivalents: map[string][]string{"kics": {"4f31dd9f-2cc3-4751-9b53-67e4af83dac0", "baa3890f-bed7-46f5-ab8f-1da8fc91c729", "8af7162d-6c98-482f-868e-0d33fb675ca8", "071a71ff-f868-47a4-ac0b-3c59e4ab5443"}},
	Checklist:   []string{"runtime.network-isolation"}, CIS: []string{"5.10", "5.16", "5.17", "5.21", "5.31"}, OWASP: []string{"D03"},
	Rationale: "Sharing the host's network, PID, IPC, UTS or user namespace removes the isolation between container and host.",
	Fix:       "Remove network_mode/pid/ipc/uts/userns_mode: host; use published ports and Docker networks.",
	Bad:       []finding.Example{composeEx(svcYAML("api", hardenedService+"    network_mode: host\n")), composeEx(svcYAML("api", hardenedService+"    pid: host\n"))},
	Good:      []finding.Example{composeEx(svcYAML("api", hardenedService))},
}, func(p *Pass) {
	keys := map[string]string{"network": "network_mode", "pid": "pid", "ipc": "ipc", "uts": "uts", "userns": "userns_mode"}
	p.eachService(func(s compose.Service) {
		for _, ns := range s.HostNamespaces() {
			if ns == "userns" {
				// Without userns-remap on the engine every container
				// already runs in the host user namespace.
				p.ReportSeverity(finding.Info, p.svcAt(s, keys[ns]), svcKey(s, "ns:"+ns), fmt.Sprintf("service %s sets userns_mode: host, which opts out of user-namespace remapping; that is the engine default unless userns-remap is enabled", s.Name))
				continue
			}
			p.Report(p.svcAt(s, keys[ns]), svcKey(s, "ns:"+ns), fmt.Sprintf("service %s shares the host %s namespace", s.Name, ns))
		}
	})
})

// sensitiveHostPaths are host paths whose mount gives host control.
var sensitiveHostPaths = []string{"/", "/etc", "/proc", "/sys", "/boot", "/dev", "/root", "/var/lib/docker", "/var/lib/kubelet", "/usr", "/lib", "/bin", "/sbin", "/var/run", "/run", "/home"}

// SensitiveHostPath reports whether mounting a host path exposes the host.
func SensitiveHostPath(src string) bool {
	c := path.Clean(src)
	if harmlessHostFiles[c] {
		return false
	}
	for _, s := range sensitiveHostPaths {
		if c == s || (s != "/" && strings.HasPrefix(c, s+"/") && (s == "/etc" || s == "/proc" || s == "/sys" || s == "/boot" || s == "/var/lib/docker" || s == "/root")) {
			return true
		}
	}
	return false
}

// harmlessHostFiles are files under /etc that containers commonly share to
// follow the host's clock zone: they hold no secret and grant nothing.
var harmlessHostFiles = map[string]bool{"/etc/localtime": true, "/etc/timezone": true}

// DockerSocket reports a mount of the engine's API socket.
func DockerSocket(src string) bool {
	c := path.Clean(src)
	return strings.HasSuffix(c, "/docker.sock") || strings.HasSuffix(c, "/containerd.sock") || strings.HasSuffix(c, "/podman.sock") || c == "/var/run/docker" || c == "/run/docker"
}

var _ = register(finding.Rule{
	ID: "DC014", Slug: "docker-socket-mounted", Title: "Docker socket mounted",
	Severity: finding.Critical, Kind: finding.KindCompose,
	Equivalents: map[string][]string{"kics": {"d6355c88-1e8d-49e9-b2f2-f8a1ca12c75b"}},
	Checklist:   []string{"runtime.capabilities"}, CIS: []string{"5.32"}, OWASP: []string{"D04"},
	Rationale: "Whoever talks to the Docker socket can start a privileged container: it is root on the host, read-only mount or not.",
	Fix:       "Do not mount the socket; use a filtering socket proxy with only the API calls needed if a tool really requires it.",
	Bad:       []finding.Example{composeEx(svcYAML("api", hardenedService+"    volumes: [\"/var/run/docker.sock:/var/run/docker.sock:ro\"]\n"))},
	Good:      []finding.Example{composeEx(svcYAML("api", hardenedService+"    volumes: [\"./data:/data\"]\n"))},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		for i, v := range s.Volumes {
			if v.Type == types.VolumeTypeBind && DockerSocket(v.Source) {
				for _, loc := range p.volumesAt(s, i, v) {
					p.Report(loc, svcKey(s, "sock"), fmt.Sprintf("service %s mounts the Docker socket %s", s.Name, v.Source))
				}
			}
		}
	})
})

var _ = register(finding.Rule{
	ID: "DC015", Slug: "sensitive-host-path-mounted", Title: "Sensitive host path mounted",
	Severity: finding.High, Kind: finding.KindCompose,
	Checklist: []string{"runtime.capabilities"}, CIS: []string{"5.6"}, OWASP: []string{"D04"},
	Rationale: "Mounting /, /etc, /proc, /sys or similar lets the container read host secrets or reconfigure the host.",
	Fix:       "Mount only the app's own data directories, read-only where possible.",
	Bad:       []finding.Example{composeEx(svcYAML("api", hardenedService+"    volumes: [\"/etc:/host/etc\"]\n"))},
	Good:      []finding.Example{composeEx(svcYAML("api", hardenedService+"    volumes: [\"./config:/app/config:ro\"]\n"))},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		for i, v := range s.Volumes {
			if v.Type != types.VolumeTypeBind || DockerSocket(v.Source) || !SensitiveHostPath(v.Source) {
				continue
			}
			sev := finding.High
			mode := "read-write"
			if v.ReadOnly {
				sev, mode = finding.Medium, "read-only"
			}
			for _, loc := range p.volumesAt(s, i, v) {
				p.ReportSeverity(sev, loc, svcKey(s, "bind:"+v.Source), fmt.Sprintf("service %s mounts host path %s %s", s.Name, v.Source, mode))
			}
		}
	})
})

var _ = register(finding.Rule{
	ID: "DC026", Slug: "shared-mount-propagation", Title: "Shared mount propagation",
	Severity: finding.Medium, Kind: finding.KindCompose,
	Checklist: []string{"runtime.capabilities"}, CIS: []string{"5.20"}, OWASP: []string{"D04"},
	Rationale: "shared/rshared propagation lets mounts made inside the container appear on the host.",
	Fix:       "Use the default private propagation.",
	Bad:       []finding.Example{composeEx(svcYAML("api", hardenedService+"    volumes:\n      - type: bind\n        source: ./data\n        target: /data\n        bind:\n          propagation: rshared\n"))},
	Good:      []finding.Example{composeEx(svcYAML("api", hardenedService+"    volumes:\n      - type: bind\n        source: ./data\n        target: /data\n"))},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		for i, v := range s.Volumes {
			if v.Bind != nil && (v.Bind.Propagation == "shared" || v.Bind.Propagation == "rshared") {
				for _, loc := range p.volumesAt(s, i, v) {
					p.Report(loc, svcKey(s, "prop:"+v.Target), fmt.Sprintf("service %s mounts %s with %s propagation", s.Name, v.Target, v.Bind.Propagation))
				}
			}
		}
	})
})

var _ = register(finding.Rule{
	ID: "DC016", Slug: "datastore-not-isolated", Title: "Database not on an internal network",
	Severity: finding.Medium, Kind: finding.KindCompose,
	Checklist: []string{"runtime.network-isolation"}, OWASP: []string{"D03"},
	Rationale: "A database on the default or a routable network can reach (and be reached from) the outside; an internal network limits it to the app.",
	Fix:       "Put the database and the app on a network with internal: true; keep only the proxy on the frontend network.",
	Bad:       []finding.Example{composeEx("services:\n  api:\n    image: example/api:1.0\n  db:\n    image: postgres:16\n")},
	Good:      []finding.Example{composeEx(appAndDB)},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		if !s.IsDataStore() || s.NetworkMode != "" && s.NetworkMode != "bridge" && s.NetworkMode != "default" {
			return // host mode is DC013's; service:/container: share another's
		}
		atts := s.NetworkAttachments()
		if len(atts) == 0 || s.NetworkMode != "" {
			p.Report(p.svcAt(s, "networks"), svcKey(s, "networks"), fmt.Sprintf("datastore %s is on the default network, which is not internal", s.Name))
			return
		}
		isolated := true
		for _, a := range atts {
			if !a.Internal && !a.External {
				isolated = false
				p.Report(p.svcAt(s, "networks", a.Name), svcKey(s, "net:"+a.Name), fmt.Sprintf("datastore %s joins network %s, which is not internal: true", s.Name, a.Name))
			}
		}
		if isolated {
			p.Evidence("runtime.network-isolation", p.svcAt(s, "networks"), fmt.Sprintf("datastore %s is attached to internal networks only", s.Name))
		}
	})
})
