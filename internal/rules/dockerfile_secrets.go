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
	},
	Good: []finding.Example{
		dfEx("FROM python:3.12-slim\nENV DATABASE_URL=\"\" \\\n    SECRET_KEY=\"\"\nUSER 1000\n"),
		dfEx("FROM python:3.12-slim\nARG API_TOKEN\nENV SECRET_KEY_FILE=/run/secrets/secret_key\nUSER 1000\n"),
	},
}, func(p *Pass) {
	check := func(kind string, v envLike) {
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
			if ms, _ := secrets.ScanText(script); len(ms) > 0 {
				p.Report(p.At(in), "run-secret:"+ms[0].RuleID+":"+in.Key(), fmt.Sprintf("RUN contains a secret (%s: %s)", ms[0].Description, ms[0].Redacted))
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
