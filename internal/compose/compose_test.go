package compose

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func load(t *testing.T, opts Options) *Project {
	t.Helper()
	p, err := Load(context.Background(), opts)
	if err != nil {
		t.Fatalf("Load(%v): %v", opts.Files, err)
	}
	return p
}

func fastapi(t *testing.T) *Project {
	return load(t, Options{Files: DefaultFiles("testdata/fastapi")})
}

func TestDefaultFiles(t *testing.T) {
	dir := t.TempDir()
	touch := func(names ...string) {
		for _, n := range names {
			if err := os.WriteFile(filepath.Join(dir, n), []byte("services: {}\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := DefaultFiles(dir); got != nil {
		t.Fatalf("empty dir: got %v", got)
	}
	touch("docker-compose.yaml", "docker-compose.override.yml")
	want := []string{filepath.Join(dir, "docker-compose.yaml"), filepath.Join(dir, "docker-compose.override.yml")}
	if got := DefaultFiles(dir); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	// compose.yaml is preferred over docker-compose.*, and an override of
	// either family goes with it, as in `docker compose`.
	touch("compose.yaml", "docker-compose.yml")
	want = []string{filepath.Join(dir, "compose.yaml"), filepath.Join(dir, "docker-compose.override.yml")}
	if got := DefaultFiles(dir); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	touch("compose.override.yaml")
	want = []string{filepath.Join(dir, "compose.yaml"), filepath.Join(dir, "compose.override.yaml")}
	if got := DefaultFiles(dir); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := DefaultFiles(filepath.Join(dir, "sub")); got != nil {
		t.Fatalf("parent directories must not be searched: got %v", got)
	}
}

func TestLoadFastAPI(t *testing.T) {
	p := fastapi(t)
	if p.Name != "shop" {
		t.Errorf("Name = %q, want shop (from name:)", p.Name)
	}
	if p.Dir != "testdata/fastapi" {
		t.Errorf("Dir = %q", p.Dir)
	}
	var names []string
	for _, s := range p.Services() {
		names = append(names, s.Name)
	}
	// nginx is behind a profile: an audit sees it anyway.
	if want := []string{"api", "db", "nginx", "redis"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("services = %v, want %v", names, want)
	}
	if !slices.ContainsFunc(p.Warnings, func(w string) bool { return strings.Contains(w, "DB_PASSWORD") && strings.Contains(w, "required") }) {
		t.Errorf("missing ${DB_PASSWORD:?} must be a warning, got %v", p.Warnings)
	}

	api, _ := p.Service("api")
	if !api.Privileged || !slices.Contains(api.CapAdd, "SYS_ADMIN") {
		t.Errorf("override not merged: privileged=%v cap_add=%v", api.Privileged, api.CapAdd)
	}
	if got := *api.Environment["LOG_LEVEL"]; got != "debug" {
		t.Errorf("LOG_LEVEL = %q, want the override's debug", got)
	}
	if got := *api.Environment["SECRET_KEY"]; got != "dotenv-secret" {
		t.Errorf("SECRET_KEY = %q, want the .env value", got)
	}
	if got := *api.Environment["PRICE_SUFFIX"]; got != "$USD" {
		t.Errorf("PRICE_SUFFIX = %q, want $$ unescaped", got)
	}
	if api.Image != "shop/api:dev" {
		t.Errorf("image = %q, want default applied", api.Image)
	}
	if len(api.Ports) != 1 || api.Ports[0].Published != "8001" || api.Ports[0].Target != 8000 {
		t.Errorf("ports = %+v, want 8001 (from .env) -> 8000", api.Ports)
	}
	b, ok := api.BuildSpec()
	abs, _ := filepath.Abs("testdata/fastapi")
	wantBuild := Build{Context: filepath.Join(abs, "app"), Dockerfile: filepath.Join(abs, "app/docker/Dockerfile.prod"), Target: "runtime"}
	if !ok || b != wantBuild {
		t.Errorf("BuildSpec = %+v, want %+v", b, wantBuild)
	}
	if l := api.Limits(); l != (Limits{MemoryBytes: 512 << 20, CPUs: 0.5, Pids: 100}) {
		t.Errorf("Limits = %+v", l)
	}
	if v, ok := api.SecurityOption("no-new-privileges"); !ok || v != "true" {
		t.Errorf("no-new-privileges = %q, %v", v, ok)
	}
	if !api.DropsAllCapabilities() || !api.ReadOnly || !api.HasTmpfs("/tmp") || api.User != "1000:1000" {
		t.Errorf("hardening not read: %+v", api.ContainerSpec)
	}
	if api.Health() != HealthDeclared || api.RestartPolicy() != "unless-stopped" {
		t.Errorf("health=%v restart=%q", api.Health(), api.RestartPolicy())
	}
	nets := api.NetworkAttachments()
	if len(nets) != 2 || nets[0].Name != "backend" || !nets[0].Internal || nets[1].Internal {
		t.Errorf("networks = %+v", nets)
	}

	db, _ := p.Service("db")
	if !db.IsDataStore() || api.IsDataStore() {
		t.Errorf("IsDataStore: db=%v api=%v", db.IsDataStore(), api.IsDataStore())
	}
	if !PublishesOnAllInterfaces(db.Ports[0]) {
		t.Errorf("5432:5432 binds all interfaces")
	}
	if l := db.Limits(); l.MemoryBytes != 1<<30 {
		t.Errorf("mem_limit = %d", l.MemoryBytes)
	}
	secrets := db.SecretRefs()
	if len(secrets) != 1 || !secrets[0].Long || secrets[0].Mode == nil || *secrets[0].Mode != 0o400 ||
		secrets[0].Definition == nil || !strings.HasSuffix(secrets[0].Definition.File, "secrets/db_password.txt") {
		t.Errorf("db secrets = %+v", secrets)
	}
	binds := db.BindMounts()
	if len(binds) != 1 || binds[0].Target != "/docker-entrypoint-initdb.d" || !binds[0].ReadOnly || !filepath.IsAbs(binds[0].Source) {
		t.Errorf("bind mounts = %+v", binds)
	}

	redis, _ := p.Service("redis")
	rs := redis.SecretRefs()
	if len(rs) != 1 || rs[0].Long || rs[0].Mode != nil || rs[0].Definition == nil || rs[0].Definition.Environment != "REDIS_PASSWORD" {
		t.Errorf("redis secrets = %+v", rs)
	}
	if redis.Health() != HealthDisabled || len(redis.Ports) != 0 || !slices.Equal([]string(redis.Expose), []string{"6379"}) {
		t.Errorf("redis health=%v ports=%v expose=%v", redis.Health(), redis.Ports, redis.Expose)
	}

	nginx, _ := p.Service("nginx")
	if PublishesOnAllInterfaces(nginx.Ports[0]) || !PublishesOnAllInterfaces(nginx.Ports[1]) {
		t.Errorf("nginx ports = %+v", nginx.Ports)
	}
	if nginx.BindMounts()[0].Source != "/var/run/docker.sock" {
		t.Errorf("docker.sock bind = %+v", nginx.BindMounts())
	}
}

func TestPos(t *testing.T) {
	fa := fastapi(t)
	ext := load(t, Options{Files: []string{"testdata/extends/compose.yml"}})
	anchors := load(t, Options{Files: []string{"testdata/anchors/compose.yaml"}})
	v38 := load(t, Options{Files: []string{"testdata/v38/docker-compose.yml"}})
	inc := load(t, Options{Files: []string{"testdata/include/compose.yaml"}})
	const main, over = "testdata/fastapi/compose.yaml", "testdata/fastapi/compose.override.yaml"
	tests := []struct {
		name    string
		p       *Project
		service string
		path    []string
		want    string
	}{
		{"service itself is its first definition", fa, "api", nil, main + ":4:3"},
		{"key in the main file", fa, "api", []string{"read_only"}, main + ":11:5"},
		{"override wins", fa, "api", []string{"privileged"}, over + ":8:5"},
		{"override env key wins", fa, "api", []string{"environment", "LOG_LEVEL"}, over + ":4:7"},
		{"env key only in main", fa, "api", []string{"environment", "SECRET_KEY"}, main + ":18:7"},
		{"env list entry by name", fa, "db", []string{"environment", "POSTGRES_USER"}, main + ":40:9"},
		{"missing key points at the service", fa, "db", []string{"cap_drop"}, main + ":37:3"},
		{"missing nested key points at deepest ancestor", fa, "api", []string{"deploy", "resources", "limits", "memory_swap"}, main + ":31:9"},
		{"sequence index", fa, "db", []string{"ports", "0"}, main + ":44:9"},
		{"sequence item by value", fa, "api", []string{"cap_drop", "ALL"}, main + ":14:16"},
		{"long-syntax secret by source", fa, "db", []string{"secrets", "db_password", "mode"}, main + ":48:9"},
		{"second ports entry", fa, "nginx", []string{"ports", "1"}, main + ":70:9"},
		{"top-level network", fa, "", []string{"networks", "backend", "internal"}, main + ":78:5"},
		{"top-level network itself", fa, "", []string{"networks", "backend"}, main + ":77:3"},
		{"key inherited from extends.file", ext, "worker", []string{"read_only"}, "testdata/extends/common.yml:4:5"},
		{"key inherited through two extends", ext, "beat", []string{"cap_drop", "0"}, "testdata/extends/common.yml:9:9"},
		{"own key beats extends", ext, "worker", []string{"environment", "OVERRIDDEN"}, "testdata/extends/compose.yml:7:7"},
		{"key from a YAML merge", anchors, "a", []string{"read_only"}, "testdata/anchors/compose.yaml:2:3"},
		{"explicit key beats merge", anchors, "b", []string{"read_only"}, "testdata/anchors/compose.yaml:19:5"},
		{"long-syntax port field", v38, "web", []string{"ports", "0", "host_ip"}, "testdata/v38/docker-compose.yml:8:9"},
		{"version file", v38, "cache", []string{"pid"}, "testdata/v38/docker-compose.yml:19:5"},
		{"included file", inc, "back", []string{"ports", "0"}, "testdata/include/sub/compose.yaml:4:13"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Pos(tt.service, tt.path...).String(); got != tt.want {
				t.Errorf("Pos(%q, %v) = %s, want %s", tt.service, tt.path, got, tt.want)
			}
		})
	}
	// Pos for an index that only the override contributes: merged lists are
	// the files' lists appended in order.
	if got := fa.Pos("api", "ports", "0").String(); got != over+":7:9" {
		t.Errorf("override-only ports[0] = %s", got)
	}
	if fa.Has("db", "cap_drop") || !fa.Has("api", "cap_add") {
		t.Errorf("Has is wrong")
	}
}

func TestRawEnv(t *testing.T) {
	fa := fastapi(t)
	ext := load(t, Options{Files: []string{"testdata/extends/compose.yml"}})
	anchors := load(t, Options{Files: []string{"testdata/anchors/compose.yaml"}})
	tests := []struct {
		name    string
		p       *Project
		service string
		key     string
		want    RawValue
	}{
		{"variable is not literal", fa, "api", "SECRET_KEY", RawValue{Text: "${SECRET_KEY}", Interpolated: true, File: "testdata/fastapi/compose.yaml", Line: 18, Column: 19}},
		{"required variable inside text", fa, "api", "DATABASE_URL", RawValue{Text: "postgresql://app:${DB_PASSWORD:?set DB_PASSWORD}@db:5432/app", Interpolated: true, File: "testdata/fastapi/compose.yaml", Line: 19, Column: 21}},
		{"hardcoded literal", fa, "api", "API_TOKEN", RawValue{Text: "sk_live_hardcoded_value_123", File: "testdata/fastapi/compose.yaml", Line: 20, Column: 18}},
		{"escaped dollar is literal", fa, "api", "PRICE_SUFFIX", RawValue{Text: "$$USD", File: "testdata/fastapi/compose.yaml", Line: 21, Column: 21}},
		{"bare key comes from the host", fa, "api", "FROM_HOST", RawValue{Interpolated: true, File: "testdata/fastapi/compose.yaml", Line: 23, Column: 7}},
		{"override value wins", fa, "api", "DEBUG", RawValue{Text: "true", File: "testdata/fastapi/compose.override.yaml", Line: 5, Column: 14}},
		{"list form", fa, "db", "POSTGRES_USER", RawValue{Text: "app", File: "testdata/fastapi/compose.yaml", Line: 40, Column: 9}},
		{"list form without value", fa, "db", "POSTGRES_DB", RawValue{Interpolated: true, File: "testdata/fastapi/compose.yaml", Line: 42, Column: 9}},
		{"inherited through extends.file", ext, "beat", "COMMON_TOKEN", RawValue{Text: "literal-from-base", File: "testdata/extends/common.yml", Line: 6, Column: 21}},
		{"extending service overrides base", ext, "worker", "OVERRIDDEN", RawValue{Text: "${WORKER_VALUE:-x}", Interpolated: true, File: "testdata/extends/compose.yml", Line: 7, Column: 19}},
		{"YAML merge key", anchors, "a", "SHARED_SECRET", RawValue{Text: "anchored-literal", File: "testdata/anchors/compose.yaml", Line: 7, Column: 18}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := tt.p.RawEnv(tt.service)
			got, ok := env[tt.key]
			if !ok || got != tt.want {
				t.Errorf("RawEnv(%s)[%s] = %+v (present %v), want %+v", tt.service, tt.key, got, ok, tt.want)
			}
		})
	}
	// The raw view and the interpolated model agree on which keys exist.
	api, _ := fa.Service("api")
	raw := api.RawEnv()
	for k := range api.Environment {
		if _, ok := raw[k]; !ok {
			t.Errorf("raw env lacks %s", k)
		}
	}
	if len(raw) != len(api.Environment) {
		t.Errorf("raw env has %d keys, model %d", len(raw), len(api.Environment))
	}
	if r, ok := fa.Raw("api", "image"); !ok || !r.Interpolated || r.Text != "shop/api:${APP_VERSION:-dev}" {
		t.Errorf("Raw(image) = %+v, %v", r, ok)
	}
}

func TestInterpolation(t *testing.T) {
	t.Run("Options.Env beats .env", func(t *testing.T) {
		p := load(t, Options{Files: DefaultFiles("testdata/fastapi"), Env: map[string]string{"SECRET_KEY": "from-opts", "DB_PASSWORD": "pw"}})
		api, _ := p.Service("api")
		if got := *api.Environment["SECRET_KEY"]; got != "from-opts" {
			t.Errorf("SECRET_KEY = %q", got)
		}
		if got := *api.Environment["DATABASE_URL"]; got != "postgresql://app:pw@db:5432/app" {
			t.Errorf("DATABASE_URL = %q", got)
		}
		if len(p.Warnings) != 0 {
			t.Errorf("no variable is missing, got warnings %v", p.Warnings)
		}
	})
	t.Run("process environment is not read", func(t *testing.T) {
		t.Setenv("APP_VERSION", "from-process")
		p := fastapi(t)
		api, _ := p.Service("api")
		if api.Image != "shop/api:dev" {
			t.Errorf("image = %q: the process environment leaked in", api.Image)
		}
	})
	t.Run("unset typed values are dropped with a warning", func(t *testing.T) {
		dir := t.TempDir()
		f := filepath.Join(dir, "compose.yaml")
		content := "services:\n  vllm:\n    image: vllm/vllm-openai:v0.6\n    shm_size: ${SHM}\n    volumes:\n      - ${DATA}:/data\n      - cache:/cache\n    ports: [\"${PORT:?set it}:8000\"]\n    environment:\n      TOKEN: ${TOKEN}\n"
		if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		p := load(t, Options{Files: []string{f}})
		s, _ := p.Service("vllm")
		if s.ShmSize != 0 || len(s.Volumes) != 1 || len(s.Ports) != 0 || *s.Environment["TOKEN"] != "" {
			t.Errorf("got shm=%v volumes=%+v ports=%+v env=%v", s.ShmSize, s.Volumes, s.Ports, s.Environment)
		}
		joined := strings.Join(p.Warnings, "\n")
		for _, want := range []string{f + ":4: services.vllm.shm_size ignored", f + ":6: services.vllm.volumes.0 ignored", "ports.0 ignored", "TOKEN is not set"} {
			if !strings.Contains(joined, want) {
				t.Errorf("warnings lack %q:\n%s", want, joined)
			}
		}
		// Positions still come from the file as written.
		if got := p.Pos("vllm", "shm_size").Line; got != 4 {
			t.Errorf("shm_size line = %d", got)
		}
	})
}

func TestRemoteIncludeNotFetched(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "compose.yaml")
	content := "include:\n  - oci://registry.invalid/app:latest\nservices:\n  web:\n    image: nginx:1.27\n"
	if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	p := load(t, Options{Files: []string{f}})
	if _, ok := p.Service("web"); !ok {
		t.Fatal("local services must still load")
	}
	if !slices.ContainsFunc(p.Warnings, func(w string) bool { return strings.Contains(w, "remote include") }) {
		t.Errorf("warnings = %v", p.Warnings)
	}
}

