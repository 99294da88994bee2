package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
)

// The checklist view passes an item only on positive evidence: a rule that
// can see its practice done right says so, with Pass.Evidence, and one that
// sees the practice left to the deployment or to an image it knows nothing
// about says so with Pass.Unknown. Evidence is recorded by an evidence
// function per rule, run right after the rule's check with the findings
// that check reported, so the checks themselves stay as they are. An
// evidence function records only keys among its rule's checklist items
// (TestEvidenceStaysWithinRuleItems) and never a secret value.

// evidenceFunc records what one rule saw done right in one pass; fired
// holds the findings the rule's check reported in that pass.
type evidenceFunc func(p *Pass, fired []finding.Finding)

var evidenceOf = map[string]evidenceFunc{}

// evidence registers fn as the evidence function of rule id.
func evidence(id string, fn evidenceFunc) bool {
	if _, dup := evidenceOf[id]; dup {
		panic("duplicate evidence function for " + id)
	}
	evidenceOf[id] = fn
	return true
}

// HasEvidence reports whether a rule records checklist evidence.
func HasEvidence(id string) bool { return evidenceOf[id] != nil }

// minimalBase says whether an image reference names a minimal image
// (scratch, distroless, Chainguard, Alpine, busybox, a -slim/-alpine/-jre
// tag...), and known is false when hardhull knows nothing about the image
// (a private base, a reference left to build arguments).
func minimalBase(img string) (minimal, known bool) {
	if strings.EqualFold(img, "scratch") {
		return true, true
	}
	b, ok := parseImageRef(img)
	if !ok {
		return false, false
	}
	repo := strings.ToLower(b.Repo)
	switch {
	case isSlimTag(b.Tag),
		repo == "alpine" || repo == "busybox" || strings.HasSuffix(repo, "/alpine") || strings.HasSuffix(repo, "/busybox"),
		// Ubuntu's official image is itself the minimal one: no -slim exists.
		repo == "ubuntu",
		strings.Contains(repo, "distroless"), strings.HasPrefix(repo, "cgr.dev/chainguard/"),
		strings.HasSuffix(repo, "/ubi-minimal") || strings.HasSuffix(repo, "/ubi-micro") ||
			strings.HasSuffix(repo, "/ubi8-minimal") || strings.HasSuffix(repo, "/ubi9-minimal") || strings.HasSuffix(repo, "/ubi9-micro"):
		return true, true
	}
	if _, full := slimVariants[repo]; full {
		return false, true
	}
	return false, false
}

// movingTags name release channels rather than versions: they move like
// latest.
var movingTags = map[string]bool{"latest": true, "edge": true, "stable": true, "rolling": true, "mainline": true,
	"current": true, "lts": true, "nightly": true, "dev": true, "devel": true, "testing": true, "unstable": true,
	"sid": true, "rawhide": true, "beta": true, "rc": true, "canary": true, "next": true, "master": true, "main": true}

var digits = regexp.MustCompile(`[0-9]`)

// pinnedTag reports whether a tag names a version (3.12-slim, 16.6-alpine,
// 22.04, 1.27): it has a digit and no part of it is a release channel.
func pinnedTag(tag string) bool {
	if !digits.MatchString(tag) {
		return false
	}
	for _, part := range strings.FieldsFunc(strings.ToLower(tag), func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		if movingTags[part] {
			return false
		}
	}
	return true
}

// debugOff recognises an environment setting that turns debug or
// development mode off: DEBUG=false, ENVIRONMENT=production. It returns the
// setting as evidence text (these values are never secrets).
func debugOff(key, value string) (string, bool) {
	k := strings.ToUpper(strings.TrimSpace(key))
	v := strings.ToLower(strings.Trim(strings.TrimSpace(value), `"'`))
	switch k {
	case "DEBUG", "APP_DEBUG", "FLASK_DEBUG", "DJANGO_DEBUG", "FASTAPI_DEBUG":
		if v == "0" || v == "false" || v == "no" || v == "off" {
			return fmt.Sprintf("%s=%s", key, v), true
		}
	case "ENVIRONMENT", "ENV", "APP_ENV", "FLASK_ENV", "NODE_ENV", "RAILS_ENV", "RACK_ENV", "APP_ENVIRONMENT", "PYTHON_ENV", "STAGE":
		if v == "production" || v == "prod" {
			return fmt.Sprintf("%s=%s", key, v), true
		}
	}
	return "", false
}

// secretFileEnv recognises the `_FILE` convention of official images and
// the seed: a variable naming a file under /run/secrets (a Docker secret).
func secretFileEnv(key, value string) bool {
	v := strings.Trim(strings.TrimSpace(value), `"'`)
	return strings.HasSuffix(strings.ToUpper(key), "_FILE") && strings.HasPrefix(v, "/run/secrets/")
}

// sensitiveProbes are paths a .dockerignore must keep out: the seed's list
// (.env, keys, .git), at the root and nested.
var sensitiveProbes = []string{".env", "app/.env", ".env.production", ".git/HEAD", "server.key", "config/server.key", "cert.pem", "config/cert.pem"}
