package verify

import (
	"context"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/hardhull/hardhull/internal/signtest"
)

func mustKey(t testing.TB) (*signtest.Key, *Key) {
	t.Helper()
	k, err := signtest.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	tk, err := LoadKey("cosign.pub", k.PublicPEM)
	if err != nil {
		t.Fatal(err)
	}
	return k, tk
}

// TestCosignTag covers the classic layout end to end: images pushed to the
// in-process registry, signed with generated keys in cosign's format.
func TestCosignTag(t *testing.T) {
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
		signer, trusted := mustKey(t)
		other, _ := mustKey(t)

		signed := push("signed")
		if err := signtest.SignTag(repo, signed, signed, signer); err != nil {
			t.Fatal(err)
		}
		unsigned := push("unsigned")
		copied := push("copied")
		if err := signtest.CopySignatures(repo, signed, copied); err != nil {
			t.Fatal(err)
		}
		wrongKey := push("wrong-key")
		if err := signtest.SignTag(repo, wrongKey, wrongKey, other); err != nil {
			t.Fatal(err)
		}
		both := push("both") // a stranger's signature next to ours: ours counts
		if err := signtest.SignTag(repo, both, both, other); err != nil {
			t.Fatal(err)
		}
		if err := signtest.SignTag(repo, both, both, signer); err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			name   string
			digest v1.Hash
			trust  Trust
			want   Status
			sigs   int
			reason string
		}{
			{"valid", signed, Trust{Keys: []*Key{trusted}}, Verified, 1, ""},
			{"unsigned", unsigned, Trust{Keys: []*Key{trusted}}, Unsigned, 0, ""},
			{"copied from another digest", copied, Trust{Keys: []*Key{trusted}}, WrongDigest, 1, "signed payload is for " + signed.String()},
			{"wrong key", wrongKey, Trust{Keys: []*Key{trusted}}, Invalid, 1, "none of the trusted keys"},
			{"no key trusted", signed, Trust{}, Invalid, 1, "trusts no key"},
			{"two signatures, one trusted", both, Trust{Keys: []*Key{trusted}}, Verified, 2, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r, err := Signatures(context.Background(), NewRemote(repo), tc.digest, tc.trust)
				if err != nil {
					t.Fatal(err)
				}
				if r.Status != tc.want || len(r.Signatures) != tc.sigs {
					t.Fatalf("referrers=%v: status %s with %d signatures %+v, want %s with %d", referrers, r.Status, len(r.Signatures), r.Signatures, tc.want, tc.sigs)
				}
				if r.Digest != tc.digest.String() || !strings.HasSuffix(r.Ref, "team/app@"+tc.digest.String()) {
					t.Errorf("report names %s / %s", r.Ref, r.Digest)
				}
				if tc.reason != "" && !strings.Contains(r.Signatures[0].Reason, tc.reason) {
					t.Errorf("reason %q lacks %q", r.Signatures[0].Reason, tc.reason)
				}
				if tc.want == Verified {
					if got := r.Signers(); len(got) != 1 || got[0] != "cosign.pub" {
						t.Errorf("signers %v", got)
					}
				}
			})
		}
	}
}

// TestUnreachable: a registry that cannot be read is an error naming the
// reference, never "unsigned".
func TestUnreachable(t *testing.T) {
	reg := signtest.NewRegistry(true)
	repo := reg.Repo("team/app")
	d, err := signtest.PushRandom(repo, "x")
	if err != nil {
		t.Fatal(err)
	}
	reg.Server.Close()
	_, trusted := mustKey(t)
	r, err := Signatures(context.Background(), NewRemote(repo), d, Trust{Keys: []*Key{trusted}})
	if err == nil {
		t.Fatalf("no error; report %+v", r)
	}
	if !strings.Contains(err.Error(), repo.Name()) || !strings.Contains(err.Error(), SigTag(d)) {
		t.Fatalf("error %q does not name the reference", err)
	}
}

func TestLoadKeyRefusesPrivate(t *testing.T) {
	k, _ := mustKey(t)
	priv, err := k.PrivatePEM()
	if err != nil {
		t.Fatal(err)
	}
	_, err = LoadKey("cosign.key", priv)
	if err == nil || strings.Contains(err.Error(), string(priv[30:60])) {
		t.Fatalf("want a refusal that does not echo the key, got %v", err)
	}
	if _, err := LoadKey("junk.pub", []byte("not pem")); err == nil || !strings.HasPrefix(err.Error(), "junk.pub") {
		t.Fatalf("junk: %v", err)
	}
}
