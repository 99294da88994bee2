package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
)

// AnnotationRefName names a manifest in an OCI layout's index.json.
const AnnotationRefName = "org.opencontainers.image.ref.name"

// Layout reads signatures and attestations from an OCI image layout on
// disk (--offline): cosign's signature manifests are found by their
// ref name (sha256-<hex>.sig, optionally repository-qualified), bundles by
// the subject of the manifests the layout holds. Nothing touches a network.
type Layout struct {
	Path layout.Path
	// Repo is the repository the checked image belongs to ("" when the
	// layout names tags only); it qualifies ref names.
	Repo string
}

// OpenLayout opens an OCI layout directory.
func OpenLayout(dir, repo string) (*Layout, error) {
	p, err := layout.FromPath(dir)
	if err != nil {
		return nil, fmt.Errorf("OCI layout %s: %w", dir, err)
	}
	return &Layout{Path: p, Repo: repo}, nil
}

func (l *Layout) Name() string {
	if l.Repo != "" {
		return l.Repo
	}
	return string(l.Path)
}

func (l *Layout) index() (*v1.IndexManifest, error) {
	idx, err := l.Path.ImageIndex()
	if err != nil {
		return nil, err
	}
	return idx.IndexManifest()
}

// Find returns the descriptor whose ref name is name, either as written or
// qualified by the layout's repository (repo:tag), or ErrNotFound.
func (l *Layout) Find(name string) (v1.Descriptor, error) {
	m, err := l.index()
	if err != nil {
		return v1.Descriptor{}, err
	}
	for _, d := range m.Manifests {
		rn := d.Annotations[AnnotationRefName]
		if rn == name || l.Repo != "" && (rn == l.Repo+":"+name || rn == l.Repo+"@"+name) {
			return d, nil
		}
	}
	return v1.Descriptor{}, ErrNotFound
}

// FindDigest returns the top-level descriptor with digest d, or ErrNotFound.
func (l *Layout) FindDigest(d v1.Hash) (v1.Descriptor, error) {
	m, err := l.index()
	if err != nil {
		return v1.Descriptor{}, err
	}
	for _, desc := range m.Manifests {
		if desc.Digest == d {
			return desc, nil
		}
	}
	return v1.Descriptor{}, ErrNotFound
}

func (l *Layout) Tagged(_ context.Context, tag string) (v1.Image, error) {
	d, err := l.Find(tag)
	if err != nil {
		return nil, err
	}
	return l.Path.Image(d.Digest)
}

func (l *Layout) Referrers(_ context.Context, subject v1.Hash) ([]v1.Descriptor, error) {
	m, err := l.index()
	if err != nil {
		return nil, err
	}
	var out []v1.Descriptor
	for _, d := range m.Manifests {
		if d.MediaType.IsIndex() {
			continue
		}
		rc, err := l.Path.Blob(d.Digest)
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(io.LimitReader(rc, 4<<20))
		rc.Close()
		if err != nil {
			return nil, err
		}
		var man struct {
			Subject *v1.Descriptor `json:"subject"`
		}
		if json.Unmarshal(b, &man) == nil && man.Subject != nil && man.Subject.Digest == subject {
			out = append(out, d)
		}
	}
	return out, nil
}

func (l *Layout) Image(_ context.Context, d v1.Hash) (v1.Image, error) {
	img, err := l.Path.Image(d)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", l.Path, d, notInLayout(err))
	}
	return img, nil
}

func (l *Layout) Index(_ context.Context, d v1.Hash) (v1.ImageIndex, error) {
	idx, err := l.Path.ImageIndex()
	if err != nil {
		return nil, err
	}
	sub, err := idx.ImageIndex(d)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", l.Path, d, notInLayout(err))
	}
	return sub, nil
}

func notInLayout(err error) error {
	if strings.Contains(err.Error(), "no such file") || errors.Is(err, io.EOF) {
		return fmt.Errorf("%w (not in the layout)", err)
	}
	return err
}
