package rules

import (
	"fmt"
	"strings"

	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/finding"
)

var _ = register(finding.Rule{
	ID: "DC005", Slug: "writable-root-filesystem", Title: "Root filesystem is writable",
	Severity: finding.Medium, Kind: finding.KindCompose,
	Checklist: []string{"runtime.read-only"}, CIS: []string{"5.13"}, OWASP: []string{"D09"},
	Rationale: "A writable root lets an intruder drop binaries, change code and persist; a read-only root keeps the image immutable.",
	Fix:       "read_only: true, with tmpfs: [/tmp] (and any other path the app writes to).",
	Bad:       []finding.Example{composeEx(svcYAML("api", strings.Replace(hardenedService, "    read_only: true\n", "", 1)))},
	Good:      []finding.Example{composeEx(svcYAML("api", hardenedService))},
}, func(p *Pass) {
	p.eachComplete(func(s compose.Service) {
		if s.Unresolved("read_only") {
			p.Unknown("runtime.read-only", p.svcAt(s, "read_only"), fmt.Sprintf("service %s: read_only is set by the deployment", s.Name))
			return
		}
		if !s.ReadOnly {
			p.Report(p.missingAt(s, "read_only"), svcKey(s, "read_only"), fmt.Sprintf("service %s has a writable root filesystem", s.Name))
		}
	})
})

var _ = register(finding.Rule{
	ID: "DC006", Slug: "read-only-without-tmpfs", Title: "Read-only root without a tmpfs for /tmp",
	Severity: finding.Info, Kind: finding.KindCompose,
	Checklist: []string{"runtime.read-only"}, OWASP: []string{"D09"},
	Rationale: "Most runtimes write to /tmp; without a tmpfs the app fails at run time, which tempts people to drop read_only.",
	Fix:       "tmpfs: [/tmp] next to read_only: true.",
	Bad:       []finding.Example{composeEx(svcYAML("api", strings.Replace(hardenedService, "    tmpfs: [/tmp]\n", "", 1)))},
	Good: []finding.Example{
		composeEx(svcYAML("api", hardenedService)),
		{Files: map[string]string{"compose.yaml": "services:\n  api:\n    image: example/app:1.0\n    read_only: true\n    volumes:\n      - app_tmp:/tmp\nvolumes:\n  app_tmp: {}\n"}, Note: "a writable named volume at /tmp serves as well as a tmpfs"},
	},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		if s.ReadOnly && !s.WritableAt("/tmp") {
			p.Report(p.svcAt(s, "read_only"), svcKey(s, "tmpfs"), fmt.Sprintf("service %s is read-only but mounts nothing writable at /tmp", s.Name))
		}
	})
})

var _ = register(finding.Rule{
	ID: "DC007", Slug: "no-resource-limits", Title: "Resource limits missing",
	Severity: finding.Medium, Kind: finding.KindCompose,
	Checklist: []string{"runtime.resource-limits"}, CIS: []string{"5.11", "5.12", "5.29"}, OWASP: []string{"D07"},
	Rationale: "Without memory, CPU and pids limits one compromised or buggy container can starve the host (fork bombs, leaks).",
	Fix:       "deploy.resources.limits: {cpus: '1.0', memory: 512M, pids: 100} (or mem_limit, cpus, pids_limit).",
	Bad: []finding.Example{
		composeEx(svcYAML("api", strings.Replace(hardenedService, "    deploy:\n      resources:\n        limits: {cpus: \"1.0\", memory: 512M, pids: 100}\n", "", 1))),
		composeEx(svcYAML("api", strings.Replace(hardenedService, ", pids: 100", "", 1))),
	},
	Good: []finding.Example{
		composeEx(svcYAML("api", hardenedService)),
		composeEx(svcYAML("api", strings.Replace(hardenedService, "    deploy:\n      resources:\n        limits: {cpus: \"1.0\", memory: 512M, pids: 100}\n", "    mem_limit: 512m\n    cpus: 1.0\n    pids_limit: 100\n", 1))),
	},
}, func(p *Pass) {
	p.eachComplete(func(s compose.Service) {
		l := s.Limits()
		var missing, unknown []string
		for _, lim := range []struct {
			name  string
			unset bool
			keys  [][]string
		}{
			{"memory", l.MemoryBytes <= 0, [][]string{{"mem_limit"}, {"deploy", "resources", "limits", "memory"}}},
			{"cpus", l.CPUs <= 0, [][]string{{"cpus"}, {"deploy", "resources", "limits", "cpus"}}},
			{"pids", l.Pids <= 0, [][]string{{"pids_limit"}, {"deploy", "resources", "limits", "pids"}}},
		} {
			if !lim.unset {
				continue
			}
			deployed := false
			for _, k := range lim.keys {
				if s.Unresolved(k...) {
					deployed = true
				}
			}
			if deployed {
				unknown = append(unknown, lim.name)
			} else {
				missing = append(missing, lim.name)
			}
		}
		if len(unknown) > 0 {
			p.Unknown("runtime.resource-limits", p.svcAt(s, "deploy", "resources", "limits"), fmt.Sprintf("service %s: the %s limit is set by the deployment", s.Name, strings.Join(unknown, ", ")))
		}
		if len(missing) > 0 {
			at := p.missingAt(s, "deploy", "resources", "limits")
			p.Report(at, svcKey(s, "limits"), fmt.Sprintf("service %s has no %s limit", s.Name, strings.Join(missing, ", ")))
		}
	})
})

