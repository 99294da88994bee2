package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/secrets"
	"github.com/hardhull/hardhull/internal/verify"
)

// Integrity rule examples are a policy and an image.txt scenario that the
// examples test turns into real signed images in an in-process registry
// (registry.example.com stands for it):
//
//	image: registry.example.com/team/app:1.4   the image checked
//	signed: release                            signed with keys/release.pub's key (or: other)
//	signature-copied-from: release             a signature by release of another image, copied here
//	keyless: SUBJECT ISSUER                    signed keylessly by the testing CA for that identity
//	provenance: source=URL commit=SHA base=REF arg=NAME=VALUE
//	                                           the image becomes an index with BuildKit provenance (base=, arg= repeat)
func integrityEx(policy, scenario, note string) finding.Example {
	return finding.Example{Files: map[string]string{".hardhull.yaml": policy, "image.txt": scenario}, Note: note}
}

const (
	keyPolicy = "signatures:\n  images:\n    - match: registry.example.com/team/*\n      keys: [keys/release.pub]\n"
	teamApp   = "image: registry.example.com/team/app:1.4\n"
)

func (p *Pass) verdict() *verify.Verdict { return p.Ext.Integrity }

func sigFix(v *verify.Verdict) string {
	if v.Require == nil {
		return ""
	}
	return fmt.Sprintf("Sign %s@%s with a signer %s allows (%s), e.g. `cosign sign --key cosign.key %s@%s`, or keyless from CI with `cosign sign --yes %s@%s`.",
		v.Repo, v.Digest, v.Require.From, strings.Join(v.Require.Signers(), ", "), v.Repo, v.Digest, v.Repo, v.Digest)
}

var _ = register(finding.Rule{
	ID: "SG001", Slug: "image-unsigned", Title: "Image unsigned where the policy requires a signature",
	Severity: finding.High, Kind: finding.KindIntegrity,
	Checklist: []string{"build.signed-images"}, CIS: []string{"4.2", "4.5"}, OWASP: []string{"D08"},
	Rationale: "An unsigned image can be anything anyone with push access (or a compromised registry) put under that name: nothing ties it to your build.",
	Fix:       "Sign the image digest in the pipeline that builds it (`cosign sign --key cosign.key IMAGE@DIGEST`, or keyless `cosign sign --yes IMAGE@DIGEST` with an OIDC identity) and keep the policy's keys/identities in .hardhull.yaml.",
	Bad:       []finding.Example{integrityEx(keyPolicy, teamApp, "no signature at all")},
	Good: []finding.Example{
		integrityEx(keyPolicy, teamApp+"signed: release\n", "signed by the key the policy names"),
		integrityEx(keyPolicy, "image: registry.example.com/other/app:1.4\n", "no policy entry covers the repository"),
	},
}, func(p *Pass) {
	v := p.verdict()
	if v == nil || v.Signatures == nil {
		return
	}
	if v.Signatures.Status == verify.Verified {
		// Recorded here, the rule every verification passes through.
		p.Evidence("build.signed-images", v.Location(), fmt.Sprintf("%s is signed by %s", v.Named(), strings.Join(v.Signatures.Signers(), ", ")))
	}
	if v.Require == nil || !v.Require.Signed() || v.Signatures.Status != verify.Unsigned {
		return
	}
	p.ReportFix(v.Location(), "unsigned:"+v.Repo, fmt.Sprintf("%s has no signature; %s requires one by %s", v.Named(), v.Require.From, strings.Join(v.Require.Signers(), ", ")), sigFix(v))
})

var _ = register(finding.Rule{
	ID: "SG002", Slug: "image-signature-invalid", Title: "Image signature does not verify",
	Severity: finding.High, Kind: finding.KindIntegrity,
	Checklist: []string{"build.signed-images"}, CIS: []string{"4.2", "4.5"}, OWASP: []string{"D08"},
	Rationale: "A signature that no trusted key or certificate chain verifies proves nothing: it was made by someone else, or the signature or payload was altered.",
	Fix:       "Re-sign the image with a key or identity the policy trusts; if the policy's key was rotated, update keys: in .hardhull.yaml.",
	Bad:       []finding.Example{integrityEx(keyPolicy, teamApp+"signed: other\n", "signed, but with a key the policy does not trust")},
	Good:      []finding.Example{integrityEx(keyPolicy, teamApp+"signed: release\n", "")},
}, func(p *Pass) {
	v := p.verdict()
	if v == nil || v.Require == nil || !v.Require.Signed() || v.Signatures == nil || v.Signatures.Status != verify.Invalid {
		return
	}
	p.ReportFix(v.Location(), "invalid:"+v.Repo, fmt.Sprintf("%s has %s, none of which verifies: %s", v.Named(), plural(len(v.Signatures.Signatures), "signature"), firstReason(v.Signatures, verify.Invalid)), sigFix(v))
})

