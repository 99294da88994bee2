package compose

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"gopkg.in/yaml.v3"
)

// Service is one service of a loaded project: compose-go's effective
// configuration (embedded, so rules read s.Privileged, s.CapDrop, s.Ports
// ...) plus positions, raw values and the derived facts rules need.
type Service struct {
	types.ServiceConfig
	p *Project
}

// Pos returns the position of a key of this service; see Project.Pos.
func (s Service) Pos(keyPath ...string) Position { return s.p.Pos(s.Name, keyPath...) }

// Has reports whether a key is written for this service in any file.
func (s Service) Has(keyPath ...string) bool { return s.p.Has(s.Name, keyPath...) }

// Raw returns a scalar of this service as written; see Project.Raw.
func (s Service) Raw(keyPath ...string) (RawValue, bool) { return s.p.Raw(s.Name, keyPath...) }

// RawEnv returns the service's environment as written; see Project.RawEnv.
func (s Service) RawEnv() map[string]RawValue { return s.p.RawEnv(s.Name) }

// Build says where a service's image is built from.
type Build struct {
	// Context is the build context: an absolute directory, or a URL when
	// RemoteContext is set.
	Context       string
	RemoteContext bool
	// Dockerfile is the absolute path of the Dockerfile; "" when the
	// Dockerfile is inline or the context is remote.
	Dockerfile       string
	DockerfileInline string
	// Target is the stage built (`build.target`); "" means the last stage.
	Target string
}

// BuildSpec returns the service's build, if it has one. The context resolves
// against the project directory and the Dockerfile against the context, as
// `docker compose build` does; neither has to exist.
func (s Service) BuildSpec() (Build, bool) {
	if s.ServiceConfig.Build == nil {
		return Build{}, false
	}
	b := s.ServiceConfig.Build
	out := Build{Context: b.Context, Target: b.Target, DockerfileInline: b.DockerfileInline}
	if out.Context == "" {
		out.Context = "."
	}
	if isRemote(out.Context) || strings.HasPrefix(out.Context, "github.com/") {
		out.RemoteContext = true
		return out, true
	}
	if !filepath.IsAbs(out.Context) {
		out.Context = filepath.Join(s.p.absDir(), out.Context)
	}
	if b.DockerfileInline == "" {
		df := b.Dockerfile
		if df == "" {
			df = "Dockerfile"
		}
		if !filepath.IsAbs(df) {
			df = filepath.Join(out.Context, df)
		}
		out.Dockerfile = filepath.Clean(df)
	}
	return out, true
}

func (p *Project) absDir() string {
	if p.Project != nil && p.Project.WorkingDir != "" {
		return p.Project.WorkingDir
	}
	if abs, err := filepath.Abs(p.Dir); err == nil {
		return abs
	}
	return p.Dir
}

// dataStorePrefixes are image names of databases, caches, brokers and object
// stores: services that should sit on an internal network and not publish
// ports.
var dataStorePrefixes = []string{
	"postgres", "mysql", "mariadb", "mongo", "redis", "valkey", "memcached",
	"elasticsearch", "opensearch", "rabbitmq", "cassandra", "couchdb", "influxdb",
	"neo4j", "clickhouse", "minio", "etcd", "zookeeper", "kafka",
}

// Admin UIs and exporters are named after the store they serve but are not
// stores themselves (mongo-express, redis-commander, postgres-exporter).
var dataStoreNotStores = []string{"express", "commander", "exporter", "insight", "admin", "-ui", "webui", "-web", "dashboards"}

