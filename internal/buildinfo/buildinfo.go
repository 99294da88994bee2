// Package buildinfo says which hardhull this is: the version, commit and
// build date set at link time by a release build, or else what the Go
// toolchain recorded in the binary (module version from `go install`, VCS
// revision and time from a `go build` in a git checkout).
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// Set by release builds:
//
//	-ldflags "-X github.com/hardhull/hardhull/internal/buildinfo.version=v1.2.3
//	          -X github.com/hardhull/hardhull/internal/buildinfo.commit=abc123
//	          -X github.com/hardhull/hardhull/internal/buildinfo.date=2026-01-02T03:04:05Z"
var version, commit, date string

// Info describes one hardhull binary.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Date      string `json:"date"`
	GoVersion string `json:"go"`
	Platform  string `json:"platform"`
	// Source says where Version came from: "ldflags", "module" (go install
	// or a go build stamped from VCS) or "none".
	Source string `json:"source"`
}

// Get reads the link-time values, falling back to the build info.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return from(bi, version, commit, date)
}

// unknown stands for a value neither the linker nor the toolchain recorded.
const unknown = "unknown"

func from(bi *debug.BuildInfo, version, commit, date string) Info {
	in := Info{Version: version, Commit: commit, Date: date, GoVersion: runtime.Version(),
		Platform: runtime.GOOS + "/" + runtime.GOARCH, Source: "ldflags"}
	if bi != nil {
		if bi.GoVersion != "" {
			in.GoVersion = bi.GoVersion
		}
		if in.Version == "" {
			in.Source = "none"
			if v := bi.Main.Version; v != "" && v != "(devel)" {
				in.Version, in.Source = v, "module"
			}
		}
		var modified bool
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if in.Commit == "" {
					in.Commit = s.Value
				}
			case "vcs.time":
				if in.Date == "" {
					in.Date = s.Value
				}
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		// A build from a work tree with uncommitted changes is not that commit.
		if modified && commit == "" && in.Commit != "" {
			in.Commit += "-dirty"
		}
	}
	if in.Version == "" {
		in.Version, in.Source = "dev", "none"
	}
	if in.Commit == "" {
		in.Commit = unknown
	}
	if in.Date == "" {
		in.Date = unknown
	}
	return in
}
