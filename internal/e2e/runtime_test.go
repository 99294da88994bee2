package e2e

import (
	"net"
	"strings"
	"testing"
	"time"
)

// TestRuntimeEngineSilent: `hardhull runtime --engine` against an engine
// that accepts connections and never answers ends with one clear line and
// exit 2 within 10 seconds, with the default timeout and with --timeout.
func TestRuntimeEngineSilent(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		var held []net.Conn
		for {
			c, err := l.Accept()
			if err != nil {
				for _, c := range held {
					c.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
	addr := "tcp://" + l.Addr().String()
	t.Setenv("DOCKER_HOST", addr)
	t.Setenv("DOCKER_TLS_VERIFY", "")
	t.Setenv("DOCKER_CERT_PATH", "")
	for _, args := range [][]string{
		{"runtime", "--engine"},
		{"runtime", "--engine-only", "--timeout", "1s"},
	} {
		start := time.Now()
		code, out, errs := hh(t, "", args...)
		took := time.Since(start)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (stdout %q)", args, code, out)
		}
		line := strings.TrimSpace(errs)
		if !strings.HasPrefix(line, "hardhull: cannot reach Docker engine at "+addr+": no answer within ") || strings.Contains(line, "\n") {
			t.Errorf("%v: stderr %q", args, errs)
		}
		if took > 10*time.Second {
			t.Errorf("%v: took %s", args, took)
		}
	}
	if code, _, errs := hh(t, "", "runtime", "--engine-only", "api"); code != 2 || !strings.Contains(errs, "takes no container selection") {
		t.Errorf("--engine-only with a name: exit %d, %q", code, errs)
	}
	if code, _, errs := hh(t, "", "runtime", "--daemon-config", "daemon.json"); code != 2 || !strings.Contains(errs, "needs --engine") {
		t.Errorf("--daemon-config alone: exit %d, %q", code, errs)
	}
}
