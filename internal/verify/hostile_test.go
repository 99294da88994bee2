package verify

import (
	"archive/tar"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/hardhull/hardhull/internal/signtest"
	"github.com/sigstore/sigstore-go/pkg/bundle"
)

// TestHostileRegistry: a registry serving garbage where signatures should
// be yields invalid signatures or errors naming the reference, never a
// panic and never "verified".
func TestHostileRegistry(t *testing.T) {
	reg := signtest.NewRegistry(true)
	defer reg.Server.Close()
	repo := reg.Repo("team/app")
	_, trusted := mustKey(t)
	trust := Trust{Keys: []*Key{trusted}}
	push := func(tag string) v1.Hash {
		d, err := signtest.PushRandom(repo, tag)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	sigManifest := func(d v1.Hash, layers ...mutate.Addendum) {
		img, err := mutate.Append(mutate.MediaType(empty.Image, types.OCIManifestSchema1), layers...)
		if err != nil {
			t.Fatal(err)
		}
		if err := remote.Write(repo.Tag(SigTag(d)), img); err != nil {
			t.Fatal(err)
		}
	}
	simple := func(payload, sig string) mutate.Addendum {
		return mutate.Addendum{Layer: static.NewLayer([]byte(payload), SimpleSigningMediaType), Annotations: map[string]string{AnnotationSignature: sig}}
	}
	for _, tc := range []struct {
		name   string
		setup  func(d v1.Hash)
		status Status
		err    string
	}{
		{"payload not JSON", func(d v1.Hash) { sigManifest(d, simple("\x00\xff not json", "AAAA")) }, Invalid, ""},
		{"signature not base64", func(d v1.Hash) { sigManifest(d, simple(string(signtest.Payload(repo, d)), "%%%")) }, Invalid, ""},
		{"empty signature", func(d v1.Hash) { sigManifest(d, simple(string(signtest.Payload(repo, d)), "")) }, Invalid, ""},
		{"too many layers", func(d v1.Hash) {
			var ls []mutate.Addendum
			for i := 0; i < maxLayers+1; i++ {
				ls = append(ls, simple(strings.Repeat("x", i+1), "AAAA"))
			}
			sigManifest(d, ls...)
		}, "", "more than the 64 accepted"},
		{"oversized payload", func(d v1.Hash) { sigManifest(d, simple(strings.Repeat("x", maxPayload+1), "AAAA")) }, "", "more than the"},
		{"certificate without Rekor bundle", func(d v1.Hash) {
			l := simple(string(signtest.Payload(repo, d)), "AAAA")
			l.Annotations[AnnotationCertificate] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
			sigManifest(d, l)
		}, Invalid, ""},
		{"garbage Rekor bundle", func(d v1.Hash) {
			l := simple(string(signtest.Payload(repo, d)), "AAAA")
			l.Annotations[AnnotationCertificate] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
			l.Annotations[AnnotationBundle] = `{"Payload":{"body":"%%%"}}`
			sigManifest(d, l)
		}, Invalid, ""},
		{"garbage bundle referrer", func(d v1.Hash) {
			if err := signtest.AttachBundle(repo, d, []byte(`{"mediaType": 7}`), PredicateCosignSign); err != nil {
				t.Fatal(err)
			}
		}, Invalid, ""},
		{"bundle without content", func(d v1.Hash) {
			if err := signtest.AttachBundle(repo, d, []byte(`{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}`), PredicateCosignSign); err != nil {
				t.Fatal(err)
			}
		}, Invalid, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := push(strings.ReplaceAll(tc.name, " ", "-"))
			tc.setup(d)
			r, err := Signatures(context.Background(), NewRemote(repo), d, trust)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), repo.Name()) {
					t.Fatalf("want an error with %q naming the repository, got %v", tc.err, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tc.status {
				t.Fatalf("status %s, want %s (%+v)", r.Status, tc.status, r.Signatures)
			}
		})
	}
}

