package fix

import (
	"context"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// TestPinRegistry resolves tags against an in-process registry over plain
// HTTP and checks the digest written is the one the registry serves.
func TestPinRegistry(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	push := func(repo string) string {
		img, err := random.Image(256, 1)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := name.ParseReference(host+"/"+repo, name.Insecure)
		if err != nil {
			t.Fatal(err)
		}
		if err := remote.Write(ref, img); err != nil {
			t.Fatal(err)
		}
		d, _ := img.Digest()
		return d.String()
	}
	latest := push("base/python:latest")
	tagged := push("base/tools:1.2")

	dir := t.TempDir()
	src := "# pinned by the test\nFROM " + host + "/base/python:latest AS base\nFROM --platform=linux/amd64 " + host + "/base/tools:1.2\nCOPY --from=base /etc/os-release /x\nUSER 1000\nHEALTHCHECK CMD [\"/x\"]\n"
	os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(src), 0o644)
	os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte(".git\n**/.env\n"), 0o644)

	res, err := Plan(context.Background(), Options{Path: dir, Pin: true, Insecure: true, Rules: []string{"DF003", "DF004"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Changes) != 1 {
		t.Fatalf("changes: %d, skipped %v", len(res.Changes), res.Skipped)
	}
	got := string(res.Changes[0].New)
	want := strings.Replace(src, "base/python:latest AS", "base/python:latest@"+latest+" AS", 1)
	want = strings.Replace(want, "base/tools:1.2\n", "base/tools:1.2@"+tagged+"\n", 1)
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if err := res.Write(); err != nil {
		t.Fatal(err)
	}
	for _, f := range scanDir(t, dir).Findings {
		if f.Rule.ID == "DF003" || f.Rule.ID == "DF004" {
			t.Errorf("still reported after pinning: %s", f.Message)
		}
	}
	// Pinned files are left alone the second time.
	again, err := Plan(context.Background(), Options{Path: dir, Pin: true, Insecure: true})
	if err != nil || len(again.Changes) != 0 {
		t.Fatalf("second run: %v, %d changes", err, len(again.Changes))
	}
}

// TestPinUnresolvable skips (with the reason) a tag the registry lacks,
// and never pins a FROM built from an ARG.
func TestPinUnresolvable(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	dir := t.TempDir()
	src := "ARG TAG=latest\nFROM " + host + "/none/such:1.0\nFROM " + host + "/x/y:${TAG}\nUSER 1000\nHEALTHCHECK CMD [\"/x\"]\n"
	os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(src), 0o644)
	res, err := Plan(context.Background(), Options{Path: dir, Pin: true, Insecure: true, Rules: []string{"DF003", "DF004"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Changes) != 0 {
		t.Fatalf("expected no change, got %s", res.Changes[0].New)
	}
	var reasons []string
	for _, s := range res.Skipped {
		reasons = append(reasons, s.Text)
	}
	all := strings.Join(reasons, "\n")
	if !strings.Contains(all, "cannot resolve a digest") || !strings.Contains(all, "build argument") {
		t.Fatalf("skip reasons: %s", all)
	}
}

func TestPinNeedsFlag(t *testing.T) {
	if _, err := Plan(context.Background(), Options{Path: t.TempDir(), Rules: []string{"DF004"}}); err == nil || !strings.Contains(err.Error(), "--pin") {
		t.Fatalf("want an error asking for --pin, got %v", err)
	}
	if _, err := Plan(context.Background(), Options{Path: t.TempDir(), Rules: []string{"DC012"}}); err == nil {
		// Binding a port to 127.0.0.1 changes who can reach the service:
		// a decision, not a mechanical fix.
		t.Fatal("DC012 has no fixer; want an error")
	}
	if _, err := Plan(context.Background(), Options{Path: t.TempDir(), Rules: []string{"nope"}}); err == nil {
		t.Fatal("unknown rule accepted")
	}
}
