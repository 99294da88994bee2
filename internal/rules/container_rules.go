package rules

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
)

var _ = register(finding.Rule{
	ID: "RT001", Slug: "container-runs-as-root", Title: "Container processes run as root",
	Severity: finding.High, Kind: finding.KindContainer,
	Checklist: []string{"runtime.non-root"}, CIS: []string{"4.1"}, OWASP: []string{"D01"},
	Rationale: "The seed's verification step: `ps` inside the container must not show root. uid 0 in a container is uid 0 on the host kernel.",
	Fix:       "Run with --user 1000:1000 (compose `user:`), or set USER in the image.",
	Bad: []finding.Example{
		ctrExProc(`{"Config": {"User": ""}}`, `[{"PID": 10, "UID": 0, "User": "root", "Command": "python app.py"}]`),
		ctrExProc(`{"Config": {"User": "1000"}}`, `[{"PID": 10, "UID": 0, "User": "root", "Command": "su-exec-wrapper"}]`),
		ctrEx(`{"State": {"Running": false}, "Config": {"User": "root"}}`),
	},
	Good: []finding.Example{ctrExProc(`{}`, `[{"PID": 10, "UID": 1000, "User": "1000", "Command": "python app.py"}]`)},
}, func(p *Pass) {
	c := p.Ext.Container
	if c.Processes != nil {
		var root []string
		for _, pr := range c.Processes {
			if pr.UID == 0 {
				root = append(root, fmt.Sprintf("%s (pid %d)", firstWord(pr.Command), pr.PID))
			}
		}
		if len(root) > 0 {
			p.Report(p.ctrAt("Processes"), "proc-root", fmt.Sprintf("%d of %d processes run as uid 0: %s", len(root), len(c.Processes), strings.Join(first(root, 5), ", ")))
			return
		}
		if len(c.Processes) > 0 {
			return // the processes prove it, whatever the configuration says
		}
	}
	u := p.ins().Config.User
	if u == "" || IsRootUser(u) {
		label := u
		if label == "" {
			label = "unset (root)"
		}
		p.Report(p.ctrAt("Config.User"), "user", fmt.Sprintf("configured user is %s", label))
	}
})

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return path.Base(f[0])
	}
	return s
}

var _ = register(finding.Rule{
	ID: "RT002", Slug: "container-privileged", Title: "Container is privileged",
	Severity: finding.Critical, Kind: finding.KindContainer,
	Checklist: []string{"runtime.capabilities"}, CIS: []string{"5.5"}, OWASP: []string{"D04"},
	Rationale: "--privileged gives every capability and every host device: root on the host.",
	Fix:       "Remove --privileged; add the single capability or device needed.",
	Bad:       []finding.Example{ctrEx(`{"HostConfig": {"Privileged": true}}`)},
	Good:      []finding.Example{ctrEx(`{}`)},
}, func(p *Pass) {
	if p.ins().HostConfig.Privileged {
		p.Report(p.ctrAt("HostConfig.Privileged"), "privileged", "the container runs privileged")
	}
})

var _ = register(finding.Rule{
	ID: "RT003", Slug: "container-caps-not-dropped", Title: "Capabilities not dropped",
	Severity: finding.Medium, Kind: finding.KindContainer,
	Checklist: []string{"runtime.capabilities"}, CIS: []string{"5.4"}, OWASP: []string{"D04"},
	Rationale: "Docker's default capability set is more than an app needs.",
	Fix:       "--cap-drop ALL, then --cap-add only what is required.",
	Bad:       []finding.Example{ctrEx(`{"HostConfig": {"CapDrop": null}}`), ctrEx(`{"HostConfig": {"CapDrop": ["NET_RAW"]}}`)},
	Good:      []finding.Example{ctrEx(`{}`)},
}, func(p *Pass) {
	hc := p.ins().HostConfig
	if hc.Privileged {
		return
	}
	for _, c := range hc.CapDrop {
		if strings.EqualFold(strings.TrimPrefix(strings.ToUpper(c), "CAP_"), "ALL") {
			return
		}
	}
	msg := "CapDrop does not include ALL"
	if len(hc.CapDrop) > 0 {
		msg = fmt.Sprintf("CapDrop is %s, not ALL", strings.Join(hc.CapDrop, ", "))
	}
	p.Report(p.ctrAt("HostConfig.CapDrop"), "capdrop", msg)
})

