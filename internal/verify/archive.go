package verify

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// maxArchiveBlob bounds one blob copied out of an OCI archive.
const maxArchiveBlob = 8 << 30

var blobName = regexp.MustCompile(`^blobs/sha256/[0-9a-f]{64}$`)

// OpenArchive reads an OCI image archive (an OCI layout packed as a tar,
// e.g. `skopeo copy ... oci-archive:app.tar`) for --offline: its
// index.json, oci-layout and sha256 blobs are copied into a private
// temporary directory (nothing else, no name from the archive is used as
// a path) and read as a Layout. The caller calls cleanup.
func OpenArchive(archive, repo string) (*Layout, func(), error) {
	f, err := os.Open(archive)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	dir, err := os.MkdirTemp("", "hardhull-oci-")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	fail := func(err error) (*Layout, func(), error) {
		cleanup()
		return nil, nil, fmt.Errorf("OCI archive %s: %w", archive, err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "blobs", "sha256"), 0o700); err != nil {
		return fail(err)
	}
	tr := tar.NewReader(f)
	seenIndex := false
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fail(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "./"))
		var dst string
		limit := int64(4 << 20)
		switch {
		case name == "index.json" || name == "oci-layout":
			dst = filepath.Join(dir, name)
			seenIndex = seenIndex || name == "index.json"
		case blobName.MatchString(name):
			dst = filepath.Join(dir, "blobs", "sha256", path.Base(name))
			limit = maxArchiveBlob
		default:
			continue
		}
		if h.Size > limit {
			return fail(fmt.Errorf("%s: %d bytes, more than the %d accepted", name, h.Size, limit))
		}
		out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return fail(fmt.Errorf("%s: %w", name, err))
		}
		_, err = io.Copy(out, io.LimitReader(tr, limit))
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fail(fmt.Errorf("%s: %w", name, err))
		}
	}
	if !seenIndex {
		return fail(errors.New("no index.json: not an OCI image archive"))
	}
	l, err := OpenLayout(dir, repo)
	if err != nil {
		return fail(err)
	}
	return l, cleanup, nil
}
