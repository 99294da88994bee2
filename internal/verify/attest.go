package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/moby/buildkit/util/purl"
)

// BuildKit stores attestations inside the image index, as manifests for
// platform unknown/unknown annotated with the image they describe; each
// layer is one unsigned in-toto statement.
const (
	AnnotationRefType     = "vnd.docker.reference.type"
	AnnotationRefDigest   = "vnd.docker.reference.digest"
	RefTypeAttestation    = "attestation-manifest"
	AnnotationPredicate   = "in-toto.io/predicate-type"
	PredicateSLSA02       = "https://slsa.dev/provenance/v0.2"
	PredicateSLSA1        = "https://slsa.dev/provenance/v1"
	PredicateSPDX         = "https://spdx.dev/Document"
	maxAttestation        = 8 << 20
	maxAttestationLayers  = 32
	maxAttestationEntries = 64
)

// IndexProvenance reads the BuildKit provenance of the platform image an
// index serves for platform (os/arch; "" is linux/amd64 or the only one),
// nil when there is none.
func IndexProvenance(ctx context.Context, st Store, index v1.Hash, platform string) (*Provenance, error) {
	idx, err := st.Index(ctx, index)
	if err != nil {
		return nil, fmt.Errorf("read index %s@%s: %w", st.Name(), index, err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("read index %s@%s: %w", st.Name(), index, err)
	}
	var images []v1.Descriptor
	for _, d := range m.Manifests {
		if d.Annotations[AnnotationRefType] == "" && d.Platform != nil && d.Platform.OS != "unknown" {
			images = append(images, d)
		}
	}
	want := platform
	if want == "" {
		want = "linux/amd64"
	}
	var pick *v1.Descriptor
	for i, d := range images {
		if d.Platform.OS+"/"+d.Platform.Architecture == want || len(images) == 1 && platform == "" {
			pick = &images[i]
			break
		}
	}
	if pick == nil {
		return nil, nil
	}
	all, err := Provenances(ctx, st, index)
	if err != nil {
		return nil, err
	}
	return all[pick.Digest.String()], nil
}

// Provenances reads the BuildKit attestations of an index: the provenance
// of each platform image (keyed by its digest) and whether an SBOM sits
// next to it. A plain image (not an index) has none; that is not an error.
func Provenances(ctx context.Context, st Store, index v1.Hash) (map[string]*Provenance, error) {
	idx, err := st.Index(ctx, index)
	if err != nil {
		return nil, fmt.Errorf("read index %s@%s: %w", st.Name(), index, err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("read index %s@%s: %w", st.Name(), index, err)
	}
	if len(m.Manifests) > maxAttestationEntries*2 {
		return nil, fmt.Errorf("index %s@%s: %d manifests, more than accepted", st.Name(), index, len(m.Manifests))
	}
	out := map[string]*Provenance{}
	for _, d := range m.Manifests {
		if d.Annotations[AnnotationRefType] != RefTypeAttestation {
			continue
		}
		subject := d.Annotations[AnnotationRefDigest]
		img, err := idx.Image(d.Digest)
		if err != nil {
			return nil, fmt.Errorf("read attestation %s@%s: %w", st.Name(), d.Digest, err)
		}
		am, err := img.Manifest()
		if err != nil {
			return nil, fmt.Errorf("read attestation %s@%s: %w", st.Name(), d.Digest, err)
		}
		if len(am.Layers) > maxAttestationLayers {
			return nil, fmt.Errorf("attestation %s@%s: %d layers, more than accepted", st.Name(), d.Digest, len(am.Layers))
		}
		var p *Provenance
		sbom := false
		for _, l := range am.Layers {
			switch pt := l.Annotations[AnnotationPredicate]; pt {
			case PredicateSPDX:
				sbom = true
			case PredicateSLSA02, PredicateSLSA1:
				b, err := blobCapped(img, l, maxAttestation)
				if err != nil {
					return nil, fmt.Errorf("read provenance %s@%s: %w", st.Name(), l.Digest, err)
				}
				if p, err = ParseProvenance(b); err != nil {
					return nil, fmt.Errorf("provenance %s@%s: %w", st.Name(), l.Digest, err)
				}
			}
		}
		if p != nil {
			p.SBOM = sbom
			out[subject] = p
		}
	}
	return out, nil
}

// statement is the part of an in-toto statement provenance needs.
type statement struct {
	Type          string          `json:"_type"`
	PredicateType string          `json:"predicateType"`
	Predicate     json.RawMessage `json:"predicate"`
}

type slsa02 struct {
	Builder struct {
		ID string `json:"id"`
	} `json:"builder"`
	BuildType  string `json:"buildType"`
	Invocation struct {
		ConfigSource struct {
			URI    string            `json:"uri"`
			Digest map[string]string `json:"digest"`
		} `json:"configSource"`
		Parameters buildParams `json:"parameters"`
	} `json:"invocation"`
	Materials []struct {
		URI    string            `json:"uri"`
		Digest map[string]string `json:"digest"`
	} `json:"materials"`
	Metadata map[string]json.RawMessage `json:"metadata"`
}

type slsa1 struct {
	BuildDefinition struct {
		BuildType          string `json:"buildType"`
		ExternalParameters struct {
			ConfigSource struct {
				URI    string            `json:"uri"`
				Digest map[string]string `json:"digest"`
			} `json:"configSource"`
			Request buildParams `json:"request"`
		} `json:"externalParameters"`
		ResolvedDependencies []struct {
			URI    string            `json:"uri"`
			Digest map[string]string `json:"digest"`
		} `json:"resolvedDependencies"`
	} `json:"buildDefinition"`
	RunDetails struct {
		Builder struct {
			ID string `json:"id"`
		} `json:"builder"`
		Metadata map[string]json.RawMessage `json:"metadata"`
	} `json:"runDetails"`
}

// buildParams is BuildKit's record of the build request.
type buildParams struct {
	Frontend string            `json:"frontend"`
	Args     map[string]string `json:"args"`
}

// buildkitMetadata is BuildKit's own metadata block, which holds the VCS
// facts when the build context is a local checkout.
const buildkitMetadata = "https://mobyproject.org/buildkit@v1#metadata"

type bkMeta struct {
	VCS struct {
		Source   string `json:"source"`
		Revision string `json:"revision"`
	} `json:"vcs"`
}

// ParseProvenance reads a SLSA v0.2 or v1 provenance statement.
func ParseProvenance(b []byte) (*Provenance, error) {
	var st statement
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("not an in-toto statement: %w", err)
	}
	p := &Provenance{PredicateType: st.PredicateType}
	var meta map[string]json.RawMessage
	switch st.PredicateType {
	case PredicateSLSA02:
		var pr slsa02
		if err := json.Unmarshal(st.Predicate, &pr); err != nil {
			return nil, fmt.Errorf("SLSA v0.2 predicate: %w", err)
		}
		p.Builder, p.BuildType = pr.Builder.ID, pr.BuildType
		p.Source, p.Commit = pr.Invocation.ConfigSource.URI, pr.Invocation.ConfigSource.Digest["sha1"]
		p.Frontend, p.Args = pr.Invocation.Parameters.Frontend, pr.Invocation.Parameters.Args
		for _, m := range pr.Materials {
			p.Bases = append(p.Bases, material(m.URI, m.Digest))
		}
		meta = pr.Metadata
	case PredicateSLSA1:
		var pr slsa1
		if err := json.Unmarshal(st.Predicate, &pr); err != nil {
			return nil, fmt.Errorf("SLSA v1 predicate: %w", err)
		}
		bd := pr.BuildDefinition
		p.Builder, p.BuildType = pr.RunDetails.Builder.ID, bd.BuildType
		p.Source, p.Commit = bd.ExternalParameters.ConfigSource.URI, bd.ExternalParameters.ConfigSource.Digest["sha1"]
		p.Frontend, p.Args = bd.ExternalParameters.Request.Frontend, bd.ExternalParameters.Request.Args
		for _, m := range bd.ResolvedDependencies {
			p.Bases = append(p.Bases, material(m.URI, m.Digest))
		}
		meta = pr.RunDetails.Metadata
	default:
		return nil, fmt.Errorf("predicate type %q is not SLSA provenance", st.PredicateType)
	}
	if raw, ok := meta[buildkitMetadata]; ok {
		var bk bkMeta
		if json.Unmarshal(raw, &bk) == nil {
			if p.Source == "" {
				p.Source = bk.VCS.Source
			}
			if p.Commit == "" {
				p.Commit = bk.VCS.Revision
			}
		}
	}
	// Only image materials are bases; git sources and files are not.
	var bases []Material
	for _, m := range p.Bases {
		if strings.HasPrefix(m.URI, "pkg:docker/") || strings.HasPrefix(m.URI, "pkg:oci/") {
			bases = append(bases, m)
		}
	}
	sort.Slice(bases, func(i, j int) bool { return bases[i].URI < bases[j].URI })
	p.Bases = bases
	return p, nil
}

func material(uri string, d map[string]string) Material {
	m := Material{URI: uri}
	if h := d["sha256"]; h != "" {
		m.Digest = "sha256:" + h
	}
	return m
}

// Image is the image reference a base material names, as a person writes
// it, decoded with BuildKit's own purl code: pkg:docker/python@3.12-slim
// is python:3.12-slim, and a digest qualifier (a FROM pinned by digest)
// becomes @sha256:....
func (m Material) Image() string {
	if strings.HasPrefix(m.URI, "pkg:docker/") {
		if ref, _, err := purl.PURLToRef(m.URI); err == nil {
			return ref
		}
	}
	s := strings.TrimPrefix(strings.TrimPrefix(m.URI, "pkg:docker/"), "pkg:oci/")
	if i := strings.IndexByte(s, '?'); i >= 0 {
		s = s[:i]
	}
	return s
}

// PinnedInSource reports whether the build named the base by digest (so
// the provenance shows a reproducible input, not a tag's value that day).
func (m Material) PinnedInSource() bool {
	return strings.Contains(m.Image(), "@sha256:")
}

// NormSource makes source repository URLs comparable:
// https://github.com/acme/app.git#refs/tags/v1 is github.com/acme/app.
func NormSource(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	for _, p := range []string{"https://", "http://", "ssh://", "git://", "git@"} {
		s = strings.TrimPrefix(s, p)
	}
	s = strings.Replace(s, ":", "/", 1) // git@github.com:acme/app
	s = strings.TrimSuffix(strings.TrimSuffix(s, "/"), ".git")
	return strings.ToLower(s)
}
