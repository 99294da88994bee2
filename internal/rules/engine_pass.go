package rules

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/hardhull/hardhull/internal/daemon"
	"github.com/hardhull/hardhull/internal/finding"
)

// Engine rule examples are recorded engine answers or daemon.json files:
//   - "info.json" is merged over HardenedFacts' /info document (and
//     "facts.json" over the rest of it: Addr, TLS, Version, Networks,
//     Plugins), as a real engine would answer; "daemon.json" next to them
//     is the file that engine was started with.
//   - "etc/docker/daemon.json" alone is a configuration file, scanned by
//     the real scan pipeline.
func engEx(info string) finding.Example {
	return finding.Example{Files: map[string]string{"info.json": info}}
}

func engExFacts(info, facts string) finding.Example {
	return finding.Example{Files: map[string]string{"info.json": info, "facts.json": facts}}
}

func engExFile(info, daemonJSON string) finding.Example {
	return finding.Example{Files: map[string]string{"info.json": info, "daemon.json": daemonJSON}}
}

// DaemonExamplePath is where daemon.json examples live in their tree:
// scan judges a daemon.json only under etc/docker (or when named).
const DaemonExamplePath = "etc/docker/daemon.json"

func fileEx(over string) finding.Example {
	return finding.Example{Files: map[string]string{DaemonExamplePath: DaemonJSON(over)}}
}

// HardenedFacts is an engine (as Facts JSON) that passes every engine rule.
const HardenedFacts = `{
 "Addr": "unix:///var/run/docker.sock",
 "TLS": false,
 "Info": {
  "ServerVersion": "29.1.2", "Driver": "overlay2", "LoggingDriver": "journald",
  "CgroupDriver": "systemd", "CgroupVersion": "2", "Debug": false,
  "LiveRestoreEnabled": true, "ExperimentalBuild": false,
  "SecurityOptions": ["name=seccomp,profile=builtin", "name=userns", "name=cgroupns"],
  "Plugins": {"Authorization": ["authz-broker"], "Log": ["journald", "json-file", "local"]},
  "RegistryConfig": {"InsecureRegistryCIDRs": ["127.0.0.0/8"], "Mirrors": [],
   "IndexConfigs": {"docker.io": {"Name": "docker.io", "Mirrors": [], "Secure": true, "Official": true}}},
  "Swarm": {"LocalNodeState": "inactive"}
 },
 "Version": {"Version": "29.1.2", "ApiVersion": "1.52"},
 "Networks": [{"Name": "bridge", "Driver": "bridge",
  "Options": {"com.docker.network.bridge.default_bridge": "true", "com.docker.network.bridge.enable_icc": "false"}}]
}`

// hardenedDaemon is a daemon.json that passes every engine rule.
const hardenedDaemon = `{
 "icc": false, "live-restore": true, "userns-remap": "default",
 "log-driver": "journald", "log-level": "info", "no-new-privileges": true,
 "userland-proxy": false, "authorization-plugins": ["authz-broker"],
 "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 64000, "Soft": 64000}}
}`

// DaemonJSON is the hardened daemon.json with over's keys merged in (a
// null value deletes a key), indented as people write it.
func DaemonJSON(over string) string {
	var base, o map[string]any
	if err := json.Unmarshal([]byte(hardenedDaemon), &base); err != nil {
		panic(err)
	}
	if over != "" {
		if err := json.Unmarshal([]byte(over), &o); err != nil {
			panic("daemon example: " + err.Error())
		}
	}
	for k, v := range o {
		if v == nil {
			delete(base, k)
		} else {
			base[k] = v
		}
	}
	keys := make([]string, 0, len(base))
	for k := range base {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("{\n")
	for i, k := range keys {
		v, _ := json.Marshal(base[k])
		b.WriteString("  \"" + k + "\": " + string(v))
		if i < len(keys)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func (p *Pass) dm() *daemon.Settings { return p.Ext.Daemon }

func (p *Pass) onEngine() bool { return p.Ext.Daemon.Source == "engine" }

// dmAt is where a value sits, or the engine/file when it is unset.
func dmAt[T any](p *Pass, v daemon.Value[T]) finding.Location {
	if v.Set {
		return v.Loc
	}
	return p.Ext.Daemon.At
}

func (p *Pass) now() time.Time {
	if p.Ext.Now.IsZero() {
		return time.Now()
	}
	return p.Ext.Now
}

// where says "the engine reports" or "daemon.json sets" for messages.
func (p *Pass) dmSays() string {
	if p.onEngine() {
		return "the engine reports"
	}
	return "the configuration sets"
}
