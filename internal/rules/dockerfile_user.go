package rules

import (
	"fmt"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
)

// IsRootUser reports whether a USER / `user:` / config User value means
// uid 0. "" is not root here: callers decide what an unset user means.
func IsRootUser(u string) bool {
	u = strings.TrimSpace(u)
	name, _, _ := strings.Cut(u, ":")
	return name == "root" || name == "0"
}

var _ = register(finding.Rule{
	ID: "DF001", Slug: "runs-as-root", Title: "Container runs as root",
	Severity: finding.High, Kind: finding.KindDockerfile,
	Checklist: []string{"runtime.non-root"}, CIS: []string{"4.1"}, OWASP: []string{"D01"},
	Equivalents: map[string][]string{"trivy": {"DS-0002"}},
	Rationale:   "A process running as root in the container is root on the host's kernel: any escape or mounted path is a full compromise.",
	Fix:         "Create a user with a fixed UID/GID and end the final stage with `USER app` (and `COPY --chown=app:app`).",
	Bad: []finding.Example{
		dfEx("FROM python:3.12-slim\nCOPY . /app\nCMD [\"python\", \"/app/main.py\"]\n"),
		dfEx("FROM python:3.12-slim\nRUN useradd -u 1000 app\nUSER app\nRUN id\nUSER root\n"),
	},
	Good: []finding.Example{
		dfEx("FROM python:3.12-slim\nRUN groupadd --gid 1000 app && useradd --uid 1000 --gid app app\nUSER app\n"),
		{Files: map[string]string{"Dockerfile": "FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /app .\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /app /app\nCMD [\"/app\"]\n"}, Note: "the base image runs as nonroot"},
		{Files: map[string]string{
			"Dockerfile":   "FROM python:3.12-slim\nCMD [\"python\", \"-m\", \"http.server\"]\n",
			"compose.yaml": "services:\n  api:\n    build: .\n    user: \"1000:1000\"\n",
		}, Note: "the compose service that builds it sets a non-root user"},
	},
}, func(p *Pass) {
	s := p.Final
	if strings.EqualFold(s.External(), "scratch") && s.User() == nil && len(s.Find("run")) == 0 {
		// A scratch image without a shell: the binary's own uid applies
		// and nothing else runs; USER is still advisable but not provable.
		if len(p.Links) == 0 {
			p.Report(fromAt(p, s), "user:none", "FROM scratch without USER: the binary runs as uid 0 unless the runtime sets a user")
		}
		return
	}
	if len(p.Links) > 0 && allLinksNonRoot(p.Links) {
		return
	}
	u := s.User()
	switch {
	case u == nil && NonRootBase(s.External()):
		// The base image already runs as a non-root user and nothing
		// switches back to root.
	case u == nil:
		p.Report(fromAt(p, s), "user:none", fmt.Sprintf("the final stage (%s) sets no USER, so the container runs as root", stageLabel(s.Name, s.Index)))
	case IsRootUser(s.UserName()):
		p.Report(p.At(u), "user:"+s.UserName(), fmt.Sprintf("the final stage switches to USER %s and never back", s.UserName()))
	}
})

// NonRootBase reports base images published to run as a non-root user by
// default: distroless and Chainguard nonroot variants, the unprivileged
// nginx image, Bitnami images.
func NonRootBase(img string) bool {
	b, ok := parseImageRef(img)
	if !ok {
		return false
	}
	switch {
	case strings.Contains(b.Tag, "nonroot"):
		return true
	case strings.HasPrefix(b.Repo, "cgr.dev/chainguard/") && !strings.Contains(b.Tag, "dev"):
		return true // Chainguard images run as nonroot except their -dev variants
	case b.Repo == "nginxinc/nginx-unprivileged", strings.HasPrefix(b.Repo, "bitnami/"):
		return true
	}
	return false
}

func allLinksNonRoot(ls []Link) bool {
	for _, l := range ls {
		if l.User == "" || IsRootUser(l.User) {
			return false
		}
	}
	return true
}

func stageLabel(name string, idx int) string {
	if name != "" {
		return "stage " + name
	}
	return fmt.Sprintf("stage %d", idx)
}