// IsDataStoreImage reports whether an image reference names a database or
// cache image: the last element of the repository path starts with a known
// store name (bitnami/postgresql, redis/redis-stack, docker.elastic.co/elasticsearch/elasticsearch).
func IsDataStoreImage(ref string) bool {
	name := imageName(ref)
	for _, not := range dataStoreNotStores {
		if strings.Contains(name, not) {
			return false
		}
	}
	for _, p := range dataStorePrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// imageName returns the lower-cased last path element of a reference's
// repository, without tag or digest.
func imageName(ref string) string {
	ref = strings.ToLower(strings.TrimSpace(ref))
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndexByte(ref, '/'); i >= 0 {
		ref = ref[i+1:]
	}
	if i := strings.IndexByte(ref, ':'); i >= 0 {
		ref = ref[:i]
	}
	return ref
}

// IsDataStore reports whether the service runs a database or cache image.
func (s Service) IsDataStore() bool { return IsDataStoreImage(s.Image) }

// PublishesOnAllInterfaces reports whether a port entry is reachable on every
// host interface: no host IP, or a wildcard one. Every `ports:` entry
// publishes, even without a host port (Docker picks an ephemeral one).
func PublishesOnAllInterfaces(pc types.ServicePortConfig) bool {
	switch strings.Trim(pc.HostIP, "[]") {
	case "", "0.0.0.0", "::":
		return true
	}
	return false
}

// NetworkAttachment is one network a service joins.
type NetworkAttachment struct {
	Name string
	// Internal is true for a network declared with `internal: true`: no
	// route to the outside world.
	Internal bool
	External bool
	// Declared is false when the service names a network that the
	// top-level `networks:` does not define (Compose would refuse it).
	Declared bool
	Config   *types.ServiceNetworkConfig
}

// NetworkAttachments returns the networks the service joins, sorted by name.
// It is empty when network_mode is set.
func (s Service) NetworkAttachments() []NetworkAttachment {
	out := make([]NetworkAttachment, 0, len(s.Networks))
	for name, cfg := range s.Networks {
		a := NetworkAttachment{Name: name, Config: cfg}
		if n, ok := s.p.Project.Networks[name]; ok {
			a.Declared, a.Internal, a.External = true, n.Internal, bool(n.External)
		}
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// SecretRef is one entry of a service's `secrets:`.
type SecretRef struct {
	Source string
	Target string
	// Mode is the file mode set with the long syntax; nil when not set.
	Mode *os.FileMode
	// Long is true for the long (mapping) syntax.
	Long bool
	// Definition is the top-level secret (file, environment or external);
	// nil when the project does not define it.
	Definition *types.SecretConfig
	Pos        Position
}

// SecretRefs returns the service's secrets in declaration order.
func (s Service) SecretRefs() []SecretRef {
	out := make([]SecretRef, 0, len(s.Secrets))
	for _, sec := range s.Secrets {
		r := SecretRef{Source: sec.Source, Target: sec.Target}
		if sec.Mode != nil {
			m := os.FileMode(*sec.Mode)
			r.Mode = &m
		}
		if def, ok := s.p.Project.Secrets[sec.Source]; ok {
			d := def
			r.Definition = &d
		}
		h, full := s.p.lookup(s.Name, []string{"secrets", sec.Source})
		r.Pos = h.pos()
		if v := resolve(h.val); full && v != nil && v.Kind == yaml.MappingNode {
			r.Long = true
		}
		out = append(out, r)
	}
	return out
}

// HealthState is what a service says about health checking.
type HealthState int

const (
	// HealthUnset: no `healthcheck:`; the image's HEALTHCHECK, if any, applies.
	HealthUnset HealthState = iota
	// HealthDisabled: `disable: true` or `test: ["NONE"]`.
	HealthDisabled
	// HealthDeclared: a test is configured.
	HealthDeclared
)

// Health reports the service's health check state.
func (s Service) Health() HealthState {
	hc := s.HealthCheck
	if hc == nil {
		return HealthUnset
	}
	if hc.Disable || (len(hc.Test) > 0 && strings.EqualFold(hc.Test[0], "NONE")) {
		return HealthDisabled
	}
	if len(hc.Test) == 0 {
		// Only timing overrides: the image's HEALTHCHECK test still applies.
		return HealthUnset
	}
	return HealthDeclared
}

// RestartPolicy returns `restart:`, or else `deploy.restart_policy.condition`
// ("" when neither is set).
func (s Service) RestartPolicy() string {
	if s.Restart != "" {
		return s.Restart
	}
	if s.Deploy != nil && s.Deploy.RestartPolicy != nil {
		return s.Deploy.RestartPolicy.Condition
	}
	return ""
}

// Limits are the effective resource limits; zero means unlimited.
type Limits struct {
	MemoryBytes int64
	CPUs        float64
	Pids        int64
}

// Limits merges `deploy.resources.limits` with the service-level
// `mem_limit`, `cpus` and `pids_limit` (the deploy values win, as in
// Compose, when both are set).
func (s Service) Limits() Limits {
	l := Limits{MemoryBytes: int64(s.MemLimit), CPUs: float64(s.CPUS), Pids: s.PidsLimit}
	if s.Deploy != nil && s.Deploy.Resources.Limits != nil {
		d := s.Deploy.Resources.Limits
		if d.MemoryBytes > 0 {
			l.MemoryBytes = int64(d.MemoryBytes)
		}
		if d.NanoCPUs > 0 {
			l.CPUs = float64(d.NanoCPUs)
		}
		if d.Pids > 0 {
			l.Pids = d.Pids
		}
	}
	return l
}

// HostNamespaces lists the host namespaces the service shares: "network",
// "pid", "ipc", "uts", "userns".
func (s Service) HostNamespaces() []string {
	var out []string
	for _, ns := range []struct{ name, mode string }{
		{"network", s.NetworkMode}, {"pid", s.Pid}, {"ipc", s.Ipc}, {"uts", s.Uts}, {"userns", s.UserNSMode},
	} {
		if ns.mode == "host" {
			out = append(out, ns.name)
		}
	}
	return out
}

// BindMounts returns the volumes that mount a host path.
func (s Service) BindMounts() []types.ServiceVolumeConfig {
	var out []types.ServiceVolumeConfig
	for _, v := range s.Volumes {
		if v.Type == types.VolumeTypeBind {
			out = append(out, v)
		}
	}
	return out
}

// HasTmpfs reports whether a tmpfs is mounted at path (`tmpfs:` or a
// tmpfs-type volume).
func (s Service) HasTmpfs(path string) bool {
	path = filepath.Clean(path)
	for _, t := range s.Tmpfs {
		target, _, _ := strings.Cut(t, ":")
		if filepath.Clean(target) == path {
			return true
		}
	}
	for _, v := range s.Volumes {
		if v.Type == types.VolumeTypeTmpfs && filepath.Clean(v.Target) == path {
			return true
		}
	}
	return false
}

// SecurityOption returns the value of a `security_opt` entry ("seccomp",
// "apparmor", "no-new-privileges", "label"), accepting both `name:value` and
// `name=value`; a bare `no-new-privileges` has the value "true".
func (s Service) SecurityOption(name string) (string, bool) {
	for _, o := range s.SecurityOpt {
		k, v, found := strings.Cut(o, ":")
		if !found {
			k, v, found = strings.Cut(o, "=")
		}
		if !strings.EqualFold(strings.TrimSpace(k), name) {
			continue
		}
		if !found {
			return "true", true
		}
		return strings.TrimSpace(v), true
	}
	return "", false
}

// DropsAllCapabilities reports whether cap_drop contains ALL.
func (s Service) DropsAllCapabilities() bool {
	for _, c := range s.CapDrop {
		if strings.EqualFold(strings.TrimPrefix(strings.ToUpper(c), "CAP_"), "ALL") {
			return true
		}
	}
	return false
}
