package testengine

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
)

// execOut runs cmd in a running container and returns its stdout.
func execOut(t *testing.T, cli *client.Client, id string, cmd ...string) string {
	t.Helper()
	ctx := context.Background()
	ex, err := cli.ContainerExecCreate(ctx, id, container.ExecOptions{Cmd: cmd, AttachStdout: true, AttachStderr: true})
	if err != nil {
		t.Fatalf("exec %q: %v", cmd, err)
	}
	att, err := cli.ContainerExecAttach(ctx, ex.ID, container.ExecAttachOptions{})
	if err != nil {
		t.Fatalf("exec %q: %v", cmd, err)
	}
	defer att.Close()
	var raw bytes.Buffer
	if _, err := raw.ReadFrom(att.Reader); err != nil {
		t.Fatalf("exec %q: %v", cmd, err)
	}
	// Without a TTY the stream is multiplexed: 8-byte headers, stream 1 is stdout.
	var out strings.Builder
	b := raw.Bytes()
	for len(b) >= 8 {
		n := int(b[4])<<24 | int(b[5])<<16 | int(b[6])<<8 | int(b[7])
		if 8+n > len(b) {
			break
		}
		if b[0] == 1 {
			out.Write(b[8 : 8+n])
		}
		b = b[8+n:]
	}
	return out.String()
}

func TestBusyboxImageAndRun(t *testing.T) {
	cli := Require(t)
	img := BusyboxImage(t, cli, "hardhull-test/busybox:testengine", "USER app\nHEALTHCHECK --interval=1s CMD true")
	if img != "hardhull-test/busybox:testengine-"+runID {
		t.Errorf("tag = %q, want the requested one made this process's", img)
	}
	// Same tag and lines again: served from the cache, same tag back.
	if again := BusyboxImage(t, cli, "hardhull-test/busybox:testengine", "USER app\nHEALTHCHECK --interval=1s CMD true"); again != img {
		t.Errorf("second build returned %q", again)
	}

	ins, err := cli.ImageInspect(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	if ins.Config.User != "app" || ins.Config.Healthcheck == nil || ins.Config.Labels[Label] != "1" || ins.Config.Labels[LabelPID] != strconv.Itoa(os.Getpid()) {
		t.Errorf("image config: User=%q Healthcheck=%v Labels=%v, want app, set, %s=1",
			ins.Config.User, ins.Config.Healthcheck, ins.Config.Labels, Label)
	}

	name := Unique("hardhull-test-run-")
	id := Run(t, cli, RunOptions{Name: name, Config: &container.Config{Image: img}})
	got, err := cli.ContainerInspect(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "/"+name || !got.State.Running {
		t.Errorf("Name=%q Running=%v, want /%s running", got.Name, got.State.Running, name)
	}
	if want := []string{"sleep", "3600"}; strings.Join(got.Config.Cmd, " ") != strings.Join(want, " ") {
		t.Errorf("Cmd = %q, want default %q", got.Config.Cmd, want)
	}
	l := got.Config.Labels
	if l[Label] != "1" || l[LabelPID] != strconv.Itoa(os.Getpid()) || l[LabelHost] == "" {
		t.Errorf("labels = %v", l)
	}
	if out := execOut(t, cli, id, "id"); !strings.HasPrefix(out, "uid=1000(app) gid=1000(app)") {
		t.Errorf("id in container = %q, want the app user", out)
	}
	if out := execOut(t, cli, id, "ls", "/bin/httpd", "/bin/sh"); !strings.Contains(out, "/bin/httpd") {
		t.Errorf("applets not installed: %q", out)
	}

	t.Run("cleanup removes the container", func(t *testing.T) {
		var inner string
		t.Run("run", func(t *testing.T) {
			inner = Run(t, cli, RunOptions{Config: &container.Config{Image: img}})
		})
		if _, err := cli.ContainerInspect(context.Background(), inner); err == nil {
			t.Errorf("container %s still exists after its test ended", inner[:12])
		}
	})
}

func TestStartNeedsImage(t *testing.T) {
	cli := Require(t)
	if _, err := Start(context.Background(), cli, RunOptions{}); err == nil || !strings.Contains(err.Error(), "Config.Image") {
		t.Errorf("err = %v, want Config.Image required", err)
	}
}

func TestSweepRemovesOnlyOrphans(t *testing.T) {
	cli := Require(t)
	img := BusyboxImage(t, cli, "hardhull-test/busybox:testengine-sweep", "")

	// A pid that surely is gone: a process that has exited and been reaped.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	deadPID := strconv.Itoa(cmd.Process.Pid)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	mk := func(labels map[string]string) string {
		c, err := cli.ContainerCreate(ctx, &container.Config{Image: img, Cmd: []string{"sleep", "60"}, Labels: labels}, nil, nil, nil, Unique("hardhull-test-sweep-"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { Remove(cli, c.ID) })
		return c.ID
	}
	orphan := mk(map[string]string{Label: "1", LabelPID: deadPID, LabelHost: hostname()})
	otherHost := mk(map[string]string{Label: "1", LabelPID: deadPID, LabelHost: "elsewhere-" + Unique("")})
	unlabelled := mk(map[string]string{"keep": "1"})
	mine := Run(t, cli, RunOptions{Config: &container.Config{Image: img}})

	if _, err := Sweep(ctx, cli); err != nil {
		t.Fatal(err)
	}
	exists := func(id string) bool {
		_, err := cli.ContainerInspect(ctx, id)
		return err == nil
	}
	if exists(orphan) {
		t.Error("orphan of a dead test process survived the sweep")
	}
	for what, id := range map[string]string{"other host's": otherHost, "unlabelled": unlabelled, "live process's": mine} {
		if !exists(id) {
			t.Errorf("sweep removed the %s container", what)
		}
	}
}

func TestReadBuildStream(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
	}{
		{`{"stream":"Step 1/2"}` + "\n" + `{"stream":"ok"}`, ""},
		{`{"stream":"Step 1/2 : RUN false\n"}{"errorDetail":{"message":"boom"},"error":"boom"}`, "boom\nbuild output:\nStep 1/2 : RUN false"},
		{`{"errorDetail":{"message":"only detail"}}`, "only detail"},
		{`{"stream":`, "read build output"},
	}
	for _, tt := range tests {
		err := readBuildStream(strings.NewReader(tt.in))
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("%q: %v", tt.in, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%q: err = %v, want %q", tt.in, err, tt.wantErr)
		}
	}
}

func TestBuildFailureIsReported(t *testing.T) {
	cli := Require(t)
	// A failing build surfaces through t.Fatal; capture it with a sub-test
	// runner that cannot fail the parent.
	ft := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		BusyboxImage(ft, cli, "hardhull-test/busybox:testengine-broken", "RUN false")
	}()
	<-done
	if !strings.Contains(ft.msg, "hardhull-test/busybox:testengine-broken") || !strings.Contains(ft.msg, "RUN false") {
		t.Errorf("fatal message = %q, want the tag and the failing step", ft.msg)
	}
}

