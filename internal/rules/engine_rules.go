package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/daemon"
	"github.com/hardhull/hardhull/internal/finding"
)

// Engine rules judge the daemon: what a running engine's API reports, or
// what a daemon.json says. CIS numbers are the Docker Benchmark v1.6.0's.

var _ = register(finding.Rule{
	ID: "EN001", Slug: "engine-end-of-life", Title: "Docker Engine release is no longer maintained",
	Severity: finding.High, Kind: finding.KindEngine,
	Checklist: []string{"build.vuln-scan"}, CIS: []string{"1.2.2"}, OWASP: []string{"D02"},
	Rationale: "An engine whose release branch is unmaintained gets no fixes for container-escape and daemon vulnerabilities. Support dates: " + daemon.ReleasesSource + ".",
	Fix:       "Upgrade the engine to a maintained release (the newest major version), or to a distribution build whose vendor still patches it.",
	Bad:       []finding.Example{engExFacts(`{"ServerVersion": "20.10.24+dfsg1"}`, `{"Version": {"Version": "20.10.24+dfsg1", "ApiVersion": "1.41"}}`), engExFacts(`{"ServerVersion": "24.0.7"}`, `{"Version": {"Version": "24.0.7"}}`)},
	Good:      []finding.Example{engEx(`{}`), engExFacts(`{"ServerVersion": "31.0.0"}`, `{"Version": {"Version": "31.0.0"}}`)},
}, func(p *Pass) {
	v := p.dm().Version
	if !v.Set {
		return
	}
	rel, ok := daemon.ReleaseOf(v.V)
	if !ok || !rel.Ended(p.now()) {
		return
	}
	msg := fmt.Sprintf("engine %s is on the %s branch, unmaintained since %s", v.V, rel.Branch, rel.EndOfMaintenance)
	if daemon.Distribution(v.V) {
		msg += "; this is a distribution build, which may carry its vendor's backported fixes: check that the vendor still supports it"
	}
	p.Report(v.Loc, "eol:"+rel.Branch, msg)
})

var _ = register(finding.Rule{
	ID: "EN002", Slug: "engine-tcp-without-tls", Title: "Daemon socket reachable over TCP without TLS",
	Severity: finding.Critical, Kind: finding.KindEngine,
	Checklist: []string{"runtime.network-isolation"}, CIS: []string{"2.7"}, OWASP: []string{"D04"},
	Rationale: "The Engine API is root on the host: anyone who can reach a plain TCP socket can start a privileged container with the host's filesystem mounted. TLS without client verification (tlsverify) lets any client in too.",
	Fix:       "Listen on the unix socket only, or set tlsverify with tlscacert/tlscert/tlskey so only clients with a certificate signed by your CA connect; reach remote engines over ssh:// instead.",
	Bad: []finding.Example{
		engExFacts(`{}`, `{"Addr": "tcp://10.0.0.5:2375", "TLS": false}`),
		fileEx(`{"hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"]}`),
		fileEx(`{"hosts": ["tcp://0.0.0.0:2376"], "tls": true}`),
	},
	Good: []finding.Example{
		engExFacts(`{}`, `{"Addr": "tcp://10.0.0.5:2376", "TLS": true}`),
		fileEx(`{"hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"], "tlsverify": true, "tlscacert": "/etc/docker/ca.pem"}`),
		fileEx(`{"hosts": ["unix:///var/run/docker.sock"]}`),
	},
}, func(p *Pass) {
	s := p.dm()
	if s.ClientTCP {
		p.Report(s.ClientAtAddr, "client-tcp", fmt.Sprintf("the engine answered plain HTTP at %s: anyone who can reach that port controls the host as root", s.Where))
	}
	if !s.Hosts.Set {
		return
	}
	for _, h := range s.Hosts.V {
		if !tcpHost(h) {
			continue
		}
		switch {
		case s.TLSVerify.V:
		case s.TLS.V:
			p.ReportSeverity(finding.High, s.Hosts.Loc, "host:"+h, fmt.Sprintf("the daemon listens on %s with TLS but without tlsverify: any client can connect", noUserinfo(h)))
		default:
			p.Report(s.Hosts.Loc, "host:"+h, fmt.Sprintf("the daemon listens on %s without TLS: anyone who can reach that port controls the host as root", noUserinfo(h)))
		}
	}
})

// noUserinfo drops credentials from a registry or mirror URL
// (https://user:token@mirror): findings name the host, never the secret.
func noUserinfo(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		scheme, rest = "", s
	}
	host, path, _ := strings.Cut(rest, "/")
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = "***@" + host[i+1:]
	}
	out := host
	if path != "" {
		out += "/" + path
	}
	if ok {
		out = scheme + "://" + out
	}
	return out
}

func noUserinfoAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = noUserinfo(s)
	}
	return out
}

// tcpHost reports whether a -H/hosts value is a TCP listener: tcp://...,
// or the bare host:port form dockerd also accepts.
func tcpHost(h string) bool {
	h = strings.TrimSpace(h)
	if scheme, _, ok := strings.Cut(h, "://"); ok {
		return scheme == "tcp" || scheme == "http"
	}
	return strings.Contains(h, ":") && !strings.HasPrefix(h, "/")
}

var _ = register(finding.Rule{
	ID: "EN003", Slug: "engine-insecure-registry", Title: "Insecure registries configured",
	Severity: finding.High, Kind: finding.KindEngine,
	Checklist: []string{"build.pinned-versions"}, CIS: []string{"2.5"}, OWASP: []string{"D08", "D04"},
	Rationale: "Images from an insecure registry travel over plain HTTP or unverified TLS: anyone on the path can swap the image the engine runs.",
	Fix:       "Remove insecure-registries; give the registry a certificate from a CA the engine trusts (/etc/docker/certs.d/<host>/ca.crt).",
	Bad: []finding.Example{
		engEx(`{"RegistryConfig": {"InsecureRegistryCIDRs": ["127.0.0.0/8", "10.0.0.0/8"], "Mirrors": [], "IndexConfigs": {"docker.io": {"Name": "docker.io", "Secure": true}}}}`),
		engEx(`{"RegistryConfig": {"InsecureRegistryCIDRs": ["127.0.0.0/8"], "Mirrors": [], "IndexConfigs": {"docker.io": {"Name": "docker.io", "Secure": true}, "registry.lan:5000": {"Name": "registry.lan:5000", "Secure": false}}}}`),
		fileEx(`{"insecure-registries": ["registry.lan:5000"]}`),
	},
	Good: []finding.Example{engEx(`{}`), fileEx(`{"insecure-registries": []}`)},
}, func(p *Pass) {
	s := p.dm()
	var bad []string
	for _, r := range s.InsecureRegistries.V {
		if r != "127.0.0.0/8" {
			bad = append(bad, r)
		}
	}
	if len(bad) > 0 {
		p.Report(dmAt(p, s.InsecureRegistries), "insecure", fmt.Sprintf("%s insecure registries: %s", p.dmSays(), strings.Join(noUserinfoAll(bad), ", ")))
	}
})

var _ = register(finding.Rule{
	ID: "EN004", Slug: "engine-plain-http-mirror", Title: "Registry mirror over plain HTTP",
	Severity: finding.Medium, Kind: finding.KindEngine,
	Checklist: []string{"build.pinned-versions"}, CIS: []string{"2.5"}, OWASP: []string{"D08"},
	Rationale: "Every Docker Hub pull goes through the mirror first; over http:// anyone on the path can answer with another image.",
	Fix:       "Serve the mirror over https:// with a trusted certificate.",
	Bad:       []finding.Example{engEx(`{"RegistryConfig": {"InsecureRegistryCIDRs": ["127.0.0.0/8"], "Mirrors": ["http://mirror.lan:5000/"]}}`), fileEx(`{"registry-mirrors": ["http://mirror.lan"]}`)},
	Good:      []finding.Example{engEx(`{"RegistryConfig": {"InsecureRegistryCIDRs": ["127.0.0.0/8"], "Mirrors": ["https://mirror.example.com/"]}}`), fileEx(`{"registry-mirrors": ["https://mirror.example.com"]}`)},
}, func(p *Pass) {
	s := p.dm()
	for _, m := range s.Mirrors.V {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(m)), "http://") {
			p.Report(dmAt(p, s.Mirrors), "mirror:"+noUserinfo(m), fmt.Sprintf("registry mirror %s is plain HTTP", noUserinfo(m)))
		}
	}
})

var _ = register(finding.Rule{
	ID: "EN005", Slug: "engine-default-bridge-icc", Title: "Containers on the default bridge can talk to each other",
	Severity: finding.Medium, Kind: finding.KindEngine,
	Checklist: []string{"runtime.network-isolation"}, CIS: []string{"2.2"}, OWASP: []string{"D03", "D04"},
	Rationale: "With inter-container communication on, every container on the default bridge reaches every other one's ports: one compromised container can probe all the rest.",
	Fix:       `Set "icc": false in daemon.json (and put services that must talk on a user-defined network of their own).`,
	Bad:       []finding.Example{engExFacts(`{}`, `{"Networks": [{"Name": "bridge", "Driver": "bridge", "Options": {"com.docker.network.bridge.enable_icc": "true"}}]}`), fileEx(`{"icc": null}`), fileEx(`{"icc": true}`)},
	Good:      []finding.Example{engEx(`{}`), engExFacts(`{}`, `{"Networks": [{"Name": "host", "Driver": "host"}]}`), fileEx(`{"icc": null, "bridge": "none"}`)},
}, func(p *Pass) {
	s := p.dm()
	if s.NoBridge {
		return
	}
	on := !s.ICC.Set || s.ICC.V // dockerd's default is on
	if on {
		p.Report(dmAt(p, s.ICC), "icc", "inter-container communication is enabled on the default bridge")
	}
})

