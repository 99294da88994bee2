package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/finding"
)

func composeEx(src string) finding.Example {
	return finding.Example{Files: map[string]string{"compose.yaml": src}}
}

// svcAt locates a key of a service (or the service itself when unset).
func (p *Pass) svcAt(s compose.Service, keys ...string) finding.Location {
	pos := s.Pos(keys...)
	path := pos.File
	if p.Ext.Display != nil {
		path = p.Ext.Display(path)
	}
	return finding.Location{Path: path, Line: pos.Line, Column: pos.Column}
}

func svcKey(s compose.Service, what string) string { return s.Name + ":" + what }

// eachService runs fn for every service of the pass's compose project.
func (p *Pass) eachService(fn func(s compose.Service)) {
	if p.Ext.Compose == nil {
		return
	}
	for _, s := range p.Ext.Compose.Services() {
		fn(s)
	}
}

// hardenedExample is a service that passes every compose rule.
const hardenedService = `    read_only: true
    tmpfs: [/tmp]
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    user: "1000:1000"
    restart: unless-stopped
    healthcheck:
      test: ["CMD", "/app/healthcheck"]
    deploy:
      resources:
        limits: {cpus: "1.0", memory: 512M, pids: 100}
`

func svcYAML(name, extra string) string {
	return "services:\n  " + name + ":\n    image: example/app:1.0\n" + extra
}

func quoted(ss []string) string {
	return strings.Join(ss, ", ")
}

func plural(n int, s string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, s)
	}
	return fmt.Sprintf("%d %ss", n, s)
}

func sortedEnvKeys(s compose.Service) []string {
	ks := make([]string, 0, len(s.Environment))
	for k := range s.Environment {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
