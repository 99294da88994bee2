package vuln

import (
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/osv"
	"github.com/hardhull/hardhull/internal/vulndb"
)

func TestCompare(t *testing.T) {
	for _, c := range []struct {
		eco, a, b string
		want      int
	}{
		{"Debian:12", "1.2.3-1+deb12u1", "1.2.3-1+deb12u2", -1},
		{"Debian:12", "2:1.0-1", "1:9.9-1", 1},              // epoch wins
		{"Debian:12", "1:1.2.13.dfsg-1", "1.3-1", 1},        // epoch 1 above any epoch 0
		{"Debian:12", "6.12.90-2~bpo12+1", "6.12.90-2", -1}, // ~ sorts before everything
		{"Debian:12", "3.0.19-1~deb12u2", "3.0.19-1", -1},
		{"Debian:12", "5.2.15-2+b8", "5.2.15-2", 1}, // binNMU
		{"Ubuntu:22.04:LTS", "3.0.2-0ubuntu1.19", "3.0.2-0ubuntu1.20", -1},
		{"Alpine:v3.20", "3.0.13-r0", "3.0.14-r0", -1},
		{"Alpine:v3.20", "1.2.3_rc1-r0", "1.2.3-r0", -1},
		{"PyPI", "1.0.0rc1", "1.0.0", -1},
		{"PyPI", "0.110.0", "0.109.1", 1},
		{"PyPI", "1.0.post1", "1.0", 1},
		{"PyPI", "1!0.1", "2.0", 1},
		{"Go", "v1.2.3", "v1.10.0", -1},
		{"npm", "1.0.0-alpha", "1.0.0", -1},
	} {
		got, err := versions{eco: c.eco}.compare(c.a, c.b)
		if err != nil || got != c.want {
			t.Errorf("%s: %s vs %s = %d, %v; want %d", c.eco, c.a, c.b, got, err, c.want)
		}
	}
}

func ev(kv ...string) []osv.Event {
	var out []osv.Event
	for i := 0; i < len(kv); i += 2 {
		switch kv[i] {
		case "i":
			out = append(out, osv.Event{Introduced: kv[i+1]})
		case "f":
			out = append(out, osv.Event{Fixed: kv[i+1]})
		case "l":
			out = append(out, osv.Event{LastAffected: kv[i+1]})
		}
	}
	return out
}

func TestInRange(t *testing.T) {
	two := ev("i", "1.0", "f", "1.5", "i", "2.0", "f", "2.3")
	for _, c := range []struct {
		name   string
		events []osv.Event
		v      string
		want   bool
		fixed  string
	}{
		{"from zero, fixed", ev("i", "0", "f", "1.5"), "1.4", true, "1.5"},
		{"at fixed", ev("i", "0", "f", "1.5"), "1.5", false, ""},
		{"above fixed", ev("i", "0", "f", "1.5"), "1.6", false, ""},
		{"unfixed", ev("i", "0"), "99", true, ""},
		{"below introduced", ev("i", "1.0", "f", "1.5"), "0.9", false, ""},
		{"at introduced", ev("i", "1.0", "f", "1.5"), "1.0", true, "1.5"},
		{"at last_affected", ev("i", "0", "l", "1.5"), "1.5", true, ""},
		{"above last_affected", ev("i", "0", "l", "1.5"), "1.5.1", false, ""},
		{"two intervals, gap", two, "1.7", false, ""},
		{"two intervals, second", two, "2.1", true, "2.3"},
		{"two intervals, first", two, "1.2", true, "1.5"},
		{"two intervals, after", two, "2.3", false, ""},
		{"unsorted events", ev("f", "2.3", "i", "2.0", "f", "1.5", "i", "1.0"), "2.1", true, "2.3"},
	} {
		got, fixed, err := versions{eco: "PyPI"}.inRange(c.v, c.events)
		if err != nil || got != c.want || strings.Join(fixed, ",") != c.fixed {
			t.Errorf("%s: inRange(%s) = %v %v %v; want %v %s", c.name, c.v, got, fixed, err, c.want, c.fixed)
		}
	}
}

func TestAffectsVersionsAndSemver(t *testing.T) {
	e := &vulndb.Entry{ID: "X", Versions: []string{"3.1.3"}}
	if ok, _, _ := affects("3.1.3", "PyPI", e); !ok {
		t.Error("listed version not matched")
	}
	if ok, _, _ := affects("3.1.4", "PyPI", e); ok {
		t.Error("unlisted version matched")
	}
	s := &vulndb.Entry{ID: "Y", Ranges: []osv.Range{{Type: "SEMVER", Events: ev("i", "0", "f", "1.10.0")}}}
	if ok, fx, _ := affects("1.9.0", "npm", s); !ok || fx[0] != "1.10.0" {
		t.Errorf("semver range: %v %v", ok, fx)
	}
	g := &vulndb.Entry{ID: "Z", Ranges: []osv.Range{{Type: "GIT", Events: ev("i", "0")}}}
	if ok, _, _ := affects("1.0", "PyPI", g); ok {
		t.Error("GIT range matched")
	}
}