var _ = register(finding.Rule{
	ID: "RT004", Slug: "container-dangerous-capability", Title: "Dangerous capability added",
	Severity: finding.High, Kind: finding.KindContainer,
	Checklist: []string{"runtime.capabilities"}, CIS: []string{"5.4"}, OWASP: []string{"D04"},
	Rationale: "SYS_ADMIN, SYS_PTRACE, NET_ADMIN and the like let a process escape or control the host.",
	Fix:       "Remove the capability from --cap-add.",
	Bad:       []finding.Example{ctrEx(`{"HostConfig": {"CapAdd": ["SYS_ADMIN"]}}`)},
	Good:      []finding.Example{ctrEx(`{"HostConfig": {"CapAdd": ["NET_BIND_SERVICE"]}}`)},
}, func(p *Pass) {
	for _, c := range p.ins().HostConfig.CapAdd {
		if n, sev, bad := DangerousCapability(c); bad {
			p.ReportSeverity(sev, p.ctrAt("HostConfig.CapAdd"), "capadd:"+n, "capability "+n+" is added")
		}
	}
})

var _ = register(finding.Rule{
	ID: "RT005", Slug: "container-no-new-privileges", Title: "no-new-privileges not set",
	Severity: finding.Medium, Kind: finding.KindContainer,
	Checklist: []string{"runtime.capabilities"}, CIS: []string{"5.26"}, OWASP: []string{"D04"},
	Rationale: "Without no-new-privileges, setuid binaries can raise a process's privileges.",
	Fix:       "--security-opt no-new-privileges (compose: security_opt: [no-new-privileges:true]).",
	Bad:       []finding.Example{ctrEx(`{"HostConfig": {"SecurityOpt": null}}`)},
	Good:      []finding.Example{ctrEx(`{}`), ctrEx(`{"HostConfig": {"SecurityOpt": ["no-new-privileges:true"]}}`)},
}, func(p *Pass) {
	v, ok := securityOpt(p.ins().HostConfig.SecurityOpt, "no-new-privileges")
	if !ok {
		// A daemon-wide default does not show in the container's
		// SecurityOpt, though the kernel applies it (NoNewPrivs: 1).
		if d := p.Ext.Daemon; d != nil && d.NoNewPrivileges.Set && d.NoNewPrivileges.V {
			p.Evidence("runtime.capabilities", p.ctrAt("HostConfig.SecurityOpt"), "no-new-privileges comes from the daemon default ("+d.NoNewPrivileges.Loc.String()+")")
			return
		}
	}
	if !ok || !strings.EqualFold(v, "true") {
		p.Report(p.ctrAt("HostConfig.SecurityOpt"), "nnp", "no-new-privileges is not set")
	}
})

var _ = register(finding.Rule{
	ID: "RT006", Slug: "container-unconfined", Title: "seccomp or AppArmor unconfined",
	Severity: finding.High, Kind: finding.KindContainer,
	Checklist: []string{"runtime.capabilities"}, CIS: []string{"5.22", "5.2"}, OWASP: []string{"D04"},
	Rationale: "The default seccomp and AppArmor profiles block dangerous syscalls and mounts.",
	Fix:       "Remove seccomp=unconfined / apparmor=unconfined.",
	Bad:       []finding.Example{ctrEx(`{"HostConfig": {"SecurityOpt": ["no-new-privileges", "seccomp=unconfined"]}}`)},
	Good:      []finding.Example{ctrEx(`{}`)},
}, func(p *Pass) {
	for _, n := range []string{"seccomp", "apparmor"} {
		if v, ok := securityOpt(p.ins().HostConfig.SecurityOpt, n); ok && strings.EqualFold(v, "unconfined") {
			p.Report(p.ctrAt("HostConfig.SecurityOpt"), n, n+" is unconfined")
		}
	}
})

