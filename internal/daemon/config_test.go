package daemon

import (
	"errors"
	"strings"
	"testing"
)

func TestParsePositions(t *testing.T) {
	src := "{\n  \"icc\": false,\n\t\"log-opts\": {\"max-size\": \"10m\"},\n  \"hosts\": [\"unix:///run/docker.sock\"], \"live-restore\": true\n}\n"
	cfg, err := Parse("daemon.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name      string
		line, col int
	}{{"icc", 2, 3}, {"log-opts", 3, 2}, {"hosts", 4, 3}, {"live-restore", 4, 41}}
	if len(cfg.Keys) != len(want) {
		t.Fatalf("keys %+v", cfg.Keys)
	}
	for i, w := range want {
		k := cfg.Keys[i]
		if k.Name != w.name || k.Line != w.line || k.Column != w.col {
			t.Errorf("key %d = %s %d:%d, want %s %d:%d", i, k.Name, k.Line, k.Column, w.name, w.line, w.col)
		}
	}
	s, err := cfg.Settings()
	if err != nil {
		t.Fatal(err)
	}
	if !s.ICC.Set || s.ICC.V || s.ICC.Loc.Line != 2 || s.LogOpts.V["max-size"] != "10m" || !s.LiveRestore.V || len(s.Hosts.V) != 1 {
		t.Errorf("settings %+v", s)
	}
}

func TestParseSettings(t *testing.T) {
	cfg, err := Parse("d.json", []byte(`{"exec-opts": ["native.cgroupdriver=systemd"], "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 20, "Soft": 10}}, "bridge": "none", "userns-remap": "default"}`))
	if err != nil {
		t.Fatal(err)
	}
	s, _ := cfg.Settings()
	if s.CgroupDriver.V != "systemd" || s.DefaultUlimits.V["nofile"] != "10:20" || !s.NoBridge || s.UsernsRemap.V != "default" {
		t.Errorf("settings %+v", s)
	}
}

// TestParseHostile: malformed, mistyped and hostile files are errors that
// name the file and line; none panics or hangs.
func TestParseHostile(t *testing.T) {
	cases := []struct {
		name, src string
		line      int
		msg       string
	}{
		{"empty", "", 0, ""},
		{"blank", "  \n\n", 0, ""},
		{"array", "[1,2]", 1, "must be a JSON object"},
		{"string", `"x"`, 1, "must be a JSON object"},
		{"truncated", "{\n\"icc\": false,\n", 3, "unexpected end"},
		{"garbage after", "{}\n{}", 2, "data after"},
		{"bad token", "{\n  \"icc\": nope\n}", 2, "invalid JSON"},
		{"wrong type", "{\n\n  \"live-restore\": \"yes\"\n}", 3, `"live-restore": want a bool, not a JSON string`},
		{"wrong list", "{\"hosts\": \"tcp://0.0.0.0:2375\"}", 1, `"hosts": want a list`},
		{"twice", "{\n\"icc\": true,\n\"icc\": false\n}", 3, `"icc" is set twice (first on line 2)`},
		{"nul", "{\"icc\"\x00: true}", 1, "invalid JSON"},
		{"bad utf8", "{\"\xff\xfe\": true}", 0, ""},
		{"bom", "\xef\xbb\xbf{}", 1, "invalid JSON"},
		{"deep", "{\"log-opts\": " + strings.Repeat("[", 200000) + strings.Repeat("]", 200000) + "}", 1, ""},
		{"huge", "{\"x\": \"" + strings.Repeat("a", MaxConfigSize) + "\"}", 1, "larger than"},
		{"number key", "{1: true}", 1, "invalid JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("etc/docker/daemon.json", []byte(tc.src))
			if tc.line == 0 {
				return // accepted or not, it must only not panic
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("want a ParseError, got %v", err)
			}
			if pe.Path != "etc/docker/daemon.json" || pe.Line != tc.line || !strings.Contains(pe.Msg, tc.msg) {
				t.Errorf("got %v (line %d), want line %d and %q", err, pe.Line, tc.line, tc.msg)
			}
			if !strings.HasPrefix(err.Error(), "etc/docker/daemon.json:") || strings.Contains(err.Error(), "\n") {
				t.Errorf("error does not start with the file or spans lines: %q", err)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"{}", `{"icc": false, "hosts": ["tcp://0.0.0.0:2375"], "log-opts": {"max-size": "1m"}}`,
		"{\n\"default-ulimits\": {\"nofile\": {\"Name\": \"nofile\", \"Hard\": 1, \"Soft\": 1}}}", `{"a": [`, "[]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg, err := Parse("daemon.json", b)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line < 1 || pe.Column < 1 {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		lines := strings.Count(string(b), "\n") + 1
		for _, k := range cfg.Keys {
			if k.Line < 1 || k.Line > lines || k.Column < 1 {
				t.Fatalf("key %q at %d:%d outside the file (%d lines)", k.Name, k.Line, k.Column, lines)
			}
		}
		if _, err := cfg.Settings(); err != nil {
			t.Fatalf("Parse accepted what Settings rejects: %v", err)
		}
	})
}
