package rules

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/shell"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

var _ = register(finding.Rule{
	ID: "DF019", Slug: "no-healthcheck", Title: "No health check",
	Severity: finding.Low, Kind: finding.KindDockerfile,
	Checklist: []string{"runtime.health-checks"}, CIS: []string{"4.6"}, OWASP: []string{"D04"},
	Equivalents: map[string][]string{"trivy": {"DS-0026"}, "checkov": {"CKV_DOCKER_2"}, "kics": {"b03a748a-542d-44f4-bb86-9199ab4fd2d5"}},
	Rationale:   "Without a health check the engine and orchestrators cannot tell a hung app from a healthy one, so nothing restarts it.",
	Fix:         "Add HEALTHCHECK --interval=30s --timeout=10s --start-period=5s --retries=3 CMD <probe of /health>, or a compose healthcheck.",
	Bad:         []finding.Example{dfEx("FROM python:3.12-slim\nUSER 1000\nCMD [\"python\", \"-m\", \"http.server\"]\n")},
	Good: []finding.Example{
		dfEx("FROM python:3.12-slim\nUSER 1000\nHEALTHCHECK CMD python -c \"import urllib.request; urllib.request.urlopen('http://localhost:8000/health')\" || exit 1\n"),
		{Files: map[string]string{
			"Dockerfile":   "FROM python:3.12-slim\nUSER 1000\n",
			"compose.yaml": "services:\n  api:\n    build: .\n    healthcheck:\n      test: [\"CMD\", \"python\", \"-c\", \"print(1)\"]\n",
		}, Note: "the service that builds it declares a healthcheck"},
	},
}, func(p *Pass) {
	if p.DevImage() {
		return // a development image: its tooling is the point
	}
	if p.Final.Last("healthcheck") != nil {
		return
	}
	if len(p.Links) > 0 {
		all := true
		for _, l := range p.Links {
			all = all && l.Healthcheck
		}
		if all {
			return
		}
	}
	if !p.Dockerfile.UsedAsSource(p.Final) || len(p.Dockerfile.Stages) == 1 {
		p.Report(fromAt(p, p.Final), "healthcheck:none", fmt.Sprintf("%s defines no HEALTHCHECK", targetLabel(p)))
	}
})

var _ = register(finding.Rule{
	ID: "DF020", Slug: "healthcheck-disabled", Title: "HEALTHCHECK NONE disables the base image's check",
	Severity: finding.Low, Kind: finding.KindDockerfile,
	Checklist: []string{"runtime.health-checks"}, CIS: []string{"4.6"}, OWASP: []string{"D04"},
	Rationale: "HEALTHCHECK NONE removes the health check the base image provided.",
	Fix:       "Remove HEALTHCHECK NONE or replace it with a probe of the app.",
	Bad:       []finding.Example{dfEx("FROM python:3.12-slim\nUSER 1000\nHEALTHCHECK NONE\n")},
	Good:      []finding.Example{dfEx("FROM python:3.12-slim\nUSER 1000\nHEALTHCHECK CMD [\"python\", \"-c\", \"print(1)\"]\n")},
}, func(p *Pass) {
	if h := p.Final.Last("healthcheck"); h != nil {
		if c, ok := h.Command.(*instructions.HealthCheckCommand); ok && c.Health != nil && len(c.Health.Test) > 0 && c.Health.Test[0] == "NONE" {
			p.Report(p.At(h), "healthcheck:none", "HEALTHCHECK NONE disables health checking")
		}
	}
})

// DebugSetting judges an environment key/value for development settings.
// It returns a description when the pair turns debug or dev mode on.
func DebugSetting(key, value string) (string, bool) {
	k := strings.ToUpper(strings.TrimSpace(key))
	v := strings.ToLower(strings.Trim(strings.TrimSpace(value), `"'`))
	truthy := v == "1" || v == "true" || v == "yes" || v == "on"
	switch k {
	case "DEBUG", "APP_DEBUG", "FLASK_DEBUG", "DJANGO_DEBUG", "FASTAPI_DEBUG", "UVICORN_RELOAD", "WERKZEUG_DEBUG_PIN":
		if k == "WERKZEUG_DEBUG_PIN" {
			return "", false
		}
		if truthy {
			return fmt.Sprintf("%s=%s turns debug mode on", key, value), true
		}
	case "ENVIRONMENT", "ENV", "APP_ENV", "FLASK_ENV", "NODE_ENV", "RAILS_ENV", "RACK_ENV", "APP_ENVIRONMENT", "PYTHON_ENV", "STAGE":
		if v == "development" || v == "dev" || v == "debug" || v == "local" {
			return fmt.Sprintf("%s=%s selects development mode", key, value), true
		}
	case "LOG_LEVEL", "UVICORN_LOG_LEVEL":
		if v == "debug" || v == "trace" {
			return fmt.Sprintf("%s=%s logs at debug level (may log secrets)", key, value), true
		}
	}
	return "", false
}

