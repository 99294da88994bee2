package verify

import (
	"context"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/hardhull/hardhull/internal/signtest"
)

// TestCosignTagKeyless: cosign v2 keyless signatures in the classic tag
// layout (certificate and Rekor bundle in annotations), verified offline.
func TestCosignTagKeyless(t *testing.T) {
	reg := signtest.NewRegistry(false)
	defer reg.Server.Close()
	repo := reg.Repo("team/app")
	push := func(tag string) v1.Hash {
		d, err := signtest.PushRandom(repo, tag)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	kl, trust := keylessRoot(t)
	stranger, err := signtest.NewKeyless()
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ours, mallory, copied, foreign := push("ours"), push("mallory"), push("copied"), push("foreign")
	must(kl.SignTag(repo, ours, ours, releaseWF, ghIssuer))
	must(kl.SignTag(repo, mallory, mallory, malloryWF, ghIssuer))
	must(kl.SignTag(repo, copied, ours, releaseWF, ghIssuer))
	must(stranger.SignTag(repo, foreign, foreign, releaseWF, ghIssuer))
	for _, tc := range []struct {
		name   string
		d      v1.Hash
		want   Status
		reason string
	}{
		{"valid", ours, Verified, ""},
		{"wrong identity", mallory, WrongIdentity, "signed by " + malloryWF},
		{"copied", copied, WrongDigest, "signed payload is for " + ours.String()},
		{"foreign CA", foreign, Invalid, "does not verify against the trusted root"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Signatures(context.Background(), NewRemote(repo), tc.d, trust)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tc.want || len(r.Signatures) != 1 || r.Signatures[0].Layout != LayoutCosignTag {
				t.Fatalf("%s %+v, want %s", r.Status, r.Signatures, tc.want)
			}
			if !strings.Contains(r.Signatures[0].Reason, tc.reason) {
				t.Errorf("reason %q lacks %q", r.Signatures[0].Reason, tc.reason)
			}
		})
	}
}
