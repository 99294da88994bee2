package verify

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/hardhull/hardhull/internal/signtest"
)

const (
	ghIssuer   = "https://token.actions.githubusercontent.com"
	releaseWF  = "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4"
	malloryWF  = "https://github.com/mallory/app/.github/workflows/release.yml@refs/tags/v1.4"
	acmeRegexp = `^https://github\.com/acme/app/\.github/workflows/release\.yml@refs/tags/v`
)

// keylessRoot writes the virtual Sigstore as a trusted_root.json and
// loads it back the way `--trusted-root` does, so keyless tests go
// through the same code path as a real root.
func keylessRoot(t testing.TB) (*signtest.Keyless, Trust) {
	t.Helper()
	kl, err := signtest.NewKeyless()
	if err != nil {
		t.Fatal(err)
	}
	b, err := kl.TrustedRootJSON()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "trusted_root.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	tr, err := LoadTrustedRoot(p)
	if err != nil {
		t.Fatal(err)
	}
	return kl, Trust{Root: tr, Identities: []Identity{{Issuer: ghIssuer, SubjectRegex: acmeRegexp}}}
}

// TestBundleReferrers covers Sigstore bundles stored as OCI 1.1 referrers,
// with the registry's referrers API on and off (the sha256-<hex> tag).
func TestBundleReferrers(t *testing.T) {
	for _, referrers := range []bool{true, false} {
		reg := signtest.NewRegistry(referrers)
		defer reg.Server.Close()
		repo := reg.Repo("team/app")
		push := func(tag string) v1.Hash {
			d, err := signtest.PushRandom(repo, tag)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		mb := func(b []byte, err error) []byte {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		attach := func(d v1.Hash, b []byte) {
			t.Helper()
			if err := signtest.AttachBundle(repo, d, b, PredicateCosignSign); err != nil {
				t.Fatal(err)
			}
		}
		signer, trusted := mustKey(t)
		other, _ := mustKey(t)
		kl, keyless := keylessRoot(t)
		stmt := func(d v1.Hash) []byte { return signtest.Statement(d, PredicateCosignSign, nil) }

		keySigned := push("key-signed")
		attach(keySigned, mb(signtest.KeyBundle(signer, stmt(keySigned))))
		wrongKey := push("wrong-key")
		attach(wrongKey, mb(signtest.KeyBundle(other, stmt(wrongKey))))
		copiedKey := push("copied-key") // a valid bundle about keySigned, attached here
		attach(copiedKey, mb(signtest.KeyBundle(signer, stmt(keySigned))))
		ours := push("keyless")
		attach(ours, mb(kl.Bundle(releaseWF, ghIssuer, stmt(ours))))
		mallory := push("mallory")
		attach(mallory, mb(kl.Bundle(malloryWF, ghIssuer, stmt(mallory))))
		copiedKeyless := push("copied-keyless")
		attach(copiedKeyless, mb(kl.Bundle(releaseWF, ghIssuer, stmt(ours))))
		foreign := push("foreign-ca") // another Sigstore's certificate: does not chain
		stranger, err := signtest.NewKeyless()
		if err != nil {
			t.Fatal(err)
		}
		attach(foreign, mb(stranger.Bundle(releaseWF, ghIssuer, stmt(foreign))))

		keys := Trust{Keys: []*Key{trusted}}
		for _, tc := range []struct {
			name   string
			digest v1.Hash
			trust  Trust
			want   Status
			reason string
			signer string
		}{
			{"key valid", keySigned, keys, Verified, "", "cosign.pub"},
			{"key wrong", wrongKey, keys, Invalid, "none of the trusted keys", ""},
			{"key copied", copiedKey, keys, WrongDigest, "signed statement is for sha256:" + keySigned.Hex, ""},
			{"keyless valid", ours, keyless, Verified, "", releaseWF + " (" + ghIssuer + ")"},
			{"keyless wrong identity", mallory, keyless, WrongIdentity, "signed by " + malloryWF, ""},
			{"keyless copied", copiedKeyless, keyless, WrongDigest, "not " + copiedKeyless.String(), ""},
			{"keyless foreign CA", foreign, keyless, Invalid, "does not verify against the trusted root", ""},
			{"keyless, only keys trusted", ours, keys, Invalid, "allows no certificate identity", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r, err := Signatures(context.Background(), NewRemote(repo), tc.digest, tc.trust)
				if err != nil {
					t.Fatal(err)
				}
				if r.Status != tc.want || len(r.Signatures) != 1 {
					t.Fatalf("referrers=%v: %s, signatures %+v; want %s", referrers, r.Status, r.Signatures, tc.want)
				}
				s := r.Signatures[0]
				if s.Layout != LayoutReferrer || !strings.HasPrefix(s.Where, repo.Name()+"@sha256:") {
					t.Errorf("signature from %s %s", s.Layout, s.Where)
				}
				if tc.reason != "" && !strings.Contains(s.Reason, tc.reason) {
					t.Errorf("reason %q lacks %q", s.Reason, tc.reason)
				}
				if tc.signer != "" && s.Signer != tc.signer {
					t.Errorf("signer %q, want %q", s.Signer, tc.signer)
				}
			})
		}
	}
}
