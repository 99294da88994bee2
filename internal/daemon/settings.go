// Package daemon is one view of a Docker engine's configuration, whichever
// way it was read: from a running engine's API (FromFacts) or from a
// daemon.json file (Parse). Engine rules judge this view, so one rule covers
// both, and each value carries the place it came from (an API field or a
// line of the file).
package daemon

import (
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/engine"
	"github.com/hardhull/hardhull/internal/finding"
)

// Value is one setting: Set is false when the source does not say (the
// key is absent from the file, or the API does not expose it).
type Value[T any] struct {
	V   T
	Set bool
	Loc finding.Location
}

// Settings is what engine rules read. The zero value knows nothing.
type Settings struct {
	// Source is "engine" (the API) or "file" (daemon.json).
	Source string
	// Where names the source: the engine's address or the file's path.
	Where string
	// At is where a finding about an unset value points: the engine, or
	// the file's first line.
	At finding.Location

	Version Value[string] // engine version, API only

	// Hosts are the daemon's listeners (file only: the API does not list
	// them). Client* say how this client reached the engine.
	Hosts     Value[[]string]
	TLS       Value[bool]
	TLSVerify Value[bool]
	// ClientTCP is true when the engine was reached over plain tcp://
	// without TLS and answered: the socket is open to the network.
	ClientTCP    bool
	ClientTLS    bool
	ClientAtAddr finding.Location

	Rootless    Value[bool]
	UsernsRemap Value[string] // "" when off; the API only says on or off ("on")
	Seccomp     Value[string] // "default", "unconfined", or a profile path
	// ICC is inter-container communication on the default bridge; NoBridge
	// is true when the engine runs without a default bridge.
	ICC         Value[bool]
	NoBridge    bool
	LiveRestore Value[bool]
	Swarm       Value[bool]

	LogDriver Value[string]
	LogOpts   Value[map[string]string]
	LogLevel  Value[string] // "debug" when the API reports Debug
	Debug     Value[bool]

	InsecureRegistries Value[[]string]
	Mirrors            Value[[]string]
	AuthzPlugins       Value[[]string]
	Experimental       Value[bool]

	NoNewPrivileges Value[bool]
	DefaultUlimits  Value[map[string]string]
	CgroupDriver    Value[string]
	CgroupVersion   Value[string]
	CgroupParent    Value[string]
	StorageDriver   Value[string]
	StorageOpts     Value[[]string]
	UserlandProxy   Value[bool]
	Iptables        Value[bool]
}

// defaultInsecure is the CIDR every engine trusts without being told to
// (loopback registries); it is not a configuration choice.
const defaultInsecure = "127.0.0.0/8"

