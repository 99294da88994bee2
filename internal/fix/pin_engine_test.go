package fix

import (
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docker/docker/api/types/image"
	"github.com/google/go-containerregistry/pkg/registry"

	"github.com/hardhull/hardhull/internal/testengine"
)

// TestPinFromDaemon pushes an image built by the local engine to an
// in-process registry, then pins with --pin-from docker: and checks the
// digest is the one the registry serves.
func TestPinFromDaemon(t *testing.T) {
	cli := testengine.Require(t)
	ctx := context.Background()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	tag := testengine.BusyboxImage(t, cli, host+"/hardhull/pin:1", "")
	t.Cleanup(func() { cli.ImageRemove(context.Background(), tag, image.RemoveOptions{}) })

	// The engine trusts 127.0.0.0/8 registries over plain HTTP.
	rc, err := cli.ImagePush(ctx, tag, image.PushOptions{RegistryAuth: "e30="})
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(rc)
	for {
		var m struct {
			Error string `json:"error"`
		}
		if err := dec.Decode(&m); err != nil {
			break
		}
		if m.Error != "" {
			rc.Close()
			t.Skipf("the engine cannot push to %s: %s", host, m.Error)
		}
	}
	rc.Close()

	want, err := RegistryResolver{Insecure: true}.Digest(ctx, tag)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DaemonResolver{Client: cli}.Digest(ctx, tag)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("daemon digest %s, registry digest %s", got, want)
	}

	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM "+tag+"\nUSER 1000\nHEALTHCHECK CMD [\"true\"]\n"), 0o644)
	res, err := Plan(ctx, Options{Path: dir, Pin: true, PinFrom: "docker:", Rules: []string{"DF004"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Changes) != 1 || !strings.Contains(string(res.Changes[0].New), "FROM "+tag+"@"+want+"\n") {
		t.Fatalf("not pinned: %+v %+v", res.Changes, res.Skipped)
	}

	// An image the engine built but never pulled has no repository digest.
	local := testengine.BusyboxImage(t, cli, "hardhull-pin-local:1", "")
	if _, err := (DaemonResolver{Client: cli}).Digest(ctx, local); err == nil || !strings.Contains(err.Error(), "not pulled") {
		t.Fatalf("want a not-pulled error, got %v", err)
	}
}