var _ = register(finding.Rule{
	ID: "SG003", Slug: "image-signature-other-digest", Title: "Image signature is for another digest",
	Severity: finding.Critical, Kind: finding.KindIntegrity,
	Checklist: []string{"build.signed-images"}, CIS: []string{"4.2", "4.5"}, OWASP: []string{"D08"},
	Rationale: "A valid signature whose payload names another image digest was copied next to this image: the signer vouched for a different image. This is what a substitution attack looks like.",
	Fix:       "Treat the image as untrusted: find who pushed it and its signature tag, and re-sign the digest you actually built.",
	Bad:       []finding.Example{integrityEx(keyPolicy, teamApp+"signature-copied-from: release\n", "the release key's signature of another image, copied to this image's signature tag")},
	Good:      []finding.Example{integrityEx(keyPolicy, teamApp+"signed: release\n", "")},
}, func(p *Pass) {
	v := p.verdict()
	if v == nil || v.Require == nil || !v.Require.Signed() || v.Signatures == nil || v.Signatures.Status != verify.WrongDigest {
		return
	}
	p.Report(v.Location(), "other-digest:"+v.Repo, fmt.Sprintf("%s: %s", v.Named(), firstReason(v.Signatures, verify.WrongDigest)))
})

var _ = register(finding.Rule{
	ID: "SG004", Slug: "image-signer-not-allowed", Title: "Image signed by an identity the policy does not allow",
	Severity: finding.High, Kind: finding.KindIntegrity,
	Checklist: []string{"build.signed-images"}, CIS: []string{"4.2", "4.5"}, OWASP: []string{"D08"},
	Rationale: "Keyless signatures are valid for anyone with an OIDC identity: what matters is who signed. A valid signature by another workflow, repository or person is not your release pipeline's.",
	Fix:       "Sign from the identity the policy names (the release workflow at the expected ref), or, after review, add the signer to identities: in .hardhull.yaml.",
	Bad: []finding.Example{integrityEx(
		"signatures:\n  images:\n    - match: registry.example.com/team/*\n      identities:\n        - issuer: https://token.actions.githubusercontent.com\n          subject-regex: ^https://github\\.com/acme/app/\\.github/workflows/release\\.yml@refs/tags/v\n",
		teamApp+"keyless: https://github.com/mallory/app/.github/workflows/release.yml@refs/tags/v1.4 https://token.actions.githubusercontent.com\n",
		"a valid keyless signature from another repository's workflow")},
	Good: []finding.Example{integrityEx(
		"signatures:\n  images:\n    - match: registry.example.com/team/*\n      identities:\n        - issuer: https://token.actions.githubusercontent.com\n          subject-regex: ^https://github\\.com/acme/app/\\.github/workflows/release\\.yml@refs/tags/v\n",
		teamApp+"keyless: https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4 https://token.actions.githubusercontent.com\n", "")},
}, func(p *Pass) {
	v := p.verdict()
	if v == nil || v.Require == nil || !v.Require.Signed() || v.Signatures == nil || v.Signatures.Status != verify.WrongIdentity {
		return
	}
	p.ReportFix(v.Location(), "identity:"+v.Repo, fmt.Sprintf("%s: %s", v.Named(), firstReason(v.Signatures, verify.WrongIdentity)), sigFix(v))
})

// firstReason is the reason given for the first signature with status st.
func firstReason(r *verify.Report, st verify.Status) string {
	for _, s := range r.Signatures {
		if s.Status == st {
			return s.Reason
		}
	}
	return string(st)
}

const provPolicy = "signatures:\n  images:\n    - match: registry.example.com/team/*\n      keys: [keys/release.pub]\n      provenance: required\n      source: https://github.com/acme/app\n"

