package verify

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"
)

// rekorBundle is cosign's dev.sigstore.cosign/bundle annotation: the
// Rekor entry and its signed entry timestamp.
type rekorBundle struct {
	SignedEntryTimestamp []byte `json:"SignedEntryTimestamp"`
	Payload              struct {
		Body           string `json:"body"`
		IntegratedTime int64  `json:"integratedTime"`
		LogIndex       int64  `json:"logIndex"`
		LogID          string `json:"logID"`
	} `json:"Payload"`
}

// classicKeylessBundle turns a keyless signature in the classic layout
// (certificate, chain and Rekor bundle in annotations) into a v0.1
// Sigstore bundle over the payload, so that it is verified by the same
// sigstore-go path as referrer bundles.
func classicKeylessBundle(payload, sig []byte, ann map[string]string) (*bundle.Bundle, error) {
	block, _ := pem.Decode([]byte(ann[AnnotationCertificate]))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("the certificate annotation holds no PEM certificate")
	}
	raw := ann[AnnotationBundle]
	if raw == "" {
		return nil, errors.New("no transparency-log entry (the " + AnnotationBundle + " annotation): it cannot be verified offline")
	}
	var rb rekorBundle
	if err := json.Unmarshal([]byte(raw), &rb); err != nil {
		return nil, fmt.Errorf("the %s annotation: %w", AnnotationBundle, err)
	}
	body, err := base64.StdEncoding.DecodeString(rb.Payload.Body)
	if err != nil {
		return nil, fmt.Errorf("the %s annotation: body: %w", AnnotationBundle, err)
	}
	logID, err := hex.DecodeString(rb.Payload.LogID)
	if err != nil {
		return nil, fmt.Errorf("the %s annotation: logID: %w", AnnotationBundle, err)
	}
	var kind struct {
		Kind       string `json:"kind"`
		APIVersion string `json:"apiVersion"`
	}
	if err := json.Unmarshal(body, &kind); err != nil {
		return nil, fmt.Errorf("the %s annotation: body: %w", AnnotationBundle, err)
	}
	sum := sha256.Sum256(payload)
	mt, err := bundle.MediaTypeString("0.1")
	if err != nil {
		return nil, err
	}
	pb := &protobundle.Bundle{
		MediaType: mt,
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content: &protobundle.VerificationMaterial_X509CertificateChain{X509CertificateChain: &protocommon.X509CertificateChain{
				Certificates: []*protocommon.X509Certificate{{RawBytes: block.Bytes}},
			}},
			TlogEntries: []*protorekor.TransparencyLogEntry{{
				LogIndex:          rb.Payload.LogIndex,
				LogId:             &protocommon.LogId{KeyId: logID},
				KindVersion:       &protorekor.KindVersion{Kind: kind.Kind, Version: kind.APIVersion},
				IntegratedTime:    rb.Payload.IntegratedTime,
				InclusionPromise:  &protorekor.InclusionPromise{SignedEntryTimestamp: rb.SignedEntryTimestamp},
				CanonicalizedBody: body,
			}},
		},
		Content: &protobundle.Bundle_MessageSignature{MessageSignature: &protocommon.MessageSignature{
			MessageDigest: &protocommon.HashOutput{Algorithm: protocommon.HashAlgorithm_SHA2_256, Digest: sum[:]},
			Signature:     sig,
		}},
	}
	return bundle.NewBundle(pb)
}

// judgeKeylessSimpleSigning verifies a classic keyless signature: chain to
// the trusted root's Fulcio CA, the Rekor entry's signed timestamp, the
// signature over the payload, then the identity.
func judgeKeylessSimpleSigning(s *Signature, payload, sig []byte, ann map[string]string, t Trust) {
	b, err := classicKeylessBundle(payload, sig, ann)
	if err != nil {
		s.Status, s.Reason = Invalid, "keyless signature: "+err.Error()
		return
	}
	verifyKeylessEntity(b, sgverify.WithArtifact(bytes.NewReader(payload)), t, s)
}
