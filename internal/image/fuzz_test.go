package image

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"testing"
)

// FuzzWalkLayer feeds arbitrary bytes as an uncompressed layer: the walk
// must return an index or an error, within the caps, without panicking.
func FuzzWalkLayer(f *testing.F) {
	f.Add(tarBytes(f, file("etc/passwd", "root:x:0:0::/:/bin/sh\n"), dir("a/"), symlink("a/l", "../../x")))
	f.Add(tarBytes(f, file("../../evil", "x"), hardlink("h", "missing"), file("x/.wh..wh..opq", ""), file("x/.wh.y", "")))
	f.Add(tarBytes(f, symlink("a", "b"), symlink("b", "a"), file(".env", "A=1")))
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte{0}, 1024))
	f.Fuzz(func(t *testing.T, data []byte) {
		o := Options{MaxTotal: 1 << 20, MaxEntries: 10_000, Want: func(string, int64, fs.FileMode) Capture { return Raw }}.withDefaults()
		b := &budget{o: &o}
		idx, err := walkLayer(context.Background(), bytes.NewReader(data), 0, b)
		if err != nil {
			return
		}
		if idx.read != int64(len(data)) {
			t.Fatalf("read %d of %d bytes", idx.read, len(data))
		}
		img := &Image{Layers: []Layer{{Entries: idx.entries}}}
		merge(img, []*layerIndex{idx})
		img.symlinkLoops()
		for p, e := range img.FS {
			if p != e.Path || p == "" || p[0] != '/' {
				t.Fatalf("bad final path %q for %q", p, e.Path)
			}
			img.Resolve(p)
		}
	})
}

// FuzzParseSaveManifest checks manifest.json parsing and tag selection.
func FuzzParseSaveManifest(f *testing.F) {
	f.Add([]byte(`[{"Config":"c.json","RepoTags":["app:1","app:2"],"Layers":["l/layer.tar"]}]`), "app:1")
	f.Add([]byte(`[{"Config":"c.json","RepoTags":null,"Layers":[]},{"Config":"d.json"}]`), "")
	f.Add([]byte(`{}`), "x")
	f.Fuzz(func(t *testing.T, data []byte, tag string) {
		m, err := ParseSaveManifest(data)
		if err != nil {
			return
		}
		if im, err := pickSaved(m, tag); err == nil && im.Config == "" {
			t.Fatal("picked an image without config")
		}
	})
}

// FuzzDockerSaveArchive feeds arbitrary bytes as a whole docker save
// archive: header index, manifest, config and layer lookup.
func FuzzDockerSaveArchive(f *testing.F) {
	f.Add(tarBytes(f, file("manifest.json", `[{"Config":"c.json","RepoTags":["a:1"],"Layers":["l.tar"]}]`),
		file("c.json", `{"rootfs":{"type":"layers","diff_ids":["sha256:0000000000000000000000000000000000000000000000000000000000000000"]}}`),
		file("l.tar", string(tarBytes(f, file("etc/passwd", "root:x:0:0::/:/bin/sh\n"))))))
	f.Add(tarBytes(f, file("manifest.json", `[]`)))
	f.Add(tarBytes(f, symlink("manifest.json", "manifest.json")))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &dockerSave{ref: "fuzz"}
		idx, err := indexTar(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		s.idx = idx
		raw, err := idx.readAll("manifest.json", maxManifestSize)
		if err != nil {
			return
		}
		m, err := ParseSaveManifest(raw)
		if err != nil {
			return
		}
		s.img = m[0]
		_, err = Walk(context.Background(), s, Options{MaxTotal: 1 << 20, MaxEntries: 10_000})
		if err != nil && errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
	})
}
