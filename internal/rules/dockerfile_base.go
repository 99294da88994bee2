package rules

import (
	"fmt"
	"strings"

	"github.com/distribution/reference"
	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/finding"
)

func dfEx(src string) finding.Example {
	return finding.Example{Files: map[string]string{"Dockerfile": src}}
}

// baseRef is a FROM image parsed the way Docker normalises it. ok is false
// for scratch, stage names and images that still hold unresolved ${ARG}s.
type baseRef struct {
	Repo   string // familiar name: "python", "ghcr.io/org/app"
	Tag    string
	Digest string
}

func parseBase(s *dockerfile.Stage) (baseRef, bool) {
	if s.Parent != nil || strings.EqualFold(s.Image, "scratch") || strings.Contains(s.Image, "$") || len(s.Unresolved) > 0 && s.Image == "" {
		return baseRef{}, false
	}
	return parseImageRef(s.Image)
}

func parseImageRef(img string) (baseRef, bool) {
	if img == "" || strings.Contains(img, "$") {
		return baseRef{}, false
	}
	named, err := reference.ParseNormalizedNamed(img)
	if err != nil {
		return baseRef{}, false
	}
	b := baseRef{Repo: reference.FamiliarName(named)}
	if t, ok := named.(reference.Tagged); ok {
		b.Tag = t.Tag()
	}
	if d, ok := named.(reference.Digested); ok {
		b.Digest = d.Digest().String()
	}
	return b, true
}

// baseTag is the tag and digest of a FROM image for the pinning rules. When
// ARGs leave the reference unparsable (FROM ${REGISTRY}/ubuntu with no
// default), the tag is still known if the last path element is literal:
// no ARG value can add a tag after it.
func baseTag(s *dockerfile.Stage) (tag, digest string, ok bool) {
	if b, ok := parseBase(s); ok {
		return b.Tag, b.Digest, true
	}
	if s.Parent != nil || !strings.Contains(s.Base, "$") {
		return "", "", false
	}
	last := s.Base[strings.LastIndexByte(s.Base, '/')+1:]
	if last == "" || strings.Contains(last, "$") || strings.ContainsAny(last, "{}") {
		return "", "", false
	}
	name, digest, _ := strings.Cut(last, "@")
	name, tag, _ = strings.Cut(name, ":")
	if name == "" {
		return "", "", false
	}
	return tag, digest, true
}

// pull is one image a Dockerfile pulls: a FROM, a COPY --from=<image> or
// a RUN --mount=from=<image>.
type pull struct {
	what     string // "FROM python:3" or "COPY --from=gloursdocker/docker"
	image    string // as resolved
	base     string // as written
	key      string
	tag      string
	digest   string
	at       finding.Location
	stage    *dockerfile.Stage // for FROM
	parsable bool              // the reference parsed (not only its tag)
}

// pulls lists every image the file pulls whose tag is known.
func pulls(p *Pass) []pull {
	var out []pull
	for _, s := range p.Dockerfile.Stages {
		if tag, digest, ok := baseTag(s); ok {
			_, parsable := parseBase(s)
			out = append(out, pull{what: "FROM " + s.Image, image: s.Image, base: s.Base, key: "from:" + s.Base, tag: tag, digest: digest, at: fromAt(p, s), stage: s, parsable: parsable})
		}
	}
	for _, u := range p.Dockerfile.PulledImages() {
		b, ok := parseImageRef(u.Ref)
		if !ok {
			continue
		}
		out = append(out, pull{what: u.How + "=" + u.Ref, image: u.Ref, base: u.Ref, key: "pull:" + u.Ref, tag: b.Tag, digest: b.Digest, at: p.At(u.In), parsable: true})
	}
	return out
}

