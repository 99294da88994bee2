package rules

import (
	"fmt"
	"strings"

	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/finding"
)

var _ = register(finding.Rule{
	ID: "DC001", Slug: "privileged-container", Title: "Service runs privileged",
	Severity: finding.Critical, Kind: finding.KindCompose,
	Equivalents: map[string][]string{"kics": {"ae5b6871-7f45-42e0-bb4c-ab300c4d2026"}},
	Checklist:   []string{"runtime.capabilities"}, CIS: []string{"5.5"}, OWASP: []string{"D04"},
	Rationale: "privileged: true gives the container every capability and all host devices: it is root on the host.",
	Fix:       "Remove privileged: true and add only the specific capability or device the service needs.",
	Bad:       []finding.Example{composeEx(svcYAML("api", hardenedService+"    privileged: true\n"))},
	Good:      []finding.Example{composeEx(svcYAML("api", hardenedService))},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		if s.Privileged {
			p.Report(p.svcAt(s, "privileged"), svcKey(s, "privileged"), fmt.Sprintf("service %s runs privileged", s.Name))
		}
	})
})

var _ = register(finding.Rule{
	ID: "DC002", Slug: "capabilities-not-dropped", Title: "Capabilities not dropped",
	Severity: finding.Medium, Kind: finding.KindCompose,
	Equivalents: map[string][]string{"kics": {"ce76b7d0-9e77-464d-b86f-c5c48e03e22d"}},
	Checklist:   []string{"runtime.capabilities"}, CIS: []string{"5.4"}, OWASP: []string{"D04"},
	Rationale: "Docker's default capability set (CHOWN, SETUID, NET_RAW, ...) is more than a web app needs; each one widens an escape.",
	Fix:       "cap_drop: [ALL], then cap_add only what is needed (e.g. NET_BIND_SERVICE for ports below 1024).",
	Bad:       []finding.Example{composeEx(svcYAML("api", strings.Replace(hardenedService, "    cap_drop: [ALL]\n", "", 1)))},
	Good:      []finding.Example{composeEx(svcYAML("api", hardenedService+"    cap_add: [NET_BIND_SERVICE]\n"))},
}, func(p *Pass) {
	p.eachComplete(func(s compose.Service) {
		if !s.DropsAllCapabilities() && !s.Privileged {
			at := p.missingAt(s, "cap_drop")
			msg := fmt.Sprintf("service %s keeps Docker's default capabilities (no cap_drop: [ALL])", s.Name)
			if len(s.CapDrop) > 0 {
				msg = fmt.Sprintf("service %s drops only %s, not ALL", s.Name, quoted(s.CapDrop))
			}
			p.Report(at, svcKey(s, "cap_drop"), msg)
		}
	})
})

// dangerousCaps are capabilities that amount to host control.
var dangerousCaps = map[string]finding.Severity{
	"ALL": finding.Critical, "SYS_ADMIN": finding.Critical, "SYS_MODULE": finding.Critical, "SYS_RAWIO": finding.Critical,
	"SYS_PTRACE": finding.High, "NET_ADMIN": finding.High, "DAC_READ_SEARCH": finding.High, "SYS_BOOT": finding.High,
	"MAC_ADMIN": finding.High, "MAC_OVERRIDE": finding.High, "SYSLOG": finding.Medium, "SYS_TIME": finding.Medium,
	"BPF": finding.High, "PERFMON": finding.Medium, "NET_RAW": finding.Medium, "DAC_OVERRIDE": finding.Medium,
}

// DangerousCapability normalises a capability name and grades it.
func DangerousCapability(c string) (string, finding.Severity, bool) {
	n := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(c)), "CAP_")
	sev, ok := dangerousCaps[n]
	return n, sev, ok
}

