package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/pyapp"
	"github.com/hardhull/hardhull/internal/secrets"
)

func pyEx(src string) finding.Example {
	return finding.Example{Files: map[string]string{"app/main.py": src}}
}

func (p *Pass) pyAt(line, col int) finding.Location {
	return finding.Location{Path: p.Ext.PythonPath, Line: line, Column: col}
}

var _ = register(finding.Rule{
	ID: "PY001", Slug: "fastapi-debug", Title: "FastAPI debug mode on",
	Severity: finding.High, Kind: finding.KindPython,
	Checklist: []string{"runtime.debug-disabled", "secrets.not-exposed"}, OWASP: []string{"D04"},
	Rationale: "FastAPI(debug=True) returns full tracebacks to clients: source, paths and the values of local variables, secrets included.",
	Fix:       "FastAPI(debug=settings.debug) with debug defaulting to False.",
	Bad:       []finding.Example{pyEx("from fastapi import FastAPI\n\napp = FastAPI(debug=True)\n")},
	Good:      []finding.Example{pyEx("from fastapi import FastAPI\nfrom app.config import settings\n\napp = FastAPI(debug=settings.debug, docs_url=None, redoc_url=None, openapi_url=None)\n")},
}, func(p *Pass) {
	for _, c := range p.Ext.Python.FastAPICalls {
		if a, ok := c.Args["debug"]; ok && a.IsTrue() {
			p.Report(p.pyAt(a.Line, a.Col), "fastapi-debug", "FastAPI(debug=True) sends tracebacks to clients")
		}
	}
})

var _ = register(finding.Rule{
	ID: "PY002", Slug: "fastapi-docs-exposed", Title: "API docs served without a production gate",
	Severity: finding.Low, Kind: finding.KindPython,
	Checklist: []string{"runtime.debug-disabled"}, OWASP: []string{"D04"},
	Rationale: "/docs, /redoc and /openapi.json map every endpoint and schema for an attacker; FastAPI serves them by default.",
	Fix:       "docs_url=\"/docs\" if settings.environment != \"production\" else None (and the same for redoc_url and openapi_url).",
	Bad:       []finding.Example{pyEx("from fastapi import FastAPI\n\napp = FastAPI(title=\"shop\")\n")},
	Good: []finding.Example{pyEx("from fastapi import FastAPI\nfrom app.config import settings\n\napp = FastAPI(\n    docs_url=\"/docs\" if settings.environment != \"production\" else None,\n    redoc_url=None,\n    openapi_url=\"/openapi.json\" if settings.environment != \"production\" else None,\n)\n"),
		pyEx("from fastapi import FastAPI\n\napp = FastAPI(openapi_url=None)\n")},
}, func(p *Pass) {
	for _, c := range p.Ext.Python.FastAPICalls {
		if c.Spread {
			continue // **kwargs may well set them
		}
		// The docs pages need the schema: openapi_url=None (or gated)
		// turns off, or gates, all three endpoints.
		if a, ok := c.Args["openapi_url"]; ok && (a.IsNone() || pyapp.DocsGated(a)) {
			continue
		}
		var open []string
		for _, k := range []string{"docs_url", "redoc_url", "openapi_url"} {
			a, ok := c.Args[k]
			if !ok || !a.IsNone() && !pyapp.DocsGated(a) {
				open = append(open, k)
			}
		}
		if len(open) > 0 {
			p.Report(p.pyAt(c.Line, c.Col), "fastapi-docs", fmt.Sprintf("%s(...) serves %s in every environment", c.Func, strings.Join(open, ", ")))
		}
	}
})

func settingName(n string) string { return strings.ToLower(n) }

