package compose

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"gopkg.in/yaml.v3"

	"github.com/hardhull/hardhull/internal/imageref"
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

// RawEnvEntries returns every environment entry of every file; see
// Project.RawEnvEntries.
func (s Service) RawEnvEntries() []EnvEntry { return s.p.RawEnvEntries(s.Name) }

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
	"mssql", "azure-sql-edge", "cockroach", "timescaledb", "postgis", "pgvector", "keydb", "dragonfly", "percona",
}

// Admin UIs and exporters are named after the store they serve but are not
// stores themselves (mongo-express, redis-commander, postgres-exporter).
var dataStoreNotStores = []string{"express", "commander", "exporter", "insight", "admin", "-ui", "webui", "-web", "dashboards", "-client", "-operator", "-sidecar"}

// IsDataStoreImage reports whether an image reference names a database or
// cache image: the last element of the repository path starts with a known
// store name (bitnami/postgresql, redis/redis-stack, docker.elastic.co/elasticsearch/elasticsearch).
func IsDataStoreImage(ref string) bool {
	name := imageName(ref)
	// mcr.microsoft.com/mssql/server: the store is named by the path.
	if l := strings.ToLower(ref); strings.Contains(l, "/mssql/") || strings.HasPrefix(l, "mssql/") {
		return true
	}
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
	return imageref.Name(ref)
}

// IsDataStore reports whether the service runs a database or cache: its
// image is one, or the Dockerfile it builds starts FROM one.
func (s Service) IsDataStore() bool {
	if base := s.BuildBase(); base != "" {
		return IsDataStoreImage(base)
	}
	return IsDataStoreImage(s.Image)
}

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

