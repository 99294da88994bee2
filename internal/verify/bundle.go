package verify

import (
	"context"
	"fmt"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	intoto "github.com/in-toto/attestation/go/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"
)

// Sigstore bundles (cosign v3) are stored as OCI 1.1 referrers of the
// image: one layer holding the bundle JSON.
const (
	bundleMediaPrefix = "application/vnd.dev.sigstore.bundle"
	maxReferrers      = 128
	maxBundle         = 1 << 20
	// PredicateCosignSign is the predicate cosign v3 signs for an image.
	PredicateCosignSign = "https://sigstore.dev/cosign/sign/v1"
)

// bundleRef is one bundle found among an image's referrers.
type bundleRef struct {
	where  string
	bundle *bundle.Bundle
}

// findBundles reads every referrer manifest whose one layer is a Sigstore
// bundle. The artifact type is not trusted to select them: registries
// report it inconsistently (cosign does the same).
func findBundles(ctx context.Context, st Store, digest v1.Hash) ([]bundleRef, []Signature, error) {
	descs, err := st.Referrers(ctx, digest)
	if err != nil {
		return nil, nil, fmt.Errorf("list referrers of %s@%s: %w", st.Name(), digest, err)
	}
	if len(descs) > maxReferrers {
		return nil, nil, fmt.Errorf("%s@%s: %d referrers, more than the %d accepted", st.Name(), digest, len(descs), maxReferrers)
	}
	var out []bundleRef
	var bad []Signature
	for _, d := range descs {
		if d.MediaType.IsIndex() {
			continue
		}
		img, err := st.Image(ctx, d.Digest)
		if err != nil {
			return nil, nil, fmt.Errorf("read referrer %s@%s: %w", st.Name(), d.Digest, err)
		}
		m, err := img.Manifest()
		if err != nil {
			return nil, nil, fmt.Errorf("read referrer %s@%s: %w", st.Name(), d.Digest, err)
		}
		if len(m.Layers) != 1 || !strings.HasPrefix(string(m.Layers[0].MediaType), bundleMediaPrefix) {
			continue
		}
		where := st.Name() + "@" + d.Digest.String()
		if m.Layers[0].Size > maxBundle {
			bad = append(bad, Signature{Layout: LayoutReferrer, Where: where, Status: Invalid, Reason: "bundle larger than 1 MiB"})
			continue
		}
		raw, err := blobCapped(img, m.Layers[0], maxBundle)
		if err != nil {
			return nil, nil, fmt.Errorf("read bundle %s: %w", where, err)
		}
		var b bundle.Bundle
		if err := b.UnmarshalJSON(raw); err != nil {
			bad = append(bad, Signature{Layout: LayoutReferrer, Where: where, Status: Invalid, Reason: "not a Sigstore bundle: " + err.Error()})
			continue
		}
		out = append(out, bundleRef{where: where, bundle: &b})
	}
	return out, bad, nil
}

func bundleReferrers(ctx context.Context, st Store, digest v1.Hash, t Trust, r *Report) error {
	bs, bad, err := findBundles(ctx, st, digest)
	if err != nil {
		return err
	}
	for _, s := range bad {
		r.add(s)
	}
	for _, b := range bs {
		s, _ := judgeBundle(b, digest, PredicateCosignSign, t)
		if s.Status == "" {
			continue // an attestation of another predicate, not a signature
		}
		r.add(s)
	}
	return nil
}

// judgeBundle verifies one bundle: its signature and transparency-log
// entry against the trust material, then that it speaks about digest,
// then who signed it. wantPredicate selects which statements count: a
// bundle whose statement has another predicate type gets an empty status.
// The verified statement's predicate is returned for attestations.
func judgeBundle(b bundleRef, digest v1.Hash, wantPredicate string, t Trust) (Signature, *sgverify.VerificationResult) {
	s := Signature{Layout: LayoutReferrer, Where: b.where}
	env, err := b.bundle.Envelope()
	if err == nil && env != nil {
		st, err := env.Statement()
		if err == nil && st.PredicateType != wantPredicate {
			return Signature{}, nil
		}
	}
	vc, err := b.bundle.VerificationContent()
	if err != nil {
		s.Status, s.Reason = Invalid, err.Error()
		return s, nil
	}
	var res *sgverify.VerificationResult
	if vc.Certificate() == nil {
		res = verifyWithKeys(b.bundle, t, &s)
	} else {
		res = verifyKeyless(b.bundle, t, &s)
	}
	if res == nil {
		return s, nil
	}
	if res.Statement != nil && !subjectHas(res.Statement.Subject, digest) {
		s.Status, s.Reason = WrongDigest, fmt.Sprintf("signed statement is for %s, not %s", subjectDigests(res.Statement.Subject), digest)
		if len(res.Statement.Subject) > 0 {
			s.Claimed = subjectDigests(res.Statement.Subject)
		}
		return s, res
	}
	s.Claimed = digest.String()
	return s, res
}