var _ = register(finding.Rule{
	ID: "DC008", Slug: "service-healthcheck-missing", Title: "Service without a health check",
	Severity: finding.Low, Kind: finding.KindCompose,
	Checklist: []string{"runtime.health-checks"}, CIS: []string{"5.27"}, OWASP: []string{"D04"},
	Rationale: "Without a health check, depends_on cannot wait for readiness and a hung service is never restarted.",
	Fix:       "healthcheck: {test: [\"CMD\", ...], interval: 30s, timeout: 10s, retries: 3}",
	Bad: []finding.Example{
		composeEx("services:\n  db:\n    image: postgres:16\n"),
		composeEx(svcYAML("api", strings.Replace(hardenedService, "      test: [\"CMD\", \"/app/healthcheck\"]\n", "      disable: true\n", 1))),
	},
	Good: []finding.Example{composeEx("services:\n  db:\n    image: postgres:16\n    healthcheck:\n      test: [\"CMD-SHELL\", \"pg_isready -U postgres\"]\n")},
}, func(p *Pass) {
	p.eachComplete(func(s compose.Service) {
		switch s.Health() {
		case compose.HealthDisabled:
			p.Report(p.svcAt(s, "healthcheck"), svcKey(s, "healthcheck"), fmt.Sprintf("service %s disables its health check", s.Name))
		case compose.HealthUnset:
			if s.OneShot() {
				return // a job others wait on to complete, not to be healthy
			}
			if _, builds := s.BuildSpec(); !builds {
				// Built services are judged with their Dockerfile (DF019).
				p.Report(p.missingAt(s, "healthcheck"), svcKey(s, "healthcheck"), fmt.Sprintf("service %s (image %s) declares no healthcheck", s.Name, s.ImageAsWritten()))
			}
		}
	})
})

var _ = register(finding.Rule{
	ID: "DC010", Slug: "service-user-root", Title: "Service runs as root",
	Severity: finding.High, Kind: finding.KindCompose,
	Checklist: []string{"runtime.non-root"}, CIS: []string{"4.1"}, OWASP: []string{"D01"},
	Rationale: "user: root overrides a non-root USER in the image and runs the app with uid 0.",
	Fix:       "user: \"1000:1000\" (a UID that owns only what the app needs).",
	Bad:       []finding.Example{composeEx(svcYAML("api", strings.Replace(hardenedService, `user: "1000:1000"`, "user: root", 1)))},
	Good:      []finding.Example{composeEx(svcYAML("api", hardenedService))},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		if s.Unresolved("user") {
			p.Unknown("runtime.non-root", p.svcAt(s, "user"), fmt.Sprintf("service %s: user is set by the deployment", s.Name))
			return
		}
		if IsRootUser(s.User) {
			written := s.User
			if rv, ok := s.Raw("user"); ok && rv.Interpolated {
				written = rv.Text
			}
			p.Report(p.svcAt(s, "user"), svcKey(s, "user"), fmt.Sprintf("service %s sets user: %s", s.Name, written))
		}
	})
})

