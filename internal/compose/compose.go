// Package compose loads Docker Compose projects for auditing.
//
// The effective model comes from compose-spec/compose-go, the loader Docker
// Compose itself uses (multi-file merge, interpolation, extends, include,
// profiles). Alongside it, every file is parsed with yaml.v3 so that rules can
// point at the line of any key and can tell a literal value from an
// interpolated one (`${SECRET_KEY}` is not a hardcoded secret).
//
// Loading is lenient where an audit must be: every profile is enabled, env
// files and build contexts need not exist, remote includes are never fetched
// and a missing `${VAR:?err}` variable becomes a warning, not an error.
package compose

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// DefaultMaxFileSize bounds each compose file read; real compose files are
// kilobytes, so anything larger is refused rather than parsed.
const DefaultMaxFileSize = 8 << 20

// Options selects what Load reads.
type Options struct {
	// Files are the compose files in merge order, as `docker compose -f a -f b`
	// takes them. The first file's directory is the project directory.
	Files []string
	// Env holds variables for interpolation. They take precedence over the
	// `.env` file next to the first compose file. The process environment is
	// never consulted, so a scan does not depend on who runs it.
	Env map[string]string
	// ProjectName overrides the name from `name:` or the directory.
	ProjectName string
	// MaxFileSize bounds each file read; 0 means DefaultMaxFileSize.
	MaxFileSize int64
	// Shadowed are default-named files beside the base that `docker
	// compose` does not read (Set.Shadowed); they are recorded, not loaded.
	Shadowed []string
}

// Project is a loaded compose project: compose-go's merged, interpolated
// model plus the raw YAML of every file it came from.
type Project struct {
	// Name is the compose project name.
	Name string
	// Dir is the project directory (the first file's directory).
	Dir string
	// Files are the compose files given, in merge order, then any local
	// `include`d files, with paths as given (joined onto the including
	// file's directory for includes).
	Files []string
	// Project is compose-go's merged, interpolated model. Every profile is
	// enabled, so Project.Services holds every service.
	Project *types.Project
	// Warnings are non-fatal problems met while loading: unset variables,
	// skipped remote includes, values dropped because they could not be
	// interpolated.
	Warnings []string
	// Legacy are the files written in compose file format v1 (services at
	// the top level), audited as the v2 documents they convert to.
	Legacy []string
	// Shadowed are files with another default name in the base's folder
	// that `docker compose` does not read (see Set.Shadowed).
	Shadowed []string

	layers []*layer // parsed documents, in merge order
	opts   Options
	extra  map[string][]*layer // files reached through extends.file, lazily parsed
	env    map[string]string   // the interpolation environment

	svcOnce  sync.Once
	services []Service
	jobsOnce sync.Once
	jobs     map[string]bool // services others wait on to complete

	baseMu   sync.Mutex
	baseFrom map[string]dockerfileInfo // Dockerfile -> what it starts FROM and with
}

// Error is a load failure that names the file and, where known, the line.
type Error struct {
	File   string
	Line   int // 0 when unknown
	Column int // 0 when unknown
	Msg    string
	Err    error
}

func (e *Error) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, e.Line)
		if e.Column > 0 {
			loc = fmt.Sprintf("%s:%d", loc, e.Column)
		}
	}
	return loc + ": " + e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Load reads, merges and interpolates the compose files in opts.Files.