var _ = register(finding.Rule{
	ID: "EN006", Slug: "engine-no-user-namespace", Title: "Neither rootless mode nor user namespace remapping",
	Severity: finding.Medium, Kind: finding.KindEngine, Advisory: true,
	Checklist: []string{"runtime.non-root"}, CIS: []string{"2.9", "2.1"}, OWASP: []string{"D01", "D04"},
	Rationale: "Without a user namespace, uid 0 in a container is uid 0 on the host: a container escape is a root shell. userns-remap maps it to an unprivileged host uid; rootless mode runs the daemon itself unprivileged.",
	Fix:       `Set "userns-remap": "default" in daemon.json (needs /etc/subuid and /etc/subgid entries), or run the daemon rootless (dockerd-rootless-setuptool.sh install).`,
	Bad:       []finding.Example{engEx(`{"SecurityOptions": ["name=seccomp,profile=default"]}`), fileEx(`{"userns-remap": null}`)},
	Good:      []finding.Example{engEx(`{}`), engEx(`{"SecurityOptions": ["name=seccomp,profile=default", "name=rootless", "name=cgroupns"]}`), fileEx(`{"userns-remap": "dockremap"}`)},
}, func(p *Pass) {
	s := p.dm()
	if s.Rootless.V || s.UsernsRemap.V != "" {
		p.Evidence("runtime.non-root", dmAt(p, s.UsernsRemap), "the engine maps container root to an unprivileged host user")
		return
	}
	p.Report(dmAt(p, s.UsernsRemap), "userns", "container uids are host uids: the engine runs neither rootless nor with userns-remap")
})

var _ = register(finding.Rule{
	ID: "EN007", Slug: "engine-seccomp-disabled", Title: "Default seccomp profile not in force",
	Severity: finding.High, Kind: finding.KindEngine,
	Checklist: []string{"runtime.capabilities"}, CIS: []string{"2.17", "5.22"}, OWASP: []string{"D04"},
	Rationale: "The engine's default seccomp profile blocks about 44 dangerous syscalls (keyctl, mount, kexec, bpf...) in every container that does not opt out; without it each container has the host kernel's whole syscall surface.",
	Fix:       `Remove "seccomp-profile": "unconfined" (or point it at a profile at least as strict as the default); run the engine on a kernel with seccomp support.`,
	Bad:       []finding.Example{engEx(`{"SecurityOptions": ["name=userns"]}`), engEx(`{"SecurityOptions": ["name=seccomp,profile=unconfined", "name=userns"]}`), fileEx(`{"seccomp-profile": "unconfined"}`)},
	Good:      []finding.Example{engEx(`{}`), engEx(`{"SecurityOptions": ["name=seccomp,profile=/etc/docker/seccomp.json", "name=userns"]}`), fileEx(`{"seccomp-profile": "/etc/docker/seccomp.json"}`)},
}, func(p *Pass) {
	s := p.dm()
	switch {
	case p.onEngine() && s.Seccomp.V == "":
		p.Report(s.Seccomp.Loc, "seccomp", "the engine reports no seccomp support: containers run without a syscall filter")
	case strings.EqualFold(s.Seccomp.V, "unconfined"):
		p.Report(dmAt(p, s.Seccomp), "seccomp", "the daemon-wide seccomp profile is unconfined: containers run without a syscall filter")
	}
})

var _ = register(finding.Rule{
	ID: "EN008", Slug: "engine-live-restore-disabled", Title: "Live restore disabled",
	Severity: finding.Low, Kind: finding.KindEngine, Advisory: true,
	Checklist: nil, CIS: []string{"2.15"}, OWASP: []string{"D04"},
	Rationale: "Without live-restore, stopping or upgrading the daemon stops every container: patching the engine becomes an outage, so it gets postponed.",
	Fix:       `Set "live-restore": true in daemon.json (not available in swarm mode).`,
	Bad:       []finding.Example{engEx(`{"LiveRestoreEnabled": false}`), fileEx(`{"live-restore": null}`)},
	Good:      []finding.Example{engEx(`{}`), engEx(`{"LiveRestoreEnabled": false, "Swarm": {"LocalNodeState": "active"}}`), fileEx(`{"live-restore": true}`)},
}, func(p *Pass) {
	s := p.dm()
	if s.LiveRestore.V || s.Swarm.V {
		return
	}
	p.Report(dmAt(p, s.LiveRestore), "live-restore", "live-restore is off: restarting the daemon stops every container")
})