var _ = register(finding.Rule{
	ID: "RT007", Slug: "container-devices", Title: "Host devices mapped",
	Severity: finding.Medium, Kind: finding.KindContainer,
	Checklist: []string{"runtime.capabilities"}, CIS: []string{"5.18"}, OWASP: []string{"D04"},
	Rationale: "A host device gives direct access to hardware or kernel interfaces.",
	Fix:       "Remove --device unless the container is a hardware driver.",
	Bad:       []finding.Example{ctrEx(`{"HostConfig": {"Devices": [{"PathOnHost": "/dev/fuse", "PathInContainer": "/dev/fuse", "CgroupPermissions": "rwm"}]}}`)},
	Good:      []finding.Example{ctrEx(`{}`)},
}, func(p *Pass) {
	for _, d := range p.ins().HostConfig.Devices {
		p.Report(p.ctrAt("HostConfig.Devices"), "device:"+d.PathOnHost, "host device "+d.PathOnHost+" is mapped")
	}
})

var _ = register(finding.Rule{
	ID: "RT008", Slug: "container-writable-rootfs", Title: "Root filesystem writable",
	Severity: finding.Medium, Kind: finding.KindContainer,
	Checklist: []string{"runtime.read-only"}, CIS: []string{"5.13"}, OWASP: []string{"D09"},
	Rationale: "A writable root lets an intruder modify the app and persist.",
	Fix:       "--read-only with --tmpfs /tmp.",
	Bad:       []finding.Example{ctrEx(`{"HostConfig": {"ReadonlyRootfs": false}}`)},
	Good:      []finding.Example{ctrEx(`{}`)},
}, func(p *Pass) {
	if !p.ins().HostConfig.ReadonlyRootfs {
		p.Report(p.ctrAt("HostConfig.ReadonlyRootfs"), "rootfs", "the root filesystem is writable")
	}
})

var _ = register(finding.Rule{
	ID: "RT009", Slug: "container-no-limits", Title: "Resource limits missing",
	Severity: finding.Medium, Kind: finding.KindContainer,
	Checklist: []string{"runtime.resource-limits"}, CIS: []string{"5.11", "5.12", "5.29"}, OWASP: []string{"D07"},
	Rationale: "Without memory, CPU and pids limits one container can starve the host.",
	Fix:       "--memory 512m --cpus 1 --pids-limit 100.",
	Bad:       []finding.Example{ctrEx(`{"HostConfig": {"Memory": 0, "NanoCpus": 0, "PidsLimit": 0}}`), ctrEx(`{"HostConfig": {"PidsLimit": -1}}`)},
	Good:      []finding.Example{ctrEx(`{}`), ctrEx(`{"HostConfig": {"NanoCpus": 0, "CpuQuota": 50000, "CpuPeriod": 100000}}`)},
}, func(p *Pass) {
	hc := p.ins().HostConfig
	var missing []string
	if hc.Memory <= 0 {
		missing = append(missing, "memory (5.11)")
	}
	if hc.NanoCPUs <= 0 && hc.CPUQuota <= 0 && hc.CPUShares <= 0 && hc.CpusetCpus == "" {
		missing = append(missing, "CPU (5.12)")
	}
	if hc.PidsLimit == nil || *hc.PidsLimit <= 0 {
		missing = append(missing, "pids (5.29)")
	}
	if len(missing) > 0 {
		p.Report(p.ctrAt("HostConfig.Resources"), "limits", "no "+strings.Join(missing, ", ")+" limit")
	}
})

var _ = register(finding.Rule{
	ID: "RT010", Slug: "container-health", Title: "No health check, or unhealthy",
	Severity: finding.Low, Kind: finding.KindContainer,
	Checklist: []string{"runtime.health-checks"}, CIS: []string{"5.27"}, OWASP: []string{"D04"},
	Rationale: "Without a health check nothing notices a hung app; an unhealthy container is failing right now.",
	Fix:       "Add a HEALTHCHECK (or --health-cmd); investigate unhealthy containers.",
	Bad:       []finding.Example{ctrEx(`{"Config": {"Healthcheck": null}, "State": {"Health": null}}`), ctrEx(`{"State": {"Running": true, "Health": {"Status": "unhealthy", "FailingStreak": 3}}}`)},
	Good:      []finding.Example{ctrEx(`{}`)},
}, func(p *Pass) {
	ins := p.ins()
	hc := ins.Config.Healthcheck
	if hc == nil || len(hc.Test) == 0 || hc.Test[0] == "NONE" {
		p.Report(p.ctrAt("Config.Healthcheck"), "health", "no health check is configured")
		return
	}
	if ins.State.Health != nil && ins.State.Health.Status == "unhealthy" {
		p.ReportSeverity(finding.High, p.ctrAt("State.Health"), "unhealthy", fmt.Sprintf("the container is unhealthy (failing streak %d)", ins.State.Health.FailingStreak))
	}
})

