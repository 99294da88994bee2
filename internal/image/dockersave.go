package image

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// SaveImage is one image described by a docker save manifest.json.
type SaveImage struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// maxManifestSize bounds manifest.json and index.json.
const maxManifestSize = 16 << 20

// ParseSaveManifest reads a docker save manifest.json.
func ParseSaveManifest(data []byte) ([]SaveImage, error) {
	var m []SaveImage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("manifest.json: %w", err)
	}
	if len(m) == 0 {
		return nil, errors.New("manifest.json: no images")
	}
	for i, im := range m {
		if im.Config == "" {
			return nil, fmt.Errorf("manifest.json: image %d: no Config", i)
		}
	}
	return m, nil
}

// pickSaved selects the image tagged tag, or the only one.
func pickSaved(m []SaveImage, tag string) (SaveImage, error) {
	if tag == "" {
		if len(m) == 1 {
			return m[0], nil
		}
		return SaveImage{}, fmt.Errorf("archive holds %d images; pick one with a tag: %s", len(m), strings.Join(allTags(m), ", "))
	}
	for _, im := range m {
		for _, t := range im.RepoTags {
			if sameTag(t, tag) {
				return im, nil
			}
		}
	}
	return SaveImage{}, fmt.Errorf("no image tagged %q in archive; tags: %s", tag, strings.Join(allTags(m), ", "))
}

func allTags(m []SaveImage) []string {
	var out []string
	for i, im := range m {
		if len(im.RepoTags) == 0 {
			out = append(out, fmt.Sprintf("(untagged image %d)", i))
		}
		out = append(out, im.RepoTags...)
	}
	sort.Strings(out)
	return out
}

// sameTag compares tags the way docker does: "app" is "app:latest" is
// "docker.io/library/app:latest".
func sameTag(a, b string) bool {
	if a == b {
		return true
	}
	ra, err1 := name.NewTag(a)
	rb, err2 := name.NewTag(b)
	return err1 == nil && err2 == nil && ra.Name() == rb.Name()
}

// dockerSave is a docker save tarball read in place.
type dockerSave struct {
	ref     string
	f       *os.File
	cleanup func()
	idx     *tarIndex
	img     SaveImage
}

// openDockerSave opens a docker save tarball at p. A gzip-compressed one
// is first decompressed to a temporary file, since members need random access.
func openDockerSave(ref, p, tag string, maxTotal int64) (*dockerSave, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	s := &dockerSave{ref: ref, f: f}
	if sniff(f) != "" {
		if err := s.inflate(maxTotal); err != nil {
			s.Close()
			return nil, fmt.Errorf("%s: %w", p, err)
		}
	}
	if err := s.load(tag); err != nil {
		s.Close()
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return s, nil
}

func (s *dockerSave) inflate(maxTotal int64) error {
	orig := s.f
	defer orig.Close()
	rc, err := decompress(bufio.NewReaderSize(orig, 256<<10), sniff(orig))
	if err != nil {
		return err
	}
	defer rc.Close()
	tmp, err := os.CreateTemp("", "hardhull-image-*.tar")
	if err != nil {
		return err
	}
	s.f = tmp
	s.cleanup = func() { os.Remove(tmp.Name()) }
	n, err := io.Copy(tmp, io.LimitReader(rc, maxTotal+1))
	if err != nil {
		return fmt.Errorf("decompress: %w", err)
	}
	if n > maxTotal {
		return fmt.Errorf("decompressed archive exceeds %d bytes: %w", maxTotal, ErrLimit)
	}
	return nil
}

func (s *dockerSave) load(tag string) error {
	st, err := s.f.Stat()
	if err != nil {
		return err
	}
	s.idx, err = indexTar(s.f, st.Size())
	if err != nil {
		return err
	}
	data, err := s.idx.readAll("manifest.json", maxManifestSize)
	if err != nil {
		return fmt.Errorf("not a docker save archive: %w", err)
	}
	m, err := ParseSaveManifest(data)
	if err != nil {
		return err
	}
	s.img, err = pickSaved(m, tag)
	return err
}

func (s *dockerSave) Ref() string    { return s.ref }
func (s *dockerSave) Digest() string { return "" }

func (s *dockerSave) RawConfig() ([]byte, error) {
	return s.idx.readAll(s.img.Config, maxConfigSize)
}

func (s *dockerSave) Layers() ([]LayerSource, error) {
	raw, err := s.RawConfig()
	if err != nil {
		return nil, err
	}
	cfg, err := v1.ParseConfigFile(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("parse config: %w", err)
	}
	out := make([]LayerSource, len(s.img.Layers))
	for i, p := range s.img.Layers {
		sr, err := s.idx.open(p)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", i, err)
		}
		kind := sniff(sr)
		l := LayerSource{Size: sr.Size(), Open: func() (io.ReadCloser, error) {
			// Buffered so tar headers and inflate input are not one
			// small read at a time against the archive.
			return decompress(bufio.NewReaderSize(io.NewSectionReader(sr, 0, sr.Size()), 256<<10), kind)
		}}
		if i < len(cfg.RootFS.DiffIDs) {
			l.DiffID = cfg.RootFS.DiffIDs[i].String()
			if kind == "" {
				// An uncompressed blob's digest is its diff ID.
				l.Digest = l.DiffID
			}
		}
		out[i] = l
	}
	return out, nil
}

func (s *dockerSave) Close() error {
	err := s.f.Close()
	if s.cleanup != nil {
		s.cleanup()
	}
	return err
}
