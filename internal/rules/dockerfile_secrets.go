package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/secrets"
)

var _ = register(finding.Rule{
	ID: "DF008", Slug: "secret-in-env-or-arg", Title: "Secret hardcoded in ENV or ARG",
	Severity: finding.High, Kind: finding.KindDockerfile,
	Checklist: []string{"build.no-secrets", "secrets.no-hardcoded", "secrets.injected"}, CIS: []string{"4.10"}, OWASP: []string{"D06"},
	Rationale: "ENV and ARG values are stored in the image config and history: anyone who can pull the image can read them.",
	Fix:       "Leave the value empty (ENV SECRET_KEY=\"\") and inject it at run time from the environment or a Docker secret; for build-time secrets use RUN --mount=type=secret.",
	Bad: []finding.Example{
		dfEx("FROM python:3.12-slim\nENV SECRET_KEY=mysecretkey123\nUSER 1000\n"),
		dfEx("FROM python:3.12-slim\nENV DATABASE_URL=postgresql://user:password@host/db\nUSER 1000\n"),
		dfEx("FROM python:3.12-slim\nARG GITHUB_TOKEN=ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nUSER 1000\n"),
		{Files: map[string]string{"Dockerfile": "FROM postgres:16\nENV POSTGRES_PASSWORD=${DB_PASSWORD:-admin}\n"}, Note: "a literal default works whenever the variable is unset"},
	},
	Good: []finding.Example{
		dfEx("FROM python:3.12-slim\nENV DATABASE_URL=\"\" \\\n    SECRET_KEY=\"\"\nUSER 1000\n"),
		dfEx("FROM python:3.12-slim\nARG API_TOKEN\nENV SECRET_KEY_FILE=/run/secrets/secret_key\nUSER 1000\n"),
		{Files: map[string]string{"Dockerfile": "FROM debian:12-slim\nENV GOSU_KEY=B42F6819007F00F88E364FD4036A9C25BF357DD4 NODE_SHA256=8fb5f9fbc7609fa822cb31549884575db7fd9657cbffb89510b5d7975963a83a\nUSER 1000\n"}, Note: "key fingerprints and checksums are integrity material, not secrets"},
	},
}, func(p *Pass) {
	check := func(kind string, v envLike) {
		if ref, lit, ok := secrets.Default(v.value); ok && secrets.SecretName(v.key) && !secrets.Integrity(v.key, lit) {
			// The fallback ships as a working secret whenever ref is unset.
			if secrets.WeakDefault(lit) {
				p.ReportSeverity(finding.Medium, p.At(v.in), kind+":"+v.key, fmt.Sprintf("%s %s falls back to the weak literal %s whenever %s is unset (${%s:-...})", kind, v.key, secrets.Redact(lit), ref, ref))
			} else if secrets.LiteralSecretValue(v.key, lit) {
				p.Report(p.At(v.in), kind+":"+v.key, fmt.Sprintf("%s %s falls back to a literal secret (%s) whenever %s is unset", kind, v.key, secrets.Redact(lit), ref))
			}
			return
		}
		if red, ok := secrets.URLWithPassword(v.value); ok {
			p.ReportFix(p.At(v.in), kind+":"+v.key, fmt.Sprintf("%s %s holds a connection string with a literal password (%s)", kind, v.key, red), secretEnvFix(kind, v.key))
			return
		}
		if secrets.SecretName(v.key) && secrets.LiteralSecretValue(v.key, v.value) {
			p.ReportFix(p.At(v.in), kind+":"+v.key, fmt.Sprintf("%s %s has a literal secret value (%s)", kind, v.key, secrets.Redact(v.value)), secretEnvFix(kind, v.key))
		}
	}
	for _, s := range p.Dockerfile.Stages {
		for _, a := range s.Args() {
			check("ARG", envLike{a.Key, a.Value, a.In})
		}
		for _, e := range s.Env() {
			if e.In.Stage == s {
				check("ENV", envLike{e.Key, e.Value, e.In})
			}
		}
	}
	for _, a := range p.Dockerfile.MetaArgs {
		if v := dockerfile.Unquote(a.Default); a.HasDef && secrets.SecretName(a.Name) && secrets.LiteralSecretValue(a.Name, v) {
			p.Report(finding.Location{Path: p.Dockerfile.Path, Line: a.Line, Column: 1}, "ARG:"+a.Name, fmt.Sprintf("ARG %s has a literal secret default (%s)", a.Name, secrets.Redact(v)))
		}
	}
})

type envLike struct {
	key, value string
	in         *dockerfile.Instruction
}