var _ = register(finding.Rule{
	ID: "EN009", Slug: "engine-no-authorization-plugin", Title: "No authorization plugin",
	Severity: finding.Low, Kind: finding.KindEngine, Advisory: true,
	Checklist: []string{"runtime.capabilities"}, CIS: []string{"2.12"}, OWASP: []string{"D04"},
	Rationale: "Without an authorization plugin, everyone who can reach the socket may do everything, including --privileged and mounting /.",
	Fix:       `Install an authorization plugin (e.g. opa-docker-authz) and list it in "authorization-plugins".`,
	Bad:       []finding.Example{engEx(`{"Plugins": {"Authorization": null}}`), fileEx(`{"authorization-plugins": null}`)},
	Good:      []finding.Example{engEx(`{}`), engExFacts(`{"Plugins": {"Authorization": null}}`, `{"Plugins": [{"Name": "openpolicyagent/opa-docker-authz-v2:0.9", "Enabled": true, "Config": {"Interface": {"Types": ["docker.authz/1.0"]}}}]}`), fileEx(`{"authorization-plugins": ["opa"]}`)},
}, func(p *Pass) {
	s := p.dm()
	if len(s.AuthzPlugins.V) == 0 {
		p.Report(dmAt(p, s.AuthzPlugins), "authz", "no authorization plugin: every client of the socket may do anything")
	}
})

var _ = register(finding.Rule{
	ID: "EN010", Slug: "engine-experimental", Title: "Experimental features enabled",
	Severity: finding.Low, Kind: finding.KindEngine,
	Checklist: []string{"runtime.debug-disabled"}, CIS: []string{"2.18"}, OWASP: []string{"D04"},
	Rationale: "Experimental features are unfinished and not covered by the project's stability or security guarantees.",
	Fix:       `Remove "experimental": true from daemon.json on production engines.`,
	Bad:       []finding.Example{engEx(`{"ExperimentalBuild": true}`), fileEx(`{"experimental": true}`)},
	Good:      []finding.Example{engEx(`{}`), fileEx(`{"experimental": false}`)},
}, func(p *Pass) {
	s := p.dm()
	if s.Experimental.V {
		p.Report(s.Experimental.Loc, "experimental", "experimental features are enabled")
	}
})

var _ = register(finding.Rule{
	ID: "EN011", Slug: "engine-log-level", Title: "Daemon log level is not info",
	Severity: finding.Low, Kind: finding.KindEngine,
	Checklist: []string{"runtime.debug-disabled", "compliance.logging"}, CIS: []string{"2.3"}, OWASP: []string{"D10"},
	Rationale: "At debug the daemon logs request bodies and is noisy enough to hide what matters; above info (warn, error, fatal) it drops the events an investigation needs.",
	Fix:       `Set "log-level": "info" (and remove "debug": true) in daemon.json.`,
	Bad:       []finding.Example{engEx(`{"Debug": true}`), fileEx(`{"debug": true}`), fileEx(`{"log-level": "error"}`)},
	Good:      []finding.Example{engEx(`{}`), fileEx(`{"log-level": "info"}`), fileEx(`{"log-level": null}`)},
}, func(p *Pass) {
	s := p.dm()
	switch lvl := strings.ToLower(s.LogLevel.V); {
	case s.Debug.V:
		p.Report(s.Debug.Loc, "debug", "the daemon runs in debug mode")
	case lvl == "debug" || lvl == "trace":
		p.Report(s.LogLevel.Loc, "log-level", "the daemon logs at "+lvl)
	case lvl == "warn" || lvl == "error" || lvl == "fatal" || lvl == "panic":
		p.Report(s.LogLevel.Loc, "log-level", "the daemon logs at "+lvl+" and drops info events")
	}
})

// remoteLogDrivers ship logs off the host (journald counts: the system
// journal is what host log shipping collects).
var remoteLogDrivers = map[string]bool{
	"syslog": true, "journald": true, "gelf": true, "fluentd": true, "awslogs": true,
	"splunk": true, "etwlogs": true, "gcplogs": true, "logentries": true,
}

// logDriver is the effective default driver: unset in a file means
// dockerd's default, json-file.
func logDriver(s *daemon.Settings) string {
	if !s.LogDriver.Set || s.LogDriver.V == "" {
		return "json-file"
	}
	return s.LogDriver.V
}

