package image

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Image is the model the image rules consume.
type Image struct {
	Ref          string
	Digest       string // manifest digest; empty for a docker save tarball, which has none
	ConfigDigest string // sha256 of the raw config: the image ID
	Config       *v1.ConfigFile
	Layers       []Layer
	FS           map[string]*Entry // the final filesystem, by path
	Deleted      []*Entry          // removed by a later whiteout; Entry.Layer still carries the bytes
	Shadowed     []*Entry          // regular files replaced by a later layer; their bytes stay too
	Anomalies    []Anomaly

	contents map[*Entry]blob
}

// Layer is one filesystem layer and its index.
type Layer struct {
	Digest           string // compressed blob digest when the source has one
	DiffID           string
	MediaType        string
	Size             int64 // stored (compressed) size, -1 when unknown
	UncompressedSize int64
	CreatedBy        string // from the config history, skipping empty_layer entries
	Files            int    // entries other than whiteouts
	Entries          []Entry
}

// ID names a layer in locations: the digest when known, else the diff ID.
func (l *Layer) ID() string {
	if l.Digest != "" {
		return l.Digest
	}
	return l.DiffID
}

// Load opens ref and walks it.
func Load(ctx context.Context, ref string, opts Options) (*Image, error) {
	src, err := Open(ctx, ref, opts)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	return Walk(ctx, src, opts)
}

// maxConfigSize bounds the config blob read into memory.
const maxConfigSize = 64 << 20

// Walk reads every layer of src once, in parallel, and builds the model.
func Walk(ctx context.Context, src Source, opts Options) (*Image, error) {
	o := opts.withDefaults()
	raw, err := src.RawConfig()
	if err != nil {
		return nil, fmt.Errorf("%s: read config: %w", src.Ref(), err)
	}
	cfg, err := v1.ParseConfigFile(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: parse config: %w", src.Ref(), err)
	}
	sum := sha256.Sum256(raw)
	img := &Image{
		Ref:          src.Ref(),
		Digest:       src.Digest(),
		ConfigDigest: "sha256:" + hex.EncodeToString(sum[:]),
		Config:       cfg,
	}
	srcLayers, err := src.Layers()
	if err != nil {
		return nil, fmt.Errorf("%s: list layers: %w", src.Ref(), err)
	}
	created := historyForLayers(cfg.History, len(srcLayers))
	img.Layers = make([]Layer, len(srcLayers))
	for i, l := range srcLayers {
		img.Layers[i] = Layer{Digest: l.Digest, DiffID: l.DiffID, MediaType: l.MediaType, Size: l.Size, CreatedBy: created[i]}
		if img.Layers[i].DiffID == "" && i < len(cfg.RootFS.DiffIDs) {
			img.Layers[i].DiffID = cfg.RootFS.DiffIDs[i].String()
		}
	}

	idxs, err := walkLayers(ctx, img, srcLayers, &o)
	if err != nil {
		return nil, err
	}
	img.contents = map[*Entry]blob{}
	for i, idx := range idxs {
		l := &img.Layers[i]
		l.Entries = idx.entries
		l.UncompressedSize = idx.read
		for _, e := range idx.entries {
			if e.Type != TypeWhiteout && e.Type != TypeOpaque {
				l.Files++
			}
		}
		for j, b := range idx.content {
			img.contents[&l.Entries[j]] = b
		}
	}
	merge(img, idxs)
	for _, idx := range idxs {
		img.Anomalies = append(img.Anomalies, idx.anomalies...)
	}
	img.Anomalies = append(img.Anomalies, img.symlinkLoops()...)
	return img, nil
}

func walkLayers(ctx context.Context, img *Image, layers []LayerSource, o *Options) ([]*layerIndex, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	b := &budget{o: o}
	idxs := make([]*layerIndex, len(layers))
	errs := make([]error, len(layers))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(o.Workers, len(layers)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				idxs[i], errs[i] = walkOne(ctx, i, layers[i], b)
				if errs[i] != nil {
					errs[i] = fmt.Errorf("%s: layer %d (%s): %w", img.Ref, i, img.Layers[i].ID(), errs[i])
					cancel()
				}
			}
		}()
	}
	for i := range layers {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	// Report the root cause, not the cancellations it triggered in others.
	var first error
	for _, err := range errs {
		if err == nil {
			continue
		}
		if !errors.Is(err, context.Canceled) || ctx.Err() == nil {
			return nil, err
		}
		if first == nil {
			first = err
		}
	}
	if first != nil {
		return nil, first
	}
	return idxs, nil
}