// WritableAt reports whether path is writable in a read-only container:
// a tmpfs there, or a volume or bind mounted there without read_only.
func (s Service) WritableAt(path string) bool {
	if s.HasTmpfs(path) {
		return true
	}
	for _, v := range s.Volumes {
		if filepath.Clean(v.Target) == filepath.Clean(path) && !v.ReadOnly {
			return true
		}
	}
	return false
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

// Fragment reports whether the service, as merged, has neither image nor
// build: a piece of an overlay whose base was not found. Compose cannot run
// it on its own, so it is judged on what it sets, never on what it lacks.
func (s Service) Fragment() bool { return s.Image == "" && s.ServiceConfig.Build == nil }

// Unresolved reports whether the value at a key is written with a variable
// that neither the `.env` file nor a default resolves (`restart:
// ${RESTART_POLICY}`): the deployment sets it, so the audit cannot know it.
func (s Service) Unresolved(keyPath ...string) bool {
	rv, ok := s.Raw(keyPath...)
	if !ok || !rv.Interpolated {
		return false
	}
	return s.p.unresolvedText(rv.Text)
}

func (p *Project) unresolvedText(text string) bool {
	ip := newInterpolator(p.env)
	if _, err := ip.substitute(text, ip.lookup); err != nil {
		return true
	}
	return ip.hasUnset()
}

// UnresolvedText reports whether a raw value of this project depends on a
// variable nothing resolves.
func (s Service) UnresolvedText(text string) bool {
	return hasReference(text) && s.p.unresolvedText(text)
}

// RawItems returns the scalar entries of a list key (ports, volumes) as
// written, in merge order across files; mapping entries are left out.
func (s Service) RawItems(key string) []RawValue {
	var out []RawValue
	s.eachItem(key, func(file string, _, it *yaml.Node) {
		if it.Kind == yaml.ScalarNode {
			out = append(out, rawScalar(file, it))
		}
	})
	return out
}

// eachItem calls fn for every entry of a list key of the service, in every
// merged file that writes it, in merge order: item as written (for its
// position), it with aliases resolved.
func (s Service) eachItem(key string, fn func(file string, item, it *yaml.Node)) {
	for _, l := range s.p.layers {
		if l.root == nil {
			continue
		}
		h, d := descend(l.file, l.root, []string{"services", s.Name, key})
		if d != 3 {
			continue
		}
		seq := resolve(h.val)
		if seq == nil || seq.Kind != yaml.SequenceNode {
			continue
		}
		for _, item := range seq.Content {
			if it := resolve(item); it != nil {
				fn(l.file, item, it)
			}
		}
	}
}

// ImageAsWritten is the service's image reference as the file writes it
// (`postgres:${POSTGRES_TAG}`), so messages never show a half-interpolated
// reference; the effective image when the file writes none.
func (s Service) ImageAsWritten() string {
	if rv, ok := s.Raw("image"); ok && rv.Interpolated {
		return rv.Text
	}
	return s.Image
}

// OneShot reports whether the service is a job that runs to completion:
// another service waits for it with `condition:
// service_completed_successfully`, or it says `restart: "no"` on purpose.
func (s Service) OneShot() bool {
	if rv, ok := s.Raw("restart"); ok && !rv.Interpolated && strings.Trim(rv.Text, `"'`) == "no" {
		return true
	}
	s.p.jobsOnce.Do(func() {
		s.p.jobs = map[string]bool{}
		for _, other := range s.p.Project.Services {
			for name, dep := range other.DependsOn {
				if dep.Condition == types.ServiceConditionCompletedSuccessfully {
					s.p.jobs[name] = true
				}
			}
		}
	})
	return s.p.jobs[s.Name]
}

// BuildBase returns the image the service's Dockerfile starts FROM (its
// first FROM, with ARG defaults before it substituted), or "" when the
// service does not build from a readable local Dockerfile.
func (s Service) BuildBase() string { return s.buildInfo().from }

// BuildStartText returns the ENV, CMD and ENTRYPOINT lines of the
// Dockerfile the service builds ("" when it builds none): what the image
// starts with, for detectors that look for debug agents.
func (s Service) BuildStartText() string { return s.buildInfo().start }

type dockerfileInfo struct{ from, start string }

func (s Service) buildInfo() dockerfileInfo {
	b, ok := s.BuildSpec()
	if !ok || b.RemoteContext || b.Dockerfile == "" {
		return dockerfileInfo{}
	}
	p := s.p
	p.baseMu.Lock()
	defer p.baseMu.Unlock()
	if p.baseFrom == nil {
		p.baseFrom = map[string]dockerfileInfo{}
	}
	if v, ok := p.baseFrom[b.Dockerfile]; ok {
		return v
	}
	v := readDockerfileInfo(b.Dockerfile)
	p.baseFrom[b.Dockerfile] = v
	return v
}

// readDockerfileInfo reads a Dockerfile's first FROM image, substituting
// the defaults of ARGs declared before it, and its ENV, CMD and ENTRYPOINT
// lines. It reads at most 64 KiB.
func readDockerfileInfo(path string) dockerfileInfo {
	var info dockerfileInfo
	data, err := readBounded(path, 1<<20)
	if err != nil {
		return info
	}
	if len(data) > 64<<10 {
		data = data[:64<<10]
	}
	args := map[string]string{}
	var start strings.Builder
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		switch strings.ToUpper(f[0]) {
		case "ARG":
			if info.from != "" {
				continue
			}
			for _, a := range f[1:] {
				if k, v, ok := strings.Cut(a, "="); ok {
					args[k] = strings.Trim(v, `"'`)
				}
			}
		case "FROM":
			if info.from != "" {
				continue
			}
			for _, w := range f[1:] {
				if !strings.HasPrefix(w, "--") {
					info.from, _ = substituteSimple(w, args)
					break
				}
			}
		case "ENV", "CMD", "ENTRYPOINT":
			start.WriteString(line)
			start.WriteByte('\n')
		}
	}
	info.start = start.String()
	return info
}

// substituteSimple expands $NAME and ${NAME} (and ${NAME:-x}) from args.
func substituteSimple(s string, args map[string]string) (string, bool) {
	var b strings.Builder
	ok := true
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		j := i + 1
		braced := s[j] == '{'
		if braced {
			j++
		}
		k := j
		for k < len(s) && (s[k] == '_' || s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z' || s[k] >= '0' && s[k] <= '9') {
			k++
		}
		name := s[j:k]
		def := ""
		if braced {
			end := strings.IndexByte(s[k:], '}')
			if end < 0 {
				b.WriteString(s[i:])
				return b.String(), false
			}
			if rest := s[k : k+end]; strings.HasPrefix(rest, ":-") || strings.HasPrefix(rest, "-") {
				def = strings.TrimPrefix(strings.TrimPrefix(rest, ":"), "-")
			}
			k += end + 1
		}
		v, found := args[name]
		if !found || v == "" {
			v = def
		}
		if v == "" {
			ok = false
		}
		b.WriteString(v)
		i = k - 1
	}
	return b.String(), ok
}

