// Package verify checks that an image is signed by whom a policy says it
// must be, and reads what its build provenance claims, using only the
// registry (or an OCI layout on disk) and trust material given to it:
// nothing is asked of Rekor, Fulcio or a TUF repository at verification
// time.
package verify

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
)

// Status is the verdict on one signature or on an image.
type Status string

const (
	// Verified: a trusted key or an allowed identity signed this digest.
	Verified Status = "verified"
	// Unsigned: no signature of any layout was found.
	Unsigned Status = "unsigned"
	// Invalid: the signature does not verify with any trusted key, or its
	// certificate does not chain to the trusted root.
	Invalid Status = "invalid"
	// WrongDigest: a valid signature, but over another image's digest
	// (a signature copied next to an image it does not belong to).
	WrongDigest Status = "wrong-digest"
	// WrongIdentity: a valid keyless signature by an identity the policy
	// does not allow.
	WrongIdentity Status = "wrong-identity"
)

// rank orders non-verified outcomes by how much they say: a copied
// signature is evidence of tampering; an unknown signer is a policy gap.
var rank = map[Status]int{Verified: 5, WrongDigest: 4, WrongIdentity: 3, Invalid: 2, Unsigned: 1}

// Layouts in which signatures are stored.
const (
	LayoutCosignTag = "cosign-tag"      // sha256-<hex>.sig, simple-signing payload
	LayoutReferrer  = "bundle-referrer" // Sigstore bundle as an OCI 1.1 referrer
)

// Key is a trusted public key and the name findings call it by.
type Key struct {
	Name     string
	Public   crypto.PublicKey
	verifier signature.Verifier
}

// LoadKey parses a PEM public key (what `cosign generate-key-pair` writes
// to cosign.pub). A private key is refused without echoing it.
func LoadKey(name string, pemBytes []byte) (*Key, error) {
	if strings.Contains(string(pemBytes), "PRIVATE KEY") {
		return nil, fmt.Errorf("%s: holds a private key; give the public key (cosign.pub)", name)
	}
	pub, err := cryptoutils.UnmarshalPEMToPublicKey(pemBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: not a PEM public key: %w", name, err)
	}
	v, err := signature.LoadVerifier(pub, crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &Key{Name: name, Public: pub, verifier: v}, nil
}

// Identity is a keyless signer: the OIDC issuer and the subject (the
// certificate's SAN) Fulcio certified. Each is matched exactly, or by
// the regular expression when the *Regex field is set instead.
type Identity struct {
	Issuer       string `yaml:"issuer,omitempty" json:"issuer,omitempty"`
	IssuerRegex  string `yaml:"issuer-regex,omitempty" json:"issuer_regex,omitempty"`
	Subject      string `yaml:"subject,omitempty" json:"subject,omitempty"`
	SubjectRegex string `yaml:"subject-regex,omitempty" json:"subject_regex,omitempty"`
}

func (id Identity) String() string {
	s, i := id.Subject, id.Issuer
	if s == "" {
		s = "~" + id.SubjectRegex
	}
	if i == "" {
		i = "~" + id.IssuerRegex
	}
	return s + " (" + i + ")"
}

// Trust is what a signature must verify against.
type Trust struct {
	Keys       []*Key
	Identities []Identity
	// Root holds the Fulcio CAs, Rekor and CT log keys and timestamping
	// authorities of a trusted_root.json; keyless signatures need it.
	Root root.TrustedMaterial
}

// Empty reports whether nothing could ever verify.
func (t Trust) Empty() bool { return len(t.Keys) == 0 && len(t.Identities) == 0 }

// Signature is one signature found for an image and its verdict.
type Signature struct {
	Layout string `json:"layout"`
	// Where is the tag or referrer digest the signature was read from.
	Where  string `json:"where"`
	Status Status `json:"status"`
	// Signer is the key's name or the certificate identity.
	Signer string `json:"signer,omitempty"`
	// Claimed is the image digest the signed payload names.
	Claimed string `json:"claimed_digest,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// Report is the verdict on one image digest.
type Report struct {
	Ref        string      `json:"ref"`
	Digest     string      `json:"digest"`
	Status     Status      `json:"status"`
	Signatures []Signature `json:"signatures,omitempty"`
}

// Signers lists who verifiably signed the digest.
func (r *Report) Signers() []string {
	var out []string
	for _, s := range r.Signatures {
		if s.Status == Verified {
			out = append(out, s.Signer)
		}
	}
	sort.Strings(out)
	return out
}

func (r *Report) add(s Signature) {
	r.Signatures = append(r.Signatures, s)
	if rank[s.Status] > rank[r.Status] {
		r.Status = s.Status
	}
}

// ErrNotFound is what a Store returns for a tag or manifest it lacks.
var ErrNotFound = errors.New("not found")

// Signatures looks up every signature of digest in the store, in both
// cosign layouts, and judges each against trust. A store that cannot be
// read is an error naming the reference, never an unsigned verdict.
func Signatures(ctx context.Context, st Store, digest v1.Hash, t Trust) (*Report, error) {
	r := &Report{Ref: st.Name() + "@" + digest.String(), Digest: digest.String(), Status: Unsigned}
	if err := cosignTag(ctx, st, digest, t, r); err != nil {
		return nil, err
	}
	return r, nil
}
