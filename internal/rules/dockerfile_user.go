package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/shell"
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
	case u == nil && windowsStage(s):
		// Linux advice (useradd, chown, USER 1000) does not apply.
		if img := strings.ToLower(s.External()); !strings.Contains(img, "nanoserver") {
			p.ReportFix(fromAt(p, s), "user:none", fmt.Sprintf("%s is a Windows container without USER: it runs as ContainerAdministrator", targetLabel(p)),
				"Add `USER ContainerUser` after the steps that need administrator rights.")
		}
	case u == nil:
		if how, ok := stepsDown(s); ok {
			p.ReportSeverity(finding.Low, fromAt(p, s), "user:none", fmt.Sprintf("%s sets no USER: the container starts as root and %s; only that start-up step runs as root", targetLabel(p), how))
			return
		}
		p.Report(fromAt(p, s), "user:none", fmt.Sprintf("%s sets no USER, so the container runs as root", targetLabel(p)))
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

// windowsStage reports a Windows container: a Windows base image, or a
// PowerShell/cmd SHELL.
func windowsStage(s *dockerfile.Stage) bool {
	img := strings.ToLower(s.External())
	for _, w := range []string{"mcr.microsoft.com/windows", "windowsservercore", "nanoserver", "mcr.microsoft.com/dotnet/framework", "microsoft/aspnet", "microsoft/iis", "microsoft/windowsservercore", "microsoft/nanoserver", "ltsc20"} {
		if strings.Contains(img, w) {
			return true
		}
	}
	if in := s.Last("shell"); in != nil {
		t := strings.ToLower(in.Original)
		return strings.Contains(t, "powershell") || strings.Contains(t, "pwsh") || strings.Contains(t, "cmd")
	}
	return false
}

// stepDownImages are official images whose entrypoint starts as root and
// drops to the service's user (gosu/su-exec) before running the server.
var stepDownImages = map[string]string{
	"postgres": "postgres", "postgis/postgis": "postgres", "redis": "redis", "rabbitmq": "rabbitmq", "mysql": "mysql",
	"mariadb": "mysql", "mongo": "mongodb", "cassandra": "cassandra", "couchdb": "couchdb", "zookeeper": "zookeeper",
	"ghost": "node", "redmine": "redmine", "percona": "mysql", "neo4j": "neo4j",
}

// stepsDown says how a stage without USER drops root at start: the
// official base image's entrypoint (when the Dockerfile keeps it), or a
// gosu/su-exec/setpriv wrapper in its own ENTRYPOINT or CMD.
func stepsDown(s *dockerfile.Stage) (string, bool) {
	for _, in := range runCommands(s) {
		for _, c := range in.Shell().Commands {
			if w, user, ok := wrapperUser(c); ok {
				return fmt.Sprintf("%s drops to %s before %s", w, user, c.Program()), true
			}
			for _, w := range c.Wrappers {
				switch w {
				case "gosu", "su-exec", "setpriv", "chpst", "s6-setuidgid", "su -c", "runuser -c", "runuser":
					return fmt.Sprintf("%s drops to another user before %s", w, c.Program()), true
				}
			}
		}
	}
	b, ok := parseImageRef(s.External())
	if !ok {
		return "", false
	}
	user, known := stepDownImages[b.Repo]
	if !known {
		return "", false
	}
	for _, st := range s.Chain() {
		if len(st.Find("entrypoint")) > 0 {
			return "", false // the image's own entrypoint no longer runs
		}
	}
	return fmt.Sprintf("the %s image's entrypoint drops to the %s user (gosu)", b.Repo, user), true
}

// wrapperUser finds, among the wrappers a command was started through as
// written, one that switches to a named user that is not root: sudo -u X,
// gosu X, su-exec X, setpriv --reuid X, runuser -u X, chroot --userspec X.
func wrapperUser(c shell.Command) (wrapper, user string, ok bool) {
	n := len(c.Words) - len(c.Args)
	if n <= 0 {
		return "", "", false
	}
	ws := make([]string, n)
	for i, w := range c.Words[:n] {
		ws[i] = w.Value
	}
	// opt returns the value of a -u X / --user X / --user=X option among
	// the words that follow the wrapper, stopping at its first operand.
	opt := func(rest []string, names ...string) string {
		for i := 0; i < len(rest); i++ {
			v := rest[i]
			if !strings.HasPrefix(v, "-") || v == "--" {
				return ""
			}
			for _, name := range names {
				if v == name && i+1 < len(rest) {
					return rest[i+1]
				}
				if val, found := strings.CutPrefix(v, name+"="); found && strings.HasPrefix(name, "--") {
					return val
				}
			}
		}
		return ""
	}
	for i, w := range ws {
		rest := ws[i+1:]
		var u string
		switch prog := shell.Base(w); prog {
		case "sudo", "doas":
			u, wrapper = opt(rest, "-u", "--user"), prog+" -u"
		case "gosu", "su-exec":
			if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
				u, wrapper = strings.SplitN(rest[0], ":", 2)[0], prog
			}
		case "setpriv":
			u, wrapper = opt(rest, "--reuid"), "setpriv --reuid"
		case "runuser":
			u, wrapper = opt(rest, "-u", "--user"), "runuser -u"
		case "chroot":
			u, wrapper = strings.SplitN(opt(rest, "--userspec"), ":", 2)[0], "chroot --userspec"
		}
		if u != "" && !IsRootUser(u) {
			return wrapper, u, true
		}
	}
	return "", "", false
}

// targetLabel names the stage being judged: "the final stage (stage 2)",
// or "deploy target dev" for another stage that ships, naming the compose
// services whose build target it is.
func targetLabel(p *Pass) string {
	s := p.Final
	if s == p.Dockerfile.Stages[len(p.Dockerfile.Stages)-1] {
		return fmt.Sprintf("the final stage (%s)", stageLabel(s.Name, s.Index))
	}
	label := "deploy target " + strings.TrimPrefix(stageLabel(s.Name, s.Index), "stage ")
	// Say who picks it: a compose build's target: names this stage.
	var svcs []string
	for _, l := range p.Links {
		if l.Service != "" && !slices.Contains(svcs, l.Service) {
			svcs = append(svcs, l.Service)
		}
	}
	if len(svcs) > 0 {
		label += fmt.Sprintf(" (the compose target of %s %s)", plural0(len(svcs), "service"), strings.Join(svcs, ", "))
	}
	return label
}

func plural0(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