// PortPositions locates, in every merged file that writes it, the `ports:`
// entry that publishes pc (matched on target and published port after
// interpolation), in merge order.
func (s Service) PortPositions(pc types.ServicePortConfig) []Position {
	target := strconv.FormatUint(uint64(pc.Target), 10)
	var out []Position
	s.eachItem("ports", func(file string, item, it *yaml.Node) {
		var t, pub string
		proto := "tcp"
		switch it.Kind {
		case yaml.ScalarNode:
			v := s.p.interpolated(it.Value)
			if i := strings.IndexByte(v, '/'); i >= 0 {
				v, proto = v[:i], strings.ToLower(v[i+1:])
			}
			parts := strings.Split(v, ":")
			t = parts[len(parts)-1]
			if len(parts) >= 2 {
				pub = parts[len(parts)-2]
			}
		case yaml.MappingNode:
			if _, v := mapGet(it, "target"); resolve(v) != nil {
				t = s.p.interpolated(resolve(v).Value)
			}
			if _, v := mapGet(it, "published"); resolve(v) != nil {
				pub = s.p.interpolated(resolve(v).Value)
			}
			if _, v := mapGet(it, "protocol"); resolve(v) != nil {
				proto = strings.ToLower(resolve(v).Value)
			}
		}
		want := strings.ToLower(pc.Protocol)
		if want == "" {
			want = "tcp"
		}
		if proto == want && portIn(target, t) && (pub == pc.Published || pc.Published != "" && portIn(pc.Published, pub)) {
			out = append(out, Position{File: file, Line: item.Line, Column: item.Column})
		}
	})
	return out
}

// portIn reports whether port p is spec (a number or a range a-b).
func portIn(p, spec string) bool {
	spec = strings.TrimSpace(strings.Trim(spec, `"'`))
	if p == spec {
		return true
	}
	lo, hi, ok := strings.Cut(spec, "-")
	if !ok {
		return false
	}
	n, err1 := strconv.Atoi(p)
	a, err2 := strconv.Atoi(lo)
	b, err3 := strconv.Atoi(hi)
	return err1 == nil && err2 == nil && err3 == nil && n >= a && n <= b
}

// interpolated substitutes a raw value as the loader does (unset variables
// become "").
func (p *Project) interpolated(text string) string {
	if !hasReference(text) {
		return text
	}
	ip := newInterpolator(p.env)
	v, err := ip.substitute(text, ip.lookup)
	if err != nil {
		return text
	}
	return v
}

// RawTexts returns, for every file that sets a key of this service, the
// value as written: a scalar as is, a list's scalar items each
// single-quoted and joined by spaces (so a shell reads the same words). A later file's command replaces an earlier one's, but each file
// ships its own.
func (s Service) RawTexts(key string) []RawValue {
	var out []RawValue
	for _, l := range s.p.layers {
		if l.root == nil {
			continue
		}
		h, d := descend(l.file, l.root, []string{"services", s.Name, key})
		if d != 3 {
			continue
		}
		v := resolve(h.val)
		if v == nil {
			continue
		}
		rv := RawValue{File: l.file, Line: h.key.Line, Column: h.key.Column}
		switch v.Kind {
		case yaml.ScalarNode:
			rv.Text = v.Value
		case yaml.SequenceNode:
			var parts []string
			for _, item := range v.Content {
				if it := resolve(item); it != nil && it.Kind == yaml.ScalarNode {
					parts = append(parts, "'"+strings.ReplaceAll(it.Value, "'", `'\''`)+"'")
				}
			}
			rv.Text = strings.Join(parts, " ")
		default:
			continue
		}
		rv.Interpolated = hasReference(rv.Text)
		out = append(out, rv)
	}
	return out
}

// VolumePositions locates, in every merged file that writes it, the
// `volumes:` entry that mounts at target (after interpolation), in merge
// order.
func (s Service) VolumePositions(target string) []Position {
	target = filepath.Clean(target)
	var out []Position
	s.eachItem("volumes", func(file string, item, it *yaml.Node) {
		t := ""
		switch it.Kind {
		case yaml.ScalarNode:
			parts := strings.Split(s.p.interpolated(it.Value), ":")
			switch {
			case len(parts) >= 2 && strings.HasPrefix(parts[1], "/"):
				t = parts[1]
			case len(parts) >= 3 && len(parts[0]) == 1: // C:\src:/target on Windows
				t = parts[2]
			default:
				t = parts[0] // an anonymous volume
			}
		case yaml.MappingNode:
			if _, v := mapGet(it, "target"); resolve(v) != nil {
				t = s.p.interpolated(resolve(v).Value)
			}
		}
		if t != "" && filepath.Clean(t) == target {
			out = append(out, Position{File: file, Line: item.Line, Column: item.Column})
		}
	})
	return out
}