var _ = register(finding.Rule{
	ID: "SG005", Slug: "image-provenance-missing", Title: "Image has no build provenance where the policy requires it",
	Severity: finding.Medium, Kind: finding.KindIntegrity,
	Checklist: []string{"build.signed-images"}, CIS: []string{"4.2"}, OWASP: []string{"D08"},
	Rationale: "Without provenance nobody can say which source, commit, builder and base images produced the image; a signature alone says who pushed it, not what it is.",
	Fix:       "Build with BuildKit attestations and push the index: `docker buildx build --provenance=mode=max --sbom=true --push ...` (docker/build-push-action sets provenance by default).",
	Bad:       []finding.Example{integrityEx(provPolicy, teamApp+"signed: release\n", "signed, but pushed without attestations")},
	Good:      []finding.Example{integrityEx(provPolicy, teamApp+"provenance: source=https://github.com/acme/app.git commit=0123456789abcdef0123456789abcdef01234567 base=python:3.12-slim@sha256:1111111111111111111111111111111111111111111111111111111111111111\nsigned: release\n", "")},
}, func(p *Pass) {
	v := p.verdict()
	if v == nil || v.Require == nil || !v.Require.Provenance || !v.ProvenanceChecked || v.Provenance != nil {
		return
	}
	p.Report(v.Location(), "provenance:"+v.Repo, fmt.Sprintf("%s carries no SLSA provenance attestation; %s requires one", v.Named(), v.Require.From))
})

var _ = register(finding.Rule{
	ID: "SG006", Slug: "image-provenance-wrong-source", Title: "Image provenance names another source than the policy expects",
	Severity: finding.High, Kind: finding.KindIntegrity,
	Checklist: []string{"build.signed-images"}, CIS: []string{"4.2"}, OWASP: []string{"D08"},
	Rationale: "Provenance that names a fork, another repository or no source at all means the image was not built from the code you reviewed, whoever signed it.",
	Fix:       "Build the image from the expected repository (a git build context or CI checkout), or correct source: in .hardhull.yaml.",
	Bad:       []finding.Example{integrityEx(provPolicy, teamApp+"provenance: source=https://github.com/mallory/app.git commit=0123456789abcdef0123456789abcdef01234567 base=python:3.12-slim@sha256:1111111111111111111111111111111111111111111111111111111111111111\nsigned: release\n", "built from a fork")},
	Good:      []finding.Example{integrityEx(provPolicy, teamApp+"provenance: source=https://github.com/acme/app.git#refs/tags/v1.4 commit=0123456789abcdef0123456789abcdef01234567 base=python:3.12-slim@sha256:1111111111111111111111111111111111111111111111111111111111111111\nsigned: release\n", "the .git suffix and ref fragment do not matter")},
}, func(p *Pass) {
	v := p.verdict()
	if v == nil || v.Require == nil || v.Require.Source == "" || v.Provenance == nil {
		return
	}
	got := v.Provenance.Source
	if verify.NormSource(got) == verify.NormSource(v.Require.Source) {
		return
	}
	if got == "" {
		got = "no source"
	}
	p.Report(v.Location(), "source:"+v.Repo, fmt.Sprintf("%s: provenance names %s, %s expects %s", v.Named(), got, v.Require.From, v.Require.Source))
})

var _ = register(finding.Rule{
	ID: "SG007", Slug: "provenance-base-not-pinned", Title: "Base image in the provenance was not pinned by digest",
	Severity: finding.Low, Kind: finding.KindIntegrity, Advisory: true,
	Checklist: []string{"build.pinned-versions"}, CIS: []string{"4.2"}, OWASP: []string{"D08"},
	Rationale: "The provenance shows the build took a base image by tag: the digest it resolved that day is recorded, but the next build may take another. A base with no digest at all cannot be identified.",
	Fix:       "Pin the base in the Dockerfile by digest (FROM python:3.12-slim@sha256:...), using the digest the provenance recorded after review; let Renovate or Dependabot move it.",
	Bad:       []finding.Example{integrityEx(provPolicy, teamApp+"provenance: source=https://github.com/acme/app commit=0123456789abcdef0123456789abcdef01234567 base=python:3.12-slim\nsigned: release\n", "FROM python:3.12-slim")},
	Good:      []finding.Example{integrityEx(provPolicy, teamApp+"provenance: source=https://github.com/acme/app commit=0123456789abcdef0123456789abcdef01234567 base=python:3.12-slim@sha256:1111111111111111111111111111111111111111111111111111111111111111\nsigned: release\n", "")},
}, func(p *Pass) {
	v := p.verdict()
	if v == nil || v.Provenance == nil {
		return
	}
	for _, b := range v.Provenance.Bases {
		if b.PinnedInSource() && b.Digest != "" {
			continue
		}
		msg := fmt.Sprintf("%s was built FROM %s by tag", v.Named(), b.Image())
		if b.Digest != "" {
			msg += ", which resolved to " + b.Digest
		} else {
			msg += ", and the provenance records no digest for it"
		}
		p.Report(v.Location(), "base:"+v.Repo+":"+b.Image(), msg)
	}
})

