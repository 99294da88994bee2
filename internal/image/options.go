package image

import (
	"io/fs"
	"runtime"

	"github.com/google/go-containerregistry/pkg/authn"
)

// Defaults for Options fields left zero.
const (
	DefaultMaxTotal        = 64 << 30  // uncompressed bytes read per image
	DefaultContentCap      = 1 << 20   // bytes kept per wanted file
	DefaultMaxContentTotal = 64 << 20  // bytes kept for all wanted files together
	DefaultMaxEntries      = 2_000_000 // entries across all layers
)

// Options tune how an image is opened and walked. The zero value is usable.
type Options struct {
	Tag      string // docker save with several tags, or an OCI layout ref name
	Platform string // os/arch[/variant] to pick from an index; default linux/amd64 or the only one
	Insecure bool   // allow plain HTTP registries
	// NoDaemon skips the local engine for a reference without a prefix
	// (registry only).
	NoDaemon bool

	Keychain authn.Keychain // registry credentials; default authn.DefaultKeychain

	Workers         int   // layers read in parallel; default GOMAXPROCS
	MaxTotal        int64 // cap on uncompressed bytes for the whole image
	ContentCap      int64 // cap on bytes kept per wanted file; longer files are truncated
	MaxContentTotal int64 // cap on bytes kept for all wanted files
	MaxEntries      int   // cap on entries across all layers

	// Want picks the files whose content is kept; default DefaultWant.
	Want Want
	// Progress, when set, is called from the layer workers (concurrently)
	// with the uncompressed bytes read so far in that layer.
	Progress func(layer int, bytesRead int64)
}

// Capture says whether and how a file's content is kept.
type Capture uint8

// Capture modes: Text content is dropped when it sniffs as binary.
const (
	Skip Capture = iota
	Text
	Raw
)

// Want decides, from a tar header alone, whether a regular file's content
// is kept. path is cleaned and absolute.
type Want func(path string, size int64, mode fs.FileMode) Capture

func (o Options) withDefaults() Options {
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.MaxTotal <= 0 {
		o.MaxTotal = DefaultMaxTotal
	}
	if o.ContentCap <= 0 {
		o.ContentCap = DefaultContentCap
	}
	if o.MaxContentTotal <= 0 {
		o.MaxContentTotal = DefaultMaxContentTotal
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = DefaultMaxEntries
	}
	if o.Want == nil {
		o.Want = DefaultWant
	}
	if o.Keychain == nil {
		o.Keychain = authn.DefaultKeychain
	}
	return o
}