// FromFacts is the view of a running engine. Settings the API does not
// expose (log options, no-new-privileges, default ulimits, listeners,
// userland proxy, iptables) stay unset: Merge can add them from the file.
func FromFacts(f *engine.Facts) *Settings {
	at := func(field string) finding.Location { return finding.Location{Engine: f.Addr, Field: field} }
	in := f.Info
	s := &Settings{Source: "engine", Where: f.Addr, At: finding.Location{Engine: f.Addr}}
	if v := f.Version.Version; v != "" {
		s.Version = Value[string]{v, true, at("Version.Version")}
	} else if in.ServerVersion != "" {
		s.Version = Value[string]{in.ServerVersion, true, at("Info.ServerVersion")}
	}
	s.ClientAtAddr = finding.Location{Engine: f.Addr, Field: "Addr"}
	s.ClientTLS = f.TLS
	s.ClientTCP = f.Transport() == "tcp" && !f.TLS

	secAt := at("Info.SecurityOptions")
	s.Rootless = Value[bool]{false, true, secAt}
	s.UsernsRemap = Value[string]{"", true, secAt}
	s.Seccomp = Value[string]{"", true, secAt}
	for _, o := range in.SecurityOptions {
		kv := securityOption(o)
		switch kv["name"] {
		case "rootless":
			s.Rootless.V = true
		case "userns":
			s.UsernsRemap.V = "on"
		case "seccomp":
			s.Seccomp.V = kv["profile"]
			if s.Seccomp.V == "" {
				s.Seccomp.V = "default"
			}
		}
	}
	if br := f.DefaultBridge(); br != nil {
		if v, ok := br.Options["com.docker.network.bridge.enable_icc"]; ok {
			s.ICC = Value[bool]{!strings.EqualFold(v, "false"), true, at("Networks[bridge].Options.com.docker.network.bridge.enable_icc")}
		} else {
			// The bridge driver enables icc unless told otherwise.
			s.ICC = Value[bool]{true, true, at("Networks[bridge].Options")}
		}
	} else {
		s.NoBridge = true
	}
	s.LiveRestore = Value[bool]{in.LiveRestoreEnabled, true, at("Info.LiveRestoreEnabled")}
	s.Swarm = Value[bool]{in.Swarm.LocalNodeState == "active", true, at("Info.Swarm.LocalNodeState")}
	s.LogDriver = Value[string]{in.LoggingDriver, in.LoggingDriver != "", at("Info.LoggingDriver")}
	s.Debug = Value[bool]{in.Debug, true, at("Info.Debug")}
	if rc := in.RegistryConfig; rc != nil {
		var insecure []string
		for _, c := range rc.InsecureRegistryCIDRs {
			if c == nil {
				continue
			}
			if n := c.String(); n != defaultInsecure {
				insecure = append(insecure, n)
			}
		}
		for name, ic := range rc.IndexConfigs {
			if ic != nil && !ic.Secure {
				insecure = append(insecure, name)
			}
		}
		sort.Strings(insecure)
		s.InsecureRegistries = Value[[]string]{insecure, true, at("Info.RegistryConfig")}
		s.Mirrors = Value[[]string]{rc.Mirrors, true, at("Info.RegistryConfig.Mirrors")}
	}
	authz := append([]string(nil), in.Plugins.Authorization...)
	for _, p := range f.Plugins {
		if p == nil || !p.Enabled {
			continue
		}
		for _, t := range p.Config.Interface.Types {
			if t.Capability == "authz" {
				authz = append(authz, p.Name)
			}
		}
	}
	s.AuthzPlugins = Value[[]string]{authz, true, at("Info.Plugins.Authorization")}
	s.Experimental = Value[bool]{in.ExperimentalBuild, true, at("Info.ExperimentalBuild")}
	s.CgroupDriver = Value[string]{in.CgroupDriver, in.CgroupDriver != "", at("Info.CgroupDriver")}
	s.CgroupVersion = Value[string]{in.CgroupVersion, in.CgroupVersion != "", at("Info.CgroupVersion")}
	s.StorageDriver = Value[string]{in.Driver, in.Driver != "", at("Info.Driver")}
	return s
}

// securityOption splits "name=seccomp,profile=default".
func securityOption(o string) map[string]string {
	m := map[string]string{}
	for _, part := range strings.Split(o, ",") {
		k, v, _ := strings.Cut(part, "=")
		m[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return m
}

// Merge fills the settings the API does not expose from a daemon.json the
// engine was started with, keeping the file's positions. What the API
// reports always wins: the file says what should be, the API what is.
func (s *Settings) Merge(file *Settings) {
	if file == nil {
		return
	}
	if !s.Hosts.Set {
		s.Hosts, s.TLS, s.TLSVerify = file.Hosts, file.TLS, file.TLSVerify
	}
	// Keys the file leaves out take dockerd's defaults (command-line flags
	// could still set them; the API cannot show flags).
	fill(&s.LogOpts, orDefault(file.LogOpts, map[string]string{}, file.At))
	fill(&s.LogLevel, file.LogLevel)
	fill(&s.NoNewPrivileges, orDefault(file.NoNewPrivileges, false, file.At))
	fill(&s.DefaultUlimits, orDefault(file.DefaultUlimits, map[string]string{}, file.At))
	fill(&s.CgroupParent, file.CgroupParent)
	fill(&s.StorageOpts, file.StorageOpts)
	fill(&s.UserlandProxy, orDefault(file.UserlandProxy, true, file.At))
	fill(&s.Iptables, file.Iptables)
}

func orDefault[T any](v Value[T], def T, at finding.Location) Value[T] {
	if v.Set {
		return v
	}
	return Value[T]{def, true, at}
}

func fill[T any](dst *Value[T], src Value[T]) {
	if !dst.Set && src.Set {
		*dst = src
	}
}
