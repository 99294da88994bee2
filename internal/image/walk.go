package image

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"
	"sync/atomic"
)

// ErrLimit is wrapped by errors from the size and count caps in Options.
var ErrLimit = errors.New("limit exceeded")

// layerIndex is what one layer walk produces.
type layerIndex struct {
	entries   []Entry
	content   map[int]blob // by index into entries
	anomalies []Anomaly
	read      int64 // uncompressed bytes
}

type blob struct {
	data      []byte
	truncated bool
}

// budget is shared by the layer workers of one image.
type budget struct {
	o       *Options
	total   atomic.Int64
	content atomic.Int64
	entries atomic.Int64

	mu      sync.Mutex
	strings map[string]string
}

// intern stores each path once for the whole image: the same paths recur
// in many layers and in the final filesystem.
func (b *budget) intern(s string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if v, ok := b.strings[s]; ok {
		return v
	}
	if b.strings == nil {
		b.strings = map[string]string{}
	}
	b.strings[s] = s
	return s
}

// progressStep is how often Options.Progress is called, in bytes.
const progressStep = 4 << 20

// meter counts the uncompressed bytes of a layer, enforces the image-wide
// cap and stops the walk when the context is cancelled.
type meter struct {
	r        io.Reader
	ctx      context.Context
	b        *budget
	layer    int
	n        int64
	reported int64
}

func (m *meter) Read(p []byte) (int, error) {
	if err := m.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := m.r.Read(p)
	m.n += int64(n)
	if m.b.total.Add(int64(n)) > m.b.o.MaxTotal {
		return n, fmt.Errorf("image uncompressed size exceeds %d bytes: %w", m.b.o.MaxTotal, ErrLimit)
	}
	if pr := m.b.o.Progress; pr != nil && (m.n-m.reported >= progressStep || (err == io.EOF && m.n != m.reported)) {
		m.reported = m.n
		pr(m.layer, m.n)
	}
	return n, err
}

// walkLayer reads one uncompressed layer tar as a stream and indexes it.
// Content of wanted files is kept; everything else is skipped by reading.
func walkLayer(ctx context.Context, r io.Reader, layer int, b *budget) (*layerIndex, error) {
	m := &meter{r: r, ctx: ctx, b: b, layer: layer}
	idx := &layerIndex{}
	tr := tar.NewReader(m)
	links := map[string]string{} // interned symlink targets: many share one
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			idx.read = m.n
			return idx, fmt.Errorf("read tar: %w", err)
		}
		if err := idx.add(tr, h, layer, b, links); err != nil {
			idx.read = m.n
			return idx, err
		}
	}
	// Drain what follows the end-of-archive marker so that a corrupt or
	// truncated compressed stream is reported, not silently ignored.
	if _, err := io.Copy(io.Discard, m); err != nil {
		idx.read = m.n
		return idx, fmt.Errorf("read layer stream: %w", err)
	}
	idx.read = m.n
	if pr := b.o.Progress; pr != nil && m.n != m.reported {
		pr(layer, m.n)
	}
	return idx, nil
}

func (idx *layerIndex) anomaly(layer int, p, kind, detail string) {
	// A hostile layer could hold millions of odd entries; a few thousand
	// are plenty to report.
	if len(idx.anomalies) < maxAnomaliesPerLayer {
		idx.anomalies = append(idx.anomalies, Anomaly{Layer: layer, Path: p, Kind: kind, Detail: detail})
	}
}

const maxAnomaliesPerLayer = 1000

func (idx *layerIndex) add(tr *tar.Reader, h *tar.Header, layer int, b *budget, links map[string]string) error {
	switch h.Typeflag {
	case tar.TypeXGlobalHeader, tar.TypeXHeader, tar.TypeGNULongName, tar.TypeGNULongLink:
		return nil
	}
	if h.Name == "" || strings.IndexByte(h.Name, 0) >= 0 {
		idx.anomaly(layer, "", AnomalyBadName, fmt.Sprintf("entry name %q", h.Name))
		return nil
	}
	if b.entries.Add(1) > int64(b.o.MaxEntries) {
		return fmt.Errorf("more than %d entries in the image: %w", b.o.MaxEntries, ErrLimit)
	}
	p, escaped := cleanPath(h.Name)
	if escaped {
		idx.anomaly(layer, p, AnomalyPathEscape, fmt.Sprintf("entry name %q normalized into the image root", h.Name))
	}
	dir, base := path.Split(p)
	if strings.HasPrefix(base, ".wh.") {
		return idx.whiteout(b, layer, path.Clean(dir), base)
	}
	t := typeOf(h)
	if p == "/" && t != TypeDir {
		idx.anomaly(layer, p, AnomalyBadName, "non-directory entry for the image root, skipped")
		return nil
	}
	e := Entry{
		Path:  b.intern(p),
		Layer: layer,
		Mode:  h.FileInfo().Mode(),
		UID:   clampID(h.Uid),
		GID:   clampID(h.Gid),
		Type:  t,
	}
	switch t {
	case TypeFile:
		e.Size = h.Size
	case TypeSymlink:
		target, ok := links[h.Linkname]
		if !ok {
			target = h.Linkname
			links[target] = target
		}
		e.Linkname = target
		if symlinkEscapes(path.Dir(p), target) {
			idx.anomaly(layer, p, AnomalySymlinkEscape, fmt.Sprintf("target %q climbs above the image root", target))
		}
	case TypeHardlink:
		lp, esc := cleanPath(h.Linkname)
		if esc {
			idx.anomaly(layer, p, AnomalyPathEscape, fmt.Sprintf("hard link target %q normalized into the image root", h.Linkname))
		}
		e.Linkname = b.intern(lp)
	}
	idx.entries = append(idx.entries, e)
	if t == TypeFile {
		return idx.capture(tr, len(idx.entries)-1, layer, b)
	}
	return nil
}

