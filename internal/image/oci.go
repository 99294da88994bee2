package image

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
)

// Annotations that name an image in an OCI index.
const (
	annotationRefName   = "org.opencontainers.image.ref.name"
	annotationImageName = "io.containerd.image.name"
)

// ociSource is an image from an OCI index: a layout directory or archive.
type ociSource struct {
	ref      string
	digest   string
	config   []byte
	manifest *v1.Manifest
	blob     func(v1.Hash) (io.ReadCloser, error)
	close    func() error
}

// openOCILayout opens an OCI image layout directory with go-containerregistry.
func openOCILayout(ref, dir, tag, platform string) (*ociSource, error) {
	p, err := layout.FromPath(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	index, err := readLimited(os.Open(filepath.Join(string(p), "index.json")))
	if err != nil {
		return nil, fmt.Errorf("%s: index.json: %w", dir, err)
	}
	s := &ociSource{ref: ref, blob: p.Blob, close: func() error { return nil }}
	if err := s.load(index, tag, platform); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return s, nil
}

// openOCIArchive reads an OCI layout packed as a tar in place: members are
// reached through a header index, nothing is extracted.
func openOCIArchive(ref, p, tag, platform string) (*ociSource, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	idx, err := indexTar(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	s := &ociSource{ref: ref, close: f.Close, blob: func(h v1.Hash) (io.ReadCloser, error) {
		sr, err := idx.open("blobs/" + h.Algorithm + "/" + h.Hex)
		if err != nil {
			return nil, err
		}
		return io.NopCloser(sr), nil
	}}
	index, err := idx.readAll("index.json", maxManifestSize)
	if err == nil {
		err = s.load(index, tag, platform)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return s, nil
}

func readLimited(rc io.ReadCloser, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxManifestSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxManifestSize {
		return nil, fmt.Errorf("more than %d bytes: %w", maxManifestSize, ErrLimit)
	}
	return b, nil
}

func (s *ociSource) readBlob(h v1.Hash, max int64) ([]byte, error) {
	rc, err := s.blob(h)
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", h, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", h, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("blob %s: more than %d bytes: %w", h, max, ErrLimit)
	}
	return b, nil
}

// maxIndexDepth bounds nested indexes.
const maxIndexDepth = 4

func (s *ociSource) load(index []byte, tag, platform string) error {
	im, err := v1.ParseIndexManifest(bytes.NewReader(index))
	if err != nil {
		return fmt.Errorf("index.json: %w", err)
	}
	d, err := pickByTag(im.Manifests, tag, platform)
	if err != nil {
		return err
	}
	for depth := 0; d.MediaType.IsIndex(); depth++ {
		if depth == maxIndexDepth {
			return fmt.Errorf("indexes nested more than %d deep", maxIndexDepth)
		}
		raw, err := s.readBlob(d.Digest, maxManifestSize)
		if err != nil {
			return err
		}
		nested, err := v1.ParseIndexManifest(bytes.NewReader(raw))
		if err != nil {
			return fmt.Errorf("index %s: %w", d.Digest, err)
		}
		next, err := pickPlatform(nested.Manifests, platform)
		if err != nil {
			return fmt.Errorf("index %s: %w", d.Digest, err)
		}
		d = next
	}
	raw, err := s.readBlob(d.Digest, maxManifestSize)
	if err != nil {
		return err
	}
	if s.manifest, err = v1.ParseManifest(bytes.NewReader(raw)); err != nil {
		return fmt.Errorf("manifest %s: %w", d.Digest, err)
	}
	s.digest = d.Digest.String()
	s.config, err = s.readBlob(s.manifest.Config.Digest, maxConfigSize)
	return err
}

func (s *ociSource) Ref() string                { return s.ref }
func (s *ociSource) Digest() string             { return s.digest }
func (s *ociSource) RawConfig() ([]byte, error) { return s.config, nil }
func (s *ociSource) Close() error               { return s.close() }
func (s *ociSource) Layers() ([]LayerSource, error) {
	cfg, err := v1.ParseConfigFile(bytes.NewReader(s.config))
	if err != nil {
		return nil, fmt.Errorf("parse config: %w", err)
	}
	out := make([]LayerSource, len(s.manifest.Layers))
	for i, d := range s.manifest.Layers {
		h := d.Digest
		out[i] = LayerSource{Digest: h.String(), MediaType: string(d.MediaType), Size: d.Size, Open: func() (io.ReadCloser, error) {
			rc, err := s.blob(h)
			if err != nil {
				return nil, err
			}
			return decompressStream(rc)
		}}
		if i < len(cfg.RootFS.DiffIDs) {
			out[i].DiffID = cfg.RootFS.DiffIDs[i].String()
		}
	}
	return out, nil
}

// decompressStream sniffs a blob stream and decompresses it.
func decompressStream(rc io.ReadCloser) (io.ReadCloser, error) {
	br := bufio.NewReaderSize(rc, 64<<10)
	head, _ := br.Peek(4)
	d, err := decompress(br, sniff(bytes.NewReader(head)))
	if err != nil {
		rc.Close()
		return nil, err
	}
	return readCloser{d, func() error { d.Close(); return rc.Close() }}, nil
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r readCloser) Close() error { return r.close() }

// pickByTag selects from a top-level index by ref-name annotation, or the
// only manifest, or by platform when the index is a platform list.
func pickByTag(ds []v1.Descriptor, tag, platform string) (v1.Descriptor, error) {
	if tag != "" {
		var names []string
		for _, d := range ds {
			ref, img := d.Annotations[annotationRefName], d.Annotations[annotationImageName]
			if ref == tag || img == tag || strings.HasSuffix(img, ":"+tag) || (img != "" && sameTag(img, tag)) {
				return d, nil
			}
			if ref != "" {
				names = append(names, ref)
			} else if img != "" {
				names = append(names, img)
			}
		}
		return v1.Descriptor{}, fmt.Errorf("no manifest named %q; names: %s", tag, strings.Join(names, ", "))
	}
	if len(ds) == 1 {
		return ds[0], nil
	}
	var names []string
	platforms := true
	for _, d := range ds {
		if n := d.Annotations[annotationRefName]; n != "" {
			names = append(names, n)
		}
		if d.Platform == nil {
			platforms = false
		}
	}
	if len(ds) > 0 && platforms {
		return pickPlatform(ds, platform)
	}
	return v1.Descriptor{}, fmt.Errorf("index lists %d manifests; pick one with a tag: %s", len(ds), strings.Join(names, ", "))
}

// pickPlatform selects from an index: the wanted platform, else
// linux/amd64, else the only real one (attestations are unknown/unknown).
func pickPlatform(ds []v1.Descriptor, want string) (v1.Descriptor, error) {
	var cands []v1.Descriptor
	var names []string
	for _, d := range ds {
		if d.Platform != nil && d.Platform.OS == "unknown" {
			continue
		}
		cands = append(cands, d)
		if d.Platform != nil {
			names = append(names, d.Platform.String())
		}
	}
	match := func(p *v1.Platform) (v1.Descriptor, bool) {
		for _, d := range cands {
			if d.Platform != nil && d.Platform.OS == p.OS && d.Platform.Architecture == p.Architecture &&
				(p.Variant == "" || d.Platform.Variant == p.Variant) {
				return d, true
			}
		}
		return v1.Descriptor{}, false
	}
	if want != "" {
		p, err := v1.ParsePlatform(want)
		if err != nil {
			return v1.Descriptor{}, fmt.Errorf("platform %q: %w", want, err)
		}
		if d, ok := match(p); ok {
			return d, nil
		}
		return v1.Descriptor{}, fmt.Errorf("no manifest for platform %s; platforms: %s", want, strings.Join(names, ", "))
	}
	if d, ok := match(&v1.Platform{OS: "linux", Architecture: "amd64"}); ok {
		return d, nil
	}
	if len(cands) == 1 {
		return cands[0], nil
	}
	return v1.Descriptor{}, fmt.Errorf("index lists %d platforms; pick one with a platform: %s", len(cands), strings.Join(names, ", "))
}