// movingTag reports tags that follow new releases as latest does: latest
// itself, channel names (edge, mainline, current, stable, rolling, lts) and
// variant names without any version (python:alpine, nginx:stable-alpine).
func movingTag(tag string) bool {
	if tag == "" || strings.ContainsAny(tag, "0123456789") {
		return false
	}
	for _, part := range strings.Split(strings.ToLower(tag), "-") {
		switch part {
		case "latest", "edge", "mainline", "current", "stable", "rolling", "lts", "alpine", "slim", "fpm", "cli", "apache", "zts", "jdk", "jre", "perl", "otel", "unprivileged":
		default:
			return false // a release name (bookworm, jammy) pins the release
		}
	}
	return true
}

func fromAt(p *Pass, s *dockerfile.Stage) finding.Location {
	return finding.Location{Path: p.Dockerfile.Path, Line: s.Line, Column: 1}
}

var _ = register(finding.Rule{
	ID: "DF002", Slug: "untagged-base-image", Title: "Base image has no tag",
	Severity: finding.Medium, Kind: finding.KindDockerfile,
	Checklist: []string{"build.pinned-versions"}, OWASP: []string{"D08"},
	Equivalents: map[string][]string{"hadolint": {"DL3006"}, "trivy": {"DS-0001"}, "checkov": {"CKV_DOCKER_7"}, "kics": {"9efb0b2d-89c9-41a3-91ca-dcc0aec911fd"}},
	Rationale:   "Without a tag the builder pulls whatever `latest` is today; builds stop being reproducible and can silently change base OS.",
	Fix:         "Pin a version tag (python:3.12-slim), and better a digest (python:3.12-slim@sha256:...).",
	Bad: []finding.Example{
		dfEx("FROM python\nUSER 1000\n"),
		{Files: map[string]string{"Dockerfile": "ARG REGISTRY\nFROM ${REGISTRY}/python\nUSER 1000\n"}, Note: "whatever the registry ARG holds, no tag follows the name"},
	},
	Good: []finding.Example{dfEx("FROM python:3.12-slim\nUSER 1000\n"), dfEx("FROM golang:1.23 AS build\nFROM build\nUSER 1000\n"), dfEx("FROM scratch\n")},
}, func(p *Pass) {
	for _, u := range pulls(p) {
		if u.tag == "" && u.digest == "" {
			p.Report(u.at, u.key, fmt.Sprintf("%s has no tag; the build takes whatever is latest", u.what))
		}
	}
})

var _ = register(finding.Rule{
	ID: "DF003", Slug: "latest-base-image", Title: "Base image uses the latest tag",
	Severity: finding.Medium, Kind: finding.KindDockerfile,
	Checklist: []string{"build.pinned-versions"}, OWASP: []string{"D08"},
	Equivalents: map[string][]string{"hadolint": {"DL3007"}, "trivy": {"DS-0001"}, "checkov": {"CKV_DOCKER_7"}, "kics": {"f45ea400-6bbe-4501-9fc7-1c3d75c32067"}},
	Rationale:   "`latest` moves: two builds of the same Dockerfile can ship different operating systems and libraries.",
	Fix:         "Replace :latest with a version tag, and pin a digest for reproducibility.",
	Bad: []finding.Example{
		dfEx("FROM python:latest\nUSER 1000\n"),
		{Files: map[string]string{"Dockerfile": "ARG TAG=latest\nFROM node:${TAG}\nUSER node\n"}, Note: "an ARG that resolves to latest"},
		{Files: map[string]string{"Dockerfile": "FROM alpine:edge\nUSER 1000\n"}, Note: "edge, mainline, current, stable, rolling, lts and bare variants (python:alpine) move like latest"},
		{Files: map[string]string{"Dockerfile": "FROM python:3.12-slim\nCOPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/uv\nUSER 1000\n"}, Note: "COPY --from=<image> pulls an image too"},
	},
	Good: []finding.Example{dfEx("FROM python:3.12-slim\nUSER 1000\n"), dfEx("FROM debian:bookworm-slim\nUSER 1000\n")},
}, func(p *Pass) {
	for _, u := range pulls(p) {
		if u.digest != "" {
			continue
		}
		switch {
		case u.tag == "latest":
			msg := fmt.Sprintf("%s uses the moving latest tag", u.what)
			if u.base != u.image {
				msg += fmt.Sprintf(" (%s after ARG expansion)", u.base)
			}
			p.Report(u.at, u.key, msg)
		case movingTag(u.tag):
			p.Report(u.at, u.key, fmt.Sprintf("%s uses %s, a tag that moves to each new release like latest", u.what, u.tag))
		}
	}
})

