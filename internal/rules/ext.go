package rules

import (
	"time"

	"github.com/hardhull/hardhull/internal/buildctx"
	"github.com/hardhull/hardhull/internal/ciconf"
	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/daemon"
	"github.com/hardhull/hardhull/internal/engine"
	"github.com/hardhull/hardhull/internal/image"
	"github.com/hardhull/hardhull/internal/pyapp"
	"github.com/hardhull/hardhull/internal/pydeps"
	"github.com/hardhull/hardhull/internal/secrets"
	"github.com/hardhull/hardhull/internal/verify"
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

	// Deps is one parsed Python dependency file (requirements, lock).
	Deps *pydeps.File

	// Vulns is the vulnerability match of the pass's image or build
	// context: nil when vulnerability scanning is off.
	Vulns *VulnScan

	// Container is one container from the engine (inspect + top).
	Container *engine.Container

	// CI is one CI pipeline file; its Path is the reported path.
	CI *ciconf.File
	// Daemon is an engine's configuration, from its API or a daemon.json.
	// Container passes get it too when the daemon.json the engine runs
	// with is known: daemon-wide defaults do not show in inspect.
	// DaemonFile is the daemon.json the running engine was started with,
	// when one was read next to the API: engine rules compare the two.
	Daemon     *daemon.Settings
	DaemonFile *daemon.Settings
	// Now is the date release support is judged against (zero: today).
	Now time.Time

	// Integrity is one image's signature and provenance verdict.
	Integrity *verify.Verdict
}
