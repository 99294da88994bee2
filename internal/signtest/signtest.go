// Package signtest signs images the way cosign does, in process, and
// serves them from go-containerregistry's in-process registry, for the
// verification tests and benchmarks. Nothing here talks to the network.
package signtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
)

// Registry is an in-process registry.
type Registry struct {
	Server *httptest.Server
	Host   string // 127.0.0.1:port
}

// NewRegistry starts a registry; referrers selects whether it serves the
// OCI 1.1 referrers API (without it, clients use the sha256-<hex> tag).
// The caller closes Server.
func NewRegistry(referrers bool) *Registry {
	s := httptest.NewServer(registry.New(registry.WithReferrersSupport(referrers), registry.Logger(log.New(io.Discard, "", 0))))
	return &Registry{Server: s, Host: strings.TrimPrefix(s.URL, "http://")}
}

// Repo names a repository on the registry.
func (r *Registry) Repo(path string) name.Repository {
	repo, err := name.NewRepository(r.Host + "/" + path)
	if err != nil {
		panic(err) // path is a test constant
	}
	return repo
}

// PushRandom pushes a random single-platform image tagged tag and returns
// its digest.
func PushRandom(repo name.Repository, tag string) (v1.Hash, error) {
	img, err := random.Image(512, 1)
	if err != nil {
		return v1.Hash{}, err
	}
	if err := remote.Write(repo.Tag(tag), img); err != nil {
		return v1.Hash{}, err
	}
	return img.Digest()
}

// Key is a generated ECDSA P-256 key pair, as `cosign generate-key-pair`
// makes (unencrypted here: tests never write it anywhere).
type Key struct {
	Private *ecdsa.PrivateKey
	// PublicPEM is what cosign.pub holds.
	PublicPEM []byte
}

// NewKey generates a key pair.
func NewKey() (*Key, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	pem, err := cryptoutils.MarshalPublicKeyToPEM(priv.Public())
	if err != nil {
		return nil, err
	}
	return &Key{Private: priv, PublicPEM: pem}, nil
}

// PrivatePEM is the private key in PEM, for tests proving it never
// appears in output.
func (k *Key) PrivatePEM() ([]byte, error) {
	return cryptoutils.MarshalPrivateKeyToPEM(k.Private)
}

// Sign signs data the way cosign signs a payload: ECDSA over SHA-256, ASN.1.
func (k *Key) Sign(data []byte) ([]byte, error) {
	sum := sha256.Sum256(data)
	return k.Private.Sign(rand.Reader, sum[:], crypto.SHA256)
}

// Payload is the simple-signing payload cosign signs for an image.
func Payload(repo name.Repository, digest v1.Hash) []byte {
	b, _ := json.Marshal(map[string]any{
		"critical": map[string]any{
			"identity": map[string]string{"docker-reference": repo.Name()},
			"image":    map[string]string{"docker-manifest-digest": digest.String()},
			"type":     "cosign container image signature",
		},
		"optional": nil,
	})
	return b
}

// SignTag stores a classic cosign signature of claimed under the
// sha256-<hex>.sig tag of digest (claimed differs from digest only to
// forge a copied signature), appending to signatures already there.
func SignTag(repo name.Repository, digest, claimed v1.Hash, k *Key) error {
	payload := Payload(repo, claimed)
	sig, err := k.Sign(payload)
	if err != nil {
		return err
	}
	return addSigLayer(repo, digest, payload, map[string]string{
		"dev.cosignproject.cosign/signature": base64.StdEncoding.EncodeToString(sig),
	})
}

func addSigLayer(repo name.Repository, digest v1.Hash, payload []byte, ann map[string]string) error {
	tag := repo.Tag(digest.Algorithm + "-" + digest.Hex + ".sig")
	base := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	base = mutate.ConfigMediaType(base, types.OCIConfigJSON)
	if old, err := remote.Image(tag); err == nil {
		base = old
	}
	img, err := mutate.Append(base, mutate.Addendum{
		Layer:       static.NewLayer(payload, "application/vnd.dev.cosign.simplesigning.v1+json"),
		Annotations: ann,
	})
	if err != nil {
		return err
	}
	return remote.Write(tag, img)
}

// CopySignatures copies the signature manifest of from to the signature
// tag of to: an attacker's move, which verification must catch.
func CopySignatures(repo name.Repository, from, to v1.Hash) error {
	img, err := remote.Image(repo.Tag(from.Algorithm + "-" + from.Hex + ".sig"))
	if err != nil {
		return fmt.Errorf("read signatures of %s: %w", from, err)
	}
	return remote.Write(repo.Tag(to.Algorithm+"-"+to.Hex+".sig"), img)
}
