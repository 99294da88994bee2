package verify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Cosign's classic layout: a manifest tagged sha256-<hex>.sig in the
// image's repository whose layers are simple-signing payloads, each with
// its signature in an annotation.
const (
	SimpleSigningMediaType = "application/vnd.dev.cosign.simplesigning.v1+json"
	AnnotationSignature    = "dev.cosignproject.cosign/signature"
	AnnotationCertificate  = "dev.sigstore.cosign/certificate"
	AnnotationChain        = "dev.sigstore.cosign/chain"
	AnnotationBundle       = "dev.sigstore.cosign/bundle"
	SimpleSigningType      = "cosign container image signature"

	maxPayload = 64 << 10 // simple-signing payloads are a few hundred bytes
	maxLayers  = 64
)

// SigTag is the tag cosign stores an image digest's signatures under.
func SigTag(d v1.Hash) string { return d.Algorithm + "-" + d.Hex + ".sig" }

// SimpleSigning is the payload cosign signs.
type SimpleSigning struct {
	Critical struct {
		Identity struct {
			DockerReference string `json:"docker-reference"`
		} `json:"identity"`
		Image struct {
			DockerManifestDigest string `json:"docker-manifest-digest"`
		} `json:"image"`
		Type string `json:"type"`
	} `json:"critical"`
	Optional map[string]any `json:"optional,omitempty"`
}

func cosignTag(ctx context.Context, st Store, digest v1.Hash, t Trust, r *Report) error {
	tag := SigTag(digest)
	img, err := st.Tagged(ctx, tag)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read signatures %s:%s: %w", st.Name(), tag, err)
	}
	m, err := img.Manifest()
	if err != nil {
		return fmt.Errorf("read signatures %s:%s: %w", st.Name(), tag, err)
	}
	if len(m.Layers) > maxLayers {
		return fmt.Errorf("read signatures %s:%s: %d signature layers, more than the %d accepted", st.Name(), tag, len(m.Layers), maxLayers)
	}
	for _, l := range m.Layers {
		if l.MediaType != SimpleSigningMediaType {
			continue
		}
		where := st.Name() + ":" + tag
		payload, err := blob(img, l)
		if err != nil {
			return fmt.Errorf("read signature payload %s (%s): %w", where, l.Digest, err)
		}
		r.add(judgeSimpleSigning(where, payload, l.Annotations, digest, t))
	}
	return nil
}

// blob reads a layer's bytes as stored (the signed bytes are the blob,
// not a decompressed form) and checks them against the descriptor.
func blob(img v1.Image, d v1.Descriptor) ([]byte, error) {
	if d.Size > maxPayload {
		return nil, fmt.Errorf("payload of %d bytes, more than the %d accepted", d.Size, maxPayload)
	}
	l, err := img.LayerByDigest(d.Digest)
	if err != nil {
		return nil, err
	}
	rc, err := l.Compressed()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxPayload+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxPayload {
		return nil, fmt.Errorf("payload larger than %d bytes", maxPayload)
	}
	sum := sha256.Sum256(b)
	if d.Digest.Algorithm != "sha256" || d.Digest.Hex != hex.EncodeToString(sum[:]) {
		return nil, fmt.Errorf("payload does not match its digest %s", d.Digest)
	}
	return b, nil
}

func judgeSimpleSigning(where string, payload []byte, ann map[string]string, digest v1.Hash, t Trust) Signature {
	s := Signature{Layout: LayoutCosignTag, Where: where}
	var ss SimpleSigning
	if err := json.Unmarshal(payload, &ss); err != nil {
		s.Status, s.Reason = Invalid, "payload is not simple-signing JSON"
		return s
	}
	s.Claimed = ss.Critical.Image.DockerManifestDigest
	raw, err := base64.StdEncoding.DecodeString(ann[AnnotationSignature])
	if err != nil || len(raw) == 0 {
		s.Status, s.Reason = Invalid, "no base64 signature in the "+AnnotationSignature+" annotation"
		return s
	}
	if cert := ann[AnnotationCertificate]; cert != "" {
		s.Status, s.Reason = Invalid, "keyless signature in the classic layout: hardhull verifies keyless signatures stored as Sigstore bundles (cosign v3, or cosign v2 with --new-bundle-format)"
	} else {
		s.Status, s.Reason = Invalid, "signature verifies with none of the trusted keys"
		if len(t.Keys) == 0 {
			s.Reason = "signed with a key, and the policy trusts no key"
		}
		for _, k := range t.Keys {
			if k.verifier.VerifySignature(bytes.NewReader(raw), bytes.NewReader(payload)) == nil {
				s.Status, s.Signer, s.Reason = Verified, k.Name, ""
				break
			}
		}
	}
	if s.Status != Verified {
		return s
	}
	// The signature is good; now the claim it signs must be about this
	// image, or it is someone else's signature copied here.
	switch {
	case ss.Critical.Type != SimpleSigningType:
		s.Status, s.Reason = Invalid, fmt.Sprintf("payload type %q is not %q", ss.Critical.Type, SimpleSigningType)
	case s.Claimed != digest.String():
		s.Status, s.Reason = WrongDigest, fmt.Sprintf("signed payload is for %s, not %s", s.Claimed, digest)
	}
	return s
}
