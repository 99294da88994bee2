package rules

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/secrets"
)

// Evidence of the compose rules, service by service. A value written as
// ${VAR} that the project's environment leaves unset is the deployment's
// to decide: the item is UNKNOWN for that service, never PASS.

// rawInterpolated reports whether a service key is written with ${VAR}.
func rawInterpolated(s compose.Service, keys ...string) (compose.RawValue, bool) {
	rv, ok := s.Raw(keys...)
	return rv, ok && rv.Interpolated
}

func firedFor(fired []finding.Finding, s compose.Service) bool {
	for _, f := range fired {
		if strings.HasPrefix(f.Key, s.Name+":") {
			return true
		}
	}
	return false
}

// eachServiceEvidence runs fn for every service its rule did not report.
func (p *Pass) eachServiceEvidence(fired []finding.Finding, fn func(s compose.Service)) {
	p.eachService(func(s compose.Service) {
		if !firedFor(fired, s) {
			fn(s)
		}
	})
}

var _ = evidence("DC002", func(p *Pass, fired []finding.Finding) {
	p.eachServiceEvidence(fired, func(s compose.Service) {
		if s.DropsAllCapabilities() {
			p.Evidence("runtime.capabilities", p.svcAt(s, "cap_drop"), fmt.Sprintf("service %s drops all capabilities (cap_drop: [ALL])", s.Name))
		}
	})
})

var _ = evidence("DC004", func(p *Pass, fired []finding.Finding) {
	p.eachServiceEvidence(fired, func(s compose.Service) {
		if v, ok := s.SecurityOption("no-new-privileges"); ok && strings.EqualFold(v, "true") {
			p.Evidence("runtime.capabilities", p.svcAt(s, "security_opt"), fmt.Sprintf("service %s sets no-new-privileges:true", s.Name))
		}
	})
})

var _ = evidence("DC005", func(p *Pass, fired []finding.Finding) {
	p.eachService(func(s compose.Service) {
		switch rv, interp := rawInterpolated(s, "read_only"); {
		case s.ReadOnly:
			p.Evidence("runtime.read-only", p.svcAt(s, "read_only"), fmt.Sprintf("service %s sets read_only: true", s.Name))
		case interp:
			p.Unknown("runtime.read-only", p.svcAt(s, "read_only"), fmt.Sprintf("service %s: read_only: %s is set by the deployment", s.Name, rv.Text))
		}
	})
})

// limitKeys are the compose keys that set memory, CPU and pids limits.
var limitKeys = [][]string{{"mem_limit"}, {"cpus"}, {"pids_limit"}, {"deploy", "resources", "limits", "memory"},
	{"deploy", "resources", "limits", "cpus"}, {"deploy", "resources", "limits", "pids"}}

var _ = evidence("DC007", func(p *Pass, fired []finding.Finding) {
	p.eachService(func(s compose.Service) {
		l := s.Limits()
		if l.MemoryBytes > 0 && l.CPUs > 0 && l.Pids > 0 {
			p.Evidence("runtime.resource-limits", p.svcAt(s, "deploy", "resources", "limits"), fmt.Sprintf("service %s limits memory, CPUs and pids", s.Name))
			return
		}
		for _, k := range limitKeys {
			if rv, interp := rawInterpolated(s, k...); interp {
				p.Unknown("runtime.resource-limits", p.svcAt(s, k...), fmt.Sprintf("service %s: %s: %s is set by the deployment", s.Name, strings.Join(k, "."), rv.Text))
				return
			}
		}
	})
})

var _ = evidence("DC008", func(p *Pass, fired []finding.Finding) {
	p.eachServiceEvidence(fired, func(s compose.Service) {
		if s.Health() == compose.HealthDeclared {
			p.Evidence("runtime.health-checks", p.svcAt(s, "healthcheck"), fmt.Sprintf("service %s declares a healthcheck", s.Name))
		}
	})
})

var _ = evidence("DC010", func(p *Pass, fired []finding.Finding) {
	p.eachServiceEvidence(fired, func(s compose.Service) {
		rv, interp := rawInterpolated(s, "user")
		_, builds := s.BuildSpec()
		switch {
		case interp && (s.User == "" || strings.Contains(s.User, "$")):
			p.Unknown("runtime.non-root", p.svcAt(s, "user"), fmt.Sprintf("service %s: user: %s is set by the deployment", s.Name, rv.Text))
		case s.User != "" && !IsRootUser(s.User):
			p.Evidence("runtime.non-root", p.svcAt(s, "user"), fmt.Sprintf("service %s runs as user %s", s.Name, s.User))
		case s.User != "" || builds || s.Image == "":
			// Root is DC010's finding; a built image is judged with its
			// Dockerfile (DF001).
		case NonRootBase(s.Image):
			p.Evidence("runtime.non-root", p.svcAt(s, "image"), fmt.Sprintf("service %s uses %s, published to run as a non-root user", s.Name, s.Image))
		default:
			p.Unknown("runtime.non-root", p.svcAt(s), fmt.Sprintf("service %s sets no user: the default user of image %s applies (`hardhull image` can tell)", s.Name, imageAsWritten(s)))
		}
	})
})

