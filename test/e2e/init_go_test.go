// Package e2e runs hardhull's commands end to end: the CLI as users call
// it, and what it generates built and run on a real Docker engine.
package e2e

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/container"
	dimage "github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/client"
	"github.com/docker/go-connections/nat"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/engine"
	"github.com/hardhull/hardhull/internal/image"
	"github.com/hardhull/hardhull/internal/testengine"
)

// builderDir is where, in the test build context, the files the template's
// builder stage would produce are placed.
const builderDir = "from-builder"

// TestInitGoOnEngine: `hardhull init go`, built and run on the engine the
// way the generated files say, then audited through hardhull's image and
// engine loaders.
//
// No registry is reachable, so golang: cannot be pulled. The builder stage
// is replaced by the host's Go toolchain run with the stage's own flags,
// and the template's runtime stage is kept instruction for instruction,
// with COPY --from=builder turned into COPY from the context.
func TestInitGoOnEngine(t *testing.T) {
	cli := testengine.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	timings := map[string]time.Duration{}
	step := func(name string, start time.Time) { timings[name] = time.Since(start).Round(time.Millisecond) }
	defer func() { t.Logf("timings: %v", timings) }()

	// 1. Generate.
	start := time.Now()
	app := filepath.Join(t.TempDir(), "hh-e2e")
	if code, out, errs := run("init", "go", app); code != 0 {
		t.Fatalf("hardhull init go: exit %d\n%s%s", code, out, errs)
	}
	step("init", start)

	// 2. The builder stage, on the host.
	start = time.Now()
	src, err := os.ReadFile(filepath.Join(app, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	df, err := dockerfile.ParseBytes("Dockerfile", src, dockerfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	builder, final := df.Stages[0], df.Final("")
	buildCtx := map[string]ctxFile{}
	hostBuild(t, app, builder, buildCtx)
	step("go build (host)", start)

	// 3. The runtime stage, verbatim except for its builder COPYs.
	testDF := runtimeStage(t, final, builder.Name, buildCtx)
	buildCtx["Dockerfile"] = ctxFile{data: []byte(testDF), mode: 0o644}
	start = time.Now()
	tag := "hardhull-e2e-init-go:" + testengine.Unique("")
	buildImage(ctx, t, cli, tag, buildCtx)
	t.Cleanup(func() {
		_, _ = cli.ImageRemove(context.Background(), tag, dimage.RemoveOptions{Force: true, PruneChildren: true})
	})
	step("image build", start)

	// 4. Run it with the hardening compose.yaml specifies.
	proj, err := compose.Load(ctx, compose.Options{Files: []string{filepath.Join(app, "compose.yaml")}})
	if err != nil {
		t.Fatal(err)
	}
	svc, ok := proj.Service("app")
	if !ok {
		t.Fatal("compose.yaml has no service app")
	}
	cfg, hc := runConfig(t, svc, tag)
	imageCommand(ctx, t, cli, cfg)
	if len(svc.Ports) != 1 || svc.Ports[0].HostIP != "127.0.0.1" {
		t.Fatalf("compose publishes %v; the template publishes one port on 127.0.0.1", svc.Ports)
	}
	// Compose attaches a service without networks: to the project's own
	// bridge network, not the default bridge.
	netName := testengine.Unique(proj.Name + "_default-")
	if _, err := cli.NetworkCreate(ctx, netName, network.CreateOptions{Driver: "bridge", Labels: map[string]string{testengine.Label: "1"}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cli.NetworkRemove(context.Background(), netName) })
	hc.NetworkMode = container.NetworkMode(netName)
	start = time.Now()
	id := testengine.Run(t, cli, testengine.RunOptions{Config: cfg, HostConfig: hc})
	health := waitHealthy(ctx, t, cli, id)
	step("start to healthy", start)
	if health != "healthy" {
		logs := containerLogs(cli, id)
		t.Fatalf("container health %q\nlogs:\n%s", health, logs)
	}

	// It serves /health on the published port.
	ins, err := cli.ContainerInspect(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	port := svc.Ports[0]
	bindings := ins.NetworkSettings.Ports[nat.Port(fmt.Sprintf("%d/tcp", port.Target))]
	if len(bindings) == 0 {
		t.Fatalf("port %d not published: %v", port.Target, ins.NetworkSettings.Ports)
	}
	url := fmt.Sprintf("http://%s:%s/health", bindings[0].HostIP, bindings[0].HostPort)
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != `{"status":"ok"}` {
		t.Errorf("GET %s: %s %q", url, resp.Status, body)
	}

	// 5. Audit the image through hardhull's image loader.
	start = time.Now()
	auditImage(ctx, t, tag, final)
	step("image audit", start)

	// 6. Audit the running container through hardhull's engine loader.
	start = time.Now()
	auditContainer(ctx, t, cli, id, svc, 65534)
	step("runtime audit", start)

	// 7. And as users would: `hardhull image` and `hardhull runtime`
	// report nothing above low.
	start = time.Now()
	cliAudit(t, "image", "docker:"+tag)
	step("hardhull image", start)
	start = time.Now()
	cliAudit(t, "runtime", id)
	step("hardhull runtime", start)
}

// cliAudit runs an auditing command with JSON output and fails on any
// finding above low or any input error.
func cliAudit(t *testing.T, args ...string) {
	t.Helper()
	args = append(args, "--format", "json", "--fail-on", "medium")
	code, out, errs := run(args...)
	var rep struct {
		Command  string `json:"command"`
		Findings []struct {
			Rule     string `json:"rule"`
			Severity string `json:"severity"`
			Message  string `json:"message"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("hardhull %s: exit %d, output is not JSON (%v)\n%s%s", strings.Join(args, " "), code, err, out, errs)
	}
	if rep.Command != args[0] {
		t.Errorf("report of command %q, want %q", rep.Command, args[0])
	}
	for _, f := range rep.Findings {
		if f.Severity != "info" && f.Severity != "low" {
			t.Errorf("hardhull %s: %s %s %s", args[0], f.Rule, f.Severity, f.Message)
		} else {
			t.Logf("hardhull %s: %s %s %s", args[0], f.Rule, f.Severity, f.Message)
		}
	}
	// --fail-on medium: nothing above low means exit 0.
	if code != 0 || errs != "" {
		t.Errorf("hardhull %s: exit %d, want 0\n%s", strings.Join(args, " "), code, errs)
	}
}

type ctxFile struct {
	data []byte
	mode int64
}

// hostBuild runs the builder stage's `go build` on the host with the same
// environment and flags, and places what the stage's runtime COPYs take
// (the binary, the CA bundle) under builderDir.
func hostBuild(t *testing.T, app string, builder *dockerfile.Stage, buildCtx map[string]ctxFile) {
	t.Helper()
	var goBuild string
	for _, in := range builder.Find("run") {
		if strings.Contains(in.Original, "go build") {
			goBuild = in.Original
		}
	}
	// The template's step, e.g. RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/server .
	want := `RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/server .`
	if goBuild != want {
		t.Fatalf("builder stage's build step %q; this test reproduces %q", goBuild, want)
	}
	bin := filepath.Join(t.TempDir(), "server")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, ".")
	cmd.Dir = app
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOTOOLCHAIN=local", "GOWORK=off", "GOPROXY=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	buildCtx[builderDir+"/out/server"] = ctxFile{data: data, mode: 0o755}
	// The golang image ships Debian's CA bundle; so does this host, usually.
	ca, err := os.ReadFile("/etc/ssl/certs/ca-certificates.crt")
	if err != nil {
		t.Logf("no host CA bundle (%v); using an empty one", err)
	}
	buildCtx[builderDir+"/etc/ssl/certs/ca-certificates.crt"] = ctxFile{data: ca, mode: 0o644}
}

// runtimeStage renders the final stage with COPY --from=<builder> pointed
// at builderDir in the context. Anything else that would need a registry
// or a shell fails the test: the template promises neither.
func runtimeStage(t *testing.T, final *dockerfile.Stage, builderName string, buildCtx map[string]ctxFile) string {
	t.Helper()
	var b strings.Builder
	for _, in := range final.Instructions {
		switch c := in.Command.(type) {
		case *instructions.CopyCommand:
			if c.From != builderName {
				t.Fatalf("line %d: COPY not from the builder stage: %s", in.Line, in.Original)
			}
			var srcs []string
			for _, s := range c.SourcePaths {
				p := builderDir + path.Clean("/"+s)
				if _, ok := buildCtx[p]; !ok {
					t.Fatalf("line %d: %s: the host build did not produce %s", in.Line, in.Original, s)
				}
				srcs = append(srcs, p)
			}
			if len(c.Chown) > 0 || len(c.Chmod) > 0 {
				t.Fatalf("line %d: flags this test does not reproduce: %s", in.Line, in.Original)
			}
			fmt.Fprintf(&b, "COPY %s %s\n", strings.Join(srcs, " "), c.DestPath)
		case *instructions.RunCommand:
			t.Fatalf("line %d: RUN in the runtime stage: %s", in.Line, in.Original)
		default:
			b.WriteString(in.Original + "\n")
		}
	}
	b.WriteString("LABEL " + testengine.Label + "=1\n")
	return b.String()
}

func buildImage(ctx context.Context, t *testing.T, cli *client.Client, tag string, files map[string]ctxFile) {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f := files[n]
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: f.mode, Size: int64(len(f.data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(f.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	resp, err := cli.ImageBuild(ctx, &buf, build.ImageBuildOptions{
		Tags: []string{tag}, Remove: true, ForceRemove: true,
		Labels: map[string]string{testengine.Label: "1"},
		// The classic builder is on every engine from 20.10 and needs
		// nothing from a registry for FROM scratch.
		Version: build.BuilderV1,
	})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	defer resp.Body.Close()
	var log strings.Builder
	dec := json.NewDecoder(resp.Body)
	for {
		var m struct {
			Stream string `json:"stream"`
			Error  string `json:"error"`
		}
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("build output: %v", err)
		}
		log.WriteString(m.Stream)
		if m.Error != "" {
			t.Fatalf("build: %s\n%s\nDockerfile:\n%s", m.Error, log.String(), files["Dockerfile"].data)
		}
	}
}

// logConfig is the service's logging: as compose passes it to the engine.
func logConfig(s compose.Service) container.LogConfig {
	if s.Logging == nil {
		return container.LogConfig{}
	}
	return container.LogConfig{Type: s.Logging.Driver, Config: s.Logging.Options}
}

// runConfig turns the compose service into engine create options: the
// same user, environment, read-only root, tmpfs, capabilities, security
// options, limits, restart policy and logging. The host port is left to the engine so runs
// do not collide; the interface is compose's. The health interval is
// shortened (the check itself is the image's) so the test does not wait
// 30s for the first probe.
func runConfig(t *testing.T, s compose.Service, img string) (*container.Config, *container.HostConfig) {
	t.Helper()
	if s.Deploy == nil || s.Deploy.Resources.Limits == nil {
		t.Fatal("service has no deploy.resources.limits")
	}
	l := s.Deploy.Resources.Limits
	pids := l.Pids
	cfg := &container.Config{
		Image:        img,
		User:         s.User,
		ExposedPorts: nat.PortSet{},
		Healthcheck:  &container.HealthConfig{Interval: 500 * time.Millisecond},
	}
	hc := &container.HostConfig{
		ReadonlyRootfs: s.ReadOnly,
		CapDrop:        s.CapDrop,
		CapAdd:         s.CapAdd,
		SecurityOpt:    s.SecurityOpt,
		Tmpfs:          map[string]string{},
		RestartPolicy:  container.RestartPolicy{Name: container.RestartPolicyMode(s.Restart)},
		LogConfig:      logConfig(s),
		PortBindings:   nat.PortMap{},
		Resources: container.Resources{
			NanoCPUs:  int64(float64(l.NanoCPUs) * 1e9),
			Memory:    int64(l.MemoryBytes),
			PidsLimit: &pids,
		},
	}
	for _, p := range s.Tmpfs {
		hc.Tmpfs[p] = ""
	}
	for _, p := range s.Ports {
		port := nat.Port(fmt.Sprintf("%d/%s", p.Target, p.Protocol))
		cfg.ExposedPorts[port] = struct{}{}
		hc.PortBindings[port] = append(hc.PortBindings[port], nat.PortBinding{HostIP: p.HostIP, HostPort: "0"})
	}
	for _, k := range slices.Sorted(maps.Keys(s.Environment)) {
		v := s.Environment[k]
		if v == nil {
			t.Fatalf("environment %s takes its value from the shell; the template sets every value", k)
		}
		cfg.Env = append(cfg.Env, k+"="+*v)
	}
	return cfg, hc
}

// imageCommand sets cfg's entrypoint and command to the image's own, as
// compose does for a service without command: testengine.Start would
// otherwise run `sleep 3600`.
func imageCommand(ctx context.Context, t *testing.T, cli *client.Client, cfg *container.Config) {
	t.Helper()
	ins, err := cli.ImageInspect(ctx, cfg.Image)
	if err != nil {
		t.Fatal(err)
	}
	if ins.Config == nil || len(ins.Config.Entrypoint) == 0 && len(ins.Config.Cmd) == 0 {
		t.Fatalf("image %s has neither ENTRYPOINT nor CMD", cfg.Image)
	}
	cfg.Entrypoint, cfg.Cmd = ins.Config.Entrypoint, ins.Config.Cmd
}

// waitHealthy returns the container's health status once it is no longer
// "starting" (or after a minute).
func waitHealthy(ctx context.Context, t *testing.T, cli *client.Client, id string) string {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		ins, err := cli.ContainerInspect(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if ins.State.Health == nil {
			t.Fatal("container has no health state: the image's HEALTHCHECK was lost")
		}
		st := ins.State.Health.Status
		if st != container.Starting || time.Now().After(deadline) {
			return st
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func containerLogs(cli *client.Client, id string) string {
	rc, err := cli.ContainerLogs(context.Background(), id, container.LogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return err.Error()
	}
	defer rc.Close()
	var b strings.Builder
	sc := bufio.NewScanner(rc)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
	}
	return b.String()
}

// auditImage reads the built image back from the engine (docker save) with
// hardhull's image loader and checks what `hardhull image` must report
// nothing about: a non-root numeric user, a healthcheck, no shell, no
// setuid or world-writable files, nothing but the binary and CA roots.
func auditImage(ctx context.Context, t *testing.T, tag string, final *dockerfile.Stage) {
	t.Helper()
	img, err := image.Load(ctx, "docker:"+tag, image.Options{})
	if err != nil {
		t.Fatalf("image.Load docker:%s: %v", tag, err)
	}
	c := img.Config.Config
	if c.User != "65534:65534" {
		t.Errorf("image user %q, want 65534:65534", c.User)
	}
	if c.Healthcheck == nil || strings.Join(c.Healthcheck.Test, " ") != "CMD /server -healthcheck" {
		t.Errorf("image healthcheck %+v", c.Healthcheck)
	}
	if strings.Join(c.Entrypoint, " ") != "/server" {
		t.Errorf("entrypoint %v", c.Entrypoint)
	}
	var regular []string
	for p, e := range img.FS {
		if e.Mode.IsRegular() {
			regular = append(regular, p)
		}
	}
	sort.Strings(regular)
	if got := strings.Join(regular, " "); got != "/etc/ssl/certs/ca-certificates.crt /server" {
		t.Errorf("image files: %s", got)
	}
	for _, sh := range []string{"/bin/sh", "/bin/busybox", "/usr/bin/wget"} {
		if img.Lookup(sh) != nil {
			t.Errorf("%s in a FROM scratch image", sh)
		}
	}
	if s := img.SetuidFiles(); len(s) > 0 {
		t.Errorf("setuid files: %v", s)
	}
	if w := img.WorldWritable(); len(w) > 0 {
		t.Errorf("world-writable files: %v", w)
	}
	if ex := final.Last("expose"); ex == nil || len(c.ExposedPorts) != 1 {
		t.Errorf("exposed ports %v", c.ExposedPorts)
	}
}

// auditContainer reads the container with hardhull's engine loader and
// checks the runtime facts compose.yaml asked for, and that every process
// runs as uid (the template's user, uid:uid).
func auditContainer(ctx context.Context, t *testing.T, cli *client.Client, id string, s compose.Service, uid int) {
	t.Helper()
	cs, err := engine.Load(ctx, cli, engine.Selector{Names: []string{id}})
	if err != nil || len(cs) != 1 {
		t.Fatalf("engine.Load %s: %v (%d containers)", id, err, len(cs))
	}
	c := cs[0]
	h := c.Inspect.HostConfig
	if want := fmt.Sprintf("%d:%d", uid, uid); c.Inspect.Config.User != want || s.User != want {
		t.Errorf("container user %q, compose user %q, want %q", c.Inspect.Config.User, s.User, want)
	}
	if !h.ReadonlyRootfs {
		t.Error("root filesystem is writable")
	}
	if strings.Join(h.CapDrop, ",") != "ALL" || len(h.CapAdd) != 0 {
		t.Errorf("cap_drop %v cap_add %v", h.CapDrop, h.CapAdd)
	}
	if strings.Join(h.SecurityOpt, ",") != "no-new-privileges:true" {
		t.Errorf("security_opt %v", h.SecurityOpt)
	}
	if h.Privileged || h.NetworkMode == "host" || h.PidMode == "host" {
		t.Errorf("privileged %v network %s pid %s", h.Privileged, h.NetworkMode, h.PidMode)
	}
	if h.Memory != 512<<20 || h.NanoCPUs != 1e9 || h.PidsLimit == nil || *h.PidsLimit != 100 {
		t.Errorf("limits memory %d cpus %d pids %v", h.Memory, h.NanoCPUs, h.PidsLimit)
	}
	if h.RestartPolicy.Name != "unless-stopped" {
		t.Errorf("restart %q", h.RestartPolicy.Name)
	}
	if _, ok := h.Tmpfs["/tmp"]; !ok {
		t.Errorf("tmpfs %v", h.Tmpfs)
	}
	for _, b := range h.PortBindings {
		for _, pb := range b {
			if pb.HostIP != "127.0.0.1" {
				t.Errorf("port bound on %q", pb.HostIP)
			}
		}
	}
	if len(c.Processes) == 0 {
		t.Fatal("no processes listed for the running container")
	}
	for _, p := range c.Processes {
		if p.UID != uid {
			t.Errorf("process %q runs as uid %d", p.Command, p.UID)
		}
	}
}