func walkOne(ctx context.Context, i int, l LayerSource, b *budget) (*layerIndex, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rc, err := l.Open()
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	defer rc.Close()
	return walkLayer(ctx, rc, i, b)
}

// historyForLayers aligns history created_by with layers: entries marked
// empty_layer produced no layer.
func historyForLayers(h []v1.History, n int) []string {
	out := make([]string, n)
	i := 0
	for _, e := range h {
		if e.EmptyLayer {
			continue
		}
		if i >= n {
			break
		}
		out[i] = e.CreatedBy
		i++
	}
	return out
}

// Lookup returns the final-filesystem entry at p, without following links.
func (img *Image) Lookup(p string) *Entry {
	return img.FS[path.Clean("/"+p)]
}

// maxHops bounds symlink resolution, as the kernel does.
const maxHops = 40

// Resolve follows symlinks (in every component) and hard links to the entry
// p finally names. Loops and dangling links give false.
func (img *Image) Resolve(p string) (*Entry, bool) {
	rp, ok := img.resolvePath(path.Clean("/"+p), maxHops)
	if !ok {
		return nil, false
	}
	e := img.FS[rp]
	if e == nil {
		return nil, false
	}
	if e.Type == TypeHardlink {
		t := img.FS[e.Linkname]
		if t == nil || t.Type != TypeFile {
			return nil, false
		}
		return t, true
	}
	return e, true
}

func (img *Image) resolvePath(p string, hops int) (string, bool) {
	todo := strings.Split(strings.TrimPrefix(p, "/"), "/")
	cur := "/"
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			cur = path.Dir(cur)
			continue
		}
		next := path.Join(cur, c)
		e := img.FS[next]
		if e == nil || e.Type != TypeSymlink {
			cur = next
			continue
		}
		hops--
		if hops < 0 {
			return "", false
		}
		target := e.Linkname
		if strings.HasPrefix(target, "/") {
			cur = "/"
		}
		todo = append(strings.Split(target, "/"), todo...)
	}
	return cur, true
}

// symlinkLoops records final-filesystem symlinks that never resolve.
func (img *Image) symlinkLoops() []Anomaly {
	var out []Anomaly
	for p, e := range img.FS {
		if e.Type != TypeSymlink {
			continue
		}
		if _, ok := img.resolvePath(p, maxHops); !ok {
			out = append(out, Anomaly{Layer: e.Layer, Path: p, Kind: AnomalySymlinkLoop, Detail: fmt.Sprintf("more than %d links to resolve %q", maxHops, e.Linkname)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Content returns the kept content of the file p names in the final
// filesystem, following links. ok is false when it was not kept.
func (img *Image) Content(p string) ([]byte, bool) {
	e, ok := img.Resolve(p)
	if !ok {
		return nil, false
	}
	return img.EntryContent(e)
}

// EntryContent returns the kept content of any entry, including deleted
// and shadowed ones.
func (img *Image) EntryContent(e *Entry) ([]byte, bool) {
	b, ok := img.contents[e]
	return b.data, ok
}

// Truncated reports whether the kept content of e stops at the content cap.
func (img *Image) Truncated(e *Entry) bool { return img.contents[e].truncated }

// Paths returns the final filesystem's paths, sorted.
func (img *Image) Paths() []string {
	out := make([]string, 0, len(img.FS))
	for p := range img.FS {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Source is an opened image, wherever it came from.
type Source interface {
	Ref() string
	Digest() string // manifest digest, or "" when the source has no manifest
	RawConfig() ([]byte, error)
	Layers() ([]LayerSource, error)
	Close() error
}

// LayerSource is one layer of a Source.
type LayerSource struct {
	Digest    string
	DiffID    string
	MediaType string
	Size      int64
	// Open returns the uncompressed tar stream.
	Open func() (io.ReadCloser, error)
}
