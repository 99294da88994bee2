package signtest

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/sign"
	"github.com/sigstore/sigstore-go/pkg/testing/ca"
	"github.com/sigstore/sigstore-go/pkg/tlog"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
	sigdsse "github.com/sigstore/sigstore/pkg/signature/dsse"
	"google.golang.org/protobuf/encoding/protojson"
)

// Media types of Sigstore bundles stored as OCI 1.1 referrers (cosign v3).
const (
	BundleMediaType   = "application/vnd.dev.sigstore.bundle.v0.3+json"
	InTotoPayloadType = "application/vnd.in-toto+json"
	CosignSignV1      = "https://sigstore.dev/cosign/sign/v1"
)

// Statement is the in-toto statement cosign v3 signs for an image: its
// subject is the image digest.
func Statement(subject v1.Hash, predicateType string, predicate any) []byte {
	if predicate == nil {
		predicate = map[string]any{}
	}
	b, _ := json.Marshal(map[string]any{
		"_type":         "https://in-toto.io/Statement/v1",
		"subject":       []map[string]any{{"name": "image", "digest": map[string]string{subject.Algorithm: subject.Hex}}},
		"predicateType": predicateType,
		"predicate":     predicate,
	})
	return b
}

// Keypair adapts a Key to sigstore-go's signer.
func (k *Key) Keypair() sign.Keypair { return keypair{k} }

type keypair struct{ k *Key }

func (keypair) GetHashAlgorithm() protocommon.HashAlgorithm {
	return protocommon.HashAlgorithm_SHA2_256
}
func (keypair) GetSigningAlgorithm() protocommon.PublicKeyDetails {
	return protocommon.PublicKeyDetails_PKIX_ECDSA_P256_SHA_256
}
func (p keypair) GetHint() []byte {
	sum := sha256.Sum256(p.k.PublicPEM)
	return []byte(hex.EncodeToString(sum[:]))
}
func (keypair) GetKeyAlgorithm() string            { return "ECDSA" }
func (p keypair) GetPublicKey() crypto.PublicKey   { return p.k.Private.Public() }
func (p keypair) GetPublicKeyPem() (string, error) { return string(p.k.PublicPEM), nil }
func (p keypair) SignData(_ context.Context, data []byte) ([]byte, []byte, error) {
	sum := sha256.Sum256(data)
	sig, err := p.k.Sign(data)
	return sig, sum[:], err
}

// KeyBundle signs statement with k into a Sigstore bundle (DSSE, public
// key hint, no transparency log), as `cosign sign --key` does offline.
func KeyBundle(k *Key, statement []byte) ([]byte, error) {
	pb, err := sign.Bundle(&sign.DSSEData{Data: statement, PayloadType: InTotoPayloadType}, k.Keypair(), sign.BundleOptions{})
	if err != nil {
		return nil, err
	}
	return protojson.Marshal(pb)
}

// Keyless is a virtual Sigstore (Fulcio CA, Rekor log, TSA) from
// sigstore-go's testing package; it is also the trusted material.
type Keyless struct{ VS *ca.VirtualSigstore }

// NewKeyless creates a virtual Sigstore.
func NewKeyless() (*Keyless, error) {
	vs, err := ca.NewVirtualSigstore()
	if err != nil {
		return nil, err
	}
	return &Keyless{VS: vs}, nil
}

// Bundle signs statement keylessly as the OIDC identity (subject, issuer):
// a Fulcio-style certificate, a Rekor entry with its signed timestamp and
// inclusion proof, and an RFC 3161 timestamp, all in one v0.3 bundle.
func (kl *Keyless) Bundle(subject, issuer string, statement []byte) ([]byte, error) {
	vs := kl.VS
	leaf, priv, err := vs.GenerateLeafCert(subject, issuer)
	if err != nil {
		return nil, err
	}
	signer, err := signature.LoadECDSASignerVerifier(priv.(*ecdsa.PrivateKey), crypto.SHA256)
	if err != nil {
		return nil, err
	}
	ds, err := dsse.NewEnvelopeSigner(&sigdsse.SignerAdapter{SignatureSigner: signer, Pub: leaf.PublicKey.(*ecdsa.PublicKey)})
	if err != nil {
		return nil, err
	}
	env, err := ds.SignPayload(context.Background(), InTotoPayloadType, statement)
	if err != nil {
		return nil, err
	}
	sig, err := base64.StdEncoding.DecodeString(env.Signatures[0].Sig)
	if err != nil {
		return nil, err
	}
	integrated := time.Now().Add(time.Minute) // inside the leaf's validity
	entry, err := vs.GenerateTlogEntry(leaf, env, sig, integrated.Unix(), true)
	if err != nil {
		return nil, err
	}
	tle := entry.TransparencyLogEntry()
	tle.KindVersion = &protorekor.KindVersion{Kind: "dsse", Version: "0.0.1"}
	logID, err := vs.RekorLogID()
	if err != nil {
		return nil, err
	}
	set, err := vs.RekorSignPayload(tlog.RekorPayload{
		Body: base64.StdEncoding.EncodeToString(tle.CanonicalizedBody), IntegratedTime: tle.IntegratedTime,
		LogIndex: tle.LogIndex, LogID: logID,
	})
	if err != nil {
		return nil, err
	}
	tle.InclusionPromise = &protorekor.InclusionPromise{SignedEntryTimestamp: set}
	tsr, err := vs.TimestampResponse(sig)
	if err != nil {
		return nil, err
	}
	payload, err := base64.StdEncoding.DecodeString(env.Payload)
	if err != nil {
		return nil, err
	}
	pb := &protobundle.Bundle{
		MediaType: BundleMediaType,
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content:                   &protobundle.VerificationMaterial_Certificate{Certificate: &protocommon.X509Certificate{RawBytes: leaf.Raw}},
			TlogEntries:               []*protorekor.TransparencyLogEntry{tle},
			TimestampVerificationData: &protobundle.TimestampVerificationData{Rfc3161Timestamps: []*protocommon.RFC3161SignedTimestamp{{SignedTimestamp: tsr}}},
		},
		Content: &protobundle.Bundle_DsseEnvelope{DsseEnvelope: &protodsse.Envelope{
			Payload: payload, PayloadType: env.PayloadType,
			Signatures: []*protodsse.Signature{{Sig: sig, Keyid: env.Signatures[0].KeyID}},
		}},
	}
	return protojson.Marshal(pb)
}