var _ = register(finding.Rule{
	ID: "DF021", Slug: "debug-enabled-env", Title: "Debug or development mode set in the image",
	Severity: finding.Medium, Kind: finding.KindDockerfile,
	Checklist: []string{"runtime.debug-disabled", "secrets.not-exposed"}, OWASP: []string{"D04"},
	Rationale: "Debug modes print tracebacks, settings and sometimes secrets to clients, and enable reloaders and consoles.",
	Fix:       "ENV DEBUG=false ENVIRONMENT=production; enable debug only in a development override.",
	Bad:       []finding.Example{dfEx("FROM python:3.12-slim\nENV DEBUG=true ENVIRONMENT=development\nUSER 1000\n")},
	Good:      []finding.Example{dfEx("FROM python:3.12-slim\nENV DEBUG=false \\\n    ENVIRONMENT=production\nUSER 1000\n")},
}, func(p *Pass) {
	for _, e := range p.Final.Env() {
		if msg, bad := DebugSetting(e.Key, e.Value); bad {
			p.Report(p.At(e.In), "env:"+e.Key, msg)
		}
	}
})

// cmdLine is the effective CMD/ENTRYPOINT text of a stage.
func cmdLine(s *dockerfile.Stage) (*dockerfile.Instruction, string) {
	var parts []string
	var at *dockerfile.Instruction
	for _, k := range []string{"entrypoint", "cmd"} {
		if in := s.Last(k); in != nil {
			parts = append(parts, in.Script())
			at = in
		}
	}
	return at, strings.Join(parts, " ")
}

// ServerReload reports dev-server flags in a command line.
// A JSON array is read as exec form.
func ServerReload(cmd string) (string, bool) {
	var argv []string
	if t := strings.TrimSpace(cmd); strings.HasPrefix(t, "[") && json.Unmarshal([]byte(t), &argv) == nil {
		return reloadIn(shell.Exec(argv).Commands)
	}
	return reloadIn(shell.Parse(cmd).Commands)
}

func reloadIn(cs []shell.Command) (string, bool) {
	for _, c := range cs {
		ws := c.Values()
		for i, w := range ws {
			if w == "--reload" {
				return "the server runs with --reload (a development file watcher)", true
			}
			if (w == "fastapi" || strings.HasSuffix(w, "/fastapi")) && i+1 < len(ws) && ws[i+1] == "dev" {
				return "`fastapi dev` is the development server (reload, debug)", true
			}
			if w == "--debug" && i > 0 {
				return "the server runs with --debug", true
			}
		}
		if msg, ok := devServer(c); ok {
			return msg, true
		}
	}
	return "", false
}

var _ = register(finding.Rule{
	ID: "DF022", Slug: "dev-server-reload", Title: "Development server (auto-reload) in the image",
	Severity: finding.Medium, Kind: finding.KindDockerfile,
	Checklist: []string{"runtime.debug-disabled"}, OWASP: []string{"D04"},
	Rationale: "Reloaders watch the filesystem and re-import code: slower, less stable, and they turn writable app files into code execution.",
	Fix:       "Run the production server: CMD [\"fastapi\", \"run\", \"app/main.py\", \"--port\", \"80\", \"--proxy-headers\"] or uvicorn without --reload.",
	Bad:       []finding.Example{dfEx("FROM python:3.12-slim\nUSER 1000\nCMD [\"uvicorn\", \"app.main:app\", \"--host\", \"0.0.0.0\", \"--reload\"]\n")},
	Good:      []finding.Example{dfEx("FROM python:3.12-slim\nUSER 1000\nCMD [\"uvicorn\", \"app.main:app\", \"--host\", \"0.0.0.0\", \"--proxy-headers\"]\n")},
}, func(p *Pass) {
	for _, in := range runCommands(p.Final) {
		if msg, bad := reloadIn(in.Shell().Commands); bad {
			p.Report(p.At(in), "cmd:reload", msg)
			return
		}
	}
})

