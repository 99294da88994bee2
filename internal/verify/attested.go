package verify

import (
	"context"
	"encoding/base64"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// AttestedProvenance looks for SLSA provenance signed as an attestation
// (`cosign attest --type slsaprovenance`, stored as a Sigstore bundle
// referrer of the image) and returns the first one that verifies against
// the trust, marked Signed, or nil. Attestations that do not verify are
// returned as signatures for the report.
func AttestedProvenance(ctx context.Context, st Store, digest v1.Hash, t Trust) (*Provenance, []Signature, error) {
	bs, _, err := findBundles(ctx, st, digest)
	if err != nil {
		return nil, nil, err
	}
	var failed []Signature
	for _, b := range bs {
		for _, pt := range []string{PredicateSLSA1, PredicateSLSA02} {
			s, res := judgeBundle(b, digest, pt, t)
			if s.Status == "" {
				continue // another predicate
			}
			if s.Status != Verified || res == nil {
				failed = append(failed, s)
				continue
			}
			env, err := b.bundle.Envelope()
			if err != nil || env == nil {
				continue
			}
			raw, err := base64.StdEncoding.DecodeString(env.RawEnvelope().Payload)
			if err != nil {
				continue
			}
			p, err := ParseProvenance(raw)
			if err != nil {
				s.Status, s.Reason = Invalid, "signed provenance: "+err.Error()
				failed = append(failed, s)
				continue
			}
			p.Signed = true
			return p, failed, nil
		}
	}
	return nil, failed, nil
}
