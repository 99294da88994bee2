package rules

import (
	"github.com/hardhull/hardhull/internal/buildctx"
	"github.com/hardhull/hardhull/internal/ciconf"
	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/engine"
	"github.com/hardhull/hardhull/internal/image"
	"github.com/hardhull/hardhull/internal/pyapp"
	"github.com/hardhull/hardhull/internal/secrets"
)

// Extensions holds the artifacts of the other kinds; each family adds its
// field here so that adding a kind touches no existing rule.
type Extensions struct {
	// Context is the build context of the pass's Dockerfile (nil when it
	// could not be opened, e.g. a Dockerfile read from stdin).
	Context *buildctx.Context
	// FileSecrets reads a context file (relative path, at most max bytes)
	// and scans its content for secrets, returning the matches and the
	// bytes read. The scan front provides it, so that rules stay free of
	// I/O, and remembers results: contexts shared by several Dockerfiles
	// are scanned once.
	FileSecrets func(rel string, max int) ([]secrets.Match, int, error)
	// DisplayCtx maps a context file's path on disk to a reported path.
	DisplayCtx func(abs string) string

	// Compose is a loaded compose project; Display maps its file paths to
	// the paths findings report.
	Compose *compose.Project
	Display func(string) string

	// Python is one parsed Python source file; PythonPath is its
	// reported path.
	Python       *pyapp.File
	PythonPath   string
	PythonSource []byte

	// TrustedRegistries is policy input: when non-empty, images must come
	// from one of these registries (host, or host/path prefix).
	TrustedRegistries []string

	// Image is a walked image; ImageRef names it in locations.
	Image    *image.Image
	ImageRef string

	// Container is one container from the engine (inspect + top).
	Container *engine.Container

	// CI is one CI pipeline file; its Path is the reported path.
	CI *ciconf.File
}