func Load(ctx context.Context, opts Options) (*Project, error) {
	if len(opts.Files) == 0 {
		return nil, errors.New("compose: no compose file given")
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	p := &Project{opts: opts, extra: map[string][]*layer{}}
	p.Dir = filepath.Dir(opts.Files[0])
	p.Shadowed = opts.Shadowed

	contents := make(map[string][]byte, len(opts.Files))
	for _, f := range opts.Files {
		f = filepath.Clean(f)
		data, err := readBounded(f, opts.MaxFileSize)
		if err != nil {
			return nil, &Error{File: f, Msg: err.Error(), Err: err}
		}
		ls, err := parseLayers(f, data)
		if err != nil {
			return nil, err
		}
		if len(ls) == 1 && isLegacy(ls[0].root) {
			conv, err := convertLegacy(f, ls[0])
			if err != nil {
				return nil, err
			}
			p.Legacy = append(p.Legacy, f)
			p.Files = append(p.Files, f)
			p.layers = append(p.layers, ls...)
			contents[f] = conv
			continue
		}
		if err := checkComposeShape(f, ls); err != nil {
			return nil, err
		}
		p.Files = append(p.Files, f)
		p.layers = append(p.layers, ls...)
		contents[f] = withoutVersion(data, ls)
	}

	env := p.environment()
	p.env = env
	skipInclude := p.addIncludes(env)

	ip := newInterpolator(env)
	proj, err := p.loadModel(ctx, contents, env, ip, skipInclude)
	if err != nil && ip.hasUnset() {
		// Docker Compose substitutes "" for unset variables, which breaks
		// typed fields (`shm_size: ${SHM}`, `"${DATA}:/data"`). An audit
		// still wants the rest of the file, so drop those values and retry.
		lenient := map[string][]byte{}
		var dropped []string
		for _, f := range p.Files[:len(opts.Files)] {
			data, d, lerr := dropUnresolved(f, contents[f], env)
			if lerr != nil {
				break
			}
			lenient[f] = data
			dropped = append(dropped, d...)
		}
		if len(lenient) == len(opts.Files) && len(dropped) > 0 {
			ip2 := newInterpolator(env)
			if proj2, err2 := p.loadModel(ctx, lenient, env, ip2, skipInclude); err2 == nil {
				proj, err, ip = proj2, nil, ip2
				p.Warnings = append(p.Warnings, dropped...)
			}
		}
	}
	if err != nil {
		return nil, p.wrapLoadError(err)
	}
	p.Warnings = append(p.Warnings, ip.warnings()...)
	p.Project = proj
	p.Name = proj.Name
	return p, nil
}

// loadModel runs compose-go over the given file contents.
func (p *Project) loadModel(ctx context.Context, contents map[string][]byte, env map[string]string, ip *interpolator, skipInclude bool) (*types.Project, error) {
	files := make([]types.ConfigFile, 0, len(p.opts.Files))
	for _, f := range p.Files[:len(p.opts.Files)] {
		abs, err := filepath.Abs(f)
		if err != nil {
			abs = f
		}
		files = append(files, types.ConfigFile{Filename: abs, Content: contents[f]})
	}
	workDir, err := filepath.Abs(p.Dir)
	if err != nil {
		workDir = p.Dir
	}
	envCopy := make(map[string]string, len(env))
	for k, v := range env {
		envCopy[k] = v
	}
	details := types.ConfigDetails{WorkingDir: workDir, ConfigFiles: files, Environment: envCopy}

	name := p.opts.ProjectName
	explicit := name != ""
	if !explicit {
		name = loader.NormalizeProjectName(filepath.Base(workDir))
		if name == "" {
			name = "default"
		}
	}
	return loader.LoadWithContext(ctx, details, func(o *loader.Options) {
		o.SetProjectName(loader.NormalizeProjectName(name), explicit)
		o.Profiles = []string{"*"} // an audit must see every service
		o.SkipConsistencyCheck = true
		o.SkipResolveEnvironment = true // env_file need not exist
		o.SkipResolveLabels = true      // label_file need not exist
		o.SkipInclude = skipInclude
		o.ResolvePaths = true
		o.Interpolate.LookupValue = ip.lookup
		o.Interpolate.Substitute = ip.substitute
	})
}

// environment merges the `.env` next to the first file under Options.Env.
func (p *Project) environment() map[string]string {
	env := map[string]string{}
	dotEnv := filepath.Join(p.Dir, ".env")
	if st, err := os.Stat(dotEnv); err == nil && st.Mode().IsRegular() {
		if st.Size() > p.opts.MaxFileSize {
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s: larger than %d bytes, ignored", dotEnv, p.opts.MaxFileSize))
		} else if f, err := os.Open(dotEnv); err == nil {
			vars, perr := dotenv.ParseWithLookup(f, func(k string) (string, bool) {
				v, ok := p.opts.Env[k]
				return v, ok
			})
			f.Close()
			if perr != nil {
				p.Warnings = append(p.Warnings, fmt.Sprintf("%s: %v", dotEnv, perr))
			}
			for k, v := range vars {
				env[k] = v
			}
		}
	}
	for k, v := range p.opts.Env {
		env[k] = v
	}
	return env
}

// Services returns every service, sorted by name. The list is built once
// per project: every rule walks it.
func (p *Project) Services() []Service {
	p.svcOnce.Do(func() { p.services = p.buildServices() })
	return p.services
}

func (p *Project) buildServices() []Service {
	names := make([]string, 0, len(p.Project.Services))
	for n := range p.Project.Services {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]Service, 0, len(names))
	for _, n := range names {
		out = append(out, Service{ServiceConfig: p.Project.Services[n], p: p})
	}
	return out
}

// Service returns the named service.
func (p *Project) Service(name string) (Service, bool) {
	s, ok := p.Project.Services[name]
	if !ok {
		return Service{}, false
	}
	return Service{ServiceConfig: s, p: p}, true
}

// Network returns the top-level definition of a network.
func (p *Project) Network(name string) (types.NetworkConfig, bool) {
	n, ok := p.Project.Networks[name]
	return n, ok
}

// readBounded reads a regular file of at most max bytes.
func readBounded(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if st.Size() > max {
		return nil, fmt.Errorf("file is %d bytes, larger than the %d byte limit for compose files", st.Size(), max)
	}
	// The file may grow between Stat and Read: bound the read itself too.
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("file is larger than the %d byte limit for compose files", max)
	}
	return data, nil
}

// isRemote reports whether a compose resource reference points outside the
// local filesystem; those are never fetched.
func isRemote(ref string) bool {
	return strings.Contains(ref, "://") || strings.HasPrefix(ref, "git@") || strings.HasPrefix(ref, "oci:")
}
