package rules

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/shell"
)

// A debug endpoint is a port through which whoever connects runs code or
// drives the engine: a JVM debugger, debugpy, the Node inspector, Traefik's
// insecure API, the Docker API without TLS.
type debugEndpoint struct {
	port uint32
	what string
}

var (
	jdwpRe      = regexp.MustCompile(`(?:-agentlib:jdwp|-Xrunjdwp)[=:]?(\S*)`)
	jdwpAddrRe  = regexp.MustCompile(`address=(?:[\w.*\[\]:-]*:)?(\d+)`)
	jpdaRe      = regexp.MustCompile(`JPDA_ADDRESS[= ]"?(?:[\w.*\[\]-]*:)?(\d+)`)
	debugpyRe   = regexp.MustCompile(`\bdebugpy\b(?:.*?--listen\s+(?:[\w.*]+:)?(\d+))?`)
	inspectRe   = regexp.MustCompile(`--inspect(?:-brk|-wait)?(?:=(?:[\w.*\[\]:-]*:)?(\d+)|=[\w.*\[\]-]+)?(?:\s|$|")`)
	insecureRe  = regexp.MustCompile(`--api\.insecure(?:=true)?(?:\s|$|")`)
	dockerTCPRe = regexp.MustCompile(`tcp://[^\s:]*:2375\b`)
)

// serviceText is everything that says how a service's process starts:
// command, entrypoint and environment values, and the ENV, CMD and
// ENTRYPOINT of the Dockerfile it builds.
func serviceText(s compose.Service) string {
	var b strings.Builder
	b.WriteString(s.BuildStartText())
	b.WriteByte(' ')
	b.WriteString(strings.Join(s.Entrypoint, " "))
	b.WriteByte(' ')
	b.WriteString(strings.Join(s.Command, " "))
	for _, k := range sortedEnvKeys(s) {
		if v := s.Environment[k]; v != nil {
			b.WriteString(" " + k + "=" + *v)
		}
	}
	return b.String() + " "
}

// debugEndpoints lists the debug endpoints a service starts, by container
// port.
func debugEndpoints(s compose.Service) []debugEndpoint {
	text := serviceText(s)
	var out []debugEndpoint
	port := func(m string, def uint32) uint32 {
		if n, err := strconv.ParseUint(m, 10, 16); err == nil && n > 0 {
			return uint32(n)
		}
		return def
	}
	if m := jdwpRe.FindStringSubmatch(text); m != nil {
		p := uint32(5005)
		if a := jdwpAddrRe.FindStringSubmatch(m[1]); a != nil {
			p = port(a[1], 5005)
		}
		out = append(out, debugEndpoint{p, "the JDWP debugger (-agentlib:jdwp): whoever connects runs code in the JVM"})
	} else if m := jpdaRe.FindStringSubmatch(text); m != nil {
		// Tomcat's `catalina.sh jpda` starts JDWP on JPDA_ADDRESS.
		out = append(out, debugEndpoint{port(m[1], 8000), "the JDWP debugger (Tomcat JPDA_ADDRESS): whoever connects runs code in the JVM"})
	}
	if m := debugpyRe.FindStringSubmatch(text); m != nil {
		out = append(out, debugEndpoint{port(m[1], 5678), "the debugpy debugger: whoever connects runs Python code in the process"})
	}
	if m := inspectRe.FindStringSubmatch(text); m != nil {
		out = append(out, debugEndpoint{port(m[1], 9229), "the Node.js inspector (--inspect): whoever connects runs JavaScript in the process"})
	}
	if insecureRe.MatchString(text) || envTrue(s, "TRAEFIK_API_INSECURE") {
		out = append(out, debugEndpoint{8080, "Traefik's API and dashboard without authentication (--api.insecure=true)"})
	}
	for _, pc := range s.Ports {
		if pc.Target == 2375 {
			out = append(out, debugEndpoint{2375, "the Docker Engine API without TLS (2375): whoever connects is root on the host"})
			break
		}
	}
	if len(out) == 0 && dockerTCPRe.MatchString(text) {
		out = append(out, debugEndpoint{2375, "the Docker Engine API without TLS (2375): whoever connects is root on the host"})
	}
	return out
}

func envTrue(s compose.Service, k string) bool {
	v, ok := s.Environment[k]
	return ok && v != nil && strings.EqualFold(strings.TrimSpace(*v), "true")
}

// adminUIs are database admin consoles: published, they put a login form
// (or no login at all) for every database they can reach on the network.
var adminUIs = map[string]string{
	"adminer": "Adminer", "phpmyadmin": "phpMyAdmin", "pgadmin4": "pgAdmin", "pgadmin": "pgAdmin",
	"mongo-express": "mongo-express",
}

// adminUI names the database admin UI a service runs, by its image or the
// image its Dockerfile starts FROM.
func adminUI(s compose.Service) string {
	for _, ref := range []string{s.Image, s.BuildBase()} {
		if ref == "" {
			continue
		}
		name := ref
		if i := strings.IndexByte(name, '@'); i >= 0 {
			name = name[:i]
		}
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			name = name[i+1:]
		}
		if i := strings.IndexByte(name, ':'); i >= 0 {
			name = name[:i]
		}
		if ui, ok := adminUIs[strings.ToLower(name)]; ok {
			return ui
		}
	}
	return ""
}

