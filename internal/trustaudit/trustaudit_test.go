package trustaudit

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/config"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/verify"
)

func TestCheckerFlagsOverridePolicy(t *testing.T) {
	w := newWorld(t, false)
	cfg := w.project(t, "signatures:\n  images:\n    - match: registry.example.com/team/*\n      keys: [keys/other.pub]\n")
	ref := w.build(t, "image: registry.example.com/team/app:1\nsigned: release\n")
	pub := filepath.Join(t.TempDir(), "cosign.pub")
	if err := os.WriteFile(pub, w.keys["release"].PublicPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// Under the policy (key "other") the release signature is invalid.
	v, err := New(Options{Config: cfg}).Check(ctx, ref, finding.Location{})
	if err != nil {
		t.Fatal(err)
	}
	if v.Signatures.Status != verify.Invalid || !strings.Contains(v.Require.From, ".hardhull.yaml:3 (") {
		t.Fatalf("policy: %s from %q", v.Signatures.Status, v.Require.From)
	}
	// --verify-key replaces the policy for the image named.
	v, err = New(Options{Config: cfg, Keys: []string{pub}}).Check(ctx, ref, finding.Location{})
	if err != nil {
		t.Fatal(err)
	}
	if v.Signatures.Status != verify.Verified || v.Require.From != "the command line" {
		t.Fatalf("flags: %s from %q", v.Signatures.Status, v.Require.From)
	}
	fs, es := Judge([]*verify.Verdict{v}, nil)
	if len(fs) != 0 || len(es) != 1 || es[0].Checklist != "build.signed-images" || !strings.Contains(es[0].Message, "signed by "+pub) {
		t.Fatalf("findings %v evidence %+v", fs, es)
	}
	// An image no policy covers and no flag names is not required to be signed.
	other := w.build(t, "image: registry.example.com/elsewhere/app:1\n")
	v, err = New(Options{Config: cfg}).Check(ctx, other, finding.Location{})
	if err != nil {
		t.Fatal(err)
	}
	if fs, _ := Judge([]*verify.Verdict{v}, nil); v.Require != nil || len(fs) != 0 {
		t.Fatalf("uncovered image: %+v %v", v.Require, fs)
	}
}

func TestCheckerErrors(t *testing.T) {
	w := newWorld(t, true)
	cfg := w.project(t, "signatures:\n  images:\n    - match: registry.example.com/**\n      keys: [keys/missing.pub]\n")
	ref := w.build(t, "image: registry.example.com/team/app:1\n")
	if _, err := New(Options{Config: cfg}).Check(context.Background(), ref, finding.Location{}); err == nil || !strings.Contains(err.Error(), "missing.pub") {
		t.Fatalf("missing key file: %v", err)
	}
	cfg = w.project(t, "signatures:\n  images:\n    - match: registry.example.com/**\n      keys: [keys/release.pub]\n")
	w.reg.Server.Close()
	_, err := New(Options{Config: cfg}).Check(context.Background(), ref, finding.Location{})
	if err == nil || !strings.Contains(err.Error(), ref) {
		t.Fatalf("unreachable registry: %v", err)
	}
	cfg = w.project(t, "signatures:\n  trusted-root: nowhere.json\n  images:\n    - match: registry.example.com/**\n      identities: [{issuer: a, subject: b}]\n")
	if _, err := New(Options{Config: cfg}).Check(context.Background(), ref, finding.Location{}); err == nil || !strings.Contains(err.Error(), "nowhere.json") {
		t.Fatalf("missing trusted root: %v", err)
	}
}

func TestRepoNameDockerHub(t *testing.T) {
	c := New(Options{Config: mustConfig(t, "signatures:\n  images:\n    - match: python\n      keys: [k.pub]\n")})
	for ref, want := range map[string]bool{"python:3.12-slim": true, "docker.io/library/python": true, "index.docker.io/library/python:3": true, "pythonx": false, "ghcr.io/python": false} {
		if got := c.RequiredRef(ref); got != want {
			t.Errorf("RequiredRef(%q) = %v, want %v", ref, got, want)
		}
	}
}

func mustConfig(t *testing.T, src string) *config.Config {
	t.Helper()
	c, err := config.Parse(".hardhull.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return c
}
