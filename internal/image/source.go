package image

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/moby/moby/client"
)

// Source prefixes understood by Open.
const (
	PrefixOCIArchive    = "oci-archive:"
	PrefixOCILayout     = "oci:"
	PrefixDocker        = "docker:"
	PrefixDockerArchive = "docker-archive:"
)

// Open resolves ref to a Source:
//
//	path/to/save.tar          docker save tarball (Options.Tag picks among several)
//	docker-archive:path       the same, explicitly
//	oci-archive:path.tar      OCI image layout packed as a tar
//	oci:dir[:tag]             OCI image layout directory
//	docker:name[:tag]         image in the local engine (DOCKER_HOST)
//	anything else             registry reference
//
// The caller closes the Source.
func Open(ctx context.Context, ref string, opts Options) (Source, error) {
	o := opts.withDefaults()
	switch {
	case strings.HasPrefix(ref, PrefixOCIArchive):
		return openOCIArchive(ref, strings.TrimPrefix(ref, PrefixOCIArchive), o.Tag, o.Platform)
	case strings.HasPrefix(ref, PrefixOCILayout):
		dir, tag := splitLayoutRef(strings.TrimPrefix(ref, PrefixOCILayout))
		if o.Tag != "" {
			tag = o.Tag
		}
		return openOCILayout(ref, dir, tag, o.Platform)
	case strings.HasPrefix(ref, PrefixDocker):
		return openDaemon(ctx, ref, strings.TrimPrefix(ref, PrefixDocker), o)
	case strings.HasPrefix(ref, PrefixDockerArchive):
		return openDockerSave(ref, strings.TrimPrefix(ref, PrefixDockerArchive), o.Tag, o.MaxTotal)
	}
	st, err := os.Stat(ref)
	switch {
	case err == nil && st.IsDir():
		return nil, fmt.Errorf("open %s: a directory; use %s%s for an OCI image layout", ref, PrefixOCILayout, ref)
	case err == nil:
		return openDockerSave(ref, ref, o.Tag, o.MaxTotal)
	case looksLikePath(ref):
		return nil, fmt.Errorf("open %s: %w", ref, err)
	}
	return openRemote(ctx, ref, o)
}

// IsRegistryRef reports whether Open would read ref from a registry.
func IsRegistryRef(ref string) bool {
	for _, p := range []string{PrefixOCIArchive, PrefixOCILayout, PrefixDocker, PrefixDockerArchive} {
		if strings.HasPrefix(ref, p) {
			return false
		}
	}
	if _, err := os.Stat(ref); err == nil {
		return false
	}
	return !looksLikePath(ref)
}

// looksLikePath keeps "./app.tar" with a typo from becoming a registry pull.
func looksLikePath(ref string) bool {
	return strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, ".") ||
		strings.HasSuffix(ref, ".tar") || strings.HasSuffix(ref, ".tar.gz") || strings.HasSuffix(ref, ".tgz")
}

// splitLayoutRef splits "dir[:tag]"; a directory whose name has a colon
// wins over a tag.
func splitLayoutRef(s string) (dir, tag string) {
	if st, err := os.Stat(s); err == nil && st.IsDir() {
		return s, ""
	}
	i := strings.LastIndexByte(s, ':')
	if i < 0 || strings.Contains(s[i+1:], "/") {
		return s, ""
	}
	return s[:i], s[i+1:]
}

// openRemote reads from a registry with the default keychain.
func openRemote(ctx context.Context, ref string, o Options) (Source, error) {
	var nopts []name.Option
	if o.Insecure {
		nopts = append(nopts, name.Insecure)
	}
	r, err := name.ParseReference(ref, nopts...)
	if err != nil {
		return nil, fmt.Errorf("parse reference %q: %w", ref, err)
	}
	ropts := []remote.Option{remote.WithAuthFromKeychain(o.Keychain), remote.WithContext(ctx)}
	desc, err := remote.Get(r, ropts...)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", ref, err)
	}
	if !desc.MediaType.IsIndex() {
		img, err := desc.Image()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ref, err)
		}
		return FromV1(ref, img), nil
	}
	idx, err := desc.ImageIndex()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	d, err := pickPlatform(im.Manifests, o.Platform)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	img, err := idx.Image(d.Digest)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	return FromV1(ref, img), nil
}

// openDaemon saves the image from the local engine into a temporary file
// owned by the Source and reads it as a docker save tarball. It uses the
// same engine client as go-containerregistry's daemon package, whose
// image either buffers the whole image in memory or leaves its temporary
// file until garbage collection, and rebuilds the config from inspect.
func openDaemon(ctx context.Context, ref, image string, o Options) (Source, error) {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return nil, fmt.Errorf("%s: docker client: %w", ref, err)
	}
	defer cli.Close()
	rc, err := cli.ImageSave(ctx, []string{image})
	if err != nil {
		return nil, fmt.Errorf("%s: docker save: %w", ref, err)
	}
	defer rc.Close()
	tmp, err := os.CreateTemp("", "hardhull-image-*.tar")
	if err != nil {
		return nil, err
	}
	n, err := io.Copy(tmp, io.LimitReader(rc, o.MaxTotal+1))
	if err == nil && n > o.MaxTotal {
		err = fmt.Errorf("more than %d bytes: %w", o.MaxTotal, ErrLimit)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("%s: docker save: %w", ref, err)
	}
	s, err := openDockerSave(ref, tmp.Name(), "", o.MaxTotal)
	if err != nil {
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	s.cleanup = func() { os.Remove(tmp.Name()) }
	return s, nil
}

// FromV1 adapts a go-containerregistry image (remote, in-memory, mutated).
func FromV1(ref string, img v1.Image) Source { return &v1Source{ref: ref, img: img} }

type v1Source struct {
	ref string
	img v1.Image
}

func (s *v1Source) Ref() string { return s.ref }
func (s *v1Source) Digest() string {
	d, err := s.img.Digest()
	if err != nil {
		return ""
	}
	return d.String()
}
func (s *v1Source) RawConfig() ([]byte, error) { return s.img.RawConfigFile() }
func (s *v1Source) Close() error               { return nil }

func (s *v1Source) Layers() ([]LayerSource, error) {
	raw, err := s.img.RawConfigFile()
	if err != nil {
		return nil, err
	}
	cfg, err := v1.ParseConfigFile(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("parse config: %w", err)
	}
	m, err := s.img.Manifest()
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	layers, err := s.img.Layers()
	if err != nil {
		return nil, err
	}
	if len(layers) != len(m.Layers) {
		return nil, errors.New("manifest and layers disagree")
	}
	out := make([]LayerSource, len(layers))
	for i, l := range layers {
		d := m.Layers[i]
		out[i] = LayerSource{Digest: d.Digest.String(), MediaType: string(d.MediaType), Size: d.Size, Open: l.Uncompressed}
		if i < len(cfg.RootFS.DiffIDs) {
			out[i].DiffID = cfg.RootFS.DiffIDs[i].String()
		}
	}
	return out, nil
}