var _ = register(finding.Rule{
	ID: "EN012", Slug: "engine-logging-disabled", Title: "Default logging driver is none",
	Severity: finding.High, Kind: finding.KindEngine,
	Checklist: []string{"compliance.logging"}, CIS: []string{"2.13"}, OWASP: []string{"D10"},
	Rationale: "With the none driver containers that do not choose a driver keep no logs at all: nothing to investigate an incident with.",
	Fix:       `Set "log-driver" to a driver that keeps logs: journald, syslog, fluentd, or json-file/local with rotation.`,
	Bad:       []finding.Example{engEx(`{"LoggingDriver": "none"}`), fileEx(`{"log-driver": "none"}`)},
	Good:      []finding.Example{engEx(`{}`), fileEx(`{"log-driver": "syslog"}`)},
}, func(p *Pass) {
	s := p.dm()
	if logDriver(s) == "none" {
		p.Report(s.LogDriver.Loc, "log-driver", "the default logging driver is none: containers keep no logs")
	}
})

var _ = register(finding.Rule{
	ID: "EN013", Slug: "engine-log-rotation-missing", Title: "Default json-file logs grow without bound",
	Severity: finding.Medium, Kind: finding.KindEngine,
	Checklist: []string{"compliance.logging", "runtime.resource-limits"}, CIS: []string{"2.13"}, OWASP: []string{"D07", "D10"},
	Rationale: "The json-file driver keeps every line forever unless max-size is set: a chatty container fills the engine's disk and takes every other container down with it. (The local driver rotates by default.)",
	Fix:       `Set "log-opts": {"max-size": "10m", "max-file": "3"} in daemon.json, or use the local driver.`,
	Bad: []finding.Example{
		fileEx(`{"log-driver": "json-file"}`),
		fileEx(`{"log-driver": null, "log-opts": {"max-file": "3"}}`),
		engExFile(`{"LoggingDriver": "json-file"}`, `{"log-driver": "json-file", "log-opts": {"labels": "app"}}`),
	},
	Good: []finding.Example{
		fileEx(`{"log-driver": "json-file", "log-opts": {"max-size": "10m", "max-file": "3"}}`),
		fileEx(`{"log-driver": "local"}`),
		engExFile(`{"LoggingDriver": "json-file"}`, `{"log-driver": "json-file", "log-opts": {"max-size": "10m"}}`),
		engEx(`{"LoggingDriver": "json-file"}`),
	},
}, func(p *Pass) {
	s := p.dm()
	if logDriver(s) != "json-file" {
		return
	}
	if !s.LogOpts.Set && p.onEngine() {
		p.Unknown("compliance.logging", s.LogDriver.Loc, "the engine's API does not report its log options: judge them from daemon.json (--daemon-config)")
		return
	}
	if sz, ok := s.LogOpts.V["max-size"]; ok && sz != "" && sz != "-1" {
		p.Evidence("compliance.logging", s.LogOpts.Loc, "the default json-file logs rotate at max-size "+sz)
		return
	}
	at := dmAt(p, s.LogOpts)
	if !s.LogOpts.Set {
		at = dmAt(p, s.LogDriver)
	}
	p.Report(at, "log-rotation", "the default json-file driver has no max-size: container logs grow until the disk is full")
})

var _ = register(finding.Rule{
	ID: "EN014", Slug: "engine-logs-stay-local", Title: "Default logging driver keeps logs on the host only",
	Severity: finding.Info, Kind: finding.KindEngine, Advisory: true,
	Checklist: []string{"compliance.logging"}, CIS: []string{"2.13"}, OWASP: []string{"D10"},
	Rationale: "Logs that stay in files beside the container are lost with the host and are the first thing an intruder deletes; centralised logging keeps them where the container cannot reach.",
	Fix:       `Use a driver that ships logs (syslog, journald with forwarding, fluentd, gelf, awslogs...), or collect the json-file/local logs with an agent.`,
	Bad:       []finding.Example{engEx(`{"LoggingDriver": "json-file"}`), fileEx(`{"log-driver": "local"}`)},
	Good:      []finding.Example{engEx(`{}`), fileEx(`{"log-driver": "fluentd"}`)},
}, func(p *Pass) {
	s := p.dm()
	d := logDriver(s)
	switch {
	case remoteLogDrivers[d]:
		p.Evidence("compliance.logging", dmAt(p, s.LogDriver), "the default logging driver "+d+" ships container logs off the container's files")
	case d == "json-file" || d == "local":
		p.Report(dmAt(p, s.LogDriver), "log-local", "the default logging driver "+d+" keeps logs on this host only")
	}
})

