package trustaudit

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/hardhull/hardhull/internal/config"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
	"github.com/hardhull/hardhull/internal/signtest"
	"github.com/hardhull/hardhull/internal/verify"
)

// world is one in-process registry with named signers, in which image.txt
// scenarios are made real.
type world struct {
	reg      *signtest.Registry
	keys     map[string]*signtest.Key
	keyless  *signtest.Keyless
	rootPath string // the virtual Sigstore as trusted_root.json
}

func newWorld(t testing.TB, referrers bool) *world {
	t.Helper()
	w := &world{reg: signtest.NewRegistry(referrers), keys: map[string]*signtest.Key{}}
	t.Cleanup(w.reg.Server.Close)
	for _, n := range []string{"release", "other"} {
		k, err := signtest.NewKey()
		if err != nil {
			t.Fatal(err)
		}
		w.keys[n] = k
	}
	kl, err := signtest.NewKeyless()
	if err != nil {
		t.Fatal(err)
	}
	b, err := kl.TrustedRootJSON()
	if err != nil {
		t.Fatal(err)
	}
	w.keyless, w.rootPath = kl, filepath.Join(t.TempDir(), "trusted_root.json")
	if err := os.WriteFile(w.rootPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return w
}

// host replaces the documentation registry with the in-process one.
func (w *world) host(s string) string {
	return strings.ReplaceAll(s, "registry.example.com", w.reg.Host)
}

// project writes the policy and the public keys into a directory and
// returns the parsed config.
func (w *world) project(t testing.TB, policy string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "keys"), 0o755); err != nil {
		t.Fatal(err)
	}
	for n, k := range w.keys {
		if err := os.WriteFile(filepath.Join(dir, "keys", n+".pub"), k.PublicPEM, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(dir, config.FileName)
	if err := os.WriteFile(p, []byte(w.host(policy)), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// build makes a scenario real and returns the image reference.
func (w *world) build(t testing.TB, scenario string) string {
	t.Helper()
	var ref name.Reference
	for _, line := range strings.Split(strings.TrimSpace(scenario), "\n") {
		k, v, _ := strings.Cut(line, ":")
		v = strings.TrimSpace(v)
		switch k {
		case "image":
			r, err := name.ParseReference(w.host(v))
			if err != nil {
				t.Fatal(err)
			}
			ref = r
			if _, err := signtest.PushRandom(r.Context(), r.Identifier()); err != nil {
				t.Fatal(err)
			}
		case "signed":
			d := w.digest(t, ref)
			if err := signtest.SignTag(ref.Context(), d, d, w.key(t, v)); err != nil {
				t.Fatal(err)
			}
		case "signature-copied-from":
			other, err := signtest.PushRandom(ref.Context(), "other-build")
			if err != nil {
				t.Fatal(err)
			}
			if err := signtest.SignTag(ref.Context(), other, other, w.key(t, v)); err != nil {
				t.Fatal(err)
			}
			if err := signtest.CopySignatures(ref.Context(), other, w.digest(t, ref)); err != nil {
				t.Fatal(err)
			}
		case "provenance":
			// Replaces the image under the tag with an index carrying
			// BuildKit attestations.
			var source, commit string
			var bases []signtest.Base
			args := map[string]string{}
			for _, f := range strings.Fields(v) {
				k, val, _ := strings.Cut(f, "=")
				switch k {
				case "source":
					source = val
				case "commit":
					commit = val
				case "base":
					b := signtest.Base{Ref: val, Digest: "sha256:2222222222222222222222222222222222222222222222222222222222222222"}
					if _, d, ok := strings.Cut(val, "@"); ok {
						b.Digest = d
					}
					bases = append(bases, b)
				case "arg":
					n, a, _ := strings.Cut(val, "=")
					args["build-arg:"+n] = a
				default:
					t.Fatalf("provenance field %q", k)
				}
			}
			prov := func(d v1.Hash) []byte { return signtest.ProvenanceV02Args(d, source, commit, bases, args) }
			if _, err := signtest.PushWithAttestations(ref.Context(), ref.Identifier(), prov, true); err != nil {
				t.Fatal(err)
			}
		case "keyless":
			subject, issuer, ok := strings.Cut(v, " ")
			if !ok {
				t.Fatalf("keyless: want SUBJECT ISSUER, got %q", v)
			}
			d := w.digest(t, ref)
			b, err := w.keyless.Bundle(subject, issuer, signtest.Statement(d, verify.PredicateCosignSign, nil))
			if err != nil {
				t.Fatal(err)
			}
			if err := signtest.AttachBundle(ref.Context(), d, b, verify.PredicateCosignSign); err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatalf("scenario line %q: unknown key %q", line, k)
		}
	}
	if ref == nil {
		t.Fatal("scenario names no image")
	}
	return ref.String()
}

func (w *world) key(t testing.TB, n string) *signtest.Key {
	k, ok := w.keys[n]
	if !ok {
		t.Fatalf("no signer %q", n)
	}
	return k
}

func (w *world) digest(t testing.TB, ref name.Reference) v1.Hash {
	t.Helper()
	d, err := remote.Head(ref)
	if err != nil {
		t.Fatal(err)
	}
	return d.Digest
}

// TestCatalogueExamples makes every integrity rule's bad and good example
// real (signed images in an in-process registry, the policy on disk) and
// checks it through the real verification.
func TestCatalogueExamples(t *testing.T) {
	n := 0
	for _, r := range rules.ByKind(finding.KindIntegrity) {
		for i, ex := range r.Bad {
			n++
			t.Run(r.ID+"/bad"+string(rune('0'+i)), func(t *testing.T) {
				if fired(t, ex, r.ID) == 0 {
					t.Errorf("%s did not fire on its bad example %v", r.ID, ex.Files)
				}
			})
		}
		for i, ex := range r.Good {
			n++
			t.Run(r.ID+"/good"+string(rune('0'+i)), func(t *testing.T) {
				if c := fired(t, ex, r.ID); c != 0 {
					t.Errorf("%s fired %d times on its good example %v", r.ID, c, ex.Files)
				}
			})
		}
	}
	if n < 6 {
		t.Fatalf("only %d integrity examples", n)
	}
}

func fired(t *testing.T, ex finding.Example, id string) int {
	t.Helper()
	w := newWorld(t, true)
	cfg := w.project(t, ex.Files[".hardhull.yaml"])
	ref := w.build(t, ex.Files["image.txt"])
	v, err := New(Options{Config: cfg, TrustedRoot: w.rootPath}).Check(context.Background(), ref, finding.Location{})
	if err != nil {
		t.Fatal(err)
	}
	fs, _ := Judge([]*verify.Verdict{v}, nil)
	c := 0
	for _, f := range fs {
		if f.Rule.ID == id {
			c++
		}
	}
	return c
}
