package image

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// engineClient returns a client for the Docker engine named by DOCKER_HOST
// (or the default socket). Without one the test fails in CI and skips
// elsewhere.
func engineClient(t *testing.T) *client.Client {
	t.Helper()
	unavailable := func(err error) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but no Docker engine is reachable: %v", err)
		}
		t.Skipf("no Docker engine reachable (%v); start one with `sudo dockerd &` or point DOCKER_HOST at one", err)
	}
	cli, err := client.New(client.FromEnv)
	if err != nil {
		unavailable(err)
	}
	t.Cleanup(func() { cli.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		unavailable(err)
	}
	return cli
}

const engineDockerfile = `FROM scratch
COPY busybox /bin/busybox
COPY passwd /etc/passwd
COPY app.env /app/.env
RUN ["/bin/busybox", "rm", "/app/.env"]
RUN ["/bin/busybox", "ln", "-s", "/bin/busybox", "/bin/sh"]
USER app
`

// TestEngineBusybox builds a FROM scratch busybox-static image with the
// real engine, then reads it from docker save output and via docker:.
func TestEngineBusybox(t *testing.T) {
	cli := engineClient(t)
	bb, err := os.ReadFile("/bin/busybox")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("busybox-static is required in CI: %v", err)
		}
		t.Skipf("install busybox-static: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	const tag = "hardhull-test/busybox:engine"
	buildCtx := tarBytes(t,
		file("Dockerfile", engineDockerfile),
		ent{name: "busybox", body: string(bb), mode: 0o755},
		file("passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"),
		file("app.env", "API_TOKEN=fake-engine-token\n"),
	)
	res, err := cli.ImageBuild(ctx, bytes.NewReader(buildCtx), client.ImageBuildOptions{Tags: []string{tag}, Remove: true, ForceRemove: true})
	if err != nil {
		t.Fatalf("docker build: %v", err)
	}
	if err := buildErrors(res.Body); err != nil {
		t.Fatalf("docker build: %v", err)
	}
	t.Cleanup(func() {
		cli.ImageRemove(context.Background(), tag, client.ImageRemoveOptions{Force: true, PruneChildren: true})
	})

	saved := filepath.Join(t.TempDir(), "busybox.tar")
	rc, err := cli.ImageSave(ctx, []string{tag})
	if err != nil {
		t.Fatalf("docker save: %v", err)
	}
	f, err := os.Create(saved)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(f, rc); err != nil {
		t.Fatalf("docker save: %v", err)
	}
	rc.Close()
	f.Close()

	fromSave := load(t, saved, Options{})
	fromEngine := load(t, "docker:"+tag, Options{})
	// Without a prefix the local engine is asked first (no registry is
	// reachable here, so only the engine can answer).
	fromBare := load(t, tag, Options{})
	for name, m := range map[string]*Image{"docker save": fromSave, "docker:": fromEngine, "no prefix": fromBare} {
		t.Run(name, func(t *testing.T) {
			e := m.Lookup("/bin/busybox")
			if e == nil || e.Type != TypeFile || e.Size != int64(len(bb)) || e.Mode.Perm() != 0o755 {
				t.Fatalf("/bin/busybox = %+v", e)
			}
			if sh, ok := m.Resolve("/bin/sh"); !ok || sh != e {
				t.Errorf("/bin/sh resolves to %+v", sh)
			}
			if m.Config.Config.User != "app" {
				t.Errorf("User = %q", m.Config.Config.User)
			}
			users := m.Passwd()
			if len(users) != 2 || users[1].Name != "app" {
				t.Errorf("Passwd = %+v", users)
			}
			if len(m.Deleted) != 1 || m.Deleted[0].Path != "/app/.env" {
				t.Fatalf("Deleted = %v", paths(m.Deleted))
			}
			if b, ok := m.EntryContent(m.Deleted[0]); !ok || string(b) != "API_TOKEN=fake-engine-token\n" {
				t.Errorf("deleted .env content not kept: %v", ok)
			}
			carrier := m.Layers[m.Deleted[0].Layer]
			if carrier.CreatedBy == "" || carrier.DiffID == "" {
				t.Errorf("carrier layer %+v", carrier)
			}
			if len(m.Layers) != 5 {
				t.Errorf("%d layers, want 5", len(m.Layers))
			}
		})
	}
	var a, b []string
	for i := range fromSave.Layers {
		a = append(a, fromSave.Layers[i].DiffID)
		b = append(b, fromEngine.Layers[i].DiffID)
	}
	if !slices.Equal(a, b) || fromSave.ConfigDigest != fromEngine.ConfigDigest {
		t.Errorf("docker save and docker: disagree: %v vs %v", a, b)
	}
}

// buildErrors reads the build's JSON message stream and returns its error.
func buildErrors(r io.ReadCloser) error {
	defer r.Close()
	dec := json.NewDecoder(r)
	for {
		var msg struct {
			Error string `json:"error"`
		}
		if err := dec.Decode(&msg); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if msg.Error != "" {
			return errors.New(msg.Error)
		}
	}
}