func TestIsDataStoreImage(t *testing.T) {
	tests := map[string]bool{
		"postgres:16":                                          true,
		"bitnami/postgresql:16.2.0@sha256:abc":                 true,
		"docker.elastic.co/elasticsearch/elasticsearch:8.15.0": true,
		"redis/redis-stack-server:7.2.0-v10":                   true,
		"registry.example.com:5000/team/mysql":                 true,
		"valkey/valkey:8":                                      true,
		"confluentinc/cp-kafka:7.6.0":                          false, // last element starts with cp-
		"apache/kafka:3.7.0":                                   true,
		"quay.io/minio/minio":                                  true,
		"mongo-express:1.0":                                    false,
		"prometheuscommunity/postgres-exporter":                false,
		"python:3.12-slim":                                     false,
		"":                                                     false,
		"myorg/postgres-backup:1":                              true,
		"mcr.microsoft.com/mssql/server:2022-latest":           true,
		"bitnami/minio-client:2024":                            false,
		"minio/mc:latest":                                      false,
		"timescale/timescaledb:2.14.2-pg16":                    true,
	}
	for ref, want := range tests {
		if got := IsDataStoreImage(ref); got != want {
			t.Errorf("IsDataStoreImage(%q) = %v, want %v", ref, got, want)
		}
	}
}

