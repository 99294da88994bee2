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

var _ = register(finding.Rule{
	ID: "DC018", Slug: "secret-in-compose-environment", Title: "Secret hardcoded in compose environment",
	Severity: finding.High, Kind: finding.KindCompose,
	Checklist: []string{"secrets.no-hardcoded", "secrets.injected"}, OWASP: []string{"D06"},
	Rationale: "A literal secret in a compose file is committed to the repository and visible in `docker inspect`.",
	Fix:       "Use ${VAR} interpolation from the deployment environment, or a Docker secret (secrets: + /run/secrets/<name>).",
	Bad: []finding.Example{
		composeEx(svcYAML("api", hardenedService+"    environment:\n      SECRET_KEY: mysecretkey123\n")),
		composeEx(svcYAML("db", hardenedService+"    environment:\n      MYSQL_ROOT_PASSWORD: 123\n")),
		composeEx(svcYAML("db", hardenedService+"    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-changeme}\n")),
		composeEx(svcYAML("api", hardenedService+"    environment:\n      - DATABASE_URL=postgresql://app:hunter2@db/app\n")),
	},
	Good: []finding.Example{
		composeEx(svcYAML("api", hardenedService+"    environment:\n      - DATABASE_URL=${DATABASE_URL}\n      - SECRET_KEY=${SECRET_KEY:?set SECRET_KEY}\n")),
		composeEx(svcYAML("api", hardenedService+"    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n")),
		composeEx(svcYAML("db", hardenedService+"    environment:\n      MYSQL_ALLOW_EMPTY_PASSWORD: 1\n      MYSQL_PASSWORD: \"\"\n      POSTGRES_USER: ${POSTGRES_USER:-postgres}\n")),
	},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		// Every file's entries: alternative overlays (a MySQL one and a
		// Postgres one) each ship their own literal.
		entries := s.RawEnvEntries()
		sort.SliceStable(entries, func(i, j int) bool { return entries[i].Key < entries[j].Key })
		for _, e := range entries {
			k, rv := e.Key, e.RawValue
			loc := p.display(rv.Pos())
			if rv.Interpolated {
				if d, ok := secretDefault(k, rv.Text); ok {
					sev, what := defaultSeverity(d.value)
					p.ReportSeverity(sev, loc, svcKey(s, "env:"+k), fmt.Sprintf("service %s: %s falls back to the literal %s whenever %s is unset (`${%s%s...}`): %s shipped in the compose file", s.Name, k, secrets.Redact(d.value), d.name, d.name, d.op, what))
					continue
				}
				if secrets.SecretName(k) {
					p.Evidence("secrets.injected", loc, fmt.Sprintf("service %s takes %s from the environment", s.Name, k))
				}
				continue
			}
			if red, ok := secrets.URLWithPassword(rv.Text); ok {
				p.ReportFix(loc, svcKey(s, "env:"+k), fmt.Sprintf("service %s: %s holds a connection string with a literal password (%s)", s.Name, k, red), composeSecretFix(k))
				continue
			}
			if strings.HasSuffix(strings.ToUpper(k), "_FILE") && strings.HasPrefix(strings.TrimSpace(rv.Text), "/run/secrets/") {
				p.Evidence("secrets.injected", loc, fmt.Sprintf("service %s reads %s from a Docker secret file", s.Name, k))
				continue
			}
			if literalComposeSecret(k, rv.Text) {
				p.ReportFix(loc, svcKey(s, "env:"+k), fmt.Sprintf("service %s: %s is set to a literal secret (%s) in the compose file", s.Name, k, secrets.Redact(rv.Text)), composeSecretFix(k))
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

// literalComposeSecret reports a hardcoded secret in a compose
// environment value: what the secret detector calls one, and also the
// short numeric passwords it leaves alone in general text
// (`MYSQL_ROOT_PASSWORD: 123`), which in a password variable are a working,
// guessable password. Empty values and references are not secrets.
func literalComposeSecret(name, value string) bool {
	if !secrets.SecretName(name) {
		return false
	}
	if tokenKinds[strings.ToLower(strings.Trim(strings.TrimSpace(value), `"'`))] {
		return false // STRATEGIES_ACCESS_TOKEN=jwt names a kind of token
	}
	if secrets.LiteralSecretValue(name, value) {
		return true
	}
	v := strings.Trim(strings.TrimSpace(value), `"'`)
	return v != "" && strings.Trim(v, "0123456789") == "" && passwordName(name)
}

// tokenKinds are values that say which kind of token or auth to use, not
// a token.
var tokenKinds = map[string]bool{
	"jwt": true, "opaque": true, "bearer": true, "basic": true, "oauth": true, "oauth2": true,
	"hmac": true, "hs256": true, "rs256": true, "es256": true, "md5": true, "scram-sha-256": true,
}

// passwordName is a name whose value is a password or secret itself (not
// a key id, a URL, a flag such as MYSQL_ALLOW_EMPTY_PASSWORD).
func passwordName(name string) bool {
	u := strings.ToUpper(name)
	for _, flag := range []string{"ALLOW", "EMPTY", "RANDOM", "LENGTH", "MIN", "MAX", "POLICY", "EXPIR", "ENABLE", "DISABLE", "REQUIRE", "SKIP"} {
		if strings.Contains(u, flag) {
			return false
		}
	}
	return strings.HasSuffix(u, "PASSWORD") || strings.HasSuffix(u, "PASS") || strings.HasSuffix(u, "PWD") ||
		strings.HasSuffix(u, "PASSWD") || strings.HasSuffix(u, "SECRET")
}

type envDefault struct {
	name, op, value string
}

// secretDefault finds `${NAME:-literal}` or `${NAME-literal}` in a value
// where NAME, or the key the value is set for, names a secret, and the
// literal would be one: Compose substitutes it whenever NAME is unset, so
// it is a hardcoded secret, not one injected at run time.
func secretDefault(key, text string) (envDefault, bool) {
	for i := 0; i+1 < len(text); i++ {
		if text[i] != '$' {
			continue
		}
		if text[i+1] == '$' {
			i++
			continue
		}
		if text[i+1] != '{' {
			continue
		}
		j := i + 2
		for j < len(text) && (text[j] == '_' || text[j] >= 'A' && text[j] <= 'Z' || text[j] >= 'a' && text[j] <= 'z' || text[j] >= '0' && text[j] <= '9') {
			j++
		}
		name := text[i+2 : j]
		op := ""
		switch {
		case strings.HasPrefix(text[j:], ":-"):
			op = ":-"
		case strings.HasPrefix(text[j:], "-"):
			op = "-"
		default:
			continue
		}
		// The default runs to the matching brace.
		start, depth, end := j+len(op), 1, -1
		for k := start; k < len(text) && end < 0; k++ {
			switch text[k] {
			case '{':
				depth++
			case '}':
				depth--
				if depth == 0 {
					end = k
				}
			}
		}
		if end < 0 {
			return envDefault{}, false
		}
		def := text[start:end]
		i = end
		if def == "" || strings.Contains(def, "$") {
			continue
		}
		for _, n := range []string{name, key} {
			if !secrets.SecretName(n) {
				continue
			}
			// Inside a larger value (a URL), the default is the password
			// itself when the variable names one.
			if literalComposeSecret(n, def) || n == name && passwordName(n) && def != "" {
				return envDefault{name: name, op: op, value: def}, true
			}
		}
	}
	return envDefault{}, false
}

var (
	dsnPassRe = regexp.MustCompile(`(?i)(?:^|;)\s*(?:password|pwd)\s*=\s*([^;]+)`)
	urlPassRe = regexp.MustCompile(`://[^:/@\s]*:([^@\s]+)@`)
)

// weakDefaults are passwords anyone tries first.
var weakDefaults = map[string]bool{
	"admin": true, "administrator": true, "password": true, "passw0rd": true, "pass": true, "changeme": true,
	"change_me": true, "changeit": true, "secret": true, "root": true, "toor": true, "test": true, "guest": true,
	"default": true, "example": true, "letmein": true, "qwerty": true, "user": true, "demo": true,
	"postgres": true, "mysql": true, "mariadb": true, "redis": true, "mongo": true, "sa": true,
}

// defaultSeverity grades a default by its literal: a weak one is a known
// password (medium: the deployment may set the variable), a long random
// one is a key that has leaked with the repository (high).
func defaultSeverity(v string) (finding.Severity, string) {
	// A connection string is graded by the password it carries.
	if m := dsnPassRe.FindStringSubmatch(v); m != nil {
		v = m[1]
	} else if m := urlPassRe.FindStringSubmatch(v); m != nil {
		v = m[1]
	}
	l := strings.ToLower(v)
	if weakDefaults[l] || len(v) < 8 || strings.Trim(l, "0123456789") == "" {
		return finding.Medium, "a weak, well-known password"
	}
	if len(v) >= 16 && charClasses(v) >= 2 {
		return finding.High, "a key, leaked with the repository,"
	}
	return finding.Medium, "a working password"
}

func charClasses(v string) int {
	var lower, upper, digit, other bool
	for _, c := range v {
		switch {
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= '0' && c <= '9':
			digit = true
		default:
			other = true
		}
	}
	n := 0
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			n++
		}
	}
	return n
}

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
