package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
)

var _ = register(finding.Rule{
	ID: "IM001", Slug: "image-runs-as-root", Title: "Image runs as root",
	Severity: finding.High, Kind: finding.KindImage,
	Checklist: []string{"runtime.non-root"}, CIS: []string{"4.1"}, OWASP: []string{"D01"},
	Equivalents: map[string][]string{"dockle": {"CIS-DI-0001"}},
	Rationale:   "An image without a User (or with root/0) starts every container as uid 0 unless the runtime overrides it.",
	Fix:         "Create a user in the Dockerfile and end the final stage with USER app (or a numeric UID:GID).",
	Bad:         []finding.Example{imgEx(goodImage(map[string]string{"config.json": `{"config":{"Healthcheck":{"Test":["CMD","/app/health"]}}}`}))},
	Good:        []finding.Example{imgEx(goodImage(nil))},
}, func(p *Pass) {
	u := p.imgUser()
	if u == "" {
		p.Report(p.imgConfigAt("User"), "user:none", "the image sets no User: containers run as root")
	} else if IsRootUser(u) {
		p.Report(p.imgConfigAt("User"), "user:"+u, fmt.Sprintf("the image's User is %s", u))
	}
})

var _ = register(finding.Rule{
	ID: "IM002", Slug: "image-user-unknown", Title: "Image User does not exist in the image",
	Severity: finding.High, Kind: finding.KindImage,
	Checklist: []string{"runtime.non-root"}, CIS: []string{"4.1"}, OWASP: []string{"D01"},
	Rationale: "A named User or group missing from /etc/passwd or /etc/group makes the container fail to start (\"unable to find user\").",
	Fix:       "Create the user in the image (useradd/adduser) or use a numeric UID:GID.",
	Bad:       []finding.Example{imgEx(goodImage(map[string]string{"config.json": `{"config":{"User":"web","Healthcheck":{"Test":["CMD","/app/health"]}}}`}))},
	Good:      []finding.Example{imgEx(goodImage(nil)), imgEx(goodImage(map[string]string{"config.json": `{"config":{"User":"10001:10001","Healthcheck":{"Test":["CMD","/app/health"]}}}`}))},
}, func(p *Pass) {
	u := p.imgUser()
	if u == "" || IsRootUser(u) {
		return
	}
	name, group, _ := strings.Cut(u, ":")
	img := p.Ext.Image
	if _, err := strconv.Atoi(name); err != nil {
		if img.Lookup("/etc/passwd") == nil {
			p.Report(p.imgConfigAt("User"), "user-missing:"+name, fmt.Sprintf("User %s is a name but the image has no /etc/passwd: the container cannot start", name))
			return
		}
		found := false
		for _, pw := range img.Passwd() {
			found = found || pw.Name == name
		}
		if !found {
			p.Report(p.imgConfigAt("User"), "user-missing:"+name, fmt.Sprintf("User %s is not in the image's /etc/passwd: the container cannot start", name))
		}
	}
	if group != "" {
		if _, err := strconv.Atoi(group); err != nil {
			found := false
			for _, g := range img.Group() {
				found = found || g.Name == group
			}
			if !found {
				p.Report(p.imgConfigAt("User"), "group-missing:"+group, fmt.Sprintf("group %s is not in the image's /etc/group", group))
			}
		}
	}
})

var _ = register(finding.Rule{
	ID: "IM011", Slug: "image-no-healthcheck", Title: "Image has no health check",
	Severity: finding.Low, Kind: finding.KindImage,
	Checklist: []string{"runtime.health-checks"}, CIS: []string{"4.6"}, OWASP: []string{"D04"},
	Equivalents: map[string][]string{"dockle": {"CIS-DI-0006"}},
	Rationale:   "Without a HEALTHCHECK the engine cannot tell a hung container from a healthy one.",
	Fix:         "Add a HEALTHCHECK to the Dockerfile (or declare one where the container is run).",
	Bad:         []finding.Example{imgEx(goodImage(map[string]string{"config.json": `{"config":{"User":"app"}}`})), imgEx(goodImage(map[string]string{"config.json": `{"config":{"User":"app","Healthcheck":{"Test":["NONE"]}}}`}))},
	Good:        []finding.Example{imgEx(goodImage(nil))},
}, func(p *Pass) {
	c := p.Ext.Image.Config
	if c == nil || c.Config.Healthcheck == nil || len(c.Config.Healthcheck.Test) == 0 {
		p.Report(p.imgConfigAt("Healthcheck"), "healthcheck", "the image defines no health check")
		return
	}
	if c.Config.Healthcheck.Test[0] == "NONE" {
		p.Report(p.imgConfigAt("Healthcheck"), "healthcheck", "the image disables health checking (NONE)")
	}
})

var _ = register(finding.Rule{
	ID: "IM012", Slug: "image-debug-env", Title: "Debug or development mode in image environment",
	Severity: finding.Medium, Kind: finding.KindImage,
	Checklist: []string{"runtime.debug-disabled", "secrets.not-exposed"}, OWASP: []string{"D04"},
	Rationale: "Debug settings baked into the image apply to every container started from it.",
	Fix:       "Set DEBUG=false / ENVIRONMENT=production in the image; enable debug only at run time in development.",
	Bad:       []finding.Example{imgEx(goodImage(map[string]string{"config.json": `{"config":{"User":"app","Env":["DEBUG=true"],"Healthcheck":{"Test":["CMD","/app/health"]}}}`}))},
	Good:      []finding.Example{imgEx(goodImage(map[string]string{"config.json": `{"config":{"User":"app","Env":["DEBUG=false","ENVIRONMENT=production"],"Healthcheck":{"Test":["CMD","/app/health"]}}}`}))},
}, func(p *Pass) {
	c := p.Ext.Image.Config
	if c == nil {
		return
	}
	judgeEnv(c.Config.Env, DebugSetting, func(k, msg string) { p.Report(p.imgConfigAt("Env."+k), "env:"+k, msg) })
})

var _ = register(finding.Rule{
	ID: "IM015", Slug: "image-ssh", Title: "SSH server in the image",
	Severity: finding.Medium, Kind: finding.KindImage,
	Checklist: []string{"runtime.network-isolation"}, CIS: []string{"4.3", "5.7"}, OWASP: []string{"D03"},
	Rationale: "An SSH daemon in a container is an extra, long-lived way in with its own keys and passwords.",
	Fix:       "Remove openssh-server; use docker exec for debugging.",
	Bad:       []finding.Example{imgEx(goodImage(map[string]string{"layer0/usr/sbin/sshd": "binary\n"})), imgEx(goodImage(map[string]string{"config.json": `{"config":{"User":"app","ExposedPorts":{"22/tcp":{}},"Healthcheck":{"Test":["CMD","/app/health"]}}}`}))},
	Good:      []finding.Example{imgEx(goodImage(nil))},
}, func(p *Pass) {
	img := p.Ext.Image
	if c := img.Config; c != nil {
		if _, ok := c.Config.ExposedPorts["22/tcp"]; ok {
			p.Report(p.imgConfigAt("ExposedPorts"), "expose:22", "the image exposes port 22 (SSH)")
		}
	}
	for _, bin := range []string{"/usr/sbin/sshd", "/usr/bin/sshd", "/sbin/sshd"} {
		if e := img.Lookup(bin); e != nil {
			p.Report(p.entryAt(e), "sshd", "the image contains an SSH server ("+bin+")")
			return
		}
	}
})
