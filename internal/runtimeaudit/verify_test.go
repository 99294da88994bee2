package runtimeaudit

import (
	"context"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/hardhull/hardhull/internal/config"
	"github.com/hardhull/hardhull/internal/engine"
	"github.com/hardhull/hardhull/internal/signtest"
	"github.com/hardhull/hardhull/internal/testengine"
	"github.com/hardhull/hardhull/internal/trustaudit"
)

// TestVerifyRealContainers pushes a busybox image through the real engine
// to an in-process registry (the engine treats 127.0.0.0/8 registries as
// insecure by default), signs one tag, runs a container from each tag,
// and checks runtime verification by the digests the engine recorded.
func TestVerifyRealContainers(t *testing.T) {
	cli := testengine.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	base := testengine.BusyboxImage(t, cli, "hardhull-verify-test:1", "USER 1000")
	reg := signtest.NewRegistry(true)
	defer reg.Server.Close()
	repo := reg.Repo("team/app")
	key, err := signtest.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	auth := base64.URLEncoding.EncodeToString([]byte("{}"))
	push := func(tag string) string {
		ref := repo.Tag(tag).String()
		if err := cli.ImageTag(ctx, base, ref); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cli.ImageRemove(context.Background(), ref, image.RemoveOptions{}) })
		rc, err := cli.ImagePush(ctx, ref, image.PushOptions{RegistryAuth: auth})
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(rc)
		rc.Close()
		if strings.Contains(string(out), `"error"`) {
			t.Fatalf("push %s: %s", ref, out)
		}
		return ref
	}
	signedRef := push("signed")
	desc, err := remote.Head(repo.Tag("signed"))
	if err != nil {
		t.Fatal(err)
	}
	if err := signtest.SignTag(repo, desc.Digest, desc.Digest, key); err != nil {
		t.Fatal(err)
	}
	// A locally built image has no registry digest at all.
	signedID := testengine.Run(t, cli, testengine.RunOptions{Config: &container.Config{Image: signedRef, User: "1000"}, HostConfig: &container.HostConfig{NetworkMode: "none"}})
	localID := testengine.Run(t, cli, testengine.RunOptions{Config: &container.Config{Image: base, User: "1000"}, HostConfig: &container.HostConfig{NetworkMode: "none"}})

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cosign.pub"), key.PublicPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	pol := "signatures:\n  images:\n    - match: " + reg.Host + "/team/*\n      keys: [cosign.pub]\n    - match: hardhull-verify-test\n      keys: [cosign.pub]\n"
	if err := os.WriteFile(filepath.Join(dir, ".hardhull.yaml"), []byte(pol), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, ".hardhull.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := AuditVerify(ctx, cli, engine.Selector{Names: []string{signedID, localID}}, nil, trustaudit.New(trustaudit.Options{Config: cfg}))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if strings.HasPrefix(f.Rule.ID, "SG") {
			t.Errorf("unexpected %s: %s", f.Rule.ID, f.Message)
		}
	}
	if res.Kinds["integrity"] != 1 {
		t.Errorf("verified %d images, want 1", res.Kinds["integrity"])
	}
	var signedEvidence bool
	for _, e := range res.Evidence {
		if e.Checklist == "build.signed-images" && strings.Contains(e.Message, "signed by cosign.pub") {
			signedEvidence = true
		}
	}
	if !signedEvidence {
		t.Errorf("no signature evidence: %+v", res.Evidence)
	}
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "no registry digest") {
		t.Fatalf("errors %+v, want the locally built image reported", res.Errors)
	}
}
