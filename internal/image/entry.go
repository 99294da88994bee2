package image

import (
	"archive/tar"
	"io/fs"
)

// Type is the kind of a layer entry.
type Type uint8

// Entry types. Whiteout and Opaque only appear in per-layer indexes: they
// record what a layer deleted, never what the final filesystem holds.
const (
	TypeFile Type = iota
	TypeDir
	TypeSymlink
	TypeHardlink
	TypeCharDev
	TypeBlockDev
	TypeFIFO
	TypeWhiteout // Path is the path this layer deletes
	TypeOpaque   // Path is the directory whose lower content this layer hides
	TypeOther
)

var typeNames = [...]string{"file", "dir", "symlink", "hardlink", "chardev", "blockdev", "fifo", "whiteout", "opaque", "other"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "unknown"
}

// Entry is one path in one layer. It is kept small because images hold
// tens of thousands of them; path strings are interned across layers.
type Entry struct {
	Path     string // cleaned, absolute, inside the image
	Linkname string // symlink target as written, or cleaned hardlink target
	Size     int64
	Layer    int // index into Image.Layers of the layer that carries it
	Mode     fs.FileMode
	UID      uint32
	GID      uint32
	Type     Type
}

// IsRegular reports whether e is a regular file with content in its layer.
func (e *Entry) IsRegular() bool { return e.Type == TypeFile }

func typeOf(h *tar.Header) Type {
	switch h.Typeflag {
	case tar.TypeReg, tar.TypeGNUSparse, tar.TypeCont:
		return TypeFile
	case tar.TypeDir:
		return TypeDir
	case tar.TypeSymlink:
		return TypeSymlink
	case tar.TypeLink:
		return TypeHardlink
	case tar.TypeChar:
		return TypeCharDev
	case tar.TypeBlock:
		return TypeBlockDev
	case tar.TypeFifo:
		return TypeFIFO
	}
	return TypeOther
}

// Anomaly is something odd in a layer that is recorded rather than fatal:
// hostile or broken tars still yield a model.
type Anomaly struct {
	Layer  int
	Path   string
	Kind   string // one of the Anomaly* constants
	Detail string
}

// Anomaly kinds.
const (
	AnomalyPathEscape      = "path-escape"       // entry name with .. or an absolute path, normalized into the root
	AnomalySymlinkEscape   = "symlink-escape"    // relative symlink climbing above the image root
	AnomalySymlinkLoop     = "symlink-loop"      // symlink that never resolves
	AnomalyHardlinkMissing = "hardlink-missing"  // hard link to a path that does not exist
	AnomalyDuplicate       = "duplicate-entry"   // same path twice in one layer; the later one wins
	AnomalyContentCap      = "content-truncated" // wanted file larger than the content cap
	AnomalyContentBudget   = "content-budget"    // total captured content limit reached
	AnomalyBadName         = "bad-name"          // empty or NUL-containing entry name, skipped
)