func TestHostileFiles(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "trusted_root.json")
	for _, content := range []string{"", "{", `{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[{"baseUrl":"x"}]}`, strings.Repeat("[", 1<<16)} {
		if err := os.WriteFile(bad, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadTrustedRoot(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("trusted root %.20q: %v", content, err)
		}
	}
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, make([]byte, maxRootSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadTrustedRoot(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversized root: %v", err)
	}
	// A layout whose index.json is garbage is an error, not "unsigned".
	lay := filepath.Join(dir, "layout")
	if err := os.MkdirAll(lay, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(lay, "oci-layout"), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644)
	os.WriteFile(filepath.Join(lay, "index.json"), []byte("{not json"), 0o644)
	l, err := OpenLayout(lay, "")
	if err == nil {
		_, err = Signatures(context.Background(), l, v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("a", 64)}, Trust{})
	}
	if err == nil {
		t.Fatal("garbage layout: no error")
	}
}

// FuzzSimpleSigning: arbitrary payloads and signature annotations never
// panic and never verify against a key that did not sign them.
func FuzzSimpleSigning(f *testing.F) {
	k, trusted := mustKey(f)
	d := v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("a", 64)}
	reg := signtest.NewRegistry(false)
	defer reg.Server.Close()
	payload := signtest.Payload(reg.Repo("x"), d)
	sig, _ := k.Sign(payload)
	f.Add(payload, string(sig))
	f.Add([]byte("{}"), "")
	f.Add([]byte(`{"critical":{"image":{"docker-manifest-digest":7}}}`), "AAAA")
	f.Fuzz(func(t *testing.T, payload []byte, rawSig string) {
		ann := map[string]string{AnnotationSignature: b64(rawSig)}
		s := judgeSimpleSigning("x", payload, ann, d, Trust{Keys: []*Key{trusted}})
		if s.Status == Verified && string(payload) != string(signtest.Payload(reg.Repo("x"), d)) {
			t.Fatalf("verified a payload the key did not sign: %q", payload)
		}
	})
}

// FuzzBundle: arbitrary bundle JSON never panics in parsing or judging.
func FuzzBundle(f *testing.F) {
	k, trusted := mustKey(f)
	d := v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("a", 64)}
	b, err := signtest.KeyBundle(k, signtest.Statement(d, PredicateCosignSign, nil))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":"x"}},"dsseEnvelope":{"payload":"e30=","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"AAAA"}]}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var bb bundle.Bundle
		if bb.UnmarshalJSON(raw) != nil {
			return
		}
		judgeBundle(bundleRef{where: "x", bundle: &bb}, d, PredicateCosignSign, Trust{Keys: []*Key{trusted}})
	})
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// TestHostileArchive: only index.json, oci-layout and sha256 blobs are
// taken from an OCI archive; traversal names and links are ignored, and
// an archive without an index is an error naming it.
func TestHostileArchive(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string, entries map[string]string, link bool) string {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		tw := tar.NewWriter(f)
		for n, c := range entries {
			tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(c)), Typeflag: tar.TypeReg})
			tw.Write([]byte(c))
		}
		if link {
			tw.WriteHeader(&tar.Header{Name: "blobs/sha256/" + strings.Repeat("b", 64), Linkname: "/etc/passwd", Typeflag: tar.TypeSymlink})
		}
		tw.Close()
		f.Close()
		return p
	}
	outside := filepath.Join(dir, "evil")
	p := mk("bad.tar", map[string]string{"../evil": "x", "/abs/evil": "x", "blobs/sha256/../../evil": "x"}, true)
	if _, _, err := OpenArchive(p, ""); err == nil || !strings.Contains(err.Error(), "no index.json") || !strings.Contains(err.Error(), p) {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(outside); err == nil {
		t.Fatal("a traversal name was written")
	}
	p = mk("ok.tar", map[string]string{"index.json": `{"schemaVersion":2,"manifests":[]}`, "oci-layout": `{"imageLayoutVersion":"1.0.0"}`, "../evil": "x"}, true)
	l, cleanup, err := OpenArchive(p, "")
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	if _, err := l.Find("x"); err != ErrNotFound {
		t.Fatalf("find in empty archive: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(string(l.Path), "blobs", "sha256", strings.Repeat("b", 64))); err == nil {
		t.Fatal("a link entry was extracted")
	}
	if _, err := os.Stat(outside); err == nil {
		t.Fatal("a traversal name was written")
	}
}
