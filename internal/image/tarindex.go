package image

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// tarIndex gives random access to the members of an outer archive (docker
// save, OCI archive) without extracting it: one pass over the headers,
// seeking over the data, then section readers over the archive.
type tarIndex struct {
	ra    io.ReaderAt
	files map[string]tarMember
}

type tarMember struct {
	off, size int64
	link      string // hard or symbolic link target, cleaned archive path
}

// maxArchiveMembers bounds the outer archive index.
const maxArchiveMembers = 1_000_000

func indexTar(ra io.ReaderAt, size int64) (*tarIndex, error) {
	sr := io.NewSectionReader(ra, 0, size)
	tr := tar.NewReader(sr)
	t := &tarIndex{ra: ra, files: map[string]tarMember{}}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read archive: %w", err)
		}
		if len(t.files) >= maxArchiveMembers {
			return nil, fmt.Errorf("more than %d archive members: %w", maxArchiveMembers, ErrLimit)
		}
		name := archivePath(h.Name)
		switch h.Typeflag {
		case tar.TypeReg:
			// archive/tar reads headers exactly, so the section reader's
			// position after Next is where this member's data starts.
			off, err := sr.Seek(0, io.SeekCurrent)
			if err != nil {
				return nil, err
			}
			t.files[name] = tarMember{off: off, size: h.Size}
		case tar.TypeSymlink:
			t.files[name] = tarMember{link: archivePath(path.Join(path.Dir(name), h.Linkname))}
		case tar.TypeLink:
			t.files[name] = tarMember{link: archivePath(h.Linkname)}
		}
	}
	return t, nil
}

// archivePath cleans a member name to a relative path that cannot climb
// out of the archive.
func archivePath(name string) string {
	return strings.TrimPrefix(path.Clean("/"+name), "/")
}

var errNotFound = errors.New("not found in archive")

func (t *tarIndex) open(name string) (*io.SectionReader, error) {
	name = archivePath(name)
	for range 8 {
		m, ok := t.files[name]
		if !ok {
			return nil, fmt.Errorf("%s: %w", name, errNotFound)
		}
		if m.link == "" {
			return io.NewSectionReader(t.ra, m.off, m.size), nil
		}
		name = m.link
	}
	return nil, fmt.Errorf("%s: too many links", name)
}

func (t *tarIndex) readAll(name string, max int64) ([]byte, error) {
	sr, err := t.open(name)
	if err != nil {
		return nil, err
	}
	if sr.Size() > max {
		return nil, fmt.Errorf("%s: %d bytes, more than %d: %w", name, sr.Size(), max, ErrLimit)
	}
	b := make([]byte, sr.Size())
	if _, err := io.ReadFull(sr, b); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return b, nil
}