var _ = register(finding.Rule{
	ID: "RT011", Slug: "container-host-namespace", Title: "Host namespace shared",
	Severity: finding.High, Kind: finding.KindContainer,
	Checklist: []string{"runtime.network-isolation"}, CIS: []string{"5.10", "5.16", "5.17", "5.21", "5.31"}, OWASP: []string{"D03"},
	Rationale: "Sharing the host's network, PID, IPC, UTS or user namespace removes isolation from the host.",
	Fix:       "Remove --network host / --pid host / --ipc host / --uts host / --userns host.",
	Bad:       []finding.Example{ctrEx(`{"HostConfig": {"NetworkMode": "host"}}`), ctrEx(`{"HostConfig": {"PidMode": "host"}}`)},
	Good:      []finding.Example{ctrEx(`{}`)},
}, func(p *Pass) {
	hc := p.ins().HostConfig
	for _, ns := range []struct{ field, name, mode string }{
		{"HostConfig.NetworkMode", "network", string(hc.NetworkMode)}, {"HostConfig.PidMode", "PID", string(hc.PidMode)},
		{"HostConfig.IpcMode", "IPC", string(hc.IpcMode)}, {"HostConfig.UTSMode", "UTS", string(hc.UTSMode)},
		{"HostConfig.UsernsMode", "user", string(hc.UsernsMode)},
	} {
		if ns.mode == "host" {
			p.Report(p.ctrAt(ns.field), "ns:"+ns.name, "shares the host "+ns.name+" namespace")
		}
	}
})

var _ = register(finding.Rule{
	ID: "RT012", Slug: "container-port-all-interfaces", Title: "Port published on all interfaces",
	Severity: finding.Low, Kind: finding.KindContainer,
	Checklist: []string{"runtime.network-isolation"}, CIS: []string{"5.14"}, OWASP: []string{"D03"},
	Rationale: "A port bound to 0.0.0.0 is reachable from every network the host is on, past host firewalls.",
	Fix:       "Bind to one address: -p 127.0.0.1:8080:80.",
	Bad:       []finding.Example{ctrEx(`{"HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}}}`)},
	Good:      []finding.Example{ctrEx(`{"HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]}}}`)},
}, func(p *Pass) {
	for _, pb := range sortedBindings(p) {
		if pb.hostIP == "" || pb.hostIP == "0.0.0.0" || pb.hostIP == "::" {
			p.Report(p.ctrAt("HostConfig.PortBindings"), "port:"+pb.port, fmt.Sprintf("container port %s is published on all interfaces (host port %s)", pb.port, pb.hostPort))
		}
	}
})

type binding struct{ port, hostIP, hostPort string }

func sortedBindings(p *Pass) []binding {
	var out []binding
	for port, bs := range p.ins().HostConfig.PortBindings {
		for _, b := range bs {
			out = append(out, binding{string(port), b.HostIP, b.HostPort})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].port+out[i].hostPort < out[j].port+out[j].hostPort })
	return out
}

var _ = register(finding.Rule{
	ID: "RT013", Slug: "container-privileged-port", Title: "Privileged host port mapped",
	Severity: finding.Low, Kind: finding.KindContainer,
	Checklist: []string{"runtime.network-isolation"}, CIS: []string{"5.8"}, OWASP: []string{"D03"},
	Rationale: "Host ports below 1024 are reserved for system services; only a TLS proxy should take 80/443.",
	Fix:       "Map to a port >= 1024, or publish 80/443 only from the proxy.",
	Bad:       []finding.Example{ctrEx(`{"HostConfig": {"PortBindings": {"8000/tcp": [{"HostIp": "127.0.0.1", "HostPort": "25"}]}}}`)},
	Good:      []finding.Example{ctrEx(`{"HostConfig": {"PortBindings": {"8000/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8000"}]}}}`)},
}, func(p *Pass) {
	for _, pb := range sortedBindings(p) {
		if n, err := strconv.Atoi(pb.hostPort); err == nil && n > 0 && n < 1024 && n != 80 && n != 443 {
			p.Report(p.ctrAt("HostConfig.PortBindings"), "privport:"+pb.hostPort, fmt.Sprintf("host port %d (below 1024) maps to %s", n, pb.port))
		}
	}
})