// ASGIServer reports whether a command starts uvicorn/fastapi/gunicorn.
func ASGIServer(cmd string) bool {
	for _, s := range []string{"uvicorn", "fastapi run", "gunicorn", "hypercorn"} {
		if strings.Contains(cmd, s) {
			return true
		}
	}
	return false
}

var _ = register(finding.Rule{
	ID: "DF023", Slug: "proxy-headers-missing", Title: "App behind a TLS proxy without --proxy-headers",
	Severity: finding.Info, Kind: finding.KindDockerfile,
	Checklist: []string{"runtime.network-isolation"}, OWASP: []string{"D03"},
	Rationale: "Behind a TLS-terminating proxy the app sees http and the proxy's address: redirects downgrade to http and client IPs are lost.",
	Fix:       "Add --proxy-headers (and --forwarded-allow-ips set to the proxy) to the uvicorn/fastapi command.",
	Bad: []finding.Example{{Files: map[string]string{
		"Dockerfile":   "FROM python:3.12-slim\nUSER 1000\nCMD [\"fastapi\", \"run\", \"app/main.py\", \"--port\", \"80\"]\n",
		"compose.yaml": "services:\n  api:\n    build: .\n  nginx:\n    image: nginx:1.27-alpine\n    ports: [\"443:443\"]\n",
	}}},
	Good: []finding.Example{{Files: map[string]string{
		"Dockerfile":   "FROM python:3.12-slim\nUSER 1000\nCMD [\"fastapi\", \"run\", \"app/main.py\", \"--port\", \"80\", \"--proxy-headers\"]\n",
		"compose.yaml": "services:\n  api:\n    build: .\n  nginx:\n    image: nginx:1.27-alpine\n    ports: [\"443:443\"]\n",
	}}},
}, func(p *Pass) {
	proxied := false
	for _, l := range p.Links {
		proxied = proxied || l.Proxied
	}
	if !proxied {
		return
	}
	if at, cmd := cmdLine(p.Final); at != nil && ASGIServer(cmd) && !strings.Contains(cmd, "proxy-headers") && !strings.Contains(cmd, "gunicorn") {
		p.Report(p.At(at), "cmd:proxy-headers", "the app is fronted by a TLS proxy but its server does not trust X-Forwarded-* headers")
	}
})

var pythonEnvHardening = []string{"PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED"}

