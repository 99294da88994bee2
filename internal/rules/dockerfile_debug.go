package rules

import (
	"fmt"
	"strings"

	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/shell"
)

// runCommands are the ENTRYPOINT and CMD a stage's container starts with
// (inherited through parent stages), ENTRYPOINT first.
func runCommands(s *dockerfile.Stage) []*dockerfile.Instruction {
	var out []*dockerfile.Instruction
	for _, k := range []string{"entrypoint", "cmd"} {
		if in := s.Last(k); in != nil {
			out = append(out, in)
		}
	}
	return out
}

// devServer recognises framework development servers started as the
// container's command.
func devServer(c shell.Command) (string, bool) {
	v := c.Values()
	arg := func(i int) string {
		if i < len(v) {
			return v[i]
		}
		return ""
	}
	prog := c.Program()
	switch {
	case prog == "flask" && arg(1) == "run":
		return "`flask run` is Flask's development server", true
	case strings.HasPrefix(prog, "python") && strings.HasSuffix(arg(1), "manage.py") && arg(2) == "runserver",
		prog == "manage.py" && arg(1) == "runserver", prog == "django-admin" && arg(1) == "runserver":
		return "`manage.py runserver` is Django's development server", true
	case strings.HasPrefix(prog, "php") && c.Has("-S"):
		return "`php -S` is PHP's built-in development server", true
	case strings.HasPrefix(prog, "php") && arg(1) == "artisan" && arg(2) == "serve":
		return "`php artisan serve` is Laravel's development server", true
	case (prog == "npm" || prog == "yarn" || prog == "pnpm" || prog == "bun") && (arg(1) == "run" && arg(2) == "dev" || arg(1) == "dev"):
		return fmt.Sprintf("`%s` runs the project's development script", strings.Join(v[:min(len(v), 3)], " ")), true
	case (prog == "next" || prog == "nuxt" || prog == "nuxi" || prog == "astro") && arg(1) == "dev",
		prog == "ng" && arg(1) == "serve", prog == "webpack-dev-server", prog == "webpack" && arg(1) == "serve",
		prog == "vue-cli-service" && arg(1) == "serve", prog == "react-scripts" && arg(1) == "start", prog == "nodemon",
		prog == "vite" && (arg(1) == "" || arg(1) == "dev" || arg(1) == "serve" || strings.HasPrefix(arg(1), "-")):
		return fmt.Sprintf("`%s` is a development server (file watcher, unminified code)", strings.Join(v[:min(len(v), 2)], " ")), true
	}
	return "", false
}

// debugger is a debug agent a command starts: what it is, whether it
// listens on every interface, and the port.
type debugger struct {
	what string
	all  bool
}

// debugAgent recognises JDWP, debugpy, node --inspect and Delve in a
// command's words.
func debugAgent(ws []string) (debugger, bool) {
	for i, w := range ws {
		switch {
		case strings.Contains(w, "-agentlib:jdwp") || strings.Contains(w, "-Xrunjdwp"):
			addr := ""
			for _, kv := range strings.Split(w[strings.Index(w, "jdwp")+4:], ",") {
				if a, ok := strings.CutPrefix(strings.TrimLeft(kv, "=:"), "address="); ok {
					addr = a
				}
			}
			host, _, hasHost := strings.Cut(addr, ":")
			// A bare port listens on every interface up to Java 8.
			return debugger{"the JDWP debug agent (-agentlib:jdwp, address " + addr + ")", !hasHost || anyHost(host)}, true
		case w == "debugpy" || strings.HasSuffix(w, "/debugpy"):
			for j := i + 1; j < len(ws); j++ {
				if ws[j] == "--listen" && j+1 < len(ws) {
					host, _, hasHost := strings.Cut(ws[j+1], ":")
					return debugger{"debugpy (--listen " + ws[j+1] + ")", hasHost && anyHost(host)}, true
				}
			}
		case w == "--inspect" || w == "--inspect-brk" || strings.HasPrefix(w, "--inspect=") || strings.HasPrefix(w, "--inspect-brk="):
			_, addr, _ := strings.Cut(w, "=")
			host, _, hasHost := strings.Cut(addr, ":")
			return debugger{"the Node.js inspector (" + w + ")", hasHost && anyHost(host)}, true
		case (w == "dlv" || strings.HasSuffix(w, "/dlv")) && hasPrefixIn(ws[i+1:], "--headless"):
			for _, a := range ws[i+1:] {
				if l, ok := strings.CutPrefix(a, "--listen="); ok {
					host, _, _ := strings.Cut(l, ":")
					return debugger{"the Delve debugger (" + a + ")", anyHost(host)}, true
				}
			}
			return debugger{"the Delve debugger (headless)", false}, true
		}
	}
	return debugger{}, false
}

func hasPrefixIn(ws []string, p string) bool {
	for _, w := range ws {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

func anyHost(h string) bool {
	h = strings.Trim(h, "[]")
	return h == "" || h == "*" || h == "0.0.0.0" || h == "::"
}

var _ = register(finding.Rule{
	ID: "DF027", Slug: "debugger-in-command", Title: "Debug agent started by the image",
	Severity: finding.High, Kind: finding.KindDockerfile,
	Checklist: []string{"runtime.debug-disabled"}, OWASP: []string{"D04"},
	Rationale: "A debug agent (JDWP, debugpy, the Node.js inspector, Delve) executes whatever code a client sends it: on every interface, anyone who reaches the port owns the process.",
	Fix:       "Start the debugger only in a development override (compose file or a dev target), never in the image's CMD, ENTRYPOINT or JAVA_TOOL_OPTIONS/NODE_OPTIONS.",
	Bad: []finding.Example{
		dfEx("FROM eclipse-temurin:21-jre\nUSER 1000\nCMD [\"java\", \"-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005\", \"-jar\", \"/app.jar\"]\n"),
		dfEx("FROM python:3.12-slim\nUSER 1000\nCMD python -m debugpy --listen 0.0.0.0:5678 -m app\n"),
		dfEx("FROM node:22-slim\nUSER node\nENV NODE_OPTIONS=--inspect=0.0.0.0:9229\nCMD [\"node\", \"server.js\"]\n"),
	},
	Good: []finding.Example{
		dfEx("FROM eclipse-temurin:21-jre\nUSER 1000\nCMD [\"java\", \"-jar\", \"/app.jar\"]\n"),
		dfEx("FROM node:22-slim\nUSER node\nCMD [\"node\", \"server.js\"]\n"),
	},
}, func(p *Pass) {
	report := func(at *dockerfile.Instruction, d debugger) {
		if d.all {
			p.Report(p.At(at), "debugger", fmt.Sprintf("the container starts %s listening on every interface", d.what))
			return
		}
		p.ReportSeverity(finding.Low, p.At(at), "debugger", fmt.Sprintf("the container starts %s; it listens on loopback only, but a debugger does not belong in the image", d.what))
	}
	for _, in := range runCommands(p.Final) {
		for _, c := range in.Shell().Commands {
			if d, ok := debugAgent(c.Values()); ok {
				report(in, d)
				return
			}
		}
	}
	for _, e := range p.Final.Env() {
		switch strings.ToUpper(e.Key) {
		case "JAVA_TOOL_OPTIONS", "JAVA_OPTS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CATALINA_OPTS", "NODE_OPTIONS":
			if d, ok := debugAgent(strings.Fields(e.Value)); ok {
				report(e.In, d)
				return
			}
		}
	}
})