// secretFlag catches credentials passed on command lines.
var secretFlag = regexp.MustCompile(`(?i)(?:--password|--passwd|--token|--api-key|--secret)[= ]+['"]?([^\s'"$]{6,})`)
var userPassURL = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s:/@$]+:([^\s@/$]+)@`)

var _ = register(finding.Rule{
	ID: "DF009", Slug: "secret-in-run", Title: "Secret in a RUN instruction",
	Severity: finding.High, Kind: finding.KindDockerfile,
	Checklist: []string{"build.no-secrets", "secrets.no-hardcoded", "secrets.injected"}, CIS: []string{"4.10"}, OWASP: []string{"D06"},
	Rationale: "RUN command lines are kept in the image history, and ARG values used by RUN are recorded too: `docker history` prints them.",
	Fix:       "Use a build secret: RUN --mount=type=secret,id=token TOKEN=$(cat /run/secrets/token) ..., passed with `docker build --secret`.",
	Bad: []finding.Example{
		dfEx("FROM python:3.12-slim\nRUN pip install --index-url https://deploy:s3cr3tpass@pypi.example.com/simple app\nUSER 1000\n"),
		dfEx("FROM node:22-slim\nARG NPM_TOKEN\nRUN echo \"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\" > .npmrc && npm ci\nUSER node\n"),
	},
	Good: []finding.Example{
		dfEx("FROM node:22-slim\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\nUSER node\n"),
		dfEx("FROM python:3.12-slim\nRUN pip install --no-cache-dir fastapi\nUSER 1000\n"),
	},
}, func(p *Pass) {
	for _, s := range p.Dockerfile.Stages {
		secretArgs := map[string]bool{}
		for _, a := range s.Args() {
			if secrets.SecretName(a.Key) {
				secretArgs[a.Key] = true
			}
		}
		for _, a := range p.Dockerfile.MetaArgs {
			if secrets.SecretName(a.Name) {
				secretArgs[a.Name] = true
			}
		}
		for _, in := range s.Find("run") {
			if in.HasSecretMount() {
				p.Evidence("secrets.injected", p.At(in), "RUN reads a build secret from a secret mount, not from ARG or ENV")
				continue
			}
			script := in.Script()
			if m := userPassURL.FindStringSubmatch(script); m != nil && !strings.HasPrefix(m[1], "$") {
				p.Report(p.At(in), "run-url:"+in.Key(), fmt.Sprintf("RUN embeds a URL with a literal password (%s)", secrets.Redact(m[1])))
				continue
			}
			if m := secretFlag.FindStringSubmatch(script); m != nil && secrets.LiteralSecretValue("password", m[1]) {
				p.Report(p.At(in), "run-flag:"+in.Key(), fmt.Sprintf("RUN passes a literal credential on the command line (%s)", secrets.Redact(m[1])))
				continue
			}
			if m, ok := runSecret(script); ok {
				p.Report(p.At(in), "run-secret:"+m.RuleID+":"+in.Key(), runSecretMessage(m))
				continue
			}
			for name := range secretArgs {
				if strings.Contains(script, "$"+name) || strings.Contains(script, "${"+name) {
					p.Report(p.At(in), "run-arg:"+name, fmt.Sprintf("RUN uses build argument %s: its value is recorded in the image history", name))
					break
				}
			}
		}
	}
})

// secretEnvFix names the variable that was found.
func secretEnvFix(kind, key string) string {
	if kind == "ARG" {
		return fmt.Sprintf("Drop the default (ARG %s) and pass the secret with RUN --mount=type=secret,id=%s instead of a build argument, which the image history keeps.", key, strings.ToLower(key))
	}
	return fmt.Sprintf("Leave the value empty (ENV %s=\"\") and inject %s at run time from the environment or a Docker secret; for build-time secrets use RUN --mount=type=secret.", key, key)
}

// runSecret is the first secret gitleaks finds in RUN text, leaving out
// integrity material: values on lines that check checksums or import
// signing keys, and checksum- or key-id-named assignments.
func runSecret(script string) (secrets.Match, bool) {
	ms, _ := secrets.ScanText(script)
	lines := strings.Split(script, "\n")
	for _, m := range ms {
		if m.Line >= 1 && m.Line <= len(lines) && secrets.IntegrityLine(lines[m.Line-1]) {
			continue
		}
		if m.Key != "" && secrets.Integrity(m.Key, strings.Repeat("0", 40)) {
			continue
		}
		return m, true
	}
	return secrets.Match{}, false
}

// runSecretMessage says what a RUN passes, in hardhull's words.
func runSecretMessage(m secrets.Match) string {
	what := "credential"
	id := strings.ToLower(m.RuleID)
	switch {
	case strings.Contains(id, "private-key"):
		what = "private key"
	case strings.Contains(id, "token") || strings.Contains(id, "pat"):
		what = "token"
	case strings.Contains(id, "api-key") || strings.Contains(id, "access-key") || strings.Contains(id, "key"):
		what = "API key"
	case strings.Contains(id, "password"):
		what = "password"
	}
	if m.Key != "" {
		return fmt.Sprintf("RUN passes a literal %s in `%s=%s`; RUN lines stay in the image history", what, m.Key, m.Redacted)
	}
	return fmt.Sprintf("RUN passes a literal %s (%s); RUN lines stay in the image history", what, m.Redacted)
}
