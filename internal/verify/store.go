package verify

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Store is where an image's signatures and attestations are read from:
// its registry repository, or an OCI layout that carries them.
type Store interface {
	// Name is the repository, for messages.
	Name() string
	// Tagged returns the manifest under tag, or ErrNotFound.
	Tagged(ctx context.Context, tag string) (v1.Image, error)
	// Referrers lists the manifests whose subject is d.
	Referrers(ctx context.Context, d v1.Hash) ([]v1.Descriptor, error)
	// Image and Index read a manifest by digest.
	Image(ctx context.Context, d v1.Hash) (v1.Image, error)
	Index(ctx context.Context, d v1.Hash) (v1.ImageIndex, error)
}

// Remote reads from a registry repository.
type Remote struct {
	Repo name.Repository
	Opts []remote.Option
}

// NewRemote reads repo with the given options (auth, transport).
func NewRemote(repo name.Repository, opts ...remote.Option) *Remote {
	return &Remote{Repo: repo, Opts: opts}
}

func (r *Remote) Name() string { return r.Repo.Name() }

func (r *Remote) opts(ctx context.Context) []remote.Option {
	return append([]remote.Option{remote.WithContext(ctx)}, r.Opts...)
}

func (r *Remote) Tagged(ctx context.Context, tag string) (v1.Image, error) {
	img, err := remote.Image(r.Repo.Tag(tag), r.opts(ctx)...)
	if notFound(err) {
		return nil, ErrNotFound
	}
	return img, err
}

func (r *Remote) Referrers(ctx context.Context, d v1.Hash) ([]v1.Descriptor, error) {
	// Falls back to the sha256-<hex> tag index on registries without
	// the referrers API.
	idx, err := remote.Referrers(r.Repo.Digest(d.String()), r.opts(ctx)...)
	if notFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	return m.Manifests, nil
}

func (r *Remote) Image(ctx context.Context, d v1.Hash) (v1.Image, error) {
	img, err := remote.Image(r.Repo.Digest(d.String()), r.opts(ctx)...)
	if notFound(err) {
		return nil, fmt.Errorf("%s@%s: %w", r.Name(), d, ErrNotFound)
	}
	return img, err
}

func (r *Remote) Index(ctx context.Context, d v1.Hash) (v1.ImageIndex, error) {
	idx, err := remote.Index(r.Repo.Digest(d.String()), r.opts(ctx)...)
	if notFound(err) {
		return nil, fmt.Errorf("%s@%s: %w", r.Name(), d, ErrNotFound)
	}
	return idx, err
}

func notFound(err error) bool {
	var te *transport.Error
	if !errors.As(err, &te) {
		return false
	}
	if te.StatusCode == http.StatusNotFound {
		return true
	}
	for _, d := range te.Errors {
		if d.Code == transport.ManifestUnknownErrorCode || d.Code == transport.NameUnknownErrorCode {
			return true
		}
	}
	return false
}
