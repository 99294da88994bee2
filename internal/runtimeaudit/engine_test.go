package runtimeaudit

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/go-connections/nat"
	"github.com/hardhull/hardhull/internal/engine"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/testengine"
)

// hardened is the hardened container: --read-only --cap-drop ALL
// --security-opt no-new-privileges --memory 64m --cpus 0.5 --pids-limit 50
// --user 1000 --restart on-failure:5 --log-opt max-size=10m, with a
// healthcheck, on its own network.
func hardened(img, net string) (*container.Config, *container.HostConfig) {
	pids := int64(50)
	cfg := &container.Config{Image: img, User: "1000", Cmd: []string{"sleep", "3600"}}
	hc := &container.HostConfig{
		ReadonlyRootfs: true,
		CapDrop:        []string{"ALL"},
		SecurityOpt:    []string{"no-new-privileges"},
		Resources:      container.Resources{Memory: 64 << 20, NanoCPUs: 5e8, PidsLimit: &pids},
		RestartPolicy:  container.RestartPolicy{Name: "on-failure", MaximumRetryCount: 5},
		NetworkMode:    container.NetworkMode(net),
		LogConfig:      container.LogConfig{Type: "json-file", Config: map[string]string{"max-size": "10m", "max-file": "3"}},
	}
	return cfg, hc
}