var _ = register(finding.Rule{
	ID: "RT014", Slug: "container-sensitive-mount", Title: "Sensitive host path or Docker socket mounted",
	Severity: finding.High, Kind: finding.KindContainer,
	Checklist: []string{"runtime.capabilities"}, CIS: []string{"5.6", "5.32"}, OWASP: []string{"D04"},
	Rationale: "The Docker socket is root on the host; /, /etc, /proc, /sys and similar expose or let the container change the host.",
	Fix:       "Mount only the app's own data directories; never the Docker socket.",
	Bad:       []finding.Example{ctrEx(`{"Mounts": [{"Type": "bind", "Source": "/var/run/docker.sock", "Destination": "/var/run/docker.sock", "RW": true}]}`), ctrEx(`{"Mounts": [{"Type": "bind", "Source": "/etc", "Destination": "/host/etc", "RW": false}]}`)},
	Good:      []finding.Example{ctrEx(`{"Mounts": [{"Type": "volume", "Name": "data", "Source": "/var/lib/docker/volumes/data/_data", "Destination": "/data", "RW": true}]}`)},
}, func(p *Pass) {
	for _, m := range p.ins().Mounts {
		if m.Type != "bind" {
			continue
		}
		switch {
		case DockerSocket(m.Source):
			p.ReportSeverity(finding.Critical, p.ctrAt("Mounts"), "sock:"+m.Source, "the Docker socket "+m.Source+" is mounted (CIS 5.32)")
		case SensitiveHostPath(m.Source):
			sev, mode := finding.High, "read-write"
			if !m.RW {
				sev, mode = finding.Medium, "read-only"
			}
			p.ReportSeverity(sev, p.ctrAt("Mounts"), "bind:"+m.Source, fmt.Sprintf("host path %s is mounted %s at %s", m.Source, mode, m.Destination))
		}
	}
})

var _ = register(finding.Rule{
	ID: "RT015", Slug: "container-mount-propagation", Title: "Shared mount propagation",
	Severity: finding.Medium, Kind: finding.KindContainer,
	Checklist: []string{"runtime.capabilities"}, CIS: []string{"5.20"}, OWASP: []string{"D04"},
	Rationale: "shared propagation lets mounts made in the container appear on the host.",
	Fix:       "Use the default private propagation.",
	Bad:       []finding.Example{ctrEx(`{"Mounts": [{"Type": "bind", "Source": "/srv/data", "Destination": "/data", "RW": true, "Propagation": "rshared"}]}`)},
	Good:      []finding.Example{ctrEx(`{"Mounts": [{"Type": "bind", "Source": "/srv/data", "Destination": "/data", "RW": true, "Propagation": "rprivate"}]}`)},
}, func(p *Pass) {
	for _, m := range p.ins().Mounts {
		if m.Propagation == "shared" || m.Propagation == "rshared" {
			p.Report(p.ctrAt("Mounts"), "prop:"+m.Destination, fmt.Sprintf("%s is mounted with %s propagation", m.Destination, m.Propagation))
		}
	}
})

var _ = register(finding.Rule{
	ID: "RT016", Slug: "container-default-bridge", Title: "Container on the default bridge",
	Severity: finding.Info, Kind: finding.KindContainer,
	Checklist: []string{"runtime.network-isolation"}, CIS: []string{"5.30"}, OWASP: []string{"D03"},
	Rationale: "On the default bridge every container can reach every other; user-defined networks isolate groups of containers.",
	Fix:       "Attach the container to a user-defined network (compose does this for you).",
	Bad:       []finding.Example{ctrEx(`{"HostConfig": {"NetworkMode": "default"}, "NetworkSettings": {"Networks": {"bridge": {}}}}`)},
	Good:      []finding.Example{ctrEx(`{}`)},
}, func(p *Pass) {
	if _, ok := p.ins().NetworkSettings.Networks["bridge"]; ok {
		p.Report(p.ctrAt("NetworkSettings.Networks"), "bridge", "attached to the default bridge network")
	}
})

