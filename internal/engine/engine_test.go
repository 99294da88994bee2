package engine_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/strslice"
	"github.com/docker/docker/client"

	"github.com/hardhull/hardhull/internal/engine"
	"github.com/hardhull/hardhull/internal/testengine"
)

const imageTag = "hardhull-test/busybox:engine"

func setup(t testing.TB) (*client.Client, string) {
	cli := testengine.Require(t)
	return cli, testengine.BusyboxImage(t, cli, imageTag, "")
}

func load(t *testing.T, cli *client.Client, sel engine.Selector) []*engine.Container {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cs, err := engine.Load(ctx, cli, sel)
	if err != nil {
		t.Fatalf("Load(%+v): %v", sel, err)
	}
	return cs
}

func loadOne(t *testing.T, cli *client.Client, name string) *engine.Container {
	t.Helper()
	cs := load(t, cli, engine.Selector{Names: []string{name}})
	if len(cs) != 1 {
		t.Fatalf("Load(%s) returned %d containers, want 1", name, len(cs))
	}
	return cs[0]
}

func TestLoadHardened(t *testing.T) {
	t.Parallel()
	cli, img := setup(t)
	name := testengine.Unique("hardhull-test-hardened-")
	pids := int64(50)
	health := &container.HealthConfig{
		Test:     []string{"CMD", "true"},
		Interval: time.Second,
		Timeout:  time.Second,
		Retries:  3,
	}
	id := testengine.Run(t, cli, testengine.RunOptions{
		Name:   name,
		Config: &container.Config{Image: img, User: "1000", Healthcheck: health},
		HostConfig: &container.HostConfig{
			ReadonlyRootfs: true,
			CapDrop:        strslice.StrSlice{"ALL"},
			SecurityOpt:    []string{"no-new-privileges"},
			RestartPolicy:  container.RestartPolicy{Name: container.RestartPolicyOnFailure, MaximumRetryCount: 5},
			Resources: container.Resources{
				Memory:    64 << 20,
				NanoCPUs:  5e8,
				PidsLimit: &pids,
			},
		},
	})

	c := loadOne(t, cli, name)
	if c.Name != name || c.ID != id[:12] || !c.Running {
		t.Errorf("got Name=%q ID=%q Running=%v, want %q %q true", c.Name, c.ID, c.Running, name, id[:12])
	}
	if c.Inspect.ID != id {
		t.Errorf("Inspect.ID = %q, want %q", c.Inspect.ID, id)
	}
	hc := c.Inspect.HostConfig
	if !hc.ReadonlyRootfs {
		t.Error("HostConfig.ReadonlyRootfs = false, want true")
	}
	if !slices.Equal(hc.CapDrop, []string{"ALL"}) {
		t.Errorf("HostConfig.CapDrop = %q, want [ALL]", hc.CapDrop)
	}
	if !slices.Equal(hc.SecurityOpt, []string{"no-new-privileges"}) {
		t.Errorf("HostConfig.SecurityOpt = %q, want [no-new-privileges]", hc.SecurityOpt)
	}
	if hc.Memory != 64<<20 || hc.NanoCPUs != 5e8 || hc.PidsLimit == nil || *hc.PidsLimit != 50 {
		t.Errorf("resources: Memory=%d NanoCPUs=%d PidsLimit=%v, want 67108864 500000000 50", hc.Memory, hc.NanoCPUs, hc.PidsLimit)
	}
	if hc.RestartPolicy.Name != container.RestartPolicyOnFailure || hc.RestartPolicy.MaximumRetryCount != 5 {
		t.Errorf("RestartPolicy = %+v, want on-failure:5", hc.RestartPolicy)
	}
	if hc.Privileged || hc.NetworkMode.IsHost() {
		t.Errorf("Privileged=%v NetworkMode=%q, want false and not host", hc.Privileged, hc.NetworkMode)
	}
	if c.Inspect.Config.User != "1000" {
		t.Errorf("Config.User = %q, want 1000", c.Inspect.Config.User)
	}
	if c.Inspect.Config.Healthcheck == nil || !slices.Equal(c.Inspect.Config.Healthcheck.Test, health.Test) {
		t.Errorf("Config.Healthcheck = %+v, want Test %q", c.Inspect.Config.Healthcheck, health.Test)
	}
	if c.Inspect.Config.Labels[testengine.Label] != "1" {
		t.Errorf("label %s missing: %v", testengine.Label, c.Inspect.Config.Labels)
	}
	assertProcesses(t, c, 1000, "sleep 3600")
}

