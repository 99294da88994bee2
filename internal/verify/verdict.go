package verify

import (
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
)

// Requirement is what a policy (or the command line) demands of an image.
type Requirement struct {
	// From says where the requirement comes from, for messages:
	// ".hardhull.yaml:12 (ghcr.io/acme/**)" or "the command line".
	From       string
	Keys       []string // key names
	Identities []Identity
	Provenance bool
	// Source is the source repository provenance must name ("" any).
	Source string
}

// Signed reports whether any signer is required at all (a policy entry
// may ask for provenance only).
func (r *Requirement) Signed() bool { return len(r.Keys) > 0 || len(r.Identities) > 0 }

// Signers describes who may sign, for messages.
func (r *Requirement) Signers() []string {
	out := append([]string(nil), r.Keys...)
	for _, id := range r.Identities {
		out = append(out, id.String())
	}
	return out
}

// Verdict is everything known about one image's integrity, for the
// integrity rules: where it was named, what is required of it, what its
// signatures and provenance say.
type Verdict struct {
	// Ref is the image as named (FROM line, compose image, argument);
	// Repo its normalised repository; Digest the digest verified.
	Ref, Repo, Digest string
	// At is where findings point; the zero value means the image itself.
	At finding.Location
	// Require is nil when no policy covers the image.
	Require *Requirement
	// Signatures is the signature check's report (nil if none ran).
	Signatures *Report
	// Provenance is the image's build provenance, nil when it has none;
	// ProvenanceChecked says whether it was looked for.
	Provenance        *Provenance
	ProvenanceChecked bool
}

// Location is where findings about the verdict point.
func (v *Verdict) Location() finding.Location {
	if v.At != (finding.Location{}) {
		l := v.At
		if l.Image == "" && l.Path == "" {
			l.Image = v.Ref
		}
		return l
	}
	return finding.Location{Image: v.Ref}
}

// Named is the image as messages name it: the reference, with the digest
// verified when the reference does not already pin it.
func (v *Verdict) Named() string {
	if v.Digest == "" || strings.HasSuffix(v.Ref, "@"+v.Digest) {
		return v.Ref
	}
	return v.Ref + " (" + v.Digest + ")"
}