var _ = register(finding.Rule{
	ID: "PY003", Slug: "settings-debug-default", Title: "Settings default to debug or development",
	Severity: finding.Medium, Kind: finding.KindPython,
	Checklist: []string{"runtime.debug-disabled"}, OWASP: []string{"D04"},
	Rationale: "A settings default of debug=True or environment=\"development\" means a deployment that forgets one variable runs in debug mode.",
	Fix:       "Default to production: debug: bool = False, environment: str = \"production\"; enable debug explicitly in development.",
	Bad:       []finding.Example{pyEx("from pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n    debug: bool = True\n")},
	Good:      []finding.Example{pyEx("from pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n    debug: bool = False\n    environment: str = \"production\"\n")},
}, func(p *Pass) {
	check := func(f pyapp.Field, where string) {
		v := f.DefaultValue()
		if !v.IsSet() {
			return
		}
		val := v.Text
		if s, ok := v.IsStringLiteral(); ok {
			val = s
		}
		if msg, bad := DebugSetting(f.Name, val); bad {
			p.Report(p.pyAt(f.Line, f.Col), "py-debug:"+f.Name, fmt.Sprintf("%s: %s", where, msg))
		} else if settingName(f.Name) == "debug" && v.IsTrue() {
			p.Report(p.pyAt(f.Line, f.Col), "py-debug:"+f.Name, fmt.Sprintf("%s: debug defaults to True", where))
		}
	}
	for _, sc := range p.Ext.Python.Settings {
		for _, f := range sc.Fields {
			check(f, "settings class "+sc.Name)
		}
	}
	for _, f := range p.Ext.Python.Assignments {
		if strings.ToUpper(f.Name) == f.Name {
			check(f, "module constant")
		}
	}
})

var _ = register(finding.Rule{
	ID: "PY004", Slug: "settings-secret-default", Title: "Secret hardcoded as a settings default",
	Severity: finding.High, Kind: finding.KindPython,
	Checklist: []string{"secrets.no-hardcoded"}, OWASP: []string{"D06"},
	Rationale: "A literal default for a secret ships in the image and in the repository, and is what runs whenever the variable is missing.",
	Fix:       "Give secrets no default (secret_key: str) so startup fails without one, or read them with get_secret() from /run/secrets.",
	Bad:       []finding.Example{pyEx("from pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n    secret_key: str = \"dev-secret-key-change-me\"\n")},
	Good:      []finding.Example{pyEx("from pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n    secret_key: str\n    database_url: str = \"\"\n")},
}, func(p *Pass) {
	check := func(f pyapp.Field, where string) {
		v := f.DefaultValue()
		s, ok := v.IsStringLiteral()
		if !ok {
			return
		}
		if red, bad := secrets.URLWithPassword(s); bad {
			p.Report(p.pyAt(f.Line, f.Col), "py-secret:"+f.Name, fmt.Sprintf("%s: %s defaults to a connection string with a literal password (%s)", where, f.Name, red))
			return
		}
		if secrets.SecretName(f.Name) && secrets.LiteralSecretValue(f.Name, s) {
			p.Report(p.pyAt(f.Line, f.Col), "py-secret:"+f.Name, fmt.Sprintf("%s: %s has a literal default (%s)", where, f.Name, secrets.Redact(s)))
		}
	}
	for _, sc := range p.Ext.Python.Settings {
		for _, f := range sc.Fields {
			check(f, "settings class "+sc.Name)
		}
	}
	for _, f := range p.Ext.Python.Assignments {
		check(f, "module constant")
	}
})

var _ = register(finding.Rule{
	ID: "PY005", Slug: "uvicorn-reload", Title: "uvicorn.run with reload or debug",
	Severity: finding.Medium, Kind: finding.KindPython,
	Checklist: []string{"runtime.debug-disabled"}, OWASP: []string{"D04"},
	Rationale: "reload=True runs a file watcher that re-imports code on change: a development server, not a production one.",
	Fix:       "Drop reload=True (or tie it to settings.debug) and run `fastapi run` / uvicorn without --reload in the image.",
	Bad:       []finding.Example{pyEx("import uvicorn\n\nif __name__ == \"__main__\":\n    uvicorn.run(\"app.main:app\", host=\"0.0.0.0\", reload=True)\n")},
	Good:      []finding.Example{pyEx("import uvicorn\n\nif __name__ == \"__main__\":\n    uvicorn.run(\"app.main:app\", host=\"0.0.0.0\", proxy_headers=True)\n")},
}, func(p *Pass) {
	for _, c := range p.Ext.Python.UvicornRuns {
		for _, k := range []string{"reload", "debug"} {
			if a, ok := c.Args[k]; ok && a.IsTrue() {
				p.Report(p.pyAt(a.Line, a.Col), "uvicorn:"+k, fmt.Sprintf("%s(..., %s=True) starts a development server", c.Func, k))
			}
		}
	}
})