var _ = register(finding.Rule{
	ID: "EN015", Slug: "engine-no-new-privileges-default", Title: "no-new-privileges not the daemon default",
	Severity: finding.Low, Kind: finding.KindEngine, Advisory: true,
	Checklist: []string{"runtime.capabilities"}, CIS: []string{"2.14"}, OWASP: []string{"D04"},
	Rationale: "With no-new-privileges as the daemon default, setuid binaries cannot raise privileges in any container, including ones whose authors forgot --security-opt no-new-privileges.",
	Fix:       `Set "no-new-privileges": true in daemon.json.`,
	Bad:       []finding.Example{fileEx(`{"no-new-privileges": null}`), engExFile(`{}`, `{"no-new-privileges": false}`)},
	Good:      []finding.Example{fileEx(`{}`), engExFile(`{}`, `{"no-new-privileges": true}`), engEx(`{}`)},
}, func(p *Pass) {
	s := p.dm()
	if !s.NoNewPrivileges.Set && p.onEngine() {
		p.Unknown("runtime.capabilities", s.At, "the engine's API does not report its no-new-privileges default: judge it from daemon.json (--daemon-config)")
		return
	}
	if !s.NoNewPrivileges.V {
		p.Report(dmAt(p, s.NoNewPrivileges), "nnp", "no-new-privileges is not the daemon default")
	}
})

var _ = register(finding.Rule{
	ID: "EN016", Slug: "engine-default-ulimits-unset", Title: "No default ulimits",
	Severity: finding.Info, Kind: finding.KindEngine, Advisory: true,
	Checklist: []string{"runtime.resource-limits"}, CIS: []string{"2.8"}, OWASP: []string{"D07"},
	Rationale: "Default ulimits (nofile, nproc) bound what a container that sets none may consume; without them the host's limits apply to every container.",
	Fix:       `Set "default-ulimits" in daemon.json, e.g. {"nofile": {"Name": "nofile", "Soft": 64000, "Hard": 64000}}.`,
	Bad:       []finding.Example{fileEx(`{"default-ulimits": null}`)},
	Good:      []finding.Example{fileEx(`{}`), engEx(`{}`)},
}, func(p *Pass) {
	s := p.dm()
	if !s.DefaultUlimits.Set && p.onEngine() {
		return // not in the API; nothing to say without the file
	}
	if len(s.DefaultUlimits.V) == 0 {
		p.Report(dmAt(p, s.DefaultUlimits), "ulimits", "no default ulimits are set")
		return
	}
	names := make([]string, 0, len(s.DefaultUlimits.V))
	for n, v := range s.DefaultUlimits.V {
		names = append(names, n+"="+v)
	}
	sort.Strings(names)
	p.Evidence("runtime.resource-limits", s.DefaultUlimits.Loc, "default ulimits: "+strings.Join(names, ", "))
})

var _ = register(finding.Rule{
	ID: "EN017", Slug: "engine-cgroup-v1", Title: "Engine runs on cgroup v1",
	Severity: finding.Low, Kind: finding.KindEngine, Advisory: true,
	Checklist: []string{"runtime.resource-limits"}, CIS: []string{"2.10"}, OWASP: []string{"D07"},
	Rationale: "cgroup v1 is deprecated by the engine and the kernel community: its memory and I/O accounting is weaker than v2's, and rootless engines can set resource limits only on v2.",
	Fix:       "Boot the host with the unified cgroup hierarchy (systemd.unified_cgroup_hierarchy=1), with the systemd cgroup driver.",
	Bad:       []finding.Example{engEx(`{"CgroupVersion": "1", "CgroupDriver": "cgroupfs"}`)},
	Good:      []finding.Example{engEx(`{}`)},
}, func(p *Pass) {
	s := p.dm()
	if s.CgroupVersion.V == "1" {
		p.Report(s.CgroupVersion.Loc, "cgroup-v1", fmt.Sprintf("the engine uses cgroup v1 (driver %s)", s.CgroupDriver.V))
	}
})

var _ = register(finding.Rule{
	ID: "EN018", Slug: "engine-cgroup-parent", Title: "Default cgroup parent changed",
	Severity: finding.Info, Kind: finding.KindEngine,
	Checklist: []string{"runtime.resource-limits"}, CIS: []string{"2.10"}, OWASP: []string{"D07"},
	Rationale: "A daemon-wide cgroup-parent moves every container under another cgroup, whose limits then govern them all: confirm that is intended.",
	Fix:       `Remove "cgroup-parent" unless the host's resource plan requires it.`,
	Bad:       []finding.Example{fileEx(`{"cgroup-parent": "/batch"}`)},
	Good:      []finding.Example{fileEx(`{}`)},
}, func(p *Pass) {
	s := p.dm()
	if s.CgroupParent.V != "" {
		p.Report(s.CgroupParent.Loc, "cgroup-parent", "containers run under cgroup parent "+s.CgroupParent.V)
	}
})