// TestRealContainers starts a hardened container and one per unsafe
// setting on a real engine, and asserts the exact findings above low.
func TestRealContainers(t *testing.T) {
	cli := testengine.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	img := testengine.BusyboxImage(t, cli, "hardhull-runtime-test:1", `HEALTHCHECK --interval=2s --timeout=2s CMD ["true"]`)
	netName := testengine.Unique("hardhull-rt-")
	nw, err := cli.NetworkCreate(ctx, netName, network.CreateOptions{Labels: map[string]string{testengine.Label: "1"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.NetworkRemove(context.Background(), nw.ID) })

	cases := []struct {
		name   string
		mutate func(*container.Config, *container.HostConfig)
		want   []string // rule IDs above low
	}{
		{"hardened", func(*container.Config, *container.HostConfig) {}, nil},
		{"root-user", func(c *container.Config, _ *container.HostConfig) { c.User = "" }, []string{"RT001"}},
		{"writable-root", func(_ *container.Config, h *container.HostConfig) { h.ReadonlyRootfs = false }, []string{"RT008"}},
		{"caps-kept", func(_ *container.Config, h *container.HostConfig) { h.CapDrop = nil }, []string{"RT003"}},
		{"cap-sys-admin", func(_ *container.Config, h *container.HostConfig) { h.CapAdd = []string{"SYS_ADMIN"} }, []string{"RT004"}},
		{"no-nnp", func(_ *container.Config, h *container.HostConfig) { h.SecurityOpt = nil }, []string{"RT005"}},
		{"seccomp-unconfined", func(_ *container.Config, h *container.HostConfig) {
			h.SecurityOpt = append(h.SecurityOpt, "seccomp=unconfined")
		}, []string{"RT006"}},
		{"no-limits", func(_ *container.Config, h *container.HostConfig) { h.Resources = container.Resources{} }, []string{"RT009"}},
		{"host-network", func(_ *container.Config, h *container.HostConfig) { h.NetworkMode = "host" }, []string{"RT011"}},
		{"host-pid", func(_ *container.Config, h *container.HostConfig) { h.PidMode = "host" }, []string{"RT011"}},
		{"docker-socket", func(_ *container.Config, h *container.HostConfig) {
			h.Binds = []string{"/var/run/docker.sock:/var/run/docker.sock"}
		}, []string{"RT014"}},
		{"secret-env", func(c *container.Config, _ *container.HostConfig) {
			c.Env = []string{"SECRET_KEY=mysecretkey123"}
		}, []string{"RT018"}},
		{"debug-env", func(c *container.Config, _ *container.HostConfig) { c.Env = []string{"DEBUG=true"} }, []string{"RT020"}},
		{"logs-unbounded", func(_ *container.Config, h *container.HostConfig) {
			h.LogConfig = container.LogConfig{Type: "json-file"}
		}, []string{"RT022"}},
		{"logs-none", func(_ *container.Config, h *container.HostConfig) { h.LogConfig = container.LogConfig{Type: "none"} }, []string{"RT021"}},
		{"privileged", func(_ *container.Config, h *container.HostConfig) { h.Privileged = true }, []string{"RT002"}},
		{"device", func(_ *container.Config, h *container.HostConfig) {
			h.Devices = []container.DeviceMapping{{PathOnHost: "/dev/null", PathInContainer: "/dev/hostnull", CgroupPermissions: "rwm"}}
		}, []string{"RT007"}},
	}
	// Low-severity settings are asserted separately: they must appear, but
	// the hardened container's contract is "nothing above low".
	lowCases := []struct {
		name   string
		mutate func(*container.Config, *container.HostConfig)
		want   string
	}{
		{"port-all-interfaces", func(_ *container.Config, h *container.HostConfig) {
			h.PortBindings = nat.PortMap{"8000/tcp": {{HostIP: "", HostPort: "0"}}}
		}, "RT012"},
		{"restart-always", func(_ *container.Config, h *container.HostConfig) {
			h.RestartPolicy = container.RestartPolicy{Name: "always"}
		}, "RT017"},
	}

	names := map[string]string{}
	start := func(name string, mutate func(*container.Config, *container.HostConfig)) {
		cfg, hc := hardened(img, netName)
		mutate(cfg, hc)
		if hc.NetworkMode == "host" || hc.PidMode == "host" {
			hc.NetworkMode = container.NetworkMode(orDefault(string(hc.NetworkMode), netName))
		}
		n := testengine.Unique("hardhull-rt-" + name + "-")
		opts := testengine.RunOptions{Name: n, Config: cfg, HostConfig: hc}
		id, err := testengine.Start(ctx, cli, opts)
		if id != "" {
			t.Cleanup(func() { testengine.Remove(cli, id) })
		}
		if err != nil {
			// Some settings (privileged, added capabilities) cannot start in
			// every sandbox; the container still exists with its
			// configuration, which is what those rules judge.
			if id == "" {
				t.Fatalf("%s: %v", name, err)
			}
			t.Logf("%s: not started (%v); judged as a stopped container", name, firstLine(err.Error()))
		}
		names[name] = n
	}
	for _, tc := range cases {
		start(tc.name, tc.mutate)
	}
	for _, tc := range lowCases {
		start(tc.name, tc.mutate)
	}

	var all []string
	for _, n := range names {
		all = append(all, n)
	}
	res, err := Audit(ctx, cli, engine.Selector{Names: all}, nil)
	if err != nil {
		t.Fatal(err)
	}
	byContainer := map[string][]finding.Finding{}
	for _, f := range res.Findings {
		byContainer[f.Location.Container] = append(byContainer[f.Location.Container], f)
	}
	for _, tc := range cases {
		var got []string
		for _, f := range byContainer[names[tc.name]] {
			if f.Severity > finding.Low {
				got = append(got, f.Rule.ID)
			}
		}
		got = uniq(got)
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: findings above low = %v, want %v\n%s", tc.name, got, tc.want, describe(byContainer[names[tc.name]]))
		}
	}
	for _, tc := range lowCases {
		found := false
		for _, f := range byContainer[names[tc.name]] {
			found = found || f.Rule.ID == tc.want
			if f.Severity > finding.Low {
				t.Errorf("%s: unexpected %s %s", tc.name, f.Rule.ID, f.Message)
			}
		}
		if !found {
			t.Errorf("%s: %s not reported\n%s", tc.name, tc.want, describe(byContainer[names[tc.name]]))
		}
	}
}

// TestProcessesJudged shows the check is on the processes, not only the
// configuration: a container configured with a non-root user whose command
// is run as root through the image is still caught by what top reports.
func TestProcessesJudged(t *testing.T) {
	cli := testengine.Require(t)
	img := testengine.BusyboxImage(t, cli, "hardhull-runtime-test:1", `HEALTHCHECK --interval=2s --timeout=2s CMD ["true"]`)
	name := testengine.Unique("hardhull-rt-ps-")
	testengine.Run(t, cli, testengine.RunOptions{Name: name, Config: &container.Config{Image: img}})
	res, err := Audit(context.Background(), cli, engine.Selector{Names: []string{name}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Rule.ID == "RT001" {
			if f.Location.Field != "Processes" || !strings.Contains(f.Message, "uid 0") {
				t.Fatalf("RT001 should come from the process list: %+v", f)
			}
			return
		}
	}
	t.Fatal("a root process was not reported")
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func uniq(ss []string) []string {
	sort.Strings(ss)
	var out []string
	for i, s := range ss {
		if i == 0 || s != ss[i-1] {
			out = append(out, s)
		}
	}
	return out
}

func describe(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.Rule.ID + " " + f.Severity.String() + " " + f.Message + "\n")
	}
	return b.String()
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
