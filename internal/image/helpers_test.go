package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// ent is one tar entry of a test layer.
type ent struct {
	name string
	typ  byte // default regular file
	mode int64
	body string
	link string
	uid  int
	size int64 // for files, overrides len(body) with zero bytes
}

func file(name, body string) ent { return ent{name: name, body: body, mode: 0o644} }
func dir(name string) ent        { return ent{name: name, typ: tar.TypeDir, mode: 0o755} }
func symlink(name, target string) ent {
	return ent{name: name, typ: tar.TypeSymlink, link: target, mode: 0o777}
}
func hardlink(name, target string) ent {
	return ent{name: name, typ: tar.TypeLink, link: target, mode: 0o644}
}

func tarBytes(t testing.TB, ents ...ent) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range ents {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		h := &tar.Header{Name: e.name, Typeflag: typ, Mode: e.mode, Linkname: e.link, Uid: e.uid, Format: tar.FormatPAX}
		var body io.Reader = bytes.NewReader(nil)
		if typ == tar.TypeReg {
			h.Size = int64(len(e.body))
			body = bytes.NewReader([]byte(e.body))
			if e.size > 0 {
				h.Size = e.size
				body = io.LimitReader(zeros{}, e.size)
			}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(tw, body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// rawLayer is a layer whose stream is exactly the tar bytes.
func rawLayer(t testing.TB, ents ...ent) v1.Layer {
	return static.NewLayer(tarBytes(t, ents...), types.OCIUncompressedLayer)
}

// gzLayer is a gzip-compressed layer, decompressed by go-containerregistry.
func gzLayer(t testing.TB, ents ...ent) v1.Layer {
	t.Helper()
	b := tarBytes(t, ents...)
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func imageOf(t testing.TB, layers ...v1.Layer) v1.Image {
	t.Helper()
	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func walkImage(t testing.TB, img v1.Image, o Options) *Image {
	t.Helper()
	m, err := Walk(context.Background(), FromV1("test", img), o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func hasAnomaly(img *Image, kind, p string) bool {
	for _, a := range img.Anomalies {
		if a.Kind == kind && a.Path == p {
			return true
		}
	}
	return false
}

func paths(es []*Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Path)
	}
	return out
}

func staticLayer(b []byte) v1.Layer { return static.NewLayer(b, types.OCIUncompressedLayer) }

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