var _ = register(finding.Rule{
	ID: "EN019", Slug: "engine-userland-proxy", Title: "Userland proxy enabled",
	Severity: finding.Low, Kind: finding.KindEngine, Advisory: true,
	Checklist: []string{"runtime.network-isolation"}, CIS: []string{"2.16"}, OWASP: []string{"D03"},
	Rationale: "docker-proxy runs a process per published port and widens the attack surface; hairpin NAT in the kernel does the same job.",
	Fix:       `Set "userland-proxy": false in daemon.json.`,
	Bad:       []finding.Example{fileEx(`{"userland-proxy": null}`)},
	Good:      []finding.Example{fileEx(`{}`), engEx(`{}`)},
}, func(p *Pass) {
	s := p.dm()
	if !s.UserlandProxy.Set && p.onEngine() {
		return
	}
	if !s.UserlandProxy.Set || s.UserlandProxy.V {
		p.Report(dmAt(p, s.UserlandProxy), "userland-proxy", "the userland proxy is enabled")
	}
})

var _ = register(finding.Rule{
	ID: "EN020", Slug: "engine-iptables-disabled", Title: "Engine may not manage iptables",
	Severity: finding.Medium, Kind: finding.KindEngine,
	Checklist: []string{"runtime.network-isolation"}, CIS: []string{"2.4"}, OWASP: []string{"D03"},
	Rationale: "With iptables off the engine installs no isolation rules between networks and the outside: published ports and network separation depend on hand-written rules.",
	Fix:       `Remove "iptables": false.`,
	Bad:       []finding.Example{fileEx(`{"iptables": false}`)},
	Good:      []finding.Example{fileEx(`{}`), fileEx(`{"iptables": true}`)},
}, func(p *Pass) {
	s := p.dm()
	if s.Iptables.Set && !s.Iptables.V {
		p.Report(s.Iptables.Loc, "iptables", "the engine does not manage iptables")
	}
})

var _ = register(finding.Rule{
	ID: "EN021", Slug: "engine-aufs", Title: "aufs storage driver",
	Severity: finding.Medium, Kind: finding.KindEngine,
	Checklist: nil, CIS: []string{"2.6"}, OWASP: []string{"D04"},
	Rationale: "aufs is unmaintained, removed from current engines, and has a history of kernel crashes and privilege bugs.",
	Fix:       "Use overlay2.",
	Bad:       []finding.Example{engEx(`{"Driver": "aufs"}`), fileEx(`{"storage-driver": "aufs"}`)},
	Good:      []finding.Example{engEx(`{}`), fileEx(`{"storage-driver": "overlay2"}`)},
}, func(p *Pass) {
	s := p.dm()
	if strings.EqualFold(s.StorageDriver.V, "aufs") {
		p.Report(s.StorageDriver.Loc, "aufs", "the storage driver is aufs")
	}
})

var _ = register(finding.Rule{
	ID: "EN022", Slug: "engine-base-device-size", Title: "Base device size changed",
	Severity: finding.Low, Kind: finding.KindEngine,
	Checklist: []string{"runtime.resource-limits"}, CIS: []string{"2.11"}, OWASP: []string{"D07"},
	Rationale: "A larger dm.basesize lets every container's filesystem grow to it, and shrinking it later is not possible.",
	Fix:       `Remove dm.basesize from "storage-opts" until it is needed.`,
	Bad:       []finding.Example{fileEx(`{"storage-opts": ["dm.basesize=50G"]}`)},
	Good:      []finding.Example{fileEx(`{"storage-opts": ["overlay2.size=10G"]}`)},
}, func(p *Pass) {
	s := p.dm()
	for _, o := range s.StorageOpts.V {
		if strings.HasPrefix(strings.TrimSpace(o), "dm.basesize") {
			p.Report(s.StorageOpts.Loc, "basesize", "storage option "+o+" changes the base device size")
		}
	}
})

