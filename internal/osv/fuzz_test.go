package osv

import (
	"path/filepath"
	"testing"
)

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"id":"X","affected":[{"package":{"ecosystem":"Debian:12","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}`))
	f.Add([]byte(`{"id":"X","unknown":{"a":[1]}}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := Decode(b)
		if err == nil && v.ID == "" {
			t.Fatal("record without id accepted")
		}
	})
}

func TestWalkZipNotZip(t *testing.T) {
	err := WalkZip(filepath.Join(t.TempDir(), "none.zip"), func(*Vulnerability) error { return nil })
	if err == nil {
		t.Fatal("missing file accepted")
	}
}

func TestNormalizeName(t *testing.T) {
	for _, c := range []struct{ eco, in, want string }{
		{"PyPI", "Jinja2", "jinja2"},
		{"PyPI", "zope.interface", "zope-interface"},
		{"PyPI", "Foo__Bar-.baz", "foo-bar-baz"},
		{"Debian:12", "libssl3", "libssl3"},
		{"Go", "github.com/A/b", "github.com/A/b"},
	} {
		if got := NormalizeName(c.eco, c.in); got != c.want {
			t.Errorf("NormalizeName(%s, %s) = %s, want %s", c.eco, c.in, got, c.want)
		}
	}
	if BaseEcosystem("Ubuntu:Pro:22.04:LTS") != "Ubuntu" || BaseEcosystem("PyPI") != "PyPI" {
		t.Error("BaseEcosystem")
	}
}

func TestIDs(t *testing.T) {
	v := &Vulnerability{ID: "DSA-1", Aliases: []string{"CVE-1"}, Upstream: []string{"CVE-1", "CVE-2"}}
	if got := v.IDs(); len(got) != 3 || got[0] != "DSA-1" || got[2] != "CVE-2" {
		t.Errorf("IDs = %v", got)
	}
}
