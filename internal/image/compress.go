package image

import (
	"bytes"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// sniff names the compression of a stored layer from its first bytes.
func sniff(ra io.ReaderAt) string {
	var b [4]byte
	n, _ := ra.ReadAt(b[:], 0)
	switch {
	case bytes.HasPrefix(b[:n], gzipMagic):
		return "gzip"
	case bytes.HasPrefix(b[:n], zstdMagic):
		return "zstd"
	}
	return ""
}

// zstdMaxWindow bounds decoder memory against frames asking for huge windows.
const zstdMaxWindow = 64 << 20

// decompress wraps a stored layer in the decoder its magic asks for.
func decompress(r io.Reader, kind string) (io.ReadCloser, error) {
	switch kind {
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return zr, nil
	case "zstd":
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(zstdMaxWindow), zstd.WithDecoderLowmem(true))
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		return zr.IOReadCloser(), nil
	}
	return io.NopCloser(r), nil
}
