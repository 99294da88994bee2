package inventory

import (
	"fmt"
	"strings"
	"testing"
)

func TestParseDpkg(t *testing.T) {
	b := []byte("Package: libssl3\nStatus: install ok installed\nSource: openssl\nVersion: 3.0.19-1~deb12u2\nArchitecture: amd64\nDescription: x\n continuation: line\n\n" +
		"Package: bash\nStatus: install ok installed\nSource: bash (5.2.15-2)\nVersion: 5.2.15-2+b8\n\n" +
		"Package: gone\nStatus: deinstall ok config-files\nVersion: 1.0\n\n" +
		"Package: tar\nStatus: install ok installed\nVersion: 1.34+dfsg-1.2+deb12u1\n")
	got := ParseDpkg(b, "/var/lib/dpkg/status")
	want := []string{"libssl3 3.0.19-1~deb12u2 openssl 3.0.19-1~deb12u2 line1", "bash 5.2.15-2+b8 bash 5.2.15-2 line9", "tar 1.34+dfsg-1.2+deb12u1 tar 1.34+dfsg-1.2+deb12u1 line18"}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i, p := range got {
		if s := fmt.Sprintf("%s %s %s %s line%d", p.Name, p.Version, p.MatchName(), p.MatchVersion(), p.Line); s != want[i] {
			t.Errorf("%d: %s, want %s", i, s, want[i])
		}
	}
}

func TestParseApk(t *testing.T) {
	b := []byte("C:Q1abc\nP:libcrypto3\nV:3.3.2-r0\nA:x86_64\no:openssl\n\nP:musl\nV:1.2.5-r0\n\nP:broken\n")
	got := ParseApk(b, "/lib/apk/db/installed")
	if len(got) != 2 || got[0].MatchName() != "openssl" || got[0].Version != "3.3.2-r0" || got[1].MatchName() != "musl" || got[1].Line != 7 {
		t.Errorf("got %+v", got)
	}
}

func TestParsePythonMetadata(t *testing.T) {
	p, ok := ParsePythonMetadata([]byte("Metadata-Version: 2.1\nName: Jinja2\nVersion: 3.1.3\n\nbody\n"), "/x/METADATA")
	if !ok || p.Name != "Jinja2" || p.Version != "3.1.3" || p.Type != TypePython {
		t.Errorf("got %+v %v", p, ok)
	}
	if _, ok := ParsePythonMetadata([]byte("garbage\x00"), "/x"); ok {
		t.Error("garbage accepted")
	}
}

func FuzzParsers(f *testing.F) {
	f.Add([]byte("Package: a\nVersion: 1\nSource: b (2)\n\n"))
	f.Add([]byte("P:a\nV:1\no:b\n"))
	f.Add([]byte("Name: a\nVersion: 1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, p := range append(ParseDpkg(b, "s"), ParseApk(b, "s")...) {
			if p.Name == "" || p.Version == "" || p.Line < 1 {
				t.Fatalf("bad package %+v", p)
			}
		}
		ParsePythonMetadata(b, "m")
	})
}

func TestSafeCreatedBy(t *testing.T) {
	for _, c := range []struct{ in, notWant string }{
		{"|1 NPM_TOKEN=npm_Zk8Lq2Wm4Xn6Vb8Cd0Fg2Hj4Kl6Mn8Pq0Rs2 /bin/sh -c npm ci", "Zk8Lq2Wm4Xn6Vb8Cd0Fg2Hj4"},
		{"/bin/sh -c pip install --index-url https://deploy:s3cr3tpassw0rd@pypi.example.com/simple app", "s3cr3tpassw0rd"},
		{"/bin/sh -c echo ghp_R7mK2pQx9Lw4Zt8Vn3Bc6Hy1Jd5Fs0Ge7Ua2 > /x", "R7mK2pQx9Lw4"},
	} {
		if got := SafeCreatedBy(c.in); got == "" || strings.Contains(got, c.notWant) {
			t.Errorf("SafeCreatedBy(%q) = %q", c.in, got)
		}
	}
	if got := SafeCreatedBy("/bin/sh -c apt-get install -y curl"); got != "/bin/sh -c apt-get install -y curl" {
		t.Errorf("harmless line changed: %q", got)
	}
}