var _ = register(finding.Rule{
	ID: "DC003", Slug: "dangerous-capability", Title: "Dangerous capability added",
	Severity: finding.High, Kind: finding.KindCompose,
	Equivalents: map[string][]string{"kics": {"ce76b7d0-9e77-464d-b86f-c5c48e03e22d"}},
	Checklist:   []string{"runtime.capabilities"}, CIS: []string{"5.4"}, OWASP: []string{"D04"},
	Rationale: "SYS_ADMIN, SYS_PTRACE, NET_ADMIN and friends let a process reconfigure the kernel, trace others or escape the container.",
	Fix:       "Remove the capability; if a feature needs it, move that feature to a separate, isolated helper.",
	Bad:       []finding.Example{composeEx(svcYAML("api", hardenedService+"    cap_add: [SYS_ADMIN]\n"))},
	Good:      []finding.Example{composeEx(svcYAML("api", hardenedService+"    cap_add: [NET_BIND_SERVICE]\n"))},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		for _, c := range s.CapAdd {
			if n, sev, bad := DangerousCapability(c); bad {
				p.ReportSeverity(sev, p.svcAt(s, "cap_add", c), svcKey(s, "cap_add:"+n), fmt.Sprintf("service %s adds capability %s", s.Name, n))
			}
		}
	})
})

var _ = register(finding.Rule{
	ID: "DC004", Slug: "no-new-privileges-missing", Title: "no-new-privileges not set",
	Severity: finding.Medium, Kind: finding.KindCompose,
	Equivalents: map[string][]string{"kics": {"27fcc7d6-c49b-46e0-98f1-6c082a6a2750"}},
	Checklist:   []string{"runtime.capabilities"}, CIS: []string{"5.26"}, OWASP: []string{"D04"},
	Rationale: "Without no-new-privileges a setuid binary in the image can raise a process back to root.",
	Fix:       "security_opt: [\"no-new-privileges:true\"]",
	Bad:       []finding.Example{composeEx(svcYAML("api", strings.Replace(hardenedService, "    security_opt: [\"no-new-privileges:true\"]\n", "", 1)))},
	Good:      []finding.Example{composeEx(svcYAML("api", hardenedService))},
}, func(p *Pass) {
	p.eachComplete(func(s compose.Service) {
		v, ok := s.SecurityOption("no-new-privileges")
		if !ok || !strings.EqualFold(v, "true") {
			p.Report(p.missingAt(s, "security_opt"), svcKey(s, "no-new-privileges"), fmt.Sprintf("service %s does not set no-new-privileges:true", s.Name))
		}
	})
})

var _ = register(finding.Rule{
	ID: "DC017", Slug: "security-profile-unconfined", Title: "seccomp or AppArmor disabled",
	Severity: finding.High, Kind: finding.KindCompose,
	Checklist: []string{"runtime.capabilities"}, CIS: []string{"5.22", "5.2"}, OWASP: []string{"D04"},
	Rationale: "The default seccomp and AppArmor profiles block dozens of dangerous syscalls; unconfined removes that layer.",
	Fix:       "Remove seccomp:unconfined / apparmor:unconfined, or supply a custom profile that allows only what is needed.",
	Bad:       []finding.Example{composeEx(svcYAML("api", strings.Replace(hardenedService, `["no-new-privileges:true"]`, `["no-new-privileges:true", "seccomp:unconfined"]`, 1)))},
	Good:      []finding.Example{composeEx(svcYAML("api", hardenedService))},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		for _, name := range []string{"seccomp", "apparmor"} {
			if v, ok := s.SecurityOption(name); ok && strings.EqualFold(v, "unconfined") {
				p.Report(p.svcAt(s, "security_opt"), svcKey(s, name), fmt.Sprintf("service %s runs with %s unconfined", s.Name, name))
			}
		}
	})
})

var _ = register(finding.Rule{
	ID: "DC021", Slug: "host-device-mapped", Title: "Host device mapped into the container",
	Severity: finding.Medium, Kind: finding.KindCompose,
	Checklist: []string{"runtime.capabilities"}, CIS: []string{"5.18"}, OWASP: []string{"D04"},
	Rationale: "A host device node gives the container direct access to hardware or kernel interfaces.",
	Fix:       "Remove devices: unless the service is a hardware driver; never map disks or /dev/mem.",
	Bad:       []finding.Example{composeEx(svcYAML("api", hardenedService+"    devices: [\"/dev/sda:/dev/sda\"]\n"))},
	Good:      []finding.Example{composeEx(svcYAML("api", hardenedService))},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		for i, d := range s.Devices {
			p.Report(p.svcAt(s, "devices", fmt.Sprint(i)), svcKey(s, "device:"+d.Source), fmt.Sprintf("service %s maps host device %s", s.Name, d.Source))
		}
	})
})