// assertProcesses wants the container's main command among its processes
// and every process running as uid.
func assertProcesses(t *testing.T, c *engine.Container, uid int, command string) {
	t.Helper()
	if len(c.Processes) == 0 {
		t.Fatalf("%s: no processes from top", c.Name)
	}
	found := false
	for _, p := range c.Processes {
		if p.UID != uid {
			t.Errorf("%s: process %+v has UID %d, want %d", c.Name, p, p.UID, uid)
		}
		if p.PID <= 0 {
			t.Errorf("%s: process %+v has no PID", c.Name, p)
		}
		if p.Command == command {
			found = true
		}
	}
	if !found {
		t.Errorf("%s: no process with command %q in %+v", c.Name, command, c.Processes)
	}
}

func TestLoadUnsafe(t *testing.T) {
	t.Parallel()
	cli, img := setup(t)
	sock := "/var/run/docker.sock"
	tests := []struct {
		name  string
		cfg   container.Config
		host  container.HostConfig
		check func(t *testing.T, c *engine.Container)
		uid   int
	}{
		{
			name: "privileged",
			cfg:  container.Config{User: "1000"},
			host: container.HostConfig{Privileged: true},
			check: func(t *testing.T, c *engine.Container) {
				if !c.Inspect.HostConfig.Privileged {
					t.Error("HostConfig.Privileged = false, want true")
				}
			},
			uid: 1000,
		},
		{
			name: "host-network",
			cfg:  container.Config{User: "1000"},
			host: container.HostConfig{NetworkMode: "host"},
			check: func(t *testing.T, c *engine.Container) {
				if got := c.Inspect.HostConfig.NetworkMode; got != "host" {
					t.Errorf("HostConfig.NetworkMode = %q, want host", got)
				}
				if _, ok := c.Inspect.NetworkSettings.Networks["host"]; !ok {
					t.Errorf("NetworkSettings.Networks = %v, want host", c.Inspect.NetworkSettings.Networks)
				}
			},
			uid: 1000,
		},
		{
			name: "docker-sock",
			cfg:  container.Config{User: "1000"},
			host: container.HostConfig{Binds: []string{sock + ":" + sock}},
			check: func(t *testing.T, c *engine.Container) {
				if !slices.Equal(c.Inspect.HostConfig.Binds, []string{sock + ":" + sock}) {
					t.Errorf("HostConfig.Binds = %q", c.Inspect.HostConfig.Binds)
				}
				var m *container.MountPoint
				for i := range c.Inspect.Mounts {
					if c.Inspect.Mounts[i].Destination == sock {
						m = &c.Inspect.Mounts[i]
					}
				}
				if m == nil || m.Source != sock || m.Type != "bind" || !m.RW {
					t.Errorf("Mounts = %+v, want a read-write bind of %s", c.Inspect.Mounts, sock)
				}
			},
			uid: 1000,
		},
		{
			name: "cap-add-sys-admin",
			cfg:  container.Config{User: "1000"},
			host: container.HostConfig{CapAdd: strslice.StrSlice{"SYS_ADMIN"}},
			check: func(t *testing.T, c *engine.Container) {
				// Engines from 20.10 on store capabilities with the CAP_ prefix
				// whatever the request said; rules must accept both spellings.
				if !slices.Equal(c.Inspect.HostConfig.CapAdd, []string{"CAP_SYS_ADMIN"}) {
					t.Errorf("HostConfig.CapAdd = %q, want [CAP_SYS_ADMIN]", c.Inspect.HostConfig.CapAdd)
				}
			},
			uid: 1000,
		},
		{
			name: "root-user",
			host: container.HostConfig{},
			check: func(t *testing.T, c *engine.Container) {
				if c.Inspect.Config.User != "" {
					t.Errorf("Config.User = %q, want empty (root)", c.Inspect.Config.User)
				}
				if len(c.Inspect.HostConfig.CapDrop) != 0 || c.Inspect.HostConfig.ReadonlyRootfs {
					t.Errorf("CapDrop=%q ReadonlyRootfs=%v, want none and false", c.Inspect.HostConfig.CapDrop, c.Inspect.HostConfig.ReadonlyRootfs)
				}
			},
			uid: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.name == "docker-sock" {
				if _, err := os.Stat(sock); err != nil {
					t.Skipf("engine socket %s not on this host: %v", sock, err)
				}
			}
			name := testengine.Unique("hardhull-test-" + tt.name + "-")
			cfg := tt.cfg
			cfg.Image = img
			host := tt.host
			testengine.Run(t, cli, testengine.RunOptions{Name: name, Config: &cfg, HostConfig: &host})
			c := loadOne(t, cli, name)
			if !c.Running {
				t.Fatalf("%s not running: %+v", name, c.Inspect.State)
			}
			tt.check(t, c)
			assertProcesses(t, c, tt.uid, "sleep 3600")
		})
	}
}

