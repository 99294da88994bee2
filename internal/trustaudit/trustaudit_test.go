package trustaudit

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/hardhull/hardhull/internal/config"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/signtest"
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

// TestOffline copies signed, copied-signature, keyless and attested images
// with their signatures into an OCI layout, stops the registry, and
// verifies from the layout alone.
func TestOffline(t *testing.T) {
	w := newWorld(t, true)
	cfg := w.project(t, provPolicy)
	signed := w.build(t, "image: registry.example.com/team/app:1.4\nprovenance: source=https://github.com/acme/app commit=0123456789abcdef0123456789abcdef01234567 base=python:3.12-slim@sha256:1111111111111111111111111111111111111111111111111111111111111111\nsigned: release\n")
	copied := w.build(t, "image: registry.example.com/team/app:copied\nsignature-copied-from: release\n")
	keyless := w.build(t, "image: registry.example.com/team/app:keyless\nkeyless: "+releaseWF+" "+ghIssuer+"\n")
	dir := filepath.Join(t.TempDir(), "layout")
	var refs []name.Reference
	for _, r := range []string{signed, copied, keyless} {
		ref, err := name.ParseReference(r)
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, ref)
	}
	if err := signtest.ToLayout(dir, refs...); err != nil {
		t.Fatal(err)
	}
	w.reg.Server.Close()
	ctx := context.Background()
	c := New(Options{Config: cfg, Offline: true, Layout: dir})
	v, err := c.Check(ctx, signed, finding.Location{})
	if err != nil {
		t.Fatal(err)
	}
	if v.Signatures.Status != verify.Verified || v.Provenance == nil || !v.Provenance.Signed || !v.Provenance.SBOM {
		t.Fatalf("signed: %s %+v", v.Signatures.Status, v.Provenance)
	}
	if v, err = c.Check(ctx, copied, finding.Location{}); err != nil || v.Signatures.Status != verify.WrongDigest {
		t.Fatalf("copied: %+v %v", v, err)
	}
	kc := New(Options{Offline: true, Layout: dir, TrustedRoot: w.rootPath, Identities: []verify.Identity{{Issuer: ghIssuer, Subject: releaseWF}}})
	if v, err = kc.Check(ctx, keyless, finding.Location{}); err != nil || v.Signatures.Status != verify.Verified {
		t.Fatalf("keyless: %+v %v", v, err)
	}
	// Not in the layout: an error with the reference, never a pass.
	if _, err := c.Check(ctx, w.host("registry.example.com/team/app:2.0"), finding.Location{}); err == nil || !strings.Contains(err.Error(), "not in the offline layout") {
		t.Fatalf("missing: %v", err)
	}
	if _, err := New(Options{Config: cfg, Offline: true}).Check(ctx, signed, finding.Location{}); err == nil || !strings.Contains(err.Error(), "--offline") {
		t.Fatalf("offline without layout: %v", err)
	}
}

const (
	ghIssuer   = "https://token.actions.githubusercontent.com"
	releaseWF  = "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4"
	provPolicy = "signatures:\n  images:\n    - match: registry.example.com/team/*\n      keys: [keys/release.pub]\n      provenance: required\n"
)

// TestSignedAttestation: SLSA provenance signed as an attestation (cosign
// attest, a bundle referrer) counts as signed provenance; one signed by a
// key the policy does not trust is ignored.
func TestSignedAttestation(t *testing.T) {
	w := newWorld(t, true)
	cfg := w.project(t, "signatures:\n  images:\n    - match: registry.example.com/team/*\n      keys: [keys/release.pub]\n      provenance: required\n      source: https://github.com/acme/app\n")
	ctx := context.Background()
	for _, tc := range []struct {
		signer string
		want   []string
	}{
		{"release", nil},
		{"other", []string{"SG005"}},
	} {
		ref := w.build(t, "image: registry.example.com/team/app:"+tc.signer+"\nsigned: release\n")
		r, err := name.ParseReference(ref)
		if err != nil {
			t.Fatal(err)
		}
		d := w.digest(t, r)
		stmt := signtest.ProvenanceV02(d, "https://github.com/acme/app", "0123456789abcdef0123456789abcdef01234567",
			[]signtest.Base{{Ref: "python:3.12-slim@sha256:" + strings.Repeat("1", 64), Digest: "sha256:" + strings.Repeat("1", 64)}})
		b, err := signtest.KeyBundle(w.keys[tc.signer], stmt)
		if err != nil {
			t.Fatal(err)
		}
		if err := signtest.AttachBundle(r.Context(), d, b, verify.PredicateSLSA02); err != nil {
			t.Fatal(err)
		}
		v, err := New(Options{Config: cfg}).Check(ctx, ref, finding.Location{})
		if err != nil {
			t.Fatal(err)
		}
		fs, _ := Judge([]*verify.Verdict{v}, nil)
		var got []string
		for _, f := range fs {
			got = append(got, f.Rule.ID)
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Fatalf("%s: findings %v, want %v (provenance %+v)", tc.signer, got, tc.want, v.Provenance)
		}
		if tc.want == nil && (v.Provenance == nil || !v.Provenance.Signed || v.Provenance.Commit == "") {
			t.Fatalf("provenance %+v", v.Provenance)
		}
	}
}