func TestServiceHelpers(t *testing.T) {
	p := load(t, Options{Files: []string{"testdata/v38/docker-compose.yml"}})
	web, _ := p.Service("web")
	if web.Health() != HealthDisabled {
		t.Errorf(`test: ["NONE"] disables health checks`)
	}
	if web.RestartPolicy() != "on-failure" {
		t.Errorf("restart policy = %q", web.RestartPolicy())
	}
	if l := web.Limits(); l.MemoryBytes != 256<<20 || l.CPUs != 0 {
		t.Errorf("limits = %+v", l)
	}
	if !PublishesOnAllInterfaces(web.Ports[0]) || web.Ports[0].Published != "8080" {
		t.Errorf("long-syntax port = %+v", web.Ports[0])
	}
	cache, _ := p.Service("cache")
	if got := cache.HostNamespaces(); !slices.Equal(got, []string{"network", "pid", "ipc"}) {
		t.Errorf("HostNamespaces = %v", got)
	}
	if len(cache.NetworkAttachments()) != 0 {
		t.Errorf("network_mode: host joins no network: %+v", cache.NetworkAttachments())
	}
	if !cache.IsDataStore() {
		t.Errorf("bitnami/valkey is a cache")
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		line    int
		msg     string
	}{
		{"invalid YAML", "services:\n  api:\n    image: [unclosed\n  db: {}\n", 4, "invalid YAML"},
		{"bad block node", "services:\n  api:\n    image: }\n", 3, "invalid YAML"},
		{"tab indentation", "services:\n\tapi: {}\n", 2, "invalid YAML"},
		{"kubernetes manifest", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n", 1, "not a compose file"},
		{"top-level list", "- a\n- b\n", 1, "not a compose file"},
		{"scalar", "hello\n", 1, "not a compose file"},
		{"empty", "", 0, "empty compose file"},
		{"only comments", "# nothing\n", 0, "empty compose file"},
		{"legacy v1 that does not convert", "web:\n  image: nginx\n  links: [db]\nfoo: bar\n", 4, "does not convert"},
		{"schema: wrong type", "services:\n  api:\n    image: nginx\n    ports: 8080\n", 4, "services.api.ports must be a array"},
		{"schema: unknown service key", "services:\n  api:\n    image: nginx\n    privilegd: true\n", 4, "privilegd"},
		{"schema: unknown top-level key", "services:\n  api:\n    image: nginx\nfoo: bar\n", 4, "foo"},
		{"null environment", "services:\n  api:\n    image: nginx\n    environment:\n", 4, "environment must be a mapping"},
		{"bad volume spec", "services:\n  api:\n    image: nginx\n    volumes: [\":/data\"]\n", 0, "empty section"},
		{"extends cycle", "services:\n  a:\n    image: x\n    extends: b\n  b:\n    extends: a\n", 0, "ircular"},
		{"duplicate key", "services:\n  api:\n    image: a\n    image: b\n", 4, "already defined at line 3"},
		{"decode: bad duration", "services:\n  api:\n    image: x:1\n    healthcheck:\n      interval: forever\n", 5, "invalid duration"},
		{"decode: bad port", "services:\n  api:\n    image: x:1\n    ports:\n      - \"abc:notaport\"\n", 5, "invalid containerPort"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			f := filepath.Join(dir, "compose.yaml")
			if err := os.WriteFile(f, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(context.Background(), Options{Files: []string{f}})
			if err == nil {
				t.Fatal("want an error")
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
			if e.File != f {
				t.Errorf("File = %q, want %q", e.File, f)
			}
			if tt.line != 0 && e.Line != tt.line {
				t.Errorf("Line = %d, want %d (%v)", e.Line, tt.line, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q lacks %q", err, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), f) {
				t.Errorf("error %q does not start with the file", err)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		_, err := Load(context.Background(), Options{Files: []string{"testdata/nope/compose.yaml"}})
		var e *Error
		if !errors.As(err, &e) || e.File != "testdata/nope/compose.yaml" || !errors.Is(err, os.ErrNotExist) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("no files", func(t *testing.T) {
		if _, err := Load(context.Background(), Options{}); err == nil {
			t.Error("want an error")
		}
	})
	t.Run("error in the override names the override", func(t *testing.T) {
		dir := t.TempDir()
		base := filepath.Join(dir, "compose.yaml")
		over := filepath.Join(dir, "compose.override.yaml")
		os.WriteFile(base, []byte("services:\n  api:\n    image: nginx\n"), 0o644)
		os.WriteFile(over, []byte("services:\n  api:\n    read_only: [yes]\n"), 0o644)
		_, err := Load(context.Background(), Options{Files: []string{base, over}})
		var e *Error
		if !errors.As(err, &e) || e.File != over || e.Line != 3 {
			t.Errorf("got %#v", err)
		}
	})
}

func TestLegacyV1(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "docker-compose.yml")
	src := "vpn:\n  build: .\n  dockerfile: Dockerfile.vpn\n  net: host\n  log_driver: syslog\n  cap_add:\n    - NET_ADMIN\ndb:\n  image: postgres:16\n  links: [vpn]\n"
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	p := load(t, Options{Files: []string{f}})
	if !reflect.DeepEqual(p.Legacy, []string{f}) {
		t.Fatalf("Legacy = %v", p.Legacy)
	}
	vpn, ok := p.Service("vpn")
	if !ok {
		t.Fatal("vpn not loaded")
	}
	if vpn.NetworkMode != "host" || vpn.Logging == nil || vpn.Logging.Driver != "syslog" {
		t.Errorf("v1 keys not converted: network_mode %q logging %+v", vpn.NetworkMode, vpn.Logging)
	}
	if b, _ := vpn.BuildSpec(); filepath.Base(b.Dockerfile) != "Dockerfile.vpn" {
		t.Errorf("dockerfile = %q", b.Dockerfile)
	}
	// Positions still point into the file as written.
	if pos := vpn.Pos("network_mode"); pos.Line != 4 {
		t.Errorf("network_mode at %v, want line 4", pos)
	}
	if pos := vpn.Pos("cap_add", "NET_ADMIN"); pos.Line != 7 {
		t.Errorf("cap_add at %v, want line 7", pos)
	}
	db, _ := p.Service("db")
	if pos := db.Pos(); pos.Line != 8 {
		t.Errorf("db at %v, want line 8", pos)
	}
}