func verifyWithKeys(b *bundle.Bundle, t Trust, s *Signature) *sgverify.VerificationResult {
	s.Status, s.Reason = Invalid, "bundle verifies with none of the trusted keys"
	if len(t.Keys) == 0 {
		s.Reason = "signed with a key, and the policy trusts no key"
	}
	for _, k := range t.Keys {
		ek := root.NewExpiringKey(k.verifier, time.Time{}, time.Time{})
		tm := root.NewTrustedPublicKeyMaterial(func(string) (root.TimeConstrainedVerifier, error) { return ek, nil })
		v, err := sgverify.NewVerifier(tm, sgverify.WithNoObserverTimestamps())
		if err != nil {
			continue
		}
		res, err := v.Verify(b, sgverify.NewPolicy(sgverify.WithoutArtifactUnsafe(), sgverify.WithKey()))
		if err == nil {
			s.Status, s.Signer, s.Reason = Verified, k.Name, ""
			return res
		}
	}
	return nil
}

func verifyKeyless(b *bundle.Bundle, t Trust, s *Signature) *sgverify.VerificationResult {
	return verifyKeylessEntity(b, sgverify.WithoutArtifactUnsafe(), t, s)
}

// verifyKeylessEntity verifies a keyless signed entity against the trusted
// root, then its signer against the allowed identities.
func verifyKeylessEntity(b sgverify.SignedEntity, artifact sgverify.ArtifactPolicyOption, t Trust, s *Signature) *sgverify.VerificationResult {
	if len(t.Identities) == 0 || t.Root == nil {
		s.Status, s.Reason = Invalid, "signed keylessly, and the policy allows no certificate identity"
		return nil
	}
	// Transparency-log entry and a timestamp (the log's signed entry
	// time or a TSA's) are checked from the bundle: nothing is fetched.
	v, err := sgverify.NewVerifier(t.Root, sgverify.WithTransparencyLog(1), sgverify.WithObserverTimestamps(1))
	if err != nil {
		s.Status, s.Reason = Invalid, err.Error()
		return nil
	}
	res, err := v.Verify(b, sgverify.NewPolicy(artifact, sgverify.WithoutIdentitiesUnsafe()))
	if err != nil {
		s.Status, s.Reason = Invalid, "does not verify against the trusted root: "+err.Error()
		return nil
	}
	cert := res.Signature.Certificate
	s.Signer = cert.SubjectAlternativeName + " (" + cert.Issuer + ")"
	ids := make(sgverify.CertificateIdentities, 0, len(t.Identities))
	for _, id := range t.Identities {
		ci, err := sgverify.NewShortCertificateIdentity(id.Issuer, id.IssuerRegex, id.Subject, id.SubjectRegex)
		if err != nil {
			s.Status, s.Reason = Invalid, "policy identity: "+err.Error()
			return nil
		}
		ids = append(ids, ci)
	}
	if _, err := ids.Verify(*cert); err != nil {
		s.Status, s.Reason = WrongIdentity, fmt.Sprintf("signed by %s, which the policy does not allow", s.Signer)
		return res
	}
	s.Status = Verified
	return res
}

func subjectHas(subs []*intoto.ResourceDescriptor, d v1.Hash) bool {
	for _, s := range subs {
		if s.GetDigest()[d.Algorithm] == d.Hex {
			return true
		}
	}
	return false
}

func subjectDigests(subs []*intoto.ResourceDescriptor) string {
	var out []string
	for _, s := range subs {
		for alg, hex := range s.GetDigest() {
			out = append(out, alg+":"+hex)
		}
	}
	if len(out) == 0 {
		return "no digest"
	}
	return strings.Join(out, ", ")
}
