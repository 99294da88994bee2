package rules

import (
	"fmt"
	"strings"

	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/finding"
)

// Logging rules: a service or container that keeps no logs, or keeps them
// in json-file without a size bound. The daemon default is judged by the
// engine rules (EN012-EN014).

// logRotated reports whether log options bound a json-file log: max-size
// set to anything but unlimited ("-1").
func logRotated(opts map[string]string) (string, bool) {
	sz, ok := opts["max-size"]
	sz = strings.TrimSpace(sz)
	return sz, ok && sz != "" && sz != "-1"
}

var _ = register(finding.Rule{
	ID: "DC040", Slug: "service-logging-disabled", Title: "Service logging driver is none",
	Severity: finding.Medium, Kind: finding.KindCompose,
	Checklist: []string{"compliance.logging"}, CIS: []string{"2.13"}, OWASP: []string{"D10"},
	Rationale: "With `logging.driver: none` the service's output is thrown away: errors, access logs and an attacker's traces alike.",
	Fix:       "Remove `driver: none`; keep logs with the daemon's driver, or json-file/local with rotation, or ship them (syslog, fluentd, journald).",
	Bad:       []finding.Example{composeEx(svcYAML("api", hardenedService+"    logging:\n      driver: none\n"))},
	Good:      []finding.Example{composeEx(svcYAML("api", hardenedService+"    logging:\n      driver: journald\n"))},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		if s.Logging != nil && strings.EqualFold(strings.TrimSpace(s.Logging.Driver), "none") {
			p.Report(p.svcAt(s, "logging", "driver"), svcKey(s, "logging"), fmt.Sprintf("service %s discards its logs (logging driver none)", s.Name))
		}
	})
})

var _ = register(finding.Rule{
	ID: "DC041", Slug: "service-log-rotation-missing", Title: "json-file logging without max-size",
	Severity: finding.Medium, Kind: finding.KindCompose,
	Checklist: []string{"compliance.logging", "runtime.resource-limits"}, CIS: []string{"2.13"}, OWASP: []string{"D07", "D10"},
	Rationale: "json-file keeps every line until the disk is full unless max-size is set, and a full disk stops every container on the host. (The local driver rotates by default; a service without `logging:` gets the daemon's default, which `hardhull runtime --engine` judges.)",
	Fix:       "Add `options: {max-size: \"10m\", max-file: \"3\"}` under `logging:`, or use `driver: local`.",
	Bad: []finding.Example{
		composeEx(svcYAML("api", hardenedService+"    logging:\n      driver: json-file\n")),
		composeEx(svcYAML("api", hardenedService+"    logging:\n      driver: json-file\n      options:\n        max-file: \"5\"\n")),
	},
	Good: []finding.Example{
		composeEx(svcYAML("api", hardenedService+"    logging:\n      driver: json-file\n      options:\n        max-size: \"10m\"\n        max-file: \"3\"\n")),
		composeEx(svcYAML("api", hardenedService+"    logging:\n      driver: local\n")),
		composeEx(svcYAML("api", hardenedService)),
	},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		if s.Logging == nil {
			return
		}
		d := strings.ToLower(strings.TrimSpace(s.Logging.Driver))
		if d != "json-file" {
			if d != "" && d != "none" {
				p.Evidence("compliance.logging", p.svcAt(s, "logging", "driver"), fmt.Sprintf("service %s logs with %s", s.Name, d))
			}
			return
		}
		if raw, ok := s.Raw("logging", "options", "max-size"); ok && raw.Interpolated {
			p.Unknown("compliance.logging", p.svcAt(s, "logging", "options", "max-size"), fmt.Sprintf("service %s takes its log max-size from the environment", s.Name))
			return
		}
		if sz, ok := logRotated(s.Logging.Options); ok {
			p.Evidence("compliance.logging", p.svcAt(s, "logging", "options", "max-size"), fmt.Sprintf("service %s rotates its json-file logs at %s", s.Name, sz))
			return
		}
		p.Report(p.svcAt(s, "logging", "driver"), svcKey(s, "log-rotation"), fmt.Sprintf("service %s logs to json-file without max-size: its logs grow until the disk is full", s.Name))
	})
})

var _ = register(finding.Rule{
	ID: "RT021", Slug: "container-logging-disabled", Title: "Container logging driver is none",
	Severity: finding.Medium, Kind: finding.KindContainer,
	Checklist: []string{"compliance.logging"}, CIS: []string{"2.13"}, OWASP: []string{"D10"},
	Rationale: "The container's output is thrown away: nothing to investigate an incident with.",
	Fix:       "Run it with a logging driver that keeps logs (--log-driver journald, or json-file/local with rotation).",
	Bad:       []finding.Example{ctrEx(`{"HostConfig": {"LogConfig": {"Type": "none", "Config": {}}}}`)},
	Good:      []finding.Example{ctrEx(`{}`), ctrEx(`{"HostConfig": {"LogConfig": {"Type": "syslog", "Config": {}}}}`)},
}, func(p *Pass) {
	if strings.EqualFold(p.ins().HostConfig.LogConfig.Type, "none") {
		p.Report(p.ctrAt("HostConfig.LogConfig.Type"), "log-none", "the container's logging driver is none: its output is discarded")
	}
})

var _ = register(finding.Rule{
	ID: "RT022", Slug: "container-log-rotation-missing", Title: "Container json-file logs grow without bound",
	Severity: finding.Medium, Kind: finding.KindContainer,
	Checklist: []string{"compliance.logging", "runtime.resource-limits"}, CIS: []string{"2.13"}, OWASP: []string{"D07", "D10"},
	Rationale: "The engine fills a container's LogConfig with the daemon's defaults when it is created, so this is the rotation in force: json-file without max-size keeps every line until the disk is full.",
	Fix:       "Recreate the container with --log-opt max-size=10m --log-opt max-file=3, or set log-opts in daemon.json (applies to containers created afterwards).",
	Bad:       []finding.Example{ctrEx(`{"HostConfig": {"LogConfig": {"Type": "json-file", "Config": null}}}`), ctrEx(`{"HostConfig": {"LogConfig": {"Type": "json-file", "Config": {"max-size": "-1"}}}}`)},
	Good:      []finding.Example{ctrEx(`{}`), ctrEx(`{"HostConfig": {"LogConfig": {"Type": "local", "Config": {}}}}`)},
}, func(p *Pass) {
	lc := p.ins().HostConfig.LogConfig
	switch strings.ToLower(lc.Type) {
	case "json-file":
		if sz, ok := logRotated(lc.Config); ok {
			p.Evidence("compliance.logging", p.ctrAt("HostConfig.LogConfig"), "json-file logs rotate at max-size "+sz)
			return
		}
		p.Report(p.ctrAt("HostConfig.LogConfig.Config"), "log-rotation", "json-file logs without max-size: they grow until the disk is full")
	case "", "none":
	default:
		p.Evidence("compliance.logging", p.ctrAt("HostConfig.LogConfig.Type"), "logs with "+lc.Type)
	}
})