// imageAsWritten is the service's image reference as the file writes it.
func imageAsWritten(s compose.Service) string {
	if rv, ok := s.Raw("image"); ok && rv.Text != "" {
		return rv.Text
	}
	return s.Image
}

var _ = evidence("DC012", func(p *Pass, fired []finding.Finding) {
	p.eachServiceEvidence(fired, func(s compose.Service) {
		if s.IsDataStore() || len(s.Ports) == 0 {
			return
		}
		for _, pc := range s.Ports {
			if compose.PublishesOnAllInterfaces(pc) {
				return
			}
		}
		var ps []string
		for _, pc := range s.Ports {
			ps = append(ps, pc.HostIP+":"+pc.Published)
		}
		p.Evidence("runtime.network-isolation", p.svcAt(s, "ports"), fmt.Sprintf("service %s publishes only on a host interface (%s)", s.Name, strings.Join(ps, ", ")))
	})
})

// literalDefault matches ${VAR:-literal} and ${VAR-literal}.
var literalDefault = regexp.MustCompile(`\$\{[A-Za-z_][A-Za-z0-9_]*:?-[^}$]+\}`)

var _ = evidence("DC018", func(p *Pass, fired []finding.Finding) {
	p.eachService(func(s compose.Service) {
		raw := s.RawEnv()
		keys := make([]string, 0, len(raw))
		for k := range raw {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if s.Has("env_file") {
			p.Evidence("secrets.injected", p.svcAt(s, "env_file"), fmt.Sprintf("service %s takes its environment from an env_file at run time, outside the image", s.Name))
		}
		named, defaulted := 0, false
		for _, k := range keys {
			rv := raw[k]
			if !rv.Interpolated && secretFileEnv(k, rv.Text) {
				p.Evidence("secrets.injected", p.svcAt(s, "environment", k), fmt.Sprintf("service %s reads %s from the Docker secret file %s", s.Name, strings.TrimSuffix(k, "_FILE"), strings.Trim(rv.Text, `"'`)))
			}
			if secrets.SecretName(k) {
				named++
				if literalDefault.MatchString(rv.Text) {
					// ${PASSWORD:-admin} ships the default whenever the
					// variable is unset: no evidence of anything.
					defaulted = true
				}
			}
		}
		switch {
		case named == 0 || defaulted || firedFor(fired, s):
		case named == 1:
			p.Evidence("secrets.no-hardcoded", p.svcAt(s, "environment"), fmt.Sprintf("service %s: its secret-named variable has no literal value", s.Name))
		default:
			p.Evidence("secrets.no-hardcoded", p.svcAt(s, "environment"), fmt.Sprintf("service %s: none of its %d secret-named variables has a literal value", s.Name, named))
		}
	})
})

var _ = evidence("DC019", func(p *Pass, fired []finding.Finding) {
	p.eachServiceEvidence(fired, func(s compose.Service) {
		for _, k := range sortedEnvKeys(s) {
			if v := s.Environment[k]; v != nil {
				if txt, ok := debugOff(k, *v); ok {
					p.Evidence("runtime.debug-disabled", p.svcAt(s, "environment", k), fmt.Sprintf("service %s sets %s", s.Name, txt))
				}
			}
		}
	})
})

var _ = evidence("DC024", func(p *Pass, fired []finding.Finding) {
	p.eachServiceEvidence(fired, func(s compose.Service) {
		if _, builds := s.BuildSpec(); builds || s.Image == "" {
			return
		}
		rv, interp := rawInterpolated(s, "image")
		if interp && (s.Image == "" || strings.Contains(s.Image, "$")) {
			p.Unknown("build.pinned-versions", p.svcAt(s, "image"), fmt.Sprintf("service %s: image %s is set by the deployment", s.Name, rv.Text))
			return
		}
		b, ok := parseImageRef(s.Image)
		switch {
		case !ok:
		case interp && b.Digest == "" && (b.Tag == "" || b.Tag == "latest"):
			// DC024 leaves interpolated references alone; the default
			// still ships a moving tag whenever the variable is unset.
			p.Unknown("build.pinned-versions", p.svcAt(s, "image"), fmt.Sprintf("service %s: image %s defaults to %s, a moving tag, unless the deployment sets it", s.Name, rv.Text, s.Image))
		case b.Digest != "":
			p.Evidence("build.pinned-versions", p.svcAt(s, "image"), fmt.Sprintf("service %s pins image %s by digest", s.Name, s.Image))
		case pinnedTag(b.Tag):
			p.Evidence("build.pinned-versions", p.svcAt(s, "image"), fmt.Sprintf("service %s pins image %s to a version tag", s.Name, s.Image))
		case b.Tag != "" && b.Tag != "latest":
			p.Unknown("build.pinned-versions", p.svcAt(s, "image"), fmt.Sprintf("service %s: image %s names a release line, not a version", s.Name, s.Image))
		}
	})
})
