package rules

import (
	"testing"

	"github.com/hardhull/hardhull/internal/shell"
)

func TestDebugSetting(t *testing.T) {
	for _, tc := range []struct {
		k, v string
		bad  bool
	}{
		{"DEBUG", "true", true}, {"DEBUG", "1", true}, {"DEBUG", "\"True\"", true}, {"DEBUG", "false", false},
		{"DEBUG", "", false}, {"ENVIRONMENT", "development", true}, {"ENVIRONMENT", "production", false},
		{"NODE_ENV", "dev", true}, {"FLASK_DEBUG", "yes", true}, {"LOG_LEVEL", "DEBUG", true},
		{"LOG_LEVEL", "info", false}, {"DEBUG_PORT", "5678", false}, {"WERKZEUG_DEBUG_PIN", "1", false},
	} {
		if _, bad := DebugSetting(tc.k, tc.v); bad != tc.bad {
			t.Errorf("DebugSetting(%q, %q) = %v, want %v", tc.k, tc.v, bad, tc.bad)
		}
	}
}

func TestServerReload(t *testing.T) {
	for _, tc := range []struct {
		cmd string
		bad bool
	}{
		{`["uvicorn", "app:app", "--reload"]`, true},
		{`uvicorn app:app --host 0.0.0.0`, false},
		{`fastapi dev app/main.py`, true},
		{`fastapi run app/main.py`, false},
		{`gunicorn --debug app:app`, true},
		{`echo --reloaded`, false},
	} {
		if _, bad := ServerReload(tc.cmd); bad != tc.bad {
			t.Errorf("ServerReload(%q) = %v, want %v", tc.cmd, bad, tc.bad)
		}
	}
}

func TestIsRootUserAndPaths(t *testing.T) {
	for u, want := range map[string]bool{"root": true, "0": true, "0:0": true, "root:app": true, "1000": false, "app": false, "1000:0": false, "": false, "rootless": false} {
		if IsRootUser(u) != want {
			t.Errorf("IsRootUser(%q) != %v", u, want)
		}
	}
	for p, want := range map[string]bool{"/": true, "/etc": true, "/etc/ssl": true, "/proc/1": true, "/var/lib/docker": true, "/srv/data": false, "./data": false, "/home": true, "/var/lib/app": false} {
		if SensitiveHostPath(p) != want {
			t.Errorf("SensitiveHostPath(%q) != %v", p, want)
		}
	}
	for p, want := range map[string]bool{"/var/run/docker.sock": true, "/run/docker.sock": true, "/run/containerd/containerd.sock": true, "/var/run/app.sock": false} {
		if DockerSocket(p) != want {
			t.Errorf("DockerSocket(%q) != %v", p, want)
		}
	}
}

// textWords is words() over shell text.
func textWords(src string) [][]string {
	var out [][]string
	for _, c := range shell.Parse(src).Commands {
		if len(c.Args) > 0 {
			out = append(out, c.Values())
		}
	}
	return out
}

// FuzzCommands: the command helpers see arbitrary shell; it must not
// panic, and every command it returns is non-empty.
func FuzzCommands(f *testing.F) {
	for _, s := range []string{
		"apt-get update && apt-get install -y gcc \\\n make",
		"curl -fsSL https://x | sh",
		"echo 'unterminated",
		"a;b|c&&d||e`f`$(g)",
		"# comment only",
		"\\",
		"sudo env A=1 exec pip install x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range textWords(s) {
			if len(c) == 0 {
				t.Fatalf("empty command from %q", s)
			}
			pkgInstall(c)
			program(c)
		}
	})
}

func TestStripStrings(t *testing.T) {
	for in, want := range map[string]string{
		`logger.info("token refreshed")`:        `logger.info()`,
		`print(f"key={settings.secret_key}")`:   `print(f settings.secret_key )`,
		`return {"a": 'b\'c', "d": x}  # token`: `return {: , : x}  `,
		`x = "unterminated`:                     `x = `,
	} {
		if got := stripStrings(in); got != want {
			t.Errorf("stripStrings(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzStripStrings(f *testing.F) {
	f.Add(`print(f"{a}{{b}}" + 'c\'d') # e`)
	f.Fuzz(func(t *testing.T, s string) {
		if out := stripStrings(s); len(out) > len(s) {
			t.Fatalf("output longer than input: %q -> %q", s, out)
		}
	})
}

func TestWrapperUser(t *testing.T) {
	for _, tc := range []struct{ src, wrapper, user string }{
		{`sudo -E -u discourse -H ruby script/docker_test.rb`, "sudo -u", "discourse"},
		{`sudo --user=app uvicorn main:app`, "sudo -u", "app"},
		{`exec gosu redis:redis redis-server`, "gosu", "redis"},
		{`su-exec 1000 node server.js`, "su-exec", "1000"},
		{`setpriv --reuid=1000 --regid=1000 --init-groups python app.py`, "setpriv --reuid", "1000"},
		{`runuser -u app -- npm start`, "runuser -u", "app"},
		{`chroot --userspec=app:app / uvicorn main:app`, "chroot --userspec", "app"},
		{`sudo uvicorn main:app`, "", ""},
		{`sudo -u root uvicorn main:app`, "", ""},
		{`gosu 0 uvicorn main:app`, "", ""},
		{`uvicorn main:app`, "", ""},
	} {
		var w, u string
		for _, c := range shell.Parse(tc.src).Commands {
			if cw, cu, ok := wrapperUser(c); ok {
				w, u = cw, cu
			}
		}
		if w != tc.wrapper || u != tc.user {
			t.Errorf("%s: got (%q, %q), want (%q, %q)", tc.src, w, u, tc.wrapper, tc.user)
		}
	}
}