func names(cs []*engine.Container) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

func TestLoadSelectors(t *testing.T) {
	t.Parallel()
	cli, img := setup(t)
	// Every selection below is scoped by names or by this label, so other
	// tests' containers on the same engine never leak into the results.
	scope := testengine.Unique("")
	project := testengine.Unique("shop")
	a := "hardhull-test-sel-a-" + scope
	b := "hardhull-test-sel-b-" + scope
	stopped := "hardhull-test-sel-c-" + scope
	mk := func(labels map[string]string) *container.Config {
		labels["hardhull.scope"] = scope
		return &container.Config{Image: img, Labels: labels}
	}
	testengine.Run(t, cli, testengine.RunOptions{Name: a, Config: mk(map[string]string{"tier": "web"})})
	idB := testengine.Run(t, cli, testengine.RunOptions{Name: b, Config: mk(map[string]string{engine.ComposeProjectLabel: project})})
	testengine.Run(t, cli, testengine.RunOptions{Name: stopped, Config: mk(map[string]string{"tier": "db"}), CreateOnly: true})

	inScope := "hardhull.scope=" + scope
	tests := []struct {
		name string
		sel  engine.Selector
		want []string
	}{
		{"by name", engine.Selector{Names: []string{a}}, []string{a}},
		{"by name with slash", engine.Selector{Names: []string{"/" + a}}, []string{a}},
		{"by ID prefix", engine.Selector{Names: []string{idB[:10]}}, []string{b}},
		{"by full ID", engine.Selector{Names: []string{idB}}, []string{b}},
		{"duplicates collapse", engine.Selector{Names: []string{b, idB[:12], a}}, []string{a, b}},
		{"named stopped container", engine.Selector{Names: []string{stopped}}, []string{stopped}},
		{"compose project", engine.Selector{ComposeProject: project}, []string{b}},
		{"label scope running only", engine.Selector{Labels: []string{inScope}}, []string{a, b}},
		{"label scope all", engine.Selector{Labels: []string{inScope}, All: true}, []string{a, b, stopped}},
		{"label key=value", engine.Selector{Labels: []string{inScope, "tier=web"}}, []string{a}},
		{"label key only", engine.Selector{Labels: []string{inScope, "tier"}, All: true}, []string{a, stopped}},
		{"name and project", engine.Selector{Names: []string{b}, ComposeProject: project}, []string{b}},
		{"nothing matches", engine.Selector{Labels: []string{inScope, "tier=cache"}, All: true}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cs := load(t, cli, tt.sel)
			if got := names(cs); !slices.Equal(got, tt.want) {
				t.Errorf("names = %q, want %q", got, tt.want)
			}
			for _, c := range cs {
				if c.Name == stopped {
					if c.Running || c.Processes != nil || c.Inspect.State.Status != "created" {
						t.Errorf("stopped container: Running=%v Processes=%v Status=%q, want false nil created",
							c.Running, c.Processes, c.Inspect.State.Status)
					}
				} else if !c.Running || len(c.Processes) == 0 {
					t.Errorf("%s: Running=%v with %d processes, want running with processes", c.Name, c.Running, len(c.Processes))
				}
			}
		})
	}

	t.Run("default selects running containers", func(t *testing.T) {
		t.Parallel()
		got := names(load(t, cli, engine.Selector{}))
		if !slices.Contains(got, a) || !slices.Contains(got, b) || slices.Contains(got, stopped) {
			t.Errorf("names = %q, want %s and %s but not %s", got, a, b, stopped)
		}
	})

	errTests := []struct {
		name string
		sel  engine.Selector
		want []string
	}{
		{"unknown names", engine.Selector{Names: []string{a, "hardhull-nope-1-" + scope, "hardhull-nope-2-" + scope}},
			[]string{`no such container: "hardhull-nope-1-` + scope + `", "hardhull-nope-2-` + scope + `"`}},
		{"name outside filters", engine.Selector{Names: []string{a}, ComposeProject: project},
			[]string{`no container matching the label filters: "` + a + `"`}},
		{"blank label", engine.Selector{Labels: []string{"=x"}}, []string{`label filter "=x"`}},
		{"blank name", engine.Selector{Names: []string{" "}}, []string{`container name " " is blank`}},
		{"blank project", engine.Selector{ComposeProject: "  "}, []string{"compose project name is blank"}},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cs, err := engine.Load(context.Background(), cli, tt.sel)
			if err == nil {
				t.Fatalf("Load(%+v) = %q, want error", tt.sel, names(cs))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestConnectUnreachable(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		addr string
	}{
		{"missing socket", map[string]string{"DOCKER_HOST": "unix:///nonexistent.sock"}, "unix:///nonexistent.sock"},
		{"closed tcp port", map[string]string{"DOCKER_HOST": "tcp://127.0.0.1:1"}, "tcp://127.0.0.1:1"},
		{"missing TLS certificates", map[string]string{
			"DOCKER_HOST": "tcp://127.0.0.1:1", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": "/nonexistent-certs",
		}, "tcp://127.0.0.1:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"} {
				t.Setenv(k, tt.env[k])
			}
			cli, addr, err := engine.Connect(context.Background())
			if err == nil {
				cli.Close()
				t.Fatal("Connect succeeded, want error")
			}
			if addr != tt.addr {
				t.Errorf("address tried = %q, want %q", addr, tt.addr)
			}
			msg := err.Error()
			t.Log(msg)
			if !strings.Contains(msg, " "+tt.addr+": ") || strings.Contains(msg, "\n") {
				t.Errorf("error %q: want one line naming %s", msg, tt.addr)
			}
			var ue *engine.UnreachableError
			if !errors.As(err, &ue) || ue.Addr != tt.addr {
				t.Errorf("error %T: want *engine.UnreachableError for %s", err, tt.addr)
			}
		})
	}

	t.Run("typed error", func(t *testing.T) {
		t.Setenv("DOCKER_HOST", "unix:///nonexistent.sock")
		t.Setenv("DOCKER_TLS_VERIFY", "")
		_, _, err := engine.Connect(context.Background())
		var ue *engine.UnreachableError
		if !errors.As(err, &ue) || ue.Addr != "unix:///nonexistent.sock" {
			t.Fatalf("error %v (%T): want *engine.UnreachableError for unix:///nonexistent.sock", err, err)
		}
		want := "cannot reach Docker engine at unix:///nonexistent.sock: is the docker daemon running?"
		if err.Error() != want {
			t.Errorf("error %q, want %q", err, want)
		}
	})
}

