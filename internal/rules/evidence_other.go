package rules

import (
	"fmt"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
)

// Evidence of the image, container and Python rules. Each of these rules
// reads one whole artifact, so no finding means it saw the practice done;
// the evidence still says what it saw.

// Built images.

var _ = evidence("IM001", func(p *Pass, fired []finding.Finding) {
	if u := p.imgUser(); len(fired) == 0 && u != "" && !IsRootUser(u) {
		p.Evidence("runtime.non-root", p.imgConfigAt("User"), "the image's User is "+u)
	}
})

var _ = evidence("IM008", func(p *Pass, fired []finding.Finding) {
	if len(fired) == 0 {
		p.Evidence("build.multi-stage", p.imgConfigAt("packages"), fmt.Sprintf("no compiler or build package among the image's %s", plural(len(installedPackages(p.Ext.Image)), "installed package")))
	}
})

var _ = evidence("IM011", func(p *Pass, fired []finding.Finding) {
	if len(fired) == 0 {
		p.Evidence("runtime.health-checks", p.imgConfigAt("Healthcheck"), "the image defines a health check")
	}
})

var _ = evidence("IM012", func(p *Pass, fired []finding.Finding) {
	if c := p.Ext.Image.Config; c != nil && len(fired) == 0 {
		judgeEnv(c.Config.Env, debugOff, func(k, txt string) {
			p.Evidence("runtime.debug-disabled", p.imgConfigAt("Env."+k), "the image sets "+txt)
		})
	}
})

var _ = evidence("IM003", func(p *Pass, fired []finding.Finding) {
	if len(fired) == 0 {
		p.Evidence("build.no-secrets", p.imgConfigAt("Env"), "no secret value in the image's environment")
		p.Evidence("secrets.no-hardcoded", p.imgConfigAt("Env"), "no secret value in the image's environment")
	}
})

var _ = evidence("IM004", func(p *Pass, fired []finding.Finding) {
	if len(fired) == 0 {
		p.Evidence("build.no-secrets", p.imgConfigAt("history"), "no secret in the image's history")
	}
})

var _ = evidence("IM006", func(p *Pass, fired []finding.Finding) {
	if len(fired) == 0 {
		p.Evidence("build.no-secrets", p.imgConfigAt("layers"), fmt.Sprintf("no key file or secret content in the image's %s", plural(len(p.Ext.Image.Layers), "layer")))
	}
})

var _ = evidence("IM007", func(p *Pass, fired []finding.Finding) {
	if len(fired) == 0 {
		p.Evidence("secrets.no-env-files", p.imgConfigAt("layers"), fmt.Sprintf("no .env file in any of the image's %s, deleted ones included", plural(len(p.Ext.Image.Layers), "layer")))
	}
})

// Running containers.

var _ = evidence("RT001", func(p *Pass, fired []finding.Finding) {
	if c := p.Ext.Container; len(fired) == 0 && len(c.Processes) > 0 {
		p.Evidence("runtime.non-root", p.ctrAt("Processes"), fmt.Sprintf("none of its %s runs as uid 0", plural(len(c.Processes), "process")))
	}
})

var _ = evidence("RT003", func(p *Pass, fired []finding.Finding) {
	if len(fired) == 0 && !p.ins().HostConfig.Privileged {
		p.Evidence("runtime.capabilities", p.ctrAt("HostConfig.CapDrop"), "CapDrop is ALL")
	}
})

var _ = evidence("RT005", func(p *Pass, fired []finding.Finding) {
	if len(fired) == 0 {
		p.Evidence("runtime.capabilities", p.ctrAt("HostConfig.SecurityOpt"), "no-new-privileges is set")
	}
})

var _ = evidence("RT008", func(p *Pass, fired []finding.Finding) {
	if len(fired) == 0 {
		p.Evidence("runtime.read-only", p.ctrAt("HostConfig.ReadonlyRootfs"), "the root filesystem is read-only")
	}
})

var _ = evidence("RT009", func(p *Pass, fired []finding.Finding) {
	if len(fired) == 0 {
		p.Evidence("runtime.resource-limits", p.ctrAt("HostConfig.Resources"), "memory, CPU and pids are limited")
	}
})

var _ = evidence("RT010", func(p *Pass, fired []finding.Finding) {
	if len(fired) == 0 {
		msg := "a health check is configured"
		if h := p.ins().State.Health; h != nil && h.Status != "" {
			msg += " (status " + h.Status + ")"
		}
		p.Evidence("runtime.health-checks", p.ctrAt("Config.Healthcheck"), msg)
	}
})

var _ = evidence("RT012", func(p *Pass, fired []finding.Finding) {
	bs := sortedBindings(p)
	if len(fired) > 0 || len(bs) == 0 {
		return
	}
	var ps []string
	for _, b := range bs {
		ps = append(ps, b.hostIP+":"+b.hostPort)
	}
	p.Evidence("runtime.network-isolation", p.ctrAt("HostConfig.PortBindings"), "ports are published on a host interface only ("+strings.Join(ps, ", ")+")")
})

var _ = evidence("RT020", func(p *Pass, fired []finding.Finding) {
	if len(fired) == 0 {
		judgeEnv(p.ins().Config.Env, debugOff, func(k, txt string) {
			p.Evidence("runtime.debug-disabled", p.ctrAt("Config.Env"), "the container sets "+txt)
		})
	}
})

// Python (FastAPI) source.

var _ = evidence("PY001", func(p *Pass, fired []finding.Finding) {
	if len(fired) > 0 {
		return
	}
	for _, c := range p.Ext.Python.FastAPICalls {
		a, set := c.Args["debug"]
		switch {
		case !set && !c.Spread:
			p.Evidence("runtime.debug-disabled", p.pyAt(c.Line, c.Col), fmt.Sprintf("%s(...) leaves debug at its default, False", c.Func))
		case set && strings.TrimSpace(a.Text) == "False":
			p.Evidence("runtime.debug-disabled", p.pyAt(a.Line, a.Col), fmt.Sprintf("%s(debug=False)", c.Func))
		}
		// debug=settings.debug is the settings' to decide (PY003).
	}
})

var _ = evidence("PY003", func(p *Pass, fired []finding.Finding) {
	if len(fired) > 0 {
		return
	}
	for _, sc := range p.Ext.Python.Settings {
		for _, f := range sc.Fields {
			v := f.DefaultValue()
			val := strings.TrimSpace(v.Text)
			if s, ok := v.IsStringLiteral(); ok {
				val = s
			}
			switch {
			case settingName(f.Name) == "debug" && val == "False":
				p.Evidence("runtime.debug-disabled", p.pyAt(f.Line, f.Col), fmt.Sprintf("settings class %s: debug defaults to False", sc.Name))
			case v.IsSet():
				if txt, ok := debugOff(f.Name, val); ok {
					p.Evidence("runtime.debug-disabled", p.pyAt(f.Line, f.Col), fmt.Sprintf("settings class %s defaults to %s", sc.Name, txt))
				}
			}
		}
	}
})

var _ = evidence("PY002", func(p *Pass, fired []finding.Finding) {
	if len(fired) > 0 {
		return
	}
	for _, c := range p.Ext.Python.FastAPICalls {
		if !c.Spread {
			p.Evidence("runtime.debug-disabled", p.pyAt(c.Line, c.Col), fmt.Sprintf("%s(...) turns the interactive docs off or gates them outside development", c.Func))
		}
	}
})
