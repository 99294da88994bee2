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
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/moby/buildkit/util/purl"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
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
// its digest. It runs as a non-root user with a health check, so that only
// integrity findings depend on the test.
func PushRandom(repo name.Repository, tag string) (v1.Hash, error) {
	img, err := RandomImage()
	if err != nil {
		return v1.Hash{}, err
	}
	if err := remote.Write(repo.Tag(tag), img); err != nil {
		return v1.Hash{}, err
	}
	return img.Digest()
}

// RandomImage is a one-layer random image with a non-root user and a
// health check.
func RandomImage() (v1.Image, error) {
	img, err := random.Image(512, 1)
	if err != nil {
		return nil, err
	}
	return mutate.Config(img, v1.Config{User: "65532:65532", Healthcheck: &v1.HealthConfig{Test: []string{"CMD", "/app/health"}}})
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

// Base is a base image as BuildKit records it in provenance materials.
type Base struct {
	// Ref is what the Dockerfile named: python:3.12-slim or
	// python:3.12-slim@sha256:...
	Ref    string
	Digest string // sha256:... resolved at build time ("" unknown)
}

// ProvenanceV02 is the SLSA v0.2 statement BuildKit writes with
// --provenance=mode=max for a build from a git source.
func ProvenanceV02(subject v1.Hash, source, commit string, bases []Base) []byte {
	return ProvenanceV02Args(subject, source, commit, bases, nil)
}

// ProvenanceV02Args is ProvenanceV02 with build arguments recorded as
// mode=max does (build-arg:NAME → value).
func ProvenanceV02Args(subject v1.Hash, source, commit string, bases []Base, args map[string]string) []byte {
	var mats []map[string]any
	for _, b := range bases {
		uri, err := purl.RefToPURL("docker", b.Ref, &ocispec.Platform{OS: "linux", Architecture: "amd64"})
		if err != nil {
			panic(err) // test constants
		}
		m := map[string]any{"uri": uri}
		if b.Digest != "" {
			m["digest"] = map[string]string{"sha256": strings.TrimPrefix(b.Digest, "sha256:")}
		}
		mats = append(mats, m)
	}
	if source != "" {
		mats = append(mats, map[string]any{"uri": source, "digest": map[string]string{"sha1": commit}})
	}
	b, _ := json.Marshal(map[string]any{
		"_type":         "https://in-toto.io/Statement/v0.1",
		"predicateType": "https://slsa.dev/provenance/v0.2",
		"subject":       []map[string]any{{"name": "pkg:docker/app@1.4?platform=linux%2Famd64", "digest": map[string]string{"sha256": subject.Hex}}},
		"predicate": map[string]any{
			"builder":   map[string]string{"id": "https://github.com/acme/app/actions/runs/42"},
			"buildType": "https://mobyproject.org/buildkit@v1",
			"materials": mats,
			"invocation": map[string]any{
				"configSource": map[string]any{"uri": source, "digest": map[string]string{"sha1": commit}, "entryPoint": "Dockerfile"},
				"parameters":   map[string]any{"frontend": "dockerfile.v0", "args": args},
			},
		},
	})
	return b
}

// PushWithAttestations pushes, under tag, an image index holding a
// linux/amd64 image and BuildKit's attestation manifest for it (the
// provenance statement made by prov from the image digest, plus an SPDX
// SBOM when sbom is set), and returns the index digest.
func PushWithAttestations(repo name.Repository, tag string, prov func(v1.Hash) []byte, sbom bool) (v1.Hash, error) {
	img, err := RandomImage()
	if err != nil {
		return v1.Hash{}, err
	}
	d, err := img.Digest()
	if err != nil {
		return v1.Hash{}, err
	}
	att := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	layers := []mutate.Addendum{{
		Layer:       static.NewLayer(prov(d), "application/vnd.in-toto+json"),
		Annotations: map[string]string{"in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2"},
	}}
	if sbom {
		layers = append(layers, mutate.Addendum{
			Layer:       static.NewLayer([]byte(`{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://spdx.dev/Document","predicate":{"spdxVersion":"SPDX-2.3"}}`), "application/vnd.in-toto+json"),
			Annotations: map[string]string{"in-toto.io/predicate-type": "https://spdx.dev/Document"},
		})
	}
	if att, err = mutate.Append(att, layers...); err != nil {
		return v1.Hash{}, err
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	idx = mutate.AppendManifests(idx,
		mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
		mutate.IndexAddendum{Add: att, Descriptor: v1.Descriptor{
			Platform:    &v1.Platform{OS: "unknown", Architecture: "unknown"},
			Annotations: map[string]string{"vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": d.String()},
		}},
	)
	if err := remote.WriteIndex(repo.Tag(tag), idx); err != nil {
		return v1.Hash{}, err
	}
	return idx.Digest()
}

// ToLayout copies images from the registry into an OCI layout at dir, as
// an air-gapped transfer does: each ref under its full name, plus its
// cosign signature tag and its referrers (bundles), so that verification
// can run from the layout alone.
func ToLayout(dir string, refs ...name.Reference) error {
	p, err := layout.FromPath(dir)
	if err != nil {
		if p, err = layout.Write(dir, empty.Index); err != nil {
			return err
		}
	}
	for _, r := range refs {
		desc, err := remote.Get(r)
		if err != nil {
			return err
		}
		ann := layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": r.String()})
		if desc.MediaType.IsIndex() {
			idx, err := desc.ImageIndex()
			if err != nil {
				return err
			}
			if err := p.AppendIndex(idx, ann); err != nil {
				return err
			}
		} else {
			img, err := desc.Image()
			if err != nil {
				return err
			}
			if err := p.AppendImage(img, ann); err != nil {
				return err
			}
		}
		sigTag := r.Context().Tag(desc.Digest.Algorithm + "-" + desc.Digest.Hex + ".sig")
		if sig, err := remote.Image(sigTag); err == nil {
			if err := p.AppendImage(sig, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": sigTag.String()})); err != nil {
				return err
			}
		}
		refIdx, err := remote.Referrers(r.Context().Digest(desc.Digest.String()))
		if err != nil {
			return err
		}
		m, err := refIdx.IndexManifest()
		if err != nil {
			return err
		}
		for _, d := range m.Manifests {
			img, err := remote.Image(r.Context().Digest(d.Digest.String()))
			if err != nil {
				return err
			}
			if err := p.AppendImage(img); err != nil {
				return err
			}
		}
	}
	return nil
}
