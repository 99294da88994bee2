// Package testengine gives tests a real Docker engine: a connected client,
// tiny busybox images built FROM scratch (no registry is needed) and
// containers that remove themselves when the test ends.
package testengine

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/client"

	"github.com/hardhull/hardhull/internal/engine"
)

// Labels on everything this package creates, so leftovers can be found.
const (
	// Label marks test containers and images.
	Label = "hardhull.test"
	// LabelPID and LabelHost name the test process that owns a container;
	// Sweep removes a container only when that process is gone.
	LabelPID  = "hardhull.test.pid"
	LabelHost = "hardhull.test.host"
)

// Require connects to the engine named by DOCKER_HOST (or the default
// socket). Without one the test is skipped, except under CI=true, where a
// missing engine is a failure: CI must not pass by skipping.
func Require(t testing.TB) *client.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cli, _, err := engine.Connect(ctx)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Docker engine required in CI: %v", err)
		}
		t.Skipf("no Docker engine (%v); to run this test: apt-get install docker.io && dockerd & (as root), or run .ci/docker-up.sh", err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

// busyboxPaths are where Debian's busybox-static puts the binary.
var busyboxPaths = []string{"/bin/busybox", "/usr/bin/busybox"}

// The image's users: root and an unprivileged app user with uid 1000.
const (
	passwd = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
	group  = "root:x:0:\napp:x:1000:\nnogroup:x:65534:\n"
)

var (
	imagesMu sync.Mutex
	images   = map[string]builtImage{} // requested tag -> what was built
)

type builtImage struct {
	key string // hash of its Dockerfile
	tag string // the tag it got: the requested one made unique to this process
}

// processTag makes a requested tag this process's own, so that removing it
// when the tests end cannot pull an image from under another test process
// (another package, or another run of this one) using the same engine.
func processTag(tag string) string {
	return tag + "-" + runID
}

// runID tells this test process's images apart from any other's.
var runID = "p" + strconv.Itoa(os.Getpid()) + randomHex()[:4]

// BusyboxImage builds (once per test binary run and tag) an image FROM
// scratch holding a static busybox with its applets installed in /bin,
// /etc/passwd and /etc/group with root and app (1000), and the given extra
// Dockerfile lines appended (HEALTHCHECK, USER, ...). It returns the tag
// the image got: the requested one with a suffix unique to this process.
// Asking for the same tag with different extra lines fails the test. Main
// removes the image when the package's tests end.
func BusyboxImage(t testing.TB, cli *client.Client, tag, extraDockerfile string) string {
	t.Helper()
	if !strings.Contains(tag, ":") {
		tag += ":latest"
	}
	df := "FROM scratch\n" +
		"COPY busybox /bin/busybox\n" +
		"COPY passwd group /etc/\n" +
		`RUN ["/bin/busybox", "--install", "-s", "/bin"]` + "\n" +
		"RUN mkdir -p /tmp /home/app && chmod 1777 /tmp && chown 1000:1000 /home/app\n" +
		"LABEL " + Label + "=1\n" +
		extraDockerfile + "\n"
	sum := sha256.Sum256([]byte(df))
	key := hex.EncodeToString(sum[:])

	// One build at a time: parallel tests asking for the same tag wait for
	// the first build instead of racing it.
	imagesMu.Lock()
	defer imagesMu.Unlock()
	if have, ok := images[tag]; ok {
		if have.key != key {
			t.Fatalf("testengine: image %s already built with different Dockerfile lines in this run", tag)
		}
		return have.tag
	}
	requested := tag
	tag = processTag(tag)
	bb, err := readBusybox()
	if err != nil {
		t.Fatal(err)
	}
	tarball, err := buildContext(map[string]fileEntry{
		"Dockerfile": {[]byte(df), 0o644},
		"busybox":    {bb, 0o755},
		"passwd":     {[]byte(passwd), 0o644},
		"group":      {[]byte(group), 0o644},
	})
	if err != nil {
		t.Fatalf("testengine: build context for %s: %v", tag, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	resp, err := cli.ImageBuild(ctx, bytes.NewReader(tarball), build.ImageBuildOptions{
		Tags:        []string{tag},
		Remove:      true,
		ForceRemove: true,
		Labels:      OwnLabels(),
		// The classic builder is what every engine from 20.10 on has.
		Version: build.BuilderV1,
	})
	if err != nil {
		t.Fatalf("testengine: build %s: %v", tag, err)
	}
	defer resp.Body.Close()
	if err := readBuildStream(resp.Body); err != nil {
		t.Fatalf("testengine: build %s: %v\nDockerfile:\n%s", tag, err, df)
	}
	images[requested] = builtImage{key: key, tag: tag}
	return tag
}

func readBusybox() ([]byte, error) {
	for _, p := range busyboxPaths {
		if b, err := os.ReadFile(p); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("testengine: no static busybox at %s; install it: apt-get install busybox-static",
		strings.Join(busyboxPaths, " or "))
}

type fileEntry struct {
	data []byte
	mode int64
}

func buildContext(files map[string]fileEntry) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, f := range files {
		hdr := &tar.Header{Name: name, Mode: f.mode, Size: int64(len(f.data)), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// readBuildStream drains the build's JSON message stream; the build's own
// failure arrives in it, not as an HTTP error. The output is kept for the
// error message.
func readBuildStream(r io.Reader) error {
	dec := json.NewDecoder(r)
	var log strings.Builder
	for {
		var msg struct {
			Stream      string `json:"stream"`
			Error       string `json:"error"`
			ErrorDetail *struct {
				Message string `json:"message"`
			} `json:"errorDetail"`
		}
		if err := dec.Decode(&msg); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("read build output: %w", err)
		}
		if log.Len() < 64<<10 {
			log.WriteString(msg.Stream)
		}
		if msg.Error != "" || msg.ErrorDetail != nil {
			m := msg.Error
			if m == "" {
				m = msg.ErrorDetail.Message
			}
			return fmt.Errorf("%s\nbuild output:\n%s", m, log.String())
		}
	}
}

// RunOptions describe a test container. Config.Image is required; with no
// Cmd or Entrypoint the container runs `sleep 3600`.
type RunOptions struct {
	Name       string // default: hardhull-test-<random>
	Config     *container.Config
	HostConfig *container.HostConfig
	Network    *network.NetworkingConfig
	// CreateOnly leaves the container created but not started (stopped).
	CreateOnly bool
}

// Run creates and starts a container and force-removes it when the test
// ends. It returns the container's full ID once the container runs its own
// command, so top shows that command.
func Run(t testing.TB, cli *client.Client, opts RunOptions) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	id, err := Start(ctx, cli, opts)
	if id != "" {
		t.Cleanup(func() { Remove(cli, id) })
	}
	if err != nil {
		t.Fatalf("testengine: %v", err)
	}
	return id
}

// Start is Run without the testing.TB, for goroutines that start many
// containers at once (t.Fatal must not be called off the test goroutine).
// The caller removes the container (Remove); on error a non-empty id means
// the container was created and still needs removing.
func Start(ctx context.Context, cli *client.Client, opts RunOptions) (string, error) {
	if opts.Config == nil || opts.Config.Image == "" {
		return "", errors.New("RunOptions.Config.Image is required")
	}
	cfg := *opts.Config
	if len(cfg.Cmd) == 0 && len(cfg.Entrypoint) == 0 {
		cfg.Cmd = []string{"sleep", "3600"}
	}
	labels := map[string]string{}
	for k, v := range cfg.Labels {
		labels[k] = v
	}
	for k, v := range OwnLabels() {
		labels[k] = v
	}
	cfg.Labels = labels
	name := opts.Name
	if name == "" {
		name = "hardhull-test-" + randomHex()
	}
	created, err := cli.ContainerCreate(ctx, &cfg, opts.HostConfig, opts.Network, nil, name)
	if err != nil {
		return "", fmt.Errorf("create container %s: %w", name, err)
	}
	if opts.CreateOnly {
		return created.ID, nil
	}
	if err := cli.ContainerStart(ctx, created.ID, container.StartOptions{}); err != nil {
		return created.ID, fmt.Errorf("start container %s: %w", name, err)
	}
	if err := waitExec(ctx, cli, created.ID); err != nil {
		return created.ID, fmt.Errorf("start container %s: %w", name, err)
	}
	return created.ID, nil
}

// waitExec waits until the container's processes run its command: right
// after start, top can still show runc's own "runc init", and tests that
// look at processes would see that instead.
func waitExec(ctx context.Context, cli *client.Client, id string) error {
	for {
		top, err := cli.ContainerTop(ctx, id, nil)
		if err != nil {
			if cerrdefs.IsConflict(err) || cerrdefs.IsNotFound(err) {
				return nil // already exited: nothing to wait for
			}
			return fmt.Errorf("wait for its command to start: %w", err)
		}
		starting := false
		for _, row := range top.Processes {
			if strings.Contains(strings.Join(row, " "), "runc init") {
				starting = true
			}
		}
		if !starting {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for its command to start: %w", ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Remove force-removes a container with its anonymous volumes, ignoring
// "already gone".
func Remove(cli *client.Client, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_ = cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true, RemoveVolumes: true})
}

// Sweep removes test containers left behind by test processes of this host
// that no longer exist (a test binary killed before its cleanups ran).
// Containers of live test processes, and anything without the test label,
// are left alone, so it is safe while other tests run. It returns how many
// it removed.
func Sweep(ctx context.Context, cli *client.Client) (int, error) {
	list, err := cli.ContainerList(ctx, container.ListOptions{
		All:     true,
		Filters: filters.NewArgs(filters.Arg("label", Label+"=1")),
	})
	if err != nil {
		return 0, fmt.Errorf("list test containers: %w", err)
	}
	host := hostname()
	n := 0
	for _, c := range list {
		if c.Labels[LabelHost] != host {
			continue
		}
		pid, err := strconv.Atoi(c.Labels[LabelPID])
		if err == nil && pid > 0 && alive(pid) {
			continue
		}
		if err := cli.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true, RemoveVolumes: true}); err == nil {
			n++
		}
	}
	return n, nil
}

func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "unknown"
	}
	return h
}

// Unique returns prefix plus random hex: names and label values that cannot
// collide with other tests using the same engine.
func Unique(prefix string) string { return prefix + randomHex() }

func randomHex() string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b[:])
}
