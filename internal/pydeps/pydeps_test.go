package pydeps

import (
	"fmt"
	"strings"
	"testing"
)

func summary(f *File) string {
	var out []string
	for _, p := range f.Packages {
		out = append(out, fmt.Sprintf("%s@%s:%d:%s", p.Name, p.Version, p.Line, p.Confidence))
	}
	for _, u := range f.Unpinned {
		out = append(out, fmt.Sprintf("unpinned %s %q:%d", u.Name, u.Spec, u.Line))
	}
	return strings.Join(out, "\n")
}

func TestParse(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"requirements.txt", "# app\nfastapi==0.115.6\nuvicorn[standard]==0.34.0 ; python_version>'3.8'\nstarlette>=0.39.1,<1\n" +
			"httpx\n-r other.txt\npydantic~=2.7 # comment\nrequests<3\nflask==2.*\nclick==8.1.7 \\\n    --hash=sha256:abc\n./local\ngit+https://x/y.git\n",
			"fastapi@0.115.6:2:exact\nuvicorn@0.34.0:3:exact\nstarlette@0.39.1:4:lower-bound\npydantic@2.7:7:lower-bound\nflask@2:9:lower-bound\nclick@8.1.7:10:exact\nunpinned httpx \"\":5\nunpinned requests \"<3\":8"},
		{"uv.lock", "version = 1\n\n[[package]]\nname = \"app\"\nsource = { editable = \".\" }\n\n[[package]]\nname = \"starlette\"\nversion = \"0.39.1\"\n\n[[package]]\nname = \"anyio\"\nversion = \"4.4.0\"\n",
			"starlette@0.39.1:8:exact\nanyio@4.4.0:12:exact"},
		{"poetry.lock", "[[package]]\nname = \"jinja2\"\nversion = \"3.1.3\"\ncategory = \"main\"\n",
			"jinja2@3.1.3:2:exact"},
		{"pylock.toml", "lock-version = \"1.0\"\n[[packages]]\nname = \"starlette\"\nversion = \"0.39.1\"\n",
			"starlette@0.39.1:3:exact"},
		{"Pipfile.lock", "{\n  \"_meta\": {},\n  \"default\": {\n    \"starlette\": {\n      \"version\": \"==0.39.1\"\n    }\n  },\n  \"develop\": {\n    \"pytest\": {\"version\": \"==8.0.0\"}\n  }\n}\n",
			"starlette@0.39.1:4:exact\npytest@8.0.0:9:exact"},
	} {
		f, err := Parse("ctx/"+c.name, []byte(c.in))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := summary(f); got != c.want {
			t.Errorf("%s:\n%s\nwant\n%s", c.name, got, c.want)
		}
	}
}

func TestParseHostile(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"uv.lock", "[[package]\nname = 1\n", "ctx/uv.lock: line 1"},
		{"Pipfile.lock", "{\n\"default\": [\n", "ctx/Pipfile.lock:"},
		{"pylock.toml", "x = \"\n", "ctx/pylock.toml: line 1"},
	} {
		_, err := Parse("ctx/"+c.name, []byte(c.in))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: %v, want prefix %q", c.name, err, c.want)
		}
	}
	if IsDepsFile("requirements.in") || !IsDepsFile("requirements-dev.txt") || !IsDepsFile("Pipfile.lock") || !IsDepsFile("pylock.prod.toml") {
		t.Error("IsDepsFile")
	}
}

func FuzzParse(f *testing.F) {
	f.Add("requirements.txt", []byte("a==1\nb>=2\nc\n"))
	f.Add("uv.lock", []byte("[[package]]\nname = \"a\"\nversion = \"1\"\n"))
	f.Add("Pipfile.lock", []byte(`{"default":{"a":{"version":"==1"}}}`))
	f.Fuzz(func(t *testing.T, name string, b []byte) {
		for _, n := range []string{"requirements.txt", "uv.lock", "Pipfile.lock", "pylock.toml"} {
			pf, err := Parse(n, b)
			if err == nil {
				for _, p := range pf.Packages {
					if p.Name == "" || p.Version == "" {
						t.Fatalf("%s: empty package %+v", n, p)
					}
				}
			}
		}
	})
}