// fatalRecorder turns Fatalf into a recorded message and a goroutine exit,
// so a helper's failure path can be asserted.
type fatalRecorder struct {
	testing.TB
	msg, skipped string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = strings.TrimSpace(fmt.Sprintf(format, args...))
	runtime.Goexit()
}

func (f *fatalRecorder) Fatal(args ...any) {
	f.msg = strings.TrimSpace(fmt.Sprint(args...))
	runtime.Goexit()
}

func (f *fatalRecorder) Skipf(format string, args ...any) {
	f.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestRequireWithoutEngine(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent.sock")
	for _, ci := range []string{"", "true"} {
		t.Run("CI="+ci, func(t *testing.T) {
			t.Setenv("CI", ci)
			rec := &fatalRecorder{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				Require(rec)
			}()
			<-done
			if ci == "true" {
				if rec.skipped != "" || !strings.Contains(rec.msg, "unix:///nonexistent.sock") {
					t.Errorf("CI: skipped=%q fatal=%q, want a failure naming the address", rec.skipped, rec.msg)
				}
				return
			}
			if rec.msg != "" || !strings.Contains(rec.skipped, "apt-get install docker.io && dockerd &") ||
				!strings.Contains(rec.skipped, "unix:///nonexistent.sock") {
				t.Errorf("local: fatal=%q skipped=%q, want a skip saying how to get an engine", rec.msg, rec.skipped)
			}
		})
	}
}

// leftovers finds what this process left on the engine, and only that.
func TestLeftovers(t *testing.T) {
	cli := Require(t)
	img := BusyboxImage(t, cli, "hardhull-test/busybox:testengine-leftovers", "")
	ctx := context.Background()
	id, err := Start(ctx, cli, RunOptions{Config: &container.Config{Image: img}, CreateOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Remove(cli, id) })
	// Someone else's container on the same engine: not ours to report.
	other, err := cli.ContainerCreate(ctx, &container.Config{Image: img, Cmd: []string{"true"}, Labels: map[string]string{Label: "1", LabelPID: "1", LabelHost: hostname()}}, nil, nil, nil, Unique("hardhull-test-other-"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Remove(cli, other.ID) })
	got := strings.Join(leftovers(ctx, cli, false), "\n")
	if !strings.Contains(got, "container "+id[:12]) || !strings.Contains(got, "image ") {
		t.Errorf("leftovers do not name the container %s and the image:\n%s", id[:12], got)
	}
	if strings.Contains(got, other.ID[:12]) {
		t.Errorf("leftovers name another process's container:\n%s", got)
	}
	Remove(cli, id)
	if got := strings.Join(leftovers(ctx, cli, false), "\n"); strings.Contains(got, id[:12]) {
		t.Errorf("removed container still reported:\n%s", got)
	}
}

// Without an engine, a package's TestMain says in one line that its
// engine tests are skipped and why. Run as a child with no terminal, so
// the line goes to stderr.
func TestMainSaysWhatIsSkipped(t *testing.T) {
	if os.Getenv("TESTENGINE_CHILD") == "1" {
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainSaysWhatIsSkipped$")
	cmd.Env = append(os.Environ(), "TESTENGINE_CHILD=1", "CI=", "DOCKER_HOST=unix:///nonexistent/docker.sock")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	want := "hardhull tests: test engine helpers: skipped, no Docker engine at unix:///nonexistent/docker.sock"
	if len(lines) != 1 || !strings.HasPrefix(lines[0], want) || !strings.Contains(lines[0], ".ci/docker-up.sh") {
		t.Errorf("stderr %q, want one line starting %q", stderr.String(), want)
	}
}
