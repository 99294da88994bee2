package rules

import (
	"fmt"
	"strings"

	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/finding"
)

var _ = register(finding.Rule{
	ID: "DC027", Slug: "compose-v1-format", Title: "Legacy compose file format v1",
	Severity: finding.Info, Kind: finding.KindCompose,
	Rationale: "Compose file format v1 puts services at the top level. Docker Compose v2 refuses such a file, so it either is not deployed as it is or is deployed with an unmaintained tool; hardhull audits it as the v2 file it converts to.",
	Fix:       "Move the services under a top-level `services:` key (and rename v1-only keys: net → network_mode, dockerfile → build.dockerfile, log_driver/log_opt → logging).",
	Bad:       []finding.Example{{Files: map[string]string{"docker-compose.yml": "web:\n  image: nginx:1.27\n  ports: [\"127.0.0.1:8080:80\"]\n"}}},
	Good:      []finding.Example{composeEx("services:\n  web:\n    image: nginx:1.27\n")},
}, func(p *Pass) {
	if p.Ext.Compose == nil {
		return
	}
	for _, f := range p.Ext.Compose.Legacy {
		p.Report(p.display(compose.Position{File: f, Line: 1, Column: 1}), "v1:"+f,
			"legacy compose file format v1 (services at the top level, without `services:`): Docker Compose v2 rejects this file as it is; it was audited as the v2 file it converts to")
	}
})

var _ = register(finding.Rule{
	ID: "DC031", Slug: "compose-file-shadowed", Title: "Compose file that docker compose never reads",
	Severity: finding.Info, Kind: finding.KindCompose,
	Rationale: "With several default names in one folder (compose.yaml, docker-compose.yml, docker-compose.yaml) `docker compose` reads only the first; edits to the other never take effect, and reviewers read a file that does not run. hardhull audits the file compose reads.",
	Fix:       "Delete the copy, or rename it to what it is (compose.prod.yaml) and pass it with -f.",
	Bad: []finding.Example{{Files: map[string]string{
		"docker-compose.yml":  "services:\n  web:\n    image: nginx:1.27\n",
		"docker-compose.yaml": "services:\n  web:\n    image: nginx:1.26\n",
	}}},
	Good: []finding.Example{composeEx("services:\n  web:\n    image: nginx:1.27\n")},
}, func(p *Pass) {
	if p.Ext.Compose == nil || len(p.Ext.Compose.Files) == 0 {
		return
	}
	read := p.display(compose.Position{File: p.Ext.Compose.Files[0]}).Path
	for _, f := range p.Ext.Compose.Shadowed {
		p.Report(p.display(compose.Position{File: f, Line: 1, Column: 1}), "shadowed:"+f,
			fmt.Sprintf("docker compose reads %s in this folder and never this file; it is not audited on its own (its services repeat %s's)", read, read))
	}
})

var _ = register(finding.Rule{
	ID: "DC030", Slug: "selinux-disabled", Title: "SELinux labeling disabled",
	Severity: finding.High, Kind: finding.KindCompose,
	Checklist: []string{"runtime.capabilities"}, CIS: []string{"5.3"}, OWASP: []string{"D04"},
	Rationale: "security_opt label=disable (or label:disable) turns off SELinux confinement for the container, like seccomp or AppArmor unconfined: on an SELinux host it removes the layer that keeps a compromised process off host files.",
	Fix:       "Remove label=disable; relabel bind mounts with :z or :Z instead, or set a specific type with label=type:<type>.",
	Bad:       []finding.Example{composeEx(svcYAML("api", strings.Replace(hardenedService, `["no-new-privileges:true"]`, `["no-new-privileges:true", "label=disable"]`, 1)))},
	Good:      []finding.Example{composeEx(svcYAML("api", strings.Replace(hardenedService, `["no-new-privileges:true"]`, `["no-new-privileges:true", "label=type:container_t"]`, 1)))},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		for _, o := range s.SecurityOpt {
			k, v, ok := strings.Cut(o, ":")
			if !ok {
				k, v, _ = strings.Cut(o, "=")
			}
			if strings.EqualFold(strings.TrimSpace(k), "label") && strings.EqualFold(strings.TrimSpace(v), "disable") {
				p.Report(p.svcAt(s, "security_opt", o), svcKey(s, "label"), fmt.Sprintf("service %s disables SELinux labeling (%s): the container runs unconfined by SELinux", s.Name, o))
			}
		}
	})
})
