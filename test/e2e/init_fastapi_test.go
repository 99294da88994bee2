package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	dimage "github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/mount"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/hardhull/hardhull/internal/buildctx"
	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/image"
	"github.com/hardhull/hardhull/internal/testengine"
)

// fastapiBase is made by .ci/fastapi-base.sh from Debian bookworm's
// packages (debootstrap + docker import): python3 3.11, python3-fastapi
// 0.92, python3-uvicorn 0.17, python3-pydantic 1.10. No registry is
// reachable, so python:3.12-slim cannot be pulled and the builder stage's
// pip install cannot run.
const fastapiBase = "hardhull-e2e/python-fastapi:bookworm"

// shimDir holds test-only Python modules, on PYTHONPATH in the test image.
const shimDir = "/opt/hardhull-e2e"

// substitution replaces one instruction of the template's runtime stage,
// matched by its exact text so that a template change fails the test
// instead of silently testing something else.
type substitution struct {
	original string   // the template's instruction (BuildKit's Original)
	with     []string // the test's lines; none drops the instruction
	why      string
}

func fastapiSubstitutions(port string) []substitution {
	return []substitution{{
		original: "FROM python:3.12-slim AS runtime",
		with:     []string{"FROM " + fastapiBase + " AS runtime"},
		why:      "no registry: the base is Debian's python3 with FastAPI installed system-wide",
	}, {
		original: "COPY --from=builder --chown=app:app /app/.venv /app/.venv",
		// bookworm has pydantic 1.10, which still has BaseSettings, and no
		// pydantic-settings package: the shim re-exports the v1 class.
		with: []string{
			"COPY hardhull-e2e/pydantic_settings.py " + shimDir + "/pydantic_settings.py",
			"ENV PYTHONPATH=" + shimDir,
		},
		why: "no venv: the packages are Debian's, system-wide; a shim stands in for pydantic-settings",
	}, {
		original: `CMD ["fastapi", "run", "app/main.py", "--port", "` + port + `", "--proxy-headers"]`,
		with:     []string{`CMD ["python", "-m", "uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "` + port + `", "--proxy-headers"]`},
		why:      "bookworm's FastAPI 0.92 predates the fastapi CLI; `fastapi run` is uvicorn on 0.0.0.0",
	}}
}

// The shim: pydantic-settings' BaseSettings is pydantic 1.x's, moved.
const pydanticSettingsShim = `"""Test-only stand-in for pydantic-settings on pydantic 1.x."""
from pydantic import BaseSettings  # noqa: F401
`

