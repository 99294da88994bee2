package daemon

import (
	"testing"
	"time"
)

func TestReleaseOf(t *testing.T) {
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		version, branch string
		known, ended    bool
	}{
		{"20.10.24+dfsg1", "20.10", true, true},
		{"v28.5.2", "28.x", true, true},
		{"docker-v29.1.2", "29.x", true, false},
		{"26.1.4", "26.1", true, true},
		{"25.0.13", "25.0", true, false}, // maintained until 2026-12-04
		{"24.0.7-0ubuntu2~22.04.1", "24.0", true, true},
		{"18.09.1", "18.9", true, true},
		{"1.13.1", "1.13", true, true},
		{"30.0.0", "", false, false},
		{"dev", "", false, false},
		{"", "", false, false},
	}
	for _, c := range cases {
		r, ok := ReleaseOf(c.version)
		if ok != c.known || r.Branch != c.branch || (ok && r.Ended(now) != c.ended) {
			t.Errorf("%q: branch %q known %v ended %v; want %q %v %v", c.version, r.Branch, ok, ok && r.Ended(now), c.branch, c.known, c.ended)
		}
	}
	if !Distribution("20.10.24+dfsg1") || !Distribution("24.0.7-0ubuntu2~22.04.1") || Distribution("28.5.2") {
		t.Error("Distribution")
	}
}