// endpointPorts are the container ports DC028 and DC029 report, so that
// DC012 does not report them a second time at a lower severity.
func endpointPorts(s compose.Service) map[uint32]bool {
	out := map[uint32]bool{}
	for _, e := range debugEndpoints(s) {
		out[e.port] = true
	}
	if adminUI(s) != "" {
		for _, pc := range s.Ports {
			out[pc.Target] = true
		}
	}
	if _, ok := composeDevServer(s); ok {
		for _, pc := range s.Ports {
			out[pc.Target] = true
		}
	}
	return out
}

var _ = register(finding.Rule{
	ID: "DC028", Slug: "debug-endpoint-published", Title: "Debugger or unauthenticated control API published",
	Severity: finding.High, Kind: finding.KindCompose,
	Checklist: []string{"runtime.debug-disabled", "runtime.network-isolation"}, OWASP: []string{"D04"},
	Rationale: "A debugger port (JDWP 5005, debugpy 5678, node --inspect 9229), Traefik's --api.insecure dashboard or the Docker API on 2375 executes whatever a client sends; published on all interfaces it is remote code execution for anyone who can reach the host.",
	Fix:       "Remove the debug agent from the deployed file (keep it in a dev override), or publish it on 127.0.0.1 only; use Traefik's dashboard behind a router with authentication; never publish the Docker API without TLS.",
	Bad: []finding.Example{
		composeEx(svcYAML("api", hardenedService+"    environment:\n      JAVA_TOOL_OPTIONS: -agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005\n    ports: [\"5005:5005\"]\n")),
		composeEx("services:\n  proxy:\n    image: traefik:v3.1\n    command: [\"--api.insecure=true\", \"--providers.docker\"]\n    ports: [\"80:80\", \"8080:8080\"]\n"),
		composeEx("services:\n  web:\n    image: node:22-slim\n    command: node --inspect=0.0.0.0:9229 server.js\n    ports: [\"9229:9229\"]\n"),
		composeEx("services:\n  api:\n    image: python:3.12-slim\n    command: [\"python\", \"-m\", \"debugpy\", \"--listen\", \"0.0.0.0:5678\", \"-m\", \"app\"]\n    ports: [\"5678:5678\"]\n"),
		composeEx("services:\n  dind:\n    image: docker:27-dind\n    environment:\n      DOCKER_TLS_CERTDIR: \"\"\n    ports: [\"2375:2375\"]\n"),
	},
	Good: []finding.Example{
		composeEx("services:\n  web:\n    image: node:22-slim\n    command: node --inspect=0.0.0.0:9229 server.js\n    ports: [\"127.0.0.1:9229:9229\"]\n"),
		composeEx("services:\n  proxy:\n    image: traefik:v3.1\n    command: [\"--providers.docker\"]\n    ports: [\"80:80\"]\n"),
	},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		eps := debugEndpoints(s)
		for i, pc := range s.Ports {
			if !compose.PublishesOnAllInterfaces(pc) {
				continue
			}
			for _, e := range eps {
				if pc.Target == e.port {
					for _, loc := range p.portsAt(s, i, pc) {
						p.Report(loc, svcKey(s, "debug:"+fmt.Sprint(e.port)),
							fmt.Sprintf("service %s publishes %s on all interfaces: %s", s.Name, portDesc(s, pc), e.what))
					}
				}
			}
		}
	})
})

var _ = register(finding.Rule{
	ID: "DC029", Slug: "db-admin-ui-published", Title: "Database admin UI published",
	Severity: finding.High, Kind: finding.KindCompose,
	Checklist: []string{"runtime.network-isolation"}, OWASP: []string{"D03"},
	Rationale: "Adminer, phpMyAdmin, pgAdmin and mongo-express give whoever reaches them a console on every database on their network, often with default or no credentials; published on all interfaces, that is everyone who can reach the host.",
	Fix:       "Do not deploy the admin UI; if it is needed, publish it on 127.0.0.1 only (\"127.0.0.1:8080:8080\") and reach it through an SSH tunnel or an authenticating proxy.",
	Bad: []finding.Example{
		composeEx("services:\n  adminer:\n    image: adminer:4.8.1\n    ports: [\"8080:8080\"]\n"),
		composeEx("services:\n  pgadmin:\n    image: dpage/pgadmin4:8\n    ports: [\"5050:80\"]\n"),
	},
	Good: []finding.Example{composeEx("services:\n  adminer:\n    image: adminer:4.8.1\n    ports: [\"127.0.0.1:8080:8080\"]\n")},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		ui := adminUI(s)
		if ui == "" {
			return
		}
		for i, pc := range s.Ports {
			if compose.PublishesOnAllInterfaces(pc) {
				for _, loc := range p.portsAt(s, i, pc) {
					p.Report(loc, svcKey(s, "admin:"+fmt.Sprint(pc.Target)),
						fmt.Sprintf("service %s publishes the %s database console as %s on all interfaces", s.Name, ui, portDesc(s, pc)))
				}
			}
		}
	})
})

// devServer finds a development server in a service's command or
// entrypoint, and says which.
func composeDevServer(s compose.Service) (string, bool) {
	return devServerIn(strings.Join(s.Entrypoint, " ") + " " + strings.Join(s.Command, " "))
}

// devServerIn finds a development server in a command line, read through
// the one shell view the Dockerfile rules use (sh -c wrappers included).
func devServerIn(text string) (string, bool) {
	if msg, bad := ServerReload(text); bad {
		return msg, true
	}
	for _, c := range shell.Parse(text).Commands {
		if msg, bad := devServer(c); bad {
			return msg, true
		}
	}
	return "", false
}