var _ = register(finding.Rule{
	ID: "DF004", Slug: "base-image-not-digest-pinned", Title: "Base image not pinned by digest",
	Severity: finding.Low, Kind: finding.KindDockerfile, Advisory: true,
	Checklist: []string{"build.pinned-versions"}, OWASP: []string{"D08"},
	Rationale: "Tags can be re-pushed; only a digest guarantees the bytes you reviewed are the bytes you build on.",
	Fix:       "Append the digest: FROM image:tag@sha256:<digest> (`hardhull fix --pin` resolves it).",
	Bad:       []finding.Example{dfEx("FROM python:3.12-slim\nUSER 1000\n")},
	Good:      []finding.Example{dfEx("FROM python:3.12-slim@sha256:" + strings.Repeat("ab", 32) + "\nUSER 1000\n")},
}, func(p *Pass) {
	// Only the shipping chain matters for reproducibility of what runs;
	// builder stages are reported too because their outputs are copied.
	for _, u := range pulls(p) {
		if u.parsable && u.tag != "" && u.tag != "latest" && !movingTag(u.tag) && u.digest == "" {
			if u.stage == nil {
				p.Report(u.at, u.key, fmt.Sprintf("%s is pinned by tag only", u.what))
				continue
			}
			p.ReportFix(u.at, u.key, fmt.Sprintf("%s is pinned by tag only", u.what),
				fmt.Sprintf("Pin the digest: FROM %s@sha256:<digest> (`hardhull fix --pin` resolves it).", u.image))
		}
	}
})

// slimVariants names official images with a smaller variant worth using:
// the suffix their tags take after a plain version (python:3.12 ->
// python:3.12-slim), and how the family spells it in general. The advice
// never composes a tag from any other tag: python:3-bullseye becomes
// python:3-slim-bullseye, not -bullseye-slim, and only the family knows.
// Ubuntu is absent: its image is already minimal, has no -slim variant, and
// the advice must not move the image to another distribution.
var slimVariants = map[string]struct{ suffix, family string }{
	"python": {"-slim", "python:<version>-slim"}, "node": {"-slim", "node:<version>-slim"},
	"ruby": {"-slim", "ruby:<version>-slim"}, "perl": {"-slim", "perl:<version>-slim"},
	"php":     {"-fpm-alpine", "php:<version>-fpm-alpine or php:<version>-cli-alpine"},
	"openjdk": {"", "eclipse-temurin:<version>-jre (openjdk images are deprecated)"}, "eclipse-temurin": {"-jre", "eclipse-temurin:<version>-jre"},
	"debian": {"-slim", "debian:<release>-slim"}, "golang": {"", "golang in a builder stage with a distroless or scratch runtime"},
	"rust": {"-slim", "rust:<version>-slim"}, "elixir": {"-slim", "elixir:<version>-slim"}, "erlang": {"-slim", "erlang:<version>-slim"},
	"haskell": {"-slim", "haskell:<version>-slim"}, "buildpack-deps": {"", "a language -slim image"},
	"maven":  {"", "eclipse-temurin:<version>-jre for the runtime"},
	"gradle": {"", "eclipse-temurin:<version>-jre for the runtime"},
}

// plainVersion matches tags that are only a version: 3, 3.12, 22.1.0.
func plainVersion(tag string) bool {
	if tag == "" {
		return false
	}
	for _, r := range tag {
		if (r < '0' || r > '9') && r != '.' {
			return false
		}
	}
	return true
}

func isSlimTag(tag string) bool {
	for _, s := range []string{"slim", "alpine", "distroless", "minimal", "jre", "micro", "busybox", "static", "fpm-alpine", "nano"} {
		if strings.Contains(tag, s) {
			return true
		}
	}
	return false
}