// requireFastAPIBase skips without the base image, except under CI=true,
// where it must have been made.
func requireFastAPIBase(ctx context.Context, t *testing.T, cli *client.Client) {
	t.Helper()
	if _, err := cli.ImageInspect(ctx, fastapiBase); err != nil {
		msg := fmt.Sprintf("base image %s: %v; make it with `bash .ci/fastapi-base.sh` (as root; about a minute)", fastapiBase, err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

// TestInitFastAPIOnEngine: `hardhull init fastapi`, its runtime stage
// built on a Debian-made base and run the way compose.yaml runs the api
// service, then audited with `hardhull image` and `hardhull runtime`.
func TestInitFastAPIOnEngine(t *testing.T) {
	cli := testengine.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	requireFastAPIBase(ctx, t, cli)
	timings := map[string]time.Duration{}
	step := func(name string, start time.Time) { timings[name] = time.Since(start).Round(time.Millisecond) }
	defer func() { t.Logf("timings: %v", timings) }()
	const port = "8000" // the template's default

	// 1. Generate, through the CLI.
	start := time.Now()
	app := filepath.Join(t.TempDir(), "hh-e2e-fastapi")
	if code, out, errs := run("init", "fastapi", app); code != 0 {
		t.Fatalf("hardhull init fastapi: exit %d\n%s%s", code, out, errs)
	}
	step("init", start)

	// 2. The runtime stage, instruction for instruction, with only the
	// documented substitutions; the build context is what the template's
	// .dockerignore lets through, plus the shim.
	src, err := os.ReadFile(filepath.Join(app, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	df, err := dockerfile.ParseBytes("Dockerfile", src, dockerfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	final := df.Final("")
	testDF := substituteStage(t, final, fastapiSubstitutions(port))
	t.Logf("test Dockerfile:\n%s", testDF)
	files := sentContext(t, app)
	files["Dockerfile"] = ctxFile{data: []byte(testDF), mode: 0o644}
	files["hardhull-e2e/pydantic_settings.py"] = ctxFile{data: []byte(pydanticSettingsShim), mode: 0o644}
	start = time.Now()
	tag := "hardhull-e2e-init-fastapi:" + testengine.Unique("")
	buildImage(ctx, t, cli, tag, files)
	t.Cleanup(func() {
		_, _ = cli.ImageRemove(context.Background(), tag, dimage.RemoveOptions{Force: true, PruneChildren: true})
	})
	step("image build", start)

	// 3. Run it as compose.yaml runs the api service: its user,
	// environment, hardening, limits, networks (frontend, and the internal
	// backend) and its db_password secret bind-mounted read-only as plain
	// compose does. /health touches no database, so no Postgres.
	proj, err := compose.Load(ctx, compose.Options{Files: []string{filepath.Join(app, "compose.yaml")}})
	if err != nil {
		t.Fatal(err)
	}
	svc, ok := proj.Service("api")
	if !ok {
		t.Fatal("compose.yaml has no service api")
	}
	if len(svc.Ports) != 0 || strings.Join(svc.Expose, ",") != port {
		t.Fatalf("api ports %v expose %v; the template publishes nothing and exposes %s to the proxy", svc.Ports, svc.Expose, port)
	}
	cfg, hc := runConfig(t, svc, tag)
	imageCommand(ctx, t, cli, cfg)
	netIDs := map[string]string{}
	for _, n := range slices.Sorted(maps.Keys(svc.Networks)) {
		nc, ok := proj.Network(n)
		if !ok {
			t.Fatalf("api joins network %s that compose.yaml does not declare", n)
		}
		name := testengine.Unique(proj.Name + "_" + n + "-")
		if _, err := cli.NetworkCreate(ctx, name, network.CreateOptions{Driver: "bridge", Internal: nc.Internal, Labels: map[string]string{testengine.Label: "1"}}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cli.NetworkRemove(context.Background(), name) })
		netIDs[n] = name
	}
	if nc, _ := proj.Network("backend"); netIDs["frontend"] == "" || netIDs["backend"] == "" || !nc.Internal {
		t.Fatalf("api networks %v; the template puts it on frontend and the internal backend", svc.Networks)
	}
	hc.NetworkMode = container.NetworkMode(netIDs["frontend"])
	secret := secretMounts(t, proj, svc)
	hc.Mounts = append(hc.Mounts, secret.mounts...)
	start = time.Now()
	id := testengine.Run(t, cli, testengine.RunOptions{Config: cfg, HostConfig: hc, CreateOnly: true})
	// The engine (API < 1.44) takes one network at create; compose
	// connects the others before starting.
	if err := cli.NetworkConnect(ctx, netIDs["backend"], id, nil); err != nil {
		t.Fatal(err)
	}
	if err := cli.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		t.Fatal(err)
	}
	health := waitHealthy(ctx, t, cli, id)
	step("start to healthy", start)
	if health != "healthy" {
		var probes strings.Builder
		if ins, err := cli.ContainerInspect(ctx, id); err == nil && ins.State != nil && ins.State.Health != nil {
			for _, l := range ins.State.Health.Log {
				fmt.Fprintf(&probes, "exit %d: %s\n", l.ExitCode, l.Output)
			}
		}
		t.Fatalf("container health %q\nprobes:\n%slogs:\n%s", health, probes.String(), containerLogs(cli, id))
	}

	// It serves /health on the frontend network, where the proxy reaches it.
	ins, err := cli.ContainerInspect(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	ep := ins.NetworkSettings.Networks[netIDs["frontend"]]
	if ep == nil || ep.IPAddress == "" {
		t.Fatalf("no address on the frontend network: %+v", ins.NetworkSettings.Networks)
	}
	url := "http://" + ep.IPAddress + ":" + port + "/health"
	hcl := http.Client{Timeout: 10 * time.Second}
	resp, err := hcl.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != `{"status":"ok"}` {
		t.Errorf("GET %s: %s %q", url, resp.Status, body)
	}
	// Production settings from the environment: docs are off.
	for _, p := range []string{"/docs", "/openapi.json"} {
		resp, err := hcl.Get("http://" + ep.IPAddress + ":" + port + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("GET %s: %s, want 404 in production", p, resp.Status)
		}
	}
	// The app's settings and get_secret, as its own user would see them.
	// Only a digest of the secret crosses the exec.
	probe := "import hashlib; from app.config import get_secret, settings; " +
		"print(settings.debug, settings.environment, hashlib.sha256(get_secret('db_password').encode()).hexdigest())"
	if out := execIn(ctx, t, cli, id, "python", "-c", probe); out != "False production "+secret.digest {
		t.Errorf("settings and secret digest in the container: %q, want debug False, production and the secret's digest", out)
	}

	// 4. Audit the image and the running container.
	start = time.Now()
	auditFastAPIImage(ctx, t, tag, port)
	step("image audit", start)
	start = time.Now()
	auditContainer(ctx, t, cli, id, svc, 1000)
	step("runtime audit", start)

	start = time.Now()
	cliAudit(t, "image", "docker:"+tag)
	step("hardhull image", start)
	start = time.Now()
	cliAudit(t, "runtime", id)
	step("hardhull runtime", start)
}

// substituteStage renders the stage's instructions as written, except
// those named by subs, each of which must match exactly once.
func substituteStage(t *testing.T, st *dockerfile.Stage, subs []substitution) string {
	t.Helper()
	used := make([]int, len(subs))
	var b strings.Builder
	for _, in := range st.Instructions {
		i := slices.IndexFunc(subs, func(s substitution) bool { return s.original == in.Original })
		if i < 0 {
			if _, from := in.Flag("from"); from && in.Cmd == "copy" {
				t.Fatalf("line %d: COPY from another stage this test does not substitute: %s", in.Line, in.Original)
			}
			b.WriteString(in.Original + "\n")
			continue
		}
		used[i]++
		for _, l := range subs[i].with {
			b.WriteString(l + "\n")
		}
	}
	for i, n := range used {
		if n != 1 {
			t.Errorf("substitution %q (%s) applied %d times; the template's runtime stage changed:\n%s", subs[i].original, subs[i].why, n, stageText(st))
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	b.WriteString("LABEL " + testengine.Label + "=1\n")
	return b.String()
}

func stageText(st *dockerfile.Stage) string {
	var b strings.Builder
	for _, in := range st.Instructions {
		fmt.Fprintf(&b, "  %d: %s\n", in.Line, in.Original)
	}
	return b.String()
}

// sentContext reads the files a build of dir would send, by the
// template's own .dockerignore.
func sentContext(t *testing.T, dir string) map[string]ctxFile {
	t.Helper()
	c, err := buildctx.Open(dir, "", buildctx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]ctxFile{}
	for _, rel := range c.Files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		st, err := os.Lstat(p)
		if err != nil || !st.Mode().IsRegular() {
			t.Fatalf("context file %s: %v (mode %v)", rel, err, st.Mode())
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[rel] = ctxFile{data: data, mode: int64(st.Mode().Perm())}
	}
	if _, ok := files["app/main.py"]; !ok {
		t.Fatalf("build context lacks app/main.py: %v", c.Files)
	}
	for rel := range files {
		if strings.HasPrefix(rel, "secrets/") || strings.HasPrefix(rel, ".env") {
			t.Errorf("build context sends %s", rel)
		}
	}
	return files
}

type secretSetup struct {
	mounts []mount.Mount
	digest string // sha256 of the value, hex
}

// secretMounts writes a random value for each of the service's file
// secrets (as secrets/README.md says to, mode 0644) and bind-mounts it
// read-only at /run/secrets/<target>, as plain `docker compose` does.
// The template's api service has exactly one, db_password.
func secretMounts(t *testing.T, proj *compose.Project, svc compose.Service) secretSetup {
	t.Helper()
	if len(svc.Secrets) != 1 || svc.Secrets[0].Source != "db_password" {
		t.Fatalf("api secrets %+v; the template gives it db_password only", svc.Secrets)
	}
	s := svc.Secrets[0]
	def, ok := proj.Project.Secrets[s.Source]
	if !ok || def.File == "" {
		t.Fatalf("secret %s is not a file secret: %+v", s.Source, def)
	}
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	value := hex.EncodeToString(raw)
	// The project's secrets/ is the template's, so the file goes where
	// compose.yaml points.
	if err := os.WriteFile(def.File, []byte(value), 0o644); err != nil {
		t.Fatal(err)
	}
	target := s.Target
	if target == "" {
		target = s.Source
	}
	if !strings.HasPrefix(target, "/") {
		target = "/run/secrets/" + target
	}
	sum := sha256.Sum256([]byte(value))
	return secretSetup{
		mounts: []mount.Mount{{Type: mount.TypeBind, Source: def.File, Target: target, ReadOnly: true}},
		digest: hex.EncodeToString(sum[:]),
	}
}

// execIn runs cmd in the container as its user and returns its trimmed
// stdout; a non-zero exit fails the test.
func execIn(ctx context.Context, t *testing.T, cli *client.Client, id string, cmd ...string) string {
	t.Helper()
	ex, err := cli.ContainerExecCreate(ctx, id, container.ExecOptions{Cmd: cmd, AttachStdout: true, AttachStderr: true})
	if err != nil {
		t.Fatal(err)
	}
	att, err := cli.ContainerExecAttach(ctx, ex.ID, container.ExecAttachOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	_, err = stdcopy.StdCopy(&out, &errb, att.Reader)
	att.Close()
	if err != nil {
		t.Fatal(err)
	}
	st, err := cli.ContainerExecInspect(ctx, ex.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.ExitCode != 0 {
		t.Fatalf("exec %v: exit %d\n%s", cmd[:1], st.ExitCode, errb.String())
	}
	return strings.TrimSpace(out.String())
}

// auditFastAPIImage reads the built image back with hardhull's image
// loader and checks the runtime stage's promises: user app with the fixed
// UID/GID 1000, the app owned by it, the env hardening, the health check,
// the port, and no venv, secrets or world-writable files.
func auditFastAPIImage(ctx context.Context, t *testing.T, tag, port string) {
	t.Helper()
	img, err := image.Load(ctx, "docker:"+tag, image.Options{})
	if err != nil {
		t.Fatalf("image.Load docker:%s: %v", tag, err)
	}
	c := img.Config.Config
	if c.User != "app" {
		t.Errorf("image user %q, want app", c.User)
	}
	var app *image.User
	for _, u := range img.Passwd() {
		if u.Name == "app" {
			app = &u
		}
	}
	if app == nil || app.UID != 1000 || app.GID != 1000 || app.Shell != "/usr/sbin/nologin" || app.Home != "/home/app" {
		t.Errorf("/etc/passwd app entry %+v, want 1000:1000 /home/app /usr/sbin/nologin", app)
	}
	if i := slices.IndexFunc(img.Group(), func(g image.Group) bool { return g.Name == "app" }); i < 0 || img.Group()[i].GID != 1000 {
		t.Errorf("/etc/group has no app group with gid 1000")
	}
	for _, p := range []string{"/app/app/main.py", "/app/app/config.py", "/app/app/__init__.py"} {
		if e := img.Lookup(p); e == nil || e.UID != 1000 || e.GID != 1000 {
			t.Errorf("%s: %+v, want owned by 1000:1000", p, e)
		}
	}
	for _, p := range []string{"/app/.venv", "/app/secrets", "/app/.env", "/app/Dockerfile", "/app/compose.yaml"} {
		if img.Lookup(p) != nil {
			t.Errorf("%s is in the image", p)
		}
	}
	env := map[string]string{}
	for _, kv := range c.Env {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	for k, v := range map[string]string{
		"PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1", "PYTHONHASHSEED": "random",
		"PIP_NO_CACHE_DIR": "1", "DEBUG": "false", "ENVIRONMENT": "production",
	} {
		if env[k] != v {
			t.Errorf("image env %s=%q, want %q", k, env[k], v)
		}
	}
	if hc := c.Healthcheck; hc == nil || len(hc.Test) != 2 || hc.Test[0] != "CMD-SHELL" ||
		!strings.Contains(hc.Test[1], "urlopen('http://localhost:"+port+"/health'") ||
		hc.Interval != 30*time.Second || hc.Timeout != 10*time.Second || hc.Retries != 3 {
		t.Errorf("image healthcheck %+v", c.Healthcheck)
	}
	if _, ok := c.ExposedPorts[port+"/tcp"]; !ok || len(c.ExposedPorts) != 1 {
		t.Errorf("exposed ports %v, want %s/tcp", c.ExposedPorts, port)
	}
	if c.WorkingDir != "/app" {
		t.Errorf("workdir %q", c.WorkingDir)
	}
	if w := img.WorldWritable(); len(w) > 0 {
		t.Errorf("world-writable files: %v", w)
	}
}