var _ = register(finding.Rule{
	ID: "SG008", Slug: "image-provenance-unsigned", Title: "Image provenance not covered by a verified signature",
	Severity: finding.Medium, Kind: finding.KindIntegrity,
	Checklist: []string{"build.signed-images"}, CIS: []string{"4.2"}, OWASP: []string{"D08"},
	Rationale: "BuildKit attestations are unsigned statements inside the image index: anyone who can push can write any provenance. They are evidence only when a trusted signature covers the index that lists them, or when the provenance is itself a signed attestation (`cosign attest`) by a trusted signer. (A policy entry that names no signer asks for provenance only, and this rule stays silent.)",
	Fix:       "Sign the index digest (not only a platform image) after the build, e.g. `cosign sign --yes IMAGE@INDEX_DIGEST`, so the signature covers the attestation manifests.",
	Bad:       []finding.Example{integrityEx(provPolicy, teamApp+"provenance: source=https://github.com/acme/app commit=0123456789abcdef0123456789abcdef01234567 base=python:3.12-slim@sha256:1111111111111111111111111111111111111111111111111111111111111111\n", "provenance present, index unsigned")},
	Good:      []finding.Example{integrityEx(provPolicy, teamApp+"provenance: source=https://github.com/acme/app commit=0123456789abcdef0123456789abcdef01234567 base=python:3.12-slim@sha256:1111111111111111111111111111111111111111111111111111111111111111\nsigned: release\n", "the index digest is signed")},
}, func(p *Pass) {
	v := p.verdict()
	if v == nil || v.Require == nil || !v.Require.Signed() || !v.Require.Provenance || v.Provenance == nil || v.Provenance.Signed {
		return
	}
	p.Report(v.Location(), "provenance-unsigned:"+v.Repo, fmt.Sprintf("%s: its %s provenance is an unsigned claim; no verified signature covers the index holding it", v.Named(), v.Provenance.PredicateType))
})

var _ = register(finding.Rule{
	ID: "SG009", Slug: "provenance-secret-build-arg", Title: "Secret passed as a build argument, recorded in the provenance",
	Severity: finding.High, Kind: finding.KindIntegrity,
	Checklist: []string{"build.no-secrets", "secrets.no-hardcoded"}, CIS: []string{"4.10"}, OWASP: []string{"D06"},
	Rationale: "BuildKit provenance in max mode records every build argument: a token passed with --build-arg ships to everyone who can pull the image, in the attestation next to it, even when the Dockerfile never stores it in a layer.",
	Fix:       "Pass build-time secrets with `docker buildx build --secret id=token,env=TOKEN` and read them with RUN --mount=type=secret; rotate the exposed secret and rebuild.",
	Bad:       []finding.Example{integrityEx(provPolicy, teamApp+"provenance: source=https://github.com/acme/app commit=0123456789abcdef0123456789abcdef01234567 base=python:3.12-slim@sha256:1111111111111111111111111111111111111111111111111111111111111111 arg=NPM_TOKEN=npm_Zq8vN3xPb7Lw2Tk9Rm4YcD6fH1jS5aE0uGxQ\nsigned: release\n", "built with --build-arg NPM_TOKEN=... and --provenance=mode=max")},
	Good:      []finding.Example{integrityEx(provPolicy, teamApp+"provenance: source=https://github.com/acme/app commit=0123456789abcdef0123456789abcdef01234567 base=python:3.12-slim@sha256:1111111111111111111111111111111111111111111111111111111111111111 arg=APP_VERSION=1.4\nsigned: release\n", "")},
}, func(p *Pass) {
	v := p.verdict()
	if v == nil || v.Provenance == nil {
		return
	}
	var names []string
	for k := range v.Provenance.Args {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		name := strings.TrimPrefix(k, "build-arg:")
		val := v.Provenance.Args[k]
		if !strings.HasPrefix(k, "build-arg:") || !secrets.SecretName(name) || !secrets.LiteralSecretValue(name, val) {
			continue
		}
		p.Report(v.Location(), "provenance-arg:"+v.Repo+":"+name, fmt.Sprintf("%s: its provenance records build argument %s (%s)", v.Named(), name, secrets.Redact(val)))
	}
})
