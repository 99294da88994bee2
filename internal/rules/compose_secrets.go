package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/secrets"
)

var _ = register(finding.Rule{
	ID: "DC018", Slug: "secret-in-compose-environment", Title: "Secret hardcoded in compose environment",
	Severity: finding.High, Kind: finding.KindCompose,
	Checklist: []string{"secrets.no-hardcoded", "secrets.injected"}, OWASP: []string{"D06"},
	Rationale: "A literal secret in a compose file is committed to the repository and visible in `docker inspect`.",
	Fix:       "Use ${VAR} interpolation from the deployment environment, or a Docker secret (secrets: + /run/secrets/<name>).",
	Bad: []finding.Example{
		composeEx(svcYAML("api", hardenedService+"    environment:\n      SECRET_KEY: mysecretkey123\n")),
		composeEx(svcYAML("api", hardenedService+"    environment:\n      - DATABASE_URL=postgresql://app:hunter2@db/app\n")),
	},
	Good: []finding.Example{
		composeEx(svcYAML("api", hardenedService+"    environment:\n      - DATABASE_URL=${DATABASE_URL}\n      - SECRET_KEY=${SECRET_KEY:?set SECRET_KEY}\n")),
		composeEx(svcYAML("api", hardenedService+"    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n")),
	},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		raw := s.RawEnv()
		keys := make([]string, 0, len(raw))
		for k := range raw {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			rv := raw[k]
			loc := p.svcAt(s, "environment", k)
			if rv.Interpolated {
				if secrets.SecretName(k) {
					p.Evidence("secrets.injected", loc, fmt.Sprintf("service %s takes %s from the environment", s.Name, k))
				}
				continue
			}
			if red, ok := secrets.URLWithPassword(rv.Text); ok {
				p.ReportFix(loc, svcKey(s, "env:"+k), fmt.Sprintf("service %s: %s holds a connection string with a literal password (%s)", s.Name, k, red), composeSecretFix(k))
				continue
			}
			if secrets.SecretName(k) && secrets.LiteralSecretValue(k, rv.Text) {
				p.ReportFix(loc, svcKey(s, "env:"+k), fmt.Sprintf("service %s: %s has a literal secret value (%s)", s.Name, k, secrets.Redact(rv.Text)), composeSecretFix(k))
			}
		}
		for _, ref := range s.SecretRefs() {
			loc := p.svcAt(s, "secrets", ref.Source)
			msg := fmt.Sprintf("service %s receives secret %s as a file", s.Name, ref.Source)
			if ref.Mode != nil {
				msg += fmt.Sprintf(" (mode %#o)", *ref.Mode)
			}
			p.Evidence("secrets.injected", loc, msg)
		}
	})
})

var _ = register(finding.Rule{
	ID: "DC024", Slug: "service-image-unpinned", Title: "Service image untagged or latest",
	Severity: finding.Medium, Kind: finding.KindCompose,
	Checklist: []string{"build.pinned-versions"}, OWASP: []string{"D08"},
	Rationale: "An untagged or :latest image changes under you: a redeploy can bring a different major version.",
	Fix:       "Pin a version tag (postgres:16.4), ideally with a digest.",
	Bad:       []finding.Example{composeEx("services:\n  db:\n    image: postgres\n"), composeEx("services:\n  db:\n    image: redis:latest\n")},
	Good:      []finding.Example{composeEx("services:\n  db:\n    image: postgres:16.4\n")},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		if _, builds := s.BuildSpec(); builds || s.Image == "" {
			return // the image is what the build produces
		}
		if raw, ok := s.Raw("image"); ok && raw.Interpolated {
			return
		}
		b, ok := parseImageRef(s.Image)
		if !ok || b.Digest != "" {
			return
		}
		switch b.Tag {
		case "":
			p.ReportFix(p.svcAt(s, "image"), svcKey(s, "image"), fmt.Sprintf("service %s uses image %s without a tag", s.Name, s.Image), pinImageFix(s.Image))
		case "latest":
			p.ReportFix(p.svcAt(s, "image"), svcKey(s, "image"), fmt.Sprintf("service %s uses the moving tag %s", s.Name, s.Image), pinImageFix(strings.TrimSuffix(s.Image, ":latest")))
		}
	})
})

// pinImageFix tells to pin the image that was found, not an example one.
func pinImageFix(repo string) string {
	return fmt.Sprintf("Pin a version tag (%s:<version>, the release you run), ideally with a digest (%s:<version>@sha256:...).", repo, repo)
}

// composeSecretFix names the variable that was found.
func composeSecretFix(key string) string {
	return fmt.Sprintf("%s: ${%s} (interpolated from the deployment environment), or a Docker secret: secrets: [%s] and %s_FILE=/run/secrets/%s.",
		key, key, strings.ToLower(key), key, strings.ToLower(key))
}