var _ = register(finding.Rule{
	ID: "DC020", Slug: "restart-policy", Title: "Restart policy missing",
	Severity: finding.Low, Kind: finding.KindCompose, Advisory: true,
	Checklist: []string{"runtime.resource-limits"}, CIS: []string{"5.15"}, OWASP: []string{"D07"},
	Rationale: "Without a restart policy a crashed service stays down. `always` and `unless-stopped` behave alike on a crash loop (the engine backs off both), so either will do; jobs that run to completion need none.",
	Fix:       "restart: unless-stopped (or on-failure:5, or deploy.restart_policy: {condition: on-failure, max_attempts: 5}); for a one-shot job say restart: \"no\".",
	Bad:       []finding.Example{composeEx(svcYAML("api", strings.Replace(hardenedService, "    restart: unless-stopped\n", "", 1)))},
	Good: []finding.Example{
		composeEx(svcYAML("api", hardenedService)),
		composeEx(svcYAML("api", strings.Replace(hardenedService, "unless-stopped", "always", 1))),
		{Files: map[string]string{"compose.yaml": "services:\n  migrate:\n    image: example/app:1.0\n    command: [migrate]\n  api:\n    image: example/app:1.0\n    restart: unless-stopped\n    depends_on:\n      migrate:\n        condition: service_completed_successfully\n"}, Note: "a migration job others wait on to complete needs no restart policy"},
		{Files: map[string]string{"compose.yaml": "services:\n  api:\n    image: example/app:1.0\n    restart: ${RESTART_POLICY}\n"}, Note: "set by the deployment: unknown, not missing"},
	},
}, func(p *Pass) {
	p.eachComplete(func(s compose.Service) {
		if s.Unresolved("restart") || s.Unresolved("deploy", "restart_policy", "condition") {
			p.Unknown("runtime.health-checks", p.svcAt(s, "restart"), fmt.Sprintf("service %s: the restart policy is set by the deployment", s.Name))
			return
		}
		if s.OneShot() {
			return
		}
		if rp := s.RestartPolicy(); rp == "" {
			p.Report(p.missingAt(s, "restart"), svcKey(s, "restart"), fmt.Sprintf("service %s has no restart policy", s.Name))
		}
	})
})

var _ = register(finding.Rule{
	ID: "DC019", Slug: "service-debug-enabled", Title: "Debug or development mode in service environment",
	Severity: finding.Medium, Kind: finding.KindCompose,
	Checklist: []string{"runtime.debug-disabled", "secrets.not-exposed"}, OWASP: []string{"D04"},
	Rationale: "Debug modes expose tracebacks, settings and interactive consoles to anyone who can reach the service.",
	Fix:       "DEBUG=false and ENVIRONMENT=production in the deployed compose file; keep debug in a local override.",
	Bad: []finding.Example{
		composeEx(svcYAML("api", hardenedService+"    environment:\n      DEBUG: \"true\"\n      ENVIRONMENT: development\n")),
		composeEx(svcYAML("web", hardenedService+"    command: php -S 0.0.0.0:8000 -t public\n    ports: [\"8000:8000\"]\n")),
	},
	Good: []finding.Example{composeEx(svcYAML("api", hardenedService+"    environment:\n      DEBUG: \"false\"\n      ENVIRONMENT: production\n"))},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		for _, k := range sortedEnvKeys(s) {
			v := s.Environment[k]
			if v == nil {
				continue
			}
			if msg, bad := DebugSetting(k, *v); bad {
				p.Report(p.svcAt(s, "environment", k), svcKey(s, "env:"+k), fmt.Sprintf("service %s: %s", s.Name, msg))
			}
		}
		// Each file that sets a command ships it, also one a later
		// overlay replaces (a dev overlay under a prod one).
		var texts []compose.RawValue
		for _, key := range []string{"entrypoint", "command"} {
			texts = append(texts, s.RawTexts(key)...)
		}
		for _, rv := range texts {
			msg, bad := devServerIn(rv.Text)
			if !bad {
				continue
			}
			sev, where := finding.Medium, ""
			for _, pc := range s.Ports {
				if compose.PublishesOnAllInterfaces(pc) {
					sev, where = finding.High, fmt.Sprintf(", published as %s on all interfaces", portDesc(s, pc))
					break
				}
			}
			p.ReportSeverity(sev, p.display(rv.Pos()), svcKey(s, "command"), fmt.Sprintf("service %s: %s%s", s.Name, msg, where))
		}
	})
})
