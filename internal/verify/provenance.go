package verify

// Provenance is what a build attestation claims about how an image was
// built. It is a claim: Signed says whether a verified signature covers it.
type Provenance struct {
	PredicateType string     `json:"predicate_type"`
	Builder       string     `json:"builder,omitempty"`
	BuildType     string     `json:"build_type,omitempty"`
	Source        string     `json:"source,omitempty"`
	Commit        string     `json:"commit,omitempty"`
	Bases         []Material `json:"materials,omitempty"`
	// Frontend, Target and Args are the build parameters BuildKit records
	// (args only with mode=max): build-arg:NAME → value. Values are as
	// recorded; whoever prints them redacts them.
	Frontend string            `json:"frontend,omitempty"`
	Args     map[string]string `json:"-"`
	// Signed is true when a verified signature covers the attestation
	// (a signed index that holds it, or a signed attestation).
	Signed bool `json:"signed"`
	// SBOM is true when an SBOM attestation sits next to the provenance.
	SBOM bool `json:"sbom"`
}

// Material is an input of the build, usually a base image.
type Material struct {
	URI    string `json:"uri"`
	Digest string `json:"digest,omitempty"`
}
