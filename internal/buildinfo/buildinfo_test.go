package buildinfo

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestFrom(t *testing.T) {
	vcs := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	tests := []struct {
		name              string
		bi                *debug.BuildInfo
		ver, commit, date string
		want              Info
	}{
		{
			name: "ldflags win over build info",
			bi: &debug.BuildInfo{GoVersion: "go1.99", Main: debug.Module{Version: "v0.0.0-x"},
				Settings: vcs("vcs.revision", "aaa", "vcs.time", "2020-01-01T00:00:00Z", "vcs.modified", "true")},
			ver: "v1.2.3", commit: "abc", date: "2026-01-02T03:04:05Z",
			want: Info{Version: "v1.2.3", Commit: "abc", Date: "2026-01-02T03:04:05Z", GoVersion: "go1.99", Source: "ldflags"},
		},
		{
			name: "go install module@version",
			bi:   &debug.BuildInfo{GoVersion: "go1.98", Main: debug.Module{Version: "v0.4.0"}},
			want: Info{Version: "v0.4.0", Commit: unknown, Date: unknown, GoVersion: "go1.98", Source: "module"},
		},
		{
			name: "go build in a dirty git checkout",
			bi: &debug.BuildInfo{GoVersion: "go1.98", Main: debug.Module{Version: "v0.0.0-20261202164000-0123456789ab+dirty"},
				Settings: vcs("vcs.revision", "0123456789abcdef", "vcs.time", "2026-12-02T16:40:00Z", "vcs.modified", "true")},
			want: Info{Version: "v0.0.0-20261202164000-0123456789ab+dirty", Commit: "0123456789abcdef-dirty", Date: "2026-12-02T16:40:00Z", GoVersion: "go1.98", Source: "module"},
		},
		{
			name: "go run outside VCS",
			bi:   &debug.BuildInfo{GoVersion: "go1.98", Main: debug.Module{Version: "(devel)"}},
			want: Info{Version: "dev", Commit: unknown, Date: unknown, GoVersion: "go1.98", Source: "none"},
		},
		{
			name: "no build info at all",
			want: Info{Version: "dev", Commit: unknown, Date: unknown, GoVersion: runtime.Version(), Source: "none"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := from(tt.bi, tt.ver, tt.commit, tt.date)
			tt.want.Platform = runtime.GOOS + "/" + runtime.GOARCH
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestGetInTestBinary(t *testing.T) {
	in := Get()
	if in.GoVersion != runtime.Version() || in.Version == "" || in.Commit == "" || in.Date == "" {
		t.Errorf("%+v", in)
	}
}