// exposingCall matches the start of a statement that sends a value out of
// the process: a response (return), standard output, or a log record.
var exposingCall = regexp.MustCompile(`^\s*(return\b|yield\b|print\s*\(|(?:logger|logging|log|LOGGER|_logger)\.(?:debug|info|warning|warn|error|exception|critical|log)\s*\()`)

// secretIdent finds an identifier that names a secret: settings.secret_key,
// SECRET_KEY, db_password, api_token.
var secretIdent = regexp.MustCompile(`(?i)\b[a-z_][a-z0-9_.]*(?:secret|password|passwd|token|api_?key|private_?key|credential)[a-z0-9_]*\b`)

// stripStrings blanks string literals (their text is prose, not values)
// but keeps f-string replacement fields, which are values.
func stripStrings(line string) string {
	var b strings.Builder
	inStr := byte(0)
	fstr := false
	depth := 0
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case inStr == 0 && c == '#':
			return b.String()
		case inStr == 0 && (c == '"' || c == '\''):
			inStr = c
			fstr = i > 0 && (line[i-1] == 'f' || line[i-1] == 'F')
		case inStr != 0 && c == '\\':
			i++
		case inStr != 0 && c == inStr && depth == 0:
			inStr = 0
		case inStr != 0 && fstr && c == '{':
			depth++
			b.WriteByte(' ')
		case inStr != 0 && fstr && c == '}' && depth > 0:
			depth--
			b.WriteByte(' ')
		case inStr != 0 && depth == 0:
			// prose inside a literal: dropped
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

var _ = register(finding.Rule{
	ID: "PY006", Slug: "secret-returned-or-logged", Title: "Secret returned in a response or written to logs",
	Severity: finding.High, Kind: finding.KindPython,
	Checklist: []string{"secrets.not-exposed"}, OWASP: []string{"D06", "D10"},
	Rationale: "A secret in a response body, on stdout or in a log record leaves the container: logs are shipped, kept and read by many more people than the secret's owners.",
	Fix:       "Never return or log secret values; log that a secret was loaded (or its name), not its content.",
	Bad: []finding.Example{
		pyEx("from fastapi import FastAPI\nfrom app.config import settings\n\napp = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)\n\n@app.get(\"/debug\")\ndef debug():\n    return {\"key\": settings.secret_key}\n"),
		pyEx("import logging\nfrom fastapi import FastAPI\n\nlogger = logging.getLogger(__name__)\napp = FastAPI(openapi_url=None)\nDB_PASSWORD = \"\"\nlogger.info(f\"connecting with {DB_PASSWORD}\")\n"),
	},
	Good: []finding.Example{
		pyEx("import logging\nfrom fastapi import FastAPI\n\nlogger = logging.getLogger(__name__)\napp = FastAPI(openapi_url=None)\nlogger.info(\"secret_key loaded; token refresh every %d s\", 60)\n\n@app.get(\"/health\")\ndef health():\n    return {\"status\": \"ok\", \"password_policy\": \"min 12\"}\n"),
	},
}, func(p *Pass) {
	for i, line := range strings.Split(string(p.Ext.PythonSource), "\n") {
		if !exposingCall.MatchString(line) {
			continue
		}
		code := stripStrings(line)
		if m := secretIdent.FindStringIndex(code); m != nil {
			ident := code[m[0]:m[1]]
			what := "returns"
			if !strings.HasPrefix(strings.TrimSpace(line), "return") && !strings.HasPrefix(strings.TrimSpace(line), "yield") {
				what = "writes out"
			}
			col := strings.Index(line, ident) + 1
			p.Report(p.pyAt(i+1, max(col, 1)), "py-expose:"+ident, fmt.Sprintf("the app %s %s", what, ident))
		}
	}
})
