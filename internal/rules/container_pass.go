package rules

import (
	"strings"

	"github.com/docker/docker/api/types/container"
	"github.com/hardhull/hardhull/internal/finding"
)

// Container rule examples are files too: "inspect.json" is merged over a
// hardened container's inspect document (the engine's JSON), and
// "processes.json" lists top rows ([{"UID":0,"Command":"..."}]).
func ctrEx(inspect string) finding.Example {
	return finding.Example{Files: map[string]string{"inspect.json": inspect}}
}

func ctrExProc(inspect, procs string) finding.Example {
	return finding.Example{Files: map[string]string{"inspect.json": inspect, "processes.json": procs}}
}

// HardenedInspect is an inspect document that passes every container rule:
// the examples overlay their one unsafe setting on it.
const HardenedInspect = `{
 "Id": "0123456789abcdef0123456789abcdef",
 "Name": "/api",
 "State": {"Running": true, "Health": {"Status": "healthy"}},
 "Config": {"User": "1000:1000", "Image": "example/api:1.0", "Env": ["PATH=/usr/bin"],
   "Healthcheck": {"Test": ["CMD", "/app/health"]}},
 "HostConfig": {"ReadonlyRootfs": true, "CapDrop": ["ALL"], "SecurityOpt": ["no-new-privileges"],
   "Memory": 67108864, "NanoCpus": 500000000, "PidsLimit": 50,
   "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 5}, "NetworkMode": "app_backend",
   "LogConfig": {"Type": "json-file", "Config": {"max-size": "10m", "max-file": "3"}}},
 "NetworkSettings": {"Networks": {"app_backend": {}}}
}`

func (p *Pass) ctrAt(field string) finding.Location {
	c := p.Ext.Container
	return finding.Location{Container: c.Name, ID: c.ID, Field: field}
}

func (p *Pass) ins() container.InspectResponse { return p.Ext.Container.Inspect }

// securityOpt returns a security option's value ("no-new-privileges" alone
// means true), accepting both ":" and "=".
func securityOpt(opts []string, name string) (string, bool) {
	for _, o := range opts {
		k, v, found := strings.Cut(o, ":")
		if !found {
			k, v, found = strings.Cut(o, "=")
		}
		if strings.EqualFold(k, name) {
			if !found {
				return "true", true
			}
			return v, true
		}
	}
	return "", false
}
