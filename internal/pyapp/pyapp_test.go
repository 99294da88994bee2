package pyapp

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestGolden parses each fixture and compares every extracted fact with its
// golden JSON file (go test -update rewrites them).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.py")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(filepath.Base(path), src)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(f, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := strings.TrimSuffix(path, ".py") + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from golden:\n%s", path, got)
			}
		})
	}
}

func mustParse(t *testing.T, name string) *File {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(name, src)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func field(fs []Field, name string) (Field, bool) {
	for _, f := range fs {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// TestSeedExample checks the facts rules need from the checklist's own
// hardened example.
func TestSeedExample(t *testing.T) {
	main := mustParse(t, "seed_main.py")
	if !main.ImportsFastAPI || len(main.FastAPICalls) != 1 {
		t.Fatalf("want one FastAPI call, got %+v", main)
	}
	c := main.FastAPICalls[0]
	if c.Line != 6 || c.Func != "FastAPI" {
		t.Errorf("call at %d %q", c.Line, c.Func)
	}
	if d := c.Args["debug"]; d.Text != "settings.debug" || d.IsTrue() || d.Line != 7 {
		t.Errorf("debug = %+v", d)
	}
	if d := c.Args["docs_url"]; d.Text != `"/docs" if settings.environment != "production" else None` || !DocsGated(d) {
		t.Errorf("docs_url = %+v, gated %v", d, DocsGated(d))
	}
	if r := c.Args["redoc_url"]; !r.IsNone() || DocsGated(r) {
		t.Errorf("redoc_url = %+v", r)
	}

	cfg := mustParse(t, "seed_config.py")
	if len(cfg.Settings) != 1 || cfg.Settings[0].Name != "Settings" {
		t.Fatalf("settings = %+v", cfg.Settings)
	}
	want := []Field{
		{Name: "debug", Annotation: "bool", Default: "False", Line: 6, Col: 5, DefaultLine: 6, DefaultCol: 19},
		{Name: "environment", Annotation: "str", Default: `"production"`, Line: 7, Col: 5, DefaultLine: 7, DefaultCol: 24},
	}
	for i, w := range want {
		if cfg.Settings[0].Fields[i] != w {
			t.Errorf("field %d = %+v, want %+v", i, cfg.Settings[0].Fields[i], w)
		}
	}
}

func TestDevApp(t *testing.T) {
	f := mustParse(t, "dev_main.py")
	if len(f.FastAPICalls) != 1 {
		t.Fatalf("docstring code must not count: %+v", f.FastAPICalls)
	}
	c := f.FastAPICalls[0]
	if !c.Args["debug"].IsTrue() {
		t.Errorf("debug = %+v", c.Args["debug"])
	}
	docs := c.Args["docs_url"]
	if !DocsGated(docs) {
		t.Errorf("a bare name is configuration-dependent until resolved")
	}
	if r := f.Resolve(docs); r.Text != `"/docs"` || DocsGated(r) || r.Line != 15 {
		t.Errorf("Resolve(docs_url) = %+v", r)
	}
	if len(f.UvicornRuns) != 1 {
		t.Fatalf("uvicorn.run: %+v", f.UvicornRuns)
	}
	u := f.UvicornRuns[0]
	if !u.Args["reload"].IsTrue() || u.Args["reload"].Line != 40 {
		t.Errorf("reload across a line continuation = %+v", u.Args["reload"])
	}
	if h, ok := u.Args["host"].IsStringLiteral(); !ok || h != "0.0.0.0" {
		t.Errorf("host = %q %v", h, ok)
	}
	if p, ok := u.Positional[0].IsStringLiteral(); !ok || p != "dev_main:app" {
		t.Errorf("app = %q", p)
	}
	for name, want := range map[string]string{"DEBUG": "True", "SECRET_KEY": `"dev-secret-key-change-me"`} {
		if a, ok := field(f.Assignments, name); !ok || a.Default != want {
			t.Errorf("assignment %s = %+v", name, a)
		}
	}
	if _, ok := field(f.Assignments, "debug"); ok {
		t.Errorf("a local inside a function is not module-level")
	}
	s := f.Settings[0]
	if len(s.Fields) != 4 {
		t.Fatalf("fields (Config's must not leak in): %+v", s.Fields)
	}
	api, _ := field(s.Fields, "api_key")
	if v, ok := api.DefaultValue().IsStringLiteral(); !ok || v != "sk-test-123" {
		t.Errorf("api_key default = %q %v", v, ok)
	}
	if d := api.DefaultValue(); d.Line != 21 || d.Col != 34 {
		t.Errorf("api_key default position = %d:%d", d.Line, d.Col)
	}
	tok, _ := field(s.Fields, "token")
	if d := tok.DefaultValue(); d.IsSet() {
		t.Errorf("a required Field(...) has no default, got %+v", d)
	}
}

func TestFullStackTemplate(t *testing.T) {
	cfg := mustParse(t, "fullstack_config.py")
	if len(cfg.Settings) != 1 {
		t.Fatalf("settings: %+v", cfg.Settings)
	}
	fs := cfg.Settings[0].Fields
	sk, ok := field(fs, "SECRET_KEY")
	if !ok || sk.Default != "secrets.token_urlsafe(32)" {
		t.Errorf("SECRET_KEY = %+v", sk)
	}
	if _, ok := sk.DefaultValue().IsStringLiteral(); ok {
		t.Errorf("a generated secret is not a literal")
	}
	if pw, _ := field(fs, "FIRST_SUPERUSER_PASSWORD"); pw.Annotation != "str" || pw.Default != "" {
		t.Errorf("required field = %+v", pw)
	}
	if cors, _ := field(fs, "BACKEND_CORS_ORIGINS"); cors.Annotation != "Annotated[ list[AnyUrl] | str, BeforeValidator(parse_cors) ]" || cors.Default != "[]" {
		t.Errorf("multi-line annotation = %+v", cors)
	}
	if _, ok := field(fs, "all_cors_origins"); ok {
		t.Errorf("properties are not fields")
	}
	if _, ok := field(fs, "message"); ok {
		t.Errorf("method locals are not fields")
	}

	main := mustParse(t, "fullstack_main.py")
	c := main.FastAPICalls[0]
	if _, ok := c.Args["docs_url"]; ok {
		t.Fatalf("docs_url absent")
	}
	if DocsGated(c.Args["docs_url"]) {
		t.Errorf("absent docs_url means FastAPI's default /docs, not gated")
	}
	if o := c.Args["openapi_url"]; DocsGated(o) || o.Text != `f"{settings.API_V1_STR}/openapi.json"` {
		t.Errorf("an f-string path is always served: %+v", o)
	}
}

func TestTricky(t *testing.T) {
	f := mustParse(t, "tricky.py")
	if !f.ImportsFastAPI {
		t.Error("import fastapi as fa")
	}
	if len(f.FastAPICalls) != 1 || f.FastAPICalls[0].Func != "fa.FastAPI" || !f.FastAPICalls[0].Spread {
		t.Fatalf("FastAPI calls: %+v", f.FastAPICalls)
	}
	if d := f.FastAPICalls[0].Args["docs_url"]; !DocsGated(d) || d.Line != 25 {
		t.Errorf("docs_url = %+v", d)
	}
	if len(f.UvicornRuns) != 2 || f.UvicornRuns[0].Func != "Config" || f.UvicornRuns[1].Func != "serve" {
		t.Fatalf("uvicorn calls: %+v", f.UvicornRuns)
	}
	if h, _ := f.UvicornRuns[1].Args["host"].IsStringLiteral(); h != "0.0.0.0" {
		t.Errorf("serve host = %q", h)
	}
	if len(f.Settings) != 2 || f.Settings[1].Name != "Prod" || len(f.Settings[1].Fields) != 1 {
		t.Errorf("settings via re-exported base and inheritance: %+v", f.Settings)
	}
	if raw, _ := field(f.Assignments, "raw"); raw.Default != `r"C:\path\"quoted"` {
		t.Errorf("raw = %q", raw.Default)
	}
}

func TestArgPredicates(t *testing.T) {
	tests := []struct {
		text   string
		isTrue bool
		isNone bool
		str    string
		isStr  bool
		gated  bool
	}{
		{text: "True", isTrue: true},
		{text: "None", isNone: true},
		{text: "False"},
		{text: ""},
		{text: `"/docs"`, str: "/docs", isStr: true},
		{text: `'/docs'`, str: "/docs", isStr: true},
		{text: `"/api" "/docs"`, str: "/api/docs", isStr: true},
		{text: `"""x"""`, str: "x", isStr: true},
		{text: `r"\d"`, str: `\d`, isStr: true},
		{text: `"a\tb\"c"`, str: "a\tb\"c", isStr: true},
		{text: `f"/docs"`, str: "/docs", isStr: true},
		{text: `f"{{x}}"`, str: "{x}", isStr: true},
		{text: `f"{prefix}/docs"`},
		{text: `b"/docs"`},
		{text: `"/docs" if settings.environment != "production" else None`, gated: true},
		{text: `"/docs" if DEBUG else None`, gated: true},
		{text: `settings.docs_url`, gated: true},
		{text: `os.getenv("DOCS_URL")`, gated: true},
		{text: `not None`},
		{text: `"unterminated`},
	}
	for _, tt := range tests {
		a := Arg{Text: tt.text}
		s, isStr := a.IsStringLiteral()
		if a.IsTrue() != tt.isTrue || a.IsNone() != tt.isNone || s != tt.str || isStr != tt.isStr || DocsGated(a) != tt.gated {
			t.Errorf("%q: IsTrue %v IsNone %v IsStringLiteral %q %v DocsGated %v", tt.text,
				a.IsTrue(), a.IsNone(), s, isStr, DocsGated(a))
		}
	}
}

func TestIsCandidate(t *testing.T) {
	tests := []struct {
		path, src string
		want      bool
	}{
		{"app/main.py", "from fastapi import FastAPI\n", true},
		{"run.py", "import uvicorn\n", true},
		{"config.py", "class S(BaseSettings): pass\n", true},
		{"APP.PY", "app = FastAPI()\n", true},
		{"util.py", "import os\n", false},
		{"main.go", "// fastapi\n", false},
		{"README.md", "FastAPI", false},
	}
	for _, tt := range tests {
		if got := IsCandidate(tt.path, []byte(tt.src)); got != tt.want {
			t.Errorf("IsCandidate(%q) = %v", tt.path, got)
		}
	}
}