var _ = register(finding.Rule{
	ID: "DF005", Slug: "full-base-image", Title: "Final stage uses a full OS/language image",
	Severity: finding.Low, Kind: finding.KindDockerfile,
	Checklist: []string{"build.slim-base"}, CIS: []string{"4.3"}, OWASP: []string{"D04"},
	Rationale: "Full images carry compilers, shells and hundreds of packages the app never uses: more CVEs and more tools for an attacker.",
	Fix:       "Use the slim or minimal variant for the runtime stage (python:3.12-slim), keeping the full image in a builder stage if needed.",
	Bad:       []finding.Example{dfEx("FROM python:3.12\nUSER 1000\n")},
	Good:      []finding.Example{dfEx("FROM python:3.12 AS build\nRUN pip wheel -w /w flask\nFROM python:3.12-slim\nCOPY --from=build /w /w\nUSER 1000\n")},
}, func(p *Pass) {
	if p.DevImage() {
		return // a development image: its tooling is the point
	}
	s := p.Final
	for _, st := range s.Chain() {
		if st.Parent != nil {
			continue
		}
		b, ok := parseBase(st)
		if !ok {
			return
		}
		v, known := slimVariants[b.Repo]
		if !known || isSlimTag(b.Tag) {
			return
		}
		variant := v.family
		if v.suffix != "" && plainVersion(b.Tag) {
			variant = b.Repo + ":" + b.Tag + v.suffix
		}
		fix := fmt.Sprintf("Use %s for the runtime stage, keeping %s in a builder stage if the build needs it.", variant, st.Image)
		p.ReportFix(fromAt(p, st), "from:"+st.Base, fmt.Sprintf("the shipped image builds on %s, a full image; a minimal variant exists (%s)", st.Image, variant), fix)
	}
})

var _ = register(finding.Rule{
	ID: "DF006", Slug: "alpine-python", Title: "Python on Alpine (musl)",
	Severity: finding.Info, Kind: finding.KindDockerfile,
	Checklist: []string{"build.slim-base"},
	Rationale: "The seed notes Alpine is smaller but musl breaks many Python wheels: builds compile from source, pulling compilers into the image.",
	Fix:       "Prefer python:3.x-slim unless every dependency ships musllinux wheels.",
	Bad: []finding.Example{
		dfEx("FROM python:3.12-alpine\nRUN pip install --no-cache-dir fastapi\nUSER 1000\n"),
		dfEx("FROM python:3.12-alpine\nCOPY pyproject.toml uv.lock ./\nRUN uv sync --frozen\nUSER 1000\n"),
	},
	Good: []finding.Example{
		dfEx("FROM python:3.12-slim\nRUN pip install --no-cache-dir fastapi\nUSER 1000\n"),
		{Files: map[string]string{"Dockerfile": "FROM python:3-alpine\nCOPY webserver.py /\nUSER 1000\nCMD [\"python\", \"/webserver.py\"]\n"}, Note: "nothing installs Python packages: no wheel is built"},
	},
}, func(p *Pass) {
	// musl matters only when packages are installed: a stdlib-only
	// script on python:alpine builds no wheel.
	if !installsPythonPackages(p.Final.Chain()) {
		return
	}
	for _, st := range p.Final.Chain() {
		if b, ok := parseBase(st); ok && b.Repo == "python" && strings.Contains(b.Tag, "alpine") {
			p.Report(fromAt(p, st), "from:"+st.Base, fmt.Sprintf("%s: Python on musl often compiles wheels from source", st.Image))
		}
	}
})

// installsPythonPackages reports a pip, uv, poetry, pipenv or pdm install
// in any RUN of the chain.
func installsPythonPackages(chain []*dockerfile.Stage) bool {
	for _, st := range chain {
		for _, in := range st.Find("run") {
			for _, sc := range in.Shell().Commands {
				c := sc.Values()
				if isPipInstall(c) {
					return true
				}
				switch program(c) {
				case "uv", "poetry", "pipenv", "pdm":
					if hasWord(c, "install") || hasWord(c, "sync") || hasWord(c, "add") {
						return true
					}
				}
			}
		}
	}
	return false
}