var _ = register(finding.Rule{
	ID: "RT017", Slug: "container-restart-policy", Title: "Restart policy none or always",
	Severity: finding.Low, Kind: finding.KindContainer, Advisory: true,
	Checklist: []string{"runtime.resource-limits"}, CIS: []string{"5.15"}, OWASP: []string{"D07"},
	Rationale: "No policy leaves a crashed service down; `always` restarts a crash loop forever.",
	Fix:       "--restart on-failure:5 or unless-stopped.",
	Bad:       []finding.Example{ctrEx(`{"HostConfig": {"RestartPolicy": {"Name": "no"}}}`), ctrEx(`{"HostConfig": {"RestartPolicy": {"Name": "always"}}}`)},
	Good:      []finding.Example{ctrEx(`{}`), ctrEx(`{"HostConfig": {"RestartPolicy": {"Name": "unless-stopped"}}}`)},
}, func(p *Pass) {
	rp := p.ins().HostConfig.RestartPolicy
	switch rp.Name {
	case "", "no":
		p.Report(p.ctrAt("HostConfig.RestartPolicy"), "restart", "no restart policy")
	case "always":
		p.Report(p.ctrAt("HostConfig.RestartPolicy"), "restart", "restart policy always restarts even a crash loop")
	}
})

var _ = register(finding.Rule{
	ID: "RT018", Slug: "container-secret-env", Title: "Secret in container environment",
	Severity: finding.High, Kind: finding.KindContainer,
	Checklist: []string{"secrets.no-hardcoded", "secrets.injected"}, OWASP: []string{"D06"},
	Rationale: "Environment variables are visible to anyone who can inspect the container, and to every process in it; files under /run/secrets are not.",
	Fix:       "Pass secrets as Docker secrets (files) and read them with get_secret(); keep only *_FILE paths in the environment.",
	Bad:       []finding.Example{ctrEx(`{"Config": {"Env": ["SECRET_KEY=mysecretkey123"]}}`)},
	Good:      []finding.Example{ctrEx(`{"Config": {"Env": ["SECRET_KEY_FILE=/run/secrets/secret_key"]}}`)},
}, func(p *Pass) {
	judgeEnv(p.ins().Config.Env, secretKV, func(k, msg string) { p.Report(p.ctrAt("Config.Env"), "env:"+k, msg) })
})

var _ = register(finding.Rule{
	ID: "RT019", Slug: "container-sshd", Title: "sshd running in the container",
	Severity: finding.Medium, Kind: finding.KindContainer,
	Checklist: []string{"runtime.network-isolation"}, CIS: []string{"5.7"}, OWASP: []string{"D03"},
	Rationale: "An SSH daemon is a second way in, with its own credentials, outside the engine's control.",
	Fix:       "Remove sshd; use docker exec.",
	Bad:       []finding.Example{ctrExProc(`{}`, `[{"PID": 10, "UID": 1000, "Command": "/usr/sbin/sshd -D"}]`)},
	Good:      []finding.Example{ctrExProc(`{}`, `[{"PID": 10, "UID": 1000, "Command": "python app.py"}]`)},
}, func(p *Pass) {
	for _, pr := range p.Ext.Container.Processes {
		if firstWord(pr.Command) == "sshd" {
			p.Report(p.ctrAt("Processes"), "sshd", fmt.Sprintf("sshd is running (pid %d)", pr.PID))
			return
		}
	}
})

var _ = register(finding.Rule{
	ID: "RT020", Slug: "container-debug-env", Title: "Debug or development mode in container environment",
	Severity: finding.Medium, Kind: finding.KindContainer,
	Checklist: []string{"runtime.debug-disabled", "secrets.not-exposed"}, OWASP: []string{"D04"},
	Rationale: "Debug modes expose tracebacks and consoles to anyone who reaches the service.",
	Fix:       "Run with DEBUG=false and ENVIRONMENT=production.",
	Bad:       []finding.Example{ctrEx(`{"Config": {"Env": ["DEBUG=1"]}}`)},
	Good:      []finding.Example{ctrEx(`{"Config": {"Env": ["DEBUG=false"]}}`)},
}, func(p *Pass) {
	judgeEnv(p.ins().Config.Env, DebugSetting, func(k, msg string) { p.Report(p.ctrAt("Config.Env"), "env:"+k, msg) })
})