var _ = register(finding.Rule{
	ID: "EN023", Slug: "engine-config-drift", Title: "Running engine differs from its daemon.json",
	Severity: finding.Medium, Kind: finding.KindEngine,
	Checklist: nil, OWASP: []string{"D04"},
	Rationale: "The file says what should be; the API says what is. A difference means the daemon was not restarted after an edit, or flags override the file: the hardening you reviewed is not the one in force.",
	Fix:       "Restart (or reload, for reloadable keys) the daemon, and remove command-line flags that override daemon.json.",
	Bad:       []finding.Example{engExFile(`{"LiveRestoreEnabled": false, "Swarm": {"LocalNodeState": "active"}}`, `{"live-restore": true}`), engExFile(`{}`, `{"icc": true}`), engExFile(`{"LoggingDriver": "json-file"}`, `{"log-driver": "journald", "log-opts": {"max-size": "10m"}}`)},
	Good:      []finding.Example{engExFile(`{}`, DaemonJSON(`{"log-driver": "journald"}`)), engEx(`{}`)},
}, func(p *Pass) {
	s, f := p.dm(), p.Ext.DaemonFile
	if f == nil || !p.onEngine() {
		return
	}
	drift := func(key, file, api string, loc finding.Location, fileLoc finding.Location) {
		p.Report(loc, "drift:"+key, fmt.Sprintf("%s:%d sets %s %s but the engine reports %s", fileLoc.Path, fileLoc.Line, key, file, api))
	}
	cmpBool := func(key string, fv, ev daemon.Value[bool]) {
		if fv.Set && ev.Set && fv.V != ev.V {
			drift(key, fmt.Sprint(fv.V), fmt.Sprint(ev.V), ev.Loc, fv.Loc)
		}
	}
	cmpBool("live-restore", f.LiveRestore, s.LiveRestore)
	cmpBool("experimental", f.Experimental, s.Experimental)
	cmpBool("debug", f.Debug, s.Debug)
	if !s.NoBridge {
		cmpBool("icc", f.ICC, s.ICC)
	}
	if f.LogDriver.Set && s.LogDriver.Set && f.LogDriver.V != s.LogDriver.V {
		drift("log-driver", f.LogDriver.V, s.LogDriver.V, s.LogDriver.Loc, f.LogDriver.Loc)
	}
	if f.StorageDriver.Set && s.StorageDriver.Set && f.StorageDriver.V != s.StorageDriver.V {
		drift("storage-driver", f.StorageDriver.V, s.StorageDriver.V, s.StorageDriver.Loc, f.StorageDriver.Loc)
	}
	if f.CgroupDriver.Set && s.CgroupDriver.Set && f.CgroupDriver.V != s.CgroupDriver.V {
		drift("native.cgroupdriver", f.CgroupDriver.V, s.CgroupDriver.V, s.CgroupDriver.Loc, f.CgroupDriver.Loc)
	}
	if f.UsernsRemap.Set && (f.UsernsRemap.V != "") != (s.UsernsRemap.V != "") {
		drift("userns-remap", fmt.Sprintf("%q", f.UsernsRemap.V), map[bool]string{true: "remapping on", false: "no remapping"}[s.UsernsRemap.V != ""], s.UsernsRemap.Loc, f.UsernsRemap.Loc)
	}
	if f.AuthzPlugins.Set && len(f.AuthzPlugins.V) > 0 && len(s.AuthzPlugins.V) == 0 {
		drift("authorization-plugins", strings.Join(f.AuthzPlugins.V, ", "), "none", s.AuthzPlugins.Loc, f.AuthzPlugins.Loc)
	}
	if f.Mirrors.Set && s.Mirrors.Set && !sameSet(f.Mirrors.V, s.Mirrors.V) {
		drift("registry-mirrors", strings.Join(noUserinfoAll(f.Mirrors.V), ", "), strings.Join(noUserinfoAll(s.Mirrors.V), ", "), s.Mirrors.Loc, f.Mirrors.Loc)
	}
})

// sameSet compares mirror lists ignoring order and a trailing slash (the
// engine normalises "https://m" to "https://m/").
func sameSet(a, b []string) bool {
	norm := func(ss []string) string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = strings.TrimSuffix(strings.TrimSpace(s), "/")
		}
		sort.Strings(out)
		return strings.Join(out, "\x00")
	}
	return norm(a) == norm(b)
}

var _ = register(finding.Rule{
	ID: "EN024", Slug: "engine-swarm-active", Title: "Swarm mode enabled",
	Severity: finding.Info, Kind: finding.KindEngine, Advisory: true,
	Checklist: []string{"runtime.network-isolation"}, CIS: []string{"5.1"}, OWASP: []string{"D03"},
	Rationale: "Swarm mode opens management ports (2377, 7946, 4789) and keeps cluster secrets on the node; an engine that is not part of a swarm should not run it.",
	Fix:       "docker swarm leave, unless this node belongs to a swarm.",
	Bad:       []finding.Example{engEx(`{"Swarm": {"LocalNodeState": "active"}}`)},
	Good:      []finding.Example{engEx(`{}`)},
}, func(p *Pass) {
	s := p.dm()
	if s.Swarm.V {
		p.Report(s.Swarm.Loc, "swarm", "swarm mode is active")
	}
})