var _ = register(finding.Rule{
	ID: "DF024", Slug: "python-env-hardening", Title: "Python environment not hardened",
	Severity: finding.Info, Kind: finding.KindDockerfile,
	OWASP:     []string{"D04"},
	Rationale: "The seed's env block keeps .pyc files out of the (read-only) filesystem, logs unbuffered, and pip quiet and cache-free.",
	Fix:       "ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PYTHONHASHSEED=random PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1",
	Bad:       []finding.Example{dfEx("FROM python:3.12-slim\nUSER 1000\nCMD [\"python\", \"app.py\"]\n")},
	Good:      []finding.Example{dfEx("FROM python:3.12-slim\nENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1\nUSER 1000\nCMD [\"python\", \"app.py\"]\n")},
}, func(p *Pass) {
	b, ok := parseImageRef(p.Final.External())
	if !ok || b.Repo != "python" {
		return
	}
	var missing []string
	for _, k := range pythonEnvHardening {
		if !envSet(p.Final, k) {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		p.Report(fromAt(p, p.Final), "python-env", "Python image without "+strings.Join(missing, ", "))
	}
})

var _ = register(finding.Rule{
	ID: "DF017", Slug: "shell-form-cmd", Title: "CMD or ENTRYPOINT in shell form",
	Severity: finding.Low, Kind: finding.KindDockerfile,
	Equivalents: map[string][]string{"hadolint": {"DL3025"}, "kics": {"b86987e1-6397-4619-81d5-8807f2387c79"}},
	Rationale:   "Shell form runs the app under /bin/sh -c, which does not forward SIGTERM: containers are killed instead of stopped cleanly.",
	Fix:         "Use the exec (JSON) form: CMD [\"fastapi\", \"run\", \"app/main.py\"].",
	Bad:         []finding.Example{dfEx("FROM python:3.12-slim\nUSER 1000\nCMD python app.py\n")},
	Good:        []finding.Example{dfEx("FROM python:3.12-slim\nUSER 1000\nCMD [\"python\", \"app.py\"]\n")},
}, func(p *Pass) {
	for _, in := range p.Final.Instructions {
		var prepend bool
		var line []string
		switch c := in.Command.(type) {
		case *instructions.CmdCommand:
			prepend, line = c.PrependShell, c.CmdLine
		case *instructions.EntrypointCommand:
			prepend, line = c.PrependShell, c.CmdLine
		default:
			continue
		}
		if prepend {
			p.ReportFix(p.At(in), in.Cmd+":shell-form", fmt.Sprintf("%s uses shell form; signals will not reach the app", strings.ToUpper(in.Cmd)),
				execFormFix(strings.ToUpper(in.Cmd), strings.Join(line, " ")))
		}
	}
})

var _ = register(finding.Rule{
	ID: "DF018", Slug: "expose-ssh-or-privileged-port", Title: "EXPOSE of SSH or a privileged port",
	Severity: finding.Low, Kind: finding.KindDockerfile,
	Checklist: []string{"runtime.network-isolation"}, CIS: []string{"5.7", "5.8"}, OWASP: []string{"D03"},
	Equivalents: map[string][]string{"trivy": {"DS-0004"}, "checkov": {"CKV_DOCKER_1"}, "kics": {"5907595b-5b6d-4142-b173-dbb0e73fbff8"}},
	Rationale:   "An SSH daemon in a container is a second way in; ports below 1024 need root or NET_BIND_SERVICE.",
	Fix:         "Do not run sshd in containers (use docker exec); listen on a port >= 1024 and map it at run time.",
	Bad: []finding.Example{
		dfEx("FROM debian:12-slim\nEXPOSE 22\nUSER 1000\n"),
		{Files: map[string]string{"Dockerfile": "FROM debian:12-slim AS base\nEXPOSE 22\nFROM base\nUSER 1000\n"}, Note: "EXPOSE is inherited from the stage the image builds on"},
		{Files: map[string]string{"Dockerfile": "FROM debian:12-slim\nEXPOSE 53/tcp 53/udp\nUSER 1000\n"}, Note: "one finding for a port exposed in several protocols"},
	},
	Good: []finding.Example{dfEx("FROM python:3.12-slim\nEXPOSE 8000\nUSER 1000\n")},
}, func(p *Pass) {
	var exposes []*dockerfile.Instruction
	for _, st := range p.Final.Chain() { // EXPOSE is inherited from a FROM stage
		exposes = append(exposes, st.Find("expose")...)
	}
	seen := map[int]bool{} // one finding per port, whatever its protocols
	for _, in := range exposes {
		c, ok := in.Command.(*instructions.ExposeCommand)
		if !ok {
			continue
		}
		for _, port := range c.Ports {
			num, _, _ := strings.Cut(port, "/")
			n, err := strconv.Atoi(num)
			if err != nil || seen[n] {
				continue
			}
			seen[n] = true
			switch {
			case n == 22:
				p.ReportSeverity(finding.Medium, p.At(in), "expose:22", "EXPOSE 22: SSH inside a container")
			case n > 0 && n < 1024 && n != 80 && n != 443:
				p.ReportSeverity(finding.Info, p.At(in), "expose:"+num, fmt.Sprintf("EXPOSE %d is a privileged port; the app needs root or NET_BIND_SERVICE to bind it", n))
			}
		}
	}
})

// execFormFix suggests the exec form of the command actually written: its
// words as a JSON array when it is a plain command, else a shell that
// execs it (so the app, not the shell, receives signals).
func execFormFix(cmd, shell string) string {
	shell = strings.TrimSpace(shell)
	if shell == "" {
		return ""
	}
	if !strings.ContainsAny(shell, "&|;<>$`'\"\\(){}*?~") {
		q := make([]string, 0, 4)
		for _, w := range strings.Fields(shell) {
			q = append(q, strconv.Quote(w))
		}
		return fmt.Sprintf("Use the exec (JSON) form: %s [%s].", cmd, strings.Join(q, ", "))
	}
	return fmt.Sprintf("Use the exec (JSON) form; this command needs a shell, so let it exec the app: %s [\"/bin/sh\", \"-c\", %s] (or move it into a script ending in exec).",
		cmd, strconv.Quote("exec "+shell))
}