// TrustedRootJSON is the virtual Sigstore as a trusted_root.json, the file
// `hardhull trust import` takes.
func (kl *Keyless) TrustedRootJSON() ([]byte, error) {
	return trustedRootJSON(kl.VS)
}

// AttachBundle pushes a bundle as an OCI 1.1 referrer of the image digest
// (as cosign v3 does); on a registry without the referrers API,
// go-containerregistry maintains the sha256-<hex> fallback tag.
func AttachBundle(repo name.Repository, digest v1.Hash, bundleJSON []byte, predicateType string) error {
	desc, err := remote.Head(repo.Digest(digest.String()))
	if err != nil {
		return fmt.Errorf("subject %s: %w", digest, err)
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.MediaType("application/vnd.oci.empty.v1+json"))
	img, err = mutate.Append(img, mutate.Addendum{Layer: static.NewLayer(bundleJSON, types.MediaType(BundleMediaType))})
	if err != nil {
		return err
	}
	img = mutate.Annotations(img, map[string]string{
		"dev.sigstore.bundle.content":       "dsse-envelope",
		"dev.sigstore.bundle.predicateType": predicateType,
	}).(v1.Image)
	// Subject last: a later mutate drops it.
	img = mutate.Subject(img, v1.Descriptor{MediaType: desc.MediaType, Size: desc.Size, Digest: desc.Digest}).(v1.Image)
	d, err := img.Digest()
	if err != nil {
		return err
	}
	return remote.Write(repo.Digest(d.String()), img)
}

// PublicKeyPEM marshals a public key, for trusted roots built in tests.
func PublicKeyPEM(pub crypto.PublicKey) ([]byte, error) {
	return cryptoutils.MarshalPublicKeyToPEM(pub)
}

func trustedRootJSON(vs *ca.VirtualSigstore) ([]byte, error) {
	// The virtual logs carry their ID as hex text; a trusted_root.json
	// holds the raw key ID, which entries are looked up by.
	rawIDs := func(m map[string]*root.TransparencyLog) (map[string]*root.TransparencyLog, error) {
		out := map[string]*root.TransparencyLog{}
		for k, tl := range m {
			raw, err := hex.DecodeString(k)
			if err != nil {
				return nil, err
			}
			c := *tl
			c.ID = raw
			out[k] = &c
		}
		return out, nil
	}
	rekor, err := rawIDs(vs.RekorLogs())
	if err != nil {
		return nil, err
	}
	ct, err := rawIDs(vs.CTLogs())
	if err != nil {
		return nil, err
	}
	tr, err := root.NewTrustedRoot(root.TrustedRootMediaType01, vs.FulcioCertificateAuthorities(), ct, vs.TimestampingAuthorities(), rekor)
	if err != nil {
		return nil, err
	}
	return tr.MarshalJSON()
}

// SignTag stores a keyless signature of claimed in cosign v2's classic
// layout under digest's sha256-<hex>.sig tag: the certificate and the
// Rekor entry with its signed entry timestamp in annotations.
func (kl *Keyless) SignTag(repo name.Repository, digest, claimed v1.Hash, subject, issuer string) error {
	payload := Payload(repo, claimed)
	ent, err := kl.VS.Sign(subject, issuer, payload)
	if err != nil {
		return err
	}
	vc, err := ent.VerificationContent()
	if err != nil {
		return err
	}
	sc, err := ent.SignatureContent()
	if err != nil {
		return err
	}
	tles, err := ent.TlogEntries()
	if err != nil || len(tles) == 0 {
		return fmt.Errorf("no tlog entry: %v", err)
	}
	tle := tles[0].TransparencyLogEntry()
	logID, err := kl.VS.RekorLogID()
	if err != nil {
		return err
	}
	body := base64.StdEncoding.EncodeToString(tle.CanonicalizedBody)
	set, err := kl.VS.RekorSignPayload(tlog.RekorPayload{Body: body, IntegratedTime: tle.IntegratedTime, LogIndex: tle.LogIndex, LogID: logID})
	if err != nil {
		return err
	}
	rb, err := json.Marshal(map[string]any{
		"SignedEntryTimestamp": set,
		"Payload":              map[string]any{"body": body, "integratedTime": tle.IntegratedTime, "logIndex": tle.LogIndex, "logID": logID},
	})
	if err != nil {
		return err
	}
	cert, err := cryptoutils.MarshalCertificateToPEM(vc.Certificate())
	if err != nil {
		return err
	}
	return addSigLayer(repo, digest, payload, map[string]string{
		"dev.cosignproject.cosign/signature": base64.StdEncoding.EncodeToString(sc.Signature()),
		"dev.sigstore.cosign/certificate":    string(cert),
		"dev.sigstore.cosign/bundle":         string(rb),
	})
}