// countingClient wraps the real client to observe how many inspect and top
// calls are in flight at once; the slow-down makes overlap observable.
type countingClient struct {
	*client.Client
	inFlight, max atomic.Int32
}

func (c *countingClient) enter() func() {
	n := c.inFlight.Add(1)
	for {
		m := c.max.Load()
		if n <= m || c.max.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(30 * time.Millisecond)
	return func() { c.inFlight.Add(-1) }
}

func (c *countingClient) ContainerInspect(ctx context.Context, id string) (container.InspectResponse, error) {
	defer c.enter()()
	return c.Client.ContainerInspect(ctx, id)
}

func (c *countingClient) ContainerTop(ctx context.Context, id string, args []string) (container.TopResponse, error) {
	defer c.enter()()
	return c.Client.ContainerTop(ctx, id, args)
}

func TestLoadConcurrencyIsBounded(t *testing.T) {
	t.Parallel()
	cli, img := setup(t)
	scope := testengine.Unique("")
	ids := startMany(t, cli, img, engine.Concurrency+8, scope, false)
	cc := &countingClient{Client: cli}
	cs, err := engine.Load(context.Background(), cc, engine.Selector{Labels: []string{"hardhull.scope=" + scope}})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != len(ids) {
		t.Fatalf("loaded %d containers, want %d", len(cs), len(ids))
	}
	for _, c := range cs {
		if len(c.Processes) == 0 {
			t.Errorf("%s: no processes", c.Name)
		}
	}
	if m := cc.max.Load(); m < 2 || m > engine.Concurrency {
		t.Errorf("max calls in flight = %d, want between 2 and %d", m, engine.Concurrency)
	}
}

// startMany starts (or only creates) n sleeping containers labelled
// hardhull.scope=scope, a few at a time, and removes them all when the test
// ends.
func startMany(t testing.TB, cli *client.Client, img string, n int, scope string, createOnly bool) []string {
	t.Helper()
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			ids[i], errs[i] = testengine.Start(ctx, cli, testengine.RunOptions{
				Config:     &container.Config{Image: img, Labels: map[string]string{"hardhull.scope": scope}},
				CreateOnly: createOnly,
			})
		}()
	}
	wg.Wait()
	t.Cleanup(func() {
		var wg sync.WaitGroup
		sem := make(chan struct{}, 8)
		for _, id := range ids {
			if id == "" {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				testengine.Remove(cli, id)
			}()
		}
		wg.Wait()
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("start containers: %v", err)
	}
	return ids
}