func (idx *layerIndex) whiteout(b *budget, layer int, dir, base string) error {
	name := strings.TrimPrefix(base, ".wh.")
	switch {
	case base == ".wh..wh..opq":
		idx.entries = append(idx.entries, Entry{Path: b.intern(dir), Layer: layer, Type: TypeOpaque})
	case strings.HasPrefix(name, ".wh."):
		// aufs bookkeeping (.wh..wh.plnk, .wh..wh.aufs): not a deletion.
	case name == "" || name == "." || name == "..":
		idx.anomaly(layer, path.Join(dir, base), AnomalyBadName, "whiteout without a target")
	default:
		idx.entries = append(idx.entries, Entry{Path: b.intern(path.Join(dir, name)), Layer: layer, Type: TypeWhiteout})
	}
	return nil
}

// capture keeps the content of a wanted regular file, within the caps.
func (idx *layerIndex) capture(tr *tar.Reader, i, layer int, b *budget) error {
	e := &idx.entries[i]
	c := b.o.Want(e.Path, e.Size, e.Mode)
	if c == Skip {
		return nil
	}
	n := min(e.Size, b.o.ContentCap)
	if b.content.Add(n) > b.o.MaxContentTotal {
		b.content.Add(-n)
		idx.anomaly(layer, e.Path, AnomalyContentBudget, fmt.Sprintf("content of all wanted files exceeds %d bytes; not kept", b.o.MaxContentTotal))
		return nil
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(tr, buf); err != nil {
		b.content.Add(-n)
		return fmt.Errorf("read %s: %w", e.Path, err)
	}
	if c == Text && isBinary(buf) {
		b.content.Add(-n)
		return nil
	}
	truncated := e.Size > n
	if truncated {
		idx.anomaly(layer, e.Path, AnomalyContentCap, fmt.Sprintf("%d bytes, kept the first %d", e.Size, n))
	}
	if idx.content == nil {
		idx.content = map[int]blob{}
	}
	idx.content[i] = blob{data: buf, truncated: truncated}
	return nil
}

// isBinary uses git's heuristic: a NUL byte in the first 8000 bytes.
func isBinary(b []byte) bool {
	return bytes.IndexByte(b[:min(len(b), 8000)], 0) >= 0
}

func clampID(id int) uint32 {
	if id < 0 || id > 1<<32-1 {
		return 1<<32 - 1
	}
	return uint32(id)
}

// cleanPath maps a tar entry name to an absolute in-image path. escaped
// reports names that were absolute or climbed above the root with "..":
// they are normalized, never followed outside the image.
func cleanPath(name string) (p string, escaped bool) {
	escaped = strings.HasPrefix(name, "/")
	depth := 0
	for rest := name; rest != ""; {
		var c string
		c, rest, _ = strings.Cut(rest, "/")
		switch c {
		case "", ".":
		case "..":
			if depth == 0 {
				escaped = true
			} else {
				depth--
			}
		default:
			depth++
		}
	}
	return path.Clean("/" + name), escaped
}

// symlinkEscapes reports whether a relative target, resolved lexically
// from dir, climbs above the root. Absolute targets are in-image paths.
func symlinkEscapes(dir, target string) bool {
	if strings.HasPrefix(target, "/") {
		return false
	}
	depth := strings.Count(dir, "/")
	if dir == "/" {
		depth = 0
	}
	for rest := target; rest != ""; {
		var c string
		c, rest, _ = strings.Cut(rest, "/")
		switch c {
		case "", ".":
		case "..":
			depth--
			if depth < 0 {
				return true
			}
		default:
			depth++
		}
	}
	return false
}
