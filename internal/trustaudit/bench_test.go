package trustaudit

import (
	"context"
	"testing"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/verify"
)

// BenchmarkVerifySignedWithProvenance is the goal (< 150 ms): one
// signed image index with BuildKit provenance and SBOM from the in-process
// registry, verified end to end by a fresh Checker (policy key or trusted
// root loaded, digest resolved, signature tag and referrers listed,
// signature verified, provenance read and judged).
func BenchmarkVerifySignedWithProvenance(b *testing.B) {
	for _, tc := range []struct {
		name, policy, scenario string
	}{
		{"key", provPolicy, "image: registry.example.com/team/app:1.4\n" + benchProv + "signed: release\n"},
		{"keyless", "signatures:\n  images:\n    - match: registry.example.com/team/*\n      identities:\n        - issuer: " + ghIssuer + "\n          subject-regex: ^https://github\\.com/acme/\n      provenance: required\n",
			"image: registry.example.com/team/app:1.4\n" + benchProv + "keyless: " + releaseWF + " " + ghIssuer + "\n"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			w := newWorld(b, false)
			cfg := w.project(b, tc.policy)
			ref := w.build(b, tc.scenario)
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				v, err := New(Options{Config: cfg, TrustedRoot: w.rootPath}).Check(ctx, ref, finding.Location{})
				if err != nil {
					b.Fatal(err)
				}
				if v.Signatures.Status != verify.Verified || v.Provenance == nil || !v.Provenance.Signed {
					b.Fatalf("%s, provenance %+v", v.Signatures.Status, v.Provenance)
				}
				if fs, _ := Judge([]*verify.Verdict{v}, nil); len(fs) != 0 {
					b.Fatalf("findings %v", fs)
				}
			}
		})
	}
}

const benchProv = "provenance: source=https://github.com/acme/app commit=0123456789abcdef0123456789abcdef01234567 base=python:3.12-slim@sha256:1111111111111111111111111111111111111111111111111111111111111111\n"
