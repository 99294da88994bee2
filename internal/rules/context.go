package rules

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/secrets"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// copied is one file a COPY/ADD of the shipping stage brings in. When it
// came through a builder stage (COPY --from=builder), in is the COPY that
// ships it and via the builder's COPY that took it from the context.
type copied struct {
	file string
	in   *dockerfile.Instruction
	via  *dockerfile.Instruction
}

// viaText says how a file that came through a builder entered it.
func (c copied) viaText() string {
	if c.via == nil {
		return ""
	}
	return fmt.Sprintf(" (it entered %s through %s at line %d)", stageLabel(c.via.Stage.Name, c.via.Stage.Index), strings.ToUpper(c.via.Cmd), c.via.Line)
}

// landed is a context file at its path in a stage's filesystem.
type landed struct {
	file, at string
	in, via  *dockerfile.Instruction
}

// shippedFiles lists the context files that reach the shipping stage: by
// its own COPY and ADD, and through COPY --from=<stage> of a path where a
// builder copied them.
func (p *Pass) shippedFiles() []copied {
	if p.Ext.Context == nil {
		return nil
	}
	var out []copied
	seen := map[string]bool{}
	for _, l := range p.stageFiles(p.Final, 0) {
		if !seen[l.file] {
			seen[l.file] = true
			out = append(out, copied{l.file, l.in, l.via})
		}
	}
	return out
}

// maxStageHops bounds COPY --from chains followed (and breaks loops).
const maxStageHops = 4

// stageFiles lists where the context files a stage (with its parents)
// copies land.
func (p *Pass) stageFiles(st *dockerfile.Stage, depth int) []landed {
	bc := p.Ext.Context
	var out []landed
	chain := st.Chain()
	workdir := "/"
	for i := len(chain) - 1; i >= 0; i-- {
		for _, in := range chain[i].Instructions {
			var srcs []string
			var dst, from string
			switch c := in.Command.(type) {
			case *instructions.WorkdirCommand:
				workdir = absPath(workdir, c.Path)
				continue
			case *instructions.CopyCommand:
				srcs, dst, from = c.SourcePaths, c.DestPath, c.From
			case *instructions.AddCommand:
				srcs, dst = c.SourcePaths, c.DestPath
			default:
				continue
			}
			dirDst := strings.HasSuffix(dst, "/") || dst == "." || len(srcs) > 1
			dst = absPath(workdir, dst)
			if from != "" {
				src := p.Dockerfile.Stage(from)
				if src == nil || depth >= maxStageHops || strings.Contains(from, "$") {
					continue
				}
				inner := p.stageFiles(src, depth+1)
				for _, s := range srcs {
					if strings.Contains(s, "$") {
						continue
					}
					sp := absPath("/", s)
					if i := strings.IndexAny(sp, "*?["); i >= 0 {
						sp = path.Dir(sp[:i+1]) // a wildcard copies from below its fixed part
					}
					for _, l := range inner {
						rel, ok := below(l.at, sp)
						if !ok {
							continue
						}
						at := dst
						if rel != "" {
							at = path.Join(dst, rel)
						} else if dirDst {
							at = path.Join(dst, path.Base(l.at))
						}
						via := l.via
						if via == nil {
							via = l.in
						}
						out = append(out, landed{file: l.file, at: at, in: in, via: via})
					}
				}
				continue
			}
			for _, s := range srcs {
				if isRemote(s) || strings.Contains(s, "$") {
					continue
				}
				for _, r := range bc.SourcesRooted(s) {
					at := dst
					switch {
					case r.Rel != "":
						at = path.Join(dst, r.Rel)
					case dirDst:
						at = path.Join(dst, path.Base(r.File))
					}
					out = append(out, landed{file: r.File, at: at, in: in})
				}
			}
		}
	}
	return out
}

// absPath resolves p against dir as WORKDIR and COPY destinations do.
func absPath(dir, p string) string {
	if strings.HasPrefix(p, "/") {
		return path.Clean(p)
	}
	return path.Join(dir, p)
}

// below reports whether p is at or below dir, and its path under dir.
func below(p, dir string) (string, bool) {
	if dir == "/" {
		return strings.TrimPrefix(p, "/"), true
	}
	if p == dir {
		return "", true
	}
	if rel, ok := strings.CutPrefix(p, dir+"/"); ok {
		return rel, true
	}
	return "", false
}

func ctxEx(files map[string]string) finding.Example { return finding.Example{Files: files} }

var _ = register(finding.Rule{
	ID: "DF010", Slug: "env-file-in-image", Title: ".env file copied into the image",
	Severity: finding.High, Kind: finding.KindContext,
	Checklist: []string{"secrets.no-env-files", "build.no-secrets"}, CIS: []string{"4.10"}, OWASP: []string{"D06"},
	Rationale: "A .env file holds the deployment's secrets; in an image layer it ships to every registry and every pull.",
	Fix:       "Exclude .env and **/.env in .dockerignore and inject settings at run time.",
	Bad: []finding.Example{
		ctxEx(map[string]string{"Dockerfile": "FROM python:3.12-slim\nCOPY .env /app/.env\nUSER 1000\n", ".env": "SECRET_KEY=abc\n"}),
		ctxEx(map[string]string{"Dockerfile": "FROM python:3.12-slim\nCOPY . /app\nUSER 1000\n", ".dockerignore": ".env\n", "app/.env": "SECRET_KEY=abc\n", "app/main.py": "print(1)\n"}),
		{Files: map[string]string{"Dockerfile": "FROM node:22 AS build\nWORKDIR /src\nCOPY . .\nRUN npm ci && npm run build\nFROM node:22-slim\nCOPY --from=build /src /app\nUSER node\n", ".dockerignore": ".git\n", ".env": "SECRET_KEY=abc\n", "package.json": "{}\n"},
			Note: "the builder copies the context and the image ships the builder's /src"},
	},
	Good: []finding.Example{
		ctxEx(map[string]string{"Dockerfile": "FROM python:3.12-slim\nCOPY . /app\nUSER 1000\n", ".dockerignore": "**/.env\n", ".env": "SECRET_KEY=abc\n", "app/.env": "X=1\n", ".env.example": "SECRET_KEY=\n"}),
	},
}, func(p *Pass) {
	for _, c := range p.shippedFiles() {
		if kind, ok := secrets.SensitiveFile(c.file); ok && kind == secrets.KindEnvFile {
			p.Report(p.At(c.in), "env-file:"+c.file, fmt.Sprintf("%s brings %s into the image%s", strings.ToUpper(c.in.Cmd), c.file, c.viaText()))
		}
	}
})

// maxContentScan bounds how much copied content is scanned for secrets.
const (
	maxContentFiles = 2000
	maxContentFile  = 256 << 10
)

var textExts = map[string]bool{"": true, ".json": true, ".yaml": true, ".yml": true, ".toml": true, ".ini": true, ".cfg": true,
	".conf": true, ".properties": true, ".py": true, ".js": true, ".ts": true, ".sh": true, ".txt": true, ".xml": true,
	".env": true, ".rb": true, ".go": true, ".php": true, ".config": true, ".npmrc": true, ".pypirc": true, ".netrc": true}

var _ = register(finding.Rule{
	ID: "DF011", Slug: "secret-file-in-image", Title: "Secret file or secret content copied into the image",
	Severity: finding.High, Kind: finding.KindContext,
	Checklist: []string{"build.no-secrets", "secrets.no-hardcoded"}, CIS: []string{"4.10"}, OWASP: []string{"D06"},
	Rationale: "Keys, credentials and tokens in an image layer are readable by anyone who can pull it, forever: deleting them later does not remove the layer.",
	Fix:       "Exclude the file in .dockerignore; mount it at run time as a Docker secret, or at build time with RUN --mount=type=secret.",
	Bad: []finding.Example{
		ctxEx(map[string]string{"Dockerfile": "FROM python:3.12-slim\nCOPY . /app\nUSER 1000\n", ".dockerignore": ".git\n", "certs/server.key": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"}),
		ctxEx(map[string]string{"Dockerfile": "FROM python:3.12-slim\nCOPY config.py /app/\nUSER 1000\n", "config.py": "GITHUB_TOKEN = \"ghp_R7mK2pQx9Lw4Zt8Vn3Bc6Hy1Jd5Fs0Ge7Ua2\"\n"}),
	},
	Good: []finding.Example{
		ctxEx(map[string]string{"Dockerfile": "FROM python:3.12-slim\nCOPY . /app\nUSER 1000\n", ".dockerignore": "*.key\n**/*.key\n", "certs/server.key": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n", "app.py": "import os\nTOKEN = os.environ['TOKEN']\n"}),
	},
}, func(p *Pass) {
	scanned, budget := 0, 16<<20
	for _, c := range p.shippedFiles() {
		if kind, ok := secrets.SensitiveFile(c.file); ok {
			if kind != secrets.KindEnvFile {
				p.Report(p.At(c.in), "secret-file:"+c.file, fmt.Sprintf("%s brings %s (%s) into the image%s", strings.ToUpper(c.in.Cmd), c.file, kind, c.viaText()))
			}
			continue
		}
		if p.Ext.FileSecrets == nil || scanned >= maxContentFiles || budget <= 0 || !textExts[strings.ToLower(path.Ext(c.file))] {
			continue
		}
		ms, size, err := p.Ext.FileSecrets(c.file, maxContentFile)
		if err != nil || size == 0 {
			continue
		}
		scanned++
		budget -= size
		if len(ms) > 0 {
			p.Report(p.At(c.in), "secret-content:"+c.file, fmt.Sprintf("%s brings %s into the image%s; line %d holds a secret (%s: %s)",
				strings.ToUpper(c.in.Cmd), c.file, c.viaText(), ms[0].Line, ms[0].Description, ms[0].Redacted))
		}
	}
})

// copiesContext finds where a directory of the build context enters the
// shipped image: a COPY or ADD of the shipping stage whose source is a
// directory of the context (by the context's file list, not by spelling),
// or one in a builder stage whose files the shipping stage copies. via is
// the COPY --from that ships them, nil for a direct copy.
func (p *Pass) copiesContext() (in, via *dockerfile.Instruction) {
	bc := p.Ext.Context
	isDir := func(s string) bool {
		if bc != nil {
			if dir, known := bc.CopiesDir(s); known {
				return dir
			}
		}
		// Not in the tree examined: only the spelling is left, and a
		// wildcard names files as often as directories.
		return s == "." || s == "./" || s == "/" || strings.HasSuffix(s, "/")
	}
	for _, st := range p.Final.Chain() {
		for _, in := range st.Instructions {
			var srcs []string
			switch c := in.Command.(type) {
			case *instructions.CopyCommand:
				if c.From != "" {
					continue
				}
				srcs = c.SourcePaths
			case *instructions.AddCommand:
				srcs = c.SourcePaths
			}
			for _, s := range srcs {
				if !isRemote(s) && !strings.Contains(s, "$") && isDir(s) {
					return in, nil
				}
			}
		}
	}
	if bc == nil {
		return nil, nil
	}
	// Through builders: a shipped file that a builder's directory copy
	// brought in.
	for _, c := range p.shippedFiles() {
		if c.via == nil {
			continue
		}
		var srcs []string
		switch v := c.via.Command.(type) {
		case *instructions.CopyCommand:
			srcs = v.SourcePaths
		case *instructions.AddCommand:
			srcs = v.SourcePaths
		}
		for _, s := range srcs {
			if !isRemote(s) && !strings.Contains(s, "$") && isDir(s) {
				return c.via, c.in
			}
		}
	}
	return nil, nil
}

func (p *Pass) ignoreAt(line int) finding.Location {
	bc := p.Ext.Context
	return finding.Location{Path: p.displayCtx(bc.IgnoreFile), Line: line, Column: 1}
}

// displayCtx reports a context file path the way the Dockerfile's path is
// reported (relative to the same root).
func (p *Pass) displayCtx(abs string) string {
	if p.Ext.DisplayCtx != nil {
		return p.Ext.DisplayCtx(abs)
	}
	return abs
}

var _ = register(finding.Rule{
	ID: "DI001", Slug: "dockerignore-missing", Title: "No .dockerignore for a context that is copied",
	Severity: finding.Medium, Kind: finding.KindContext,
	Checklist: []string{"build.dockerignore"}, OWASP: []string{"D06"},
	Rationale: "Without .dockerignore, COPY . brings in .git, .env files, keys and local caches.",
	Fix:       "Add a .dockerignore with at least: .git, .env, .env.*, **/.env, *.pem, *.key, secrets/, credentials/.",
	Bad: []finding.Example{
		ctxEx(map[string]string{"Dockerfile": "FROM python:3.12-slim\nCOPY . /app\nUSER 1000\n", "main.py": "print(1)\n"}),
		{Files: map[string]string{"Dockerfile": "FROM python:3.12-slim\nCOPY ./app /app\nUSER 1000\n", "app/main.py": "print(1)\n"}, Note: "app is a directory of the context, without a trailing slash"},
		{Files: map[string]string{"Dockerfile": "FROM python:3.12 AS build\nWORKDIR /app\nCOPY . .\nFROM python:3.12-slim\nCOPY --from=build /app /app\nUSER 1000\n", "main.py": "print(1)\n"}, Note: "the context reaches the image through a builder"},
	},
	Good: []finding.Example{
		ctxEx(map[string]string{"Dockerfile": "FROM python:3.12-slim\nCOPY . /app\nUSER 1000\n", ".dockerignore": ".git\n**/.env\n", "main.py": "print(1)\n"}),
		{Files: map[string]string{"Dockerfile": "FROM php:8.3-fpm\nCOPY docker-php-ext-* entrypoint.sh /usr/local/bin/\nUSER www-data\n", "docker-php-ext-enable": "#!/bin/sh\n", "entrypoint.sh": "#!/bin/sh\n"}, Note: "a wildcard of named files copies no directory"},
		{Files: map[string]string{"Dockerfile": "FROM golang:1.23 AS build\nCOPY . .\nRUN go build -o /out/app .\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/app /app\nUSER 65532\n", "main.go": "package main\n"}, Note: "only the built binary ships, not the copied context"},
	},
}, func(p *Pass) {
	if p.Ext.Context == nil || p.Ext.Context.IgnoreFile != "" {
		return
	}
	if in, via := p.copiesContext(); in != nil {
		msg := fmt.Sprintf("%s copies a directory of the build context, which has no .dockerignore", strings.ToUpper(in.Cmd))
		if via != nil {
			msg = fmt.Sprintf("%s copies a directory of the build context into %s, which the image ships (COPY --from at line %d); the context has no .dockerignore", strings.ToUpper(in.Cmd), stageLabel(in.Stage.Name, in.Stage.Index), via.Line)
		}
		p.Report(p.At(in), "dockerignore:none", msg)
	}
})

var _ = register(finding.Rule{
	ID: "DI002", Slug: "sensitive-file-in-context", Title: "Sensitive file sent to the builder",
	Severity: finding.Low, Kind: finding.KindContext,
	Checklist: []string{"build.dockerignore"}, OWASP: []string{"D06"},
	Rationale: "Every file the context sends reaches the builder (and remote builders and caches) even if no COPY uses it today.",
	Fix:       "Add the file (or its pattern with **/) to .dockerignore.",
	Bad:       []finding.Example{ctxEx(map[string]string{"Dockerfile": "FROM python:3.12-slim\nCOPY main.py /app/\nUSER 1000\n", ".dockerignore": ".git\n", "main.py": "print(1)\n", "deploy/id_rsa": "x\n"})},
	Good:      []finding.Example{ctxEx(map[string]string{"Dockerfile": "FROM python:3.12-slim\nCOPY main.py /app/\nUSER 1000\n", ".dockerignore": ".git\n**/id_rsa\n", "main.py": "print(1)\n", "deploy/id_rsa": "x\n"})},
}, func(p *Pass) {
	bc := p.Ext.Context
	if bc == nil {
		return
	}
	shipped := map[string]bool{}
	for _, c := range p.shippedFiles() {
		shipped[c.file] = true
	}
	var hits []string
	for _, f := range bc.Files {
		if _, ok := secrets.SensitiveFile(f); ok && !shipped[f] && !strings.HasPrefix(f, ".git/") {
			hits = append(hits, f)
		}
	}
	if len(hits) == 0 {
		return
	}
	sort.Strings(hits)
	loc := fromAt(p, p.Final)
	if bc.IgnoreFile != "" {
		loc = p.ignoreAt(0)
	}
	shown := hits
	if len(shown) > 5 {
		shown = append(shown[:5:5], fmt.Sprintf("and %d more", len(hits)-5))
	}
	p.Report(loc, "context-sensitive", fmt.Sprintf("the build context sends %s: %s", plural(len(hits), "sensitive file"), strings.Join(shown, ", ")))
})

var _ = register(finding.Rule{
	ID: "DI003", Slug: "dockerignore-root-only", Title: ".dockerignore pattern only matches at the root",
	Severity: finding.Medium, Kind: finding.KindContext,
	Checklist: []string{"build.dockerignore"}, OWASP: []string{"D06"},
	Rationale: "`.env` in .dockerignore excludes only ./.env; app/.env is still sent and copied. The builder's patterns are anchored at the context root.",
	Fix:       "Use **/ patterns (**/.env, **/*.pem) for files that can appear in any directory.",
	Bad:       []finding.Example{ctxEx(map[string]string{"Dockerfile": "FROM python:3.12-slim\nCOPY main.py /app/\nUSER 1000\n", ".dockerignore": ".git\n*.pem\n", "main.py": "print(1)\n", "certs/tls.pem": "x\n"})},
	Good: []finding.Example{
		ctxEx(map[string]string{"Dockerfile": "FROM python:3.12-slim\nCOPY main.py /app/\nUSER 1000\n", ".dockerignore": ".git\n*.pem\n**/*.pem\n", "main.py": "print(1)\n", "certs/tls.pem": "x\n"}),
		{Files: map[string]string{"Dockerfile": "FROM python:3.12-slim\nCOPY main.py /app/\nUSER 1000\n", ".dockerignore": ".git\nDockerfile\n", "main.py": "print(1)\n", "db/Dockerfile": "FROM postgres:16\n"}, Note: "a nested Dockerfile let through holds no secret"},
	},
}, func(p *Pass) {
	bc := p.Ext.Context
	if bc == nil || bc.IgnoreFile == "" {
		return
	}
	for _, ro := range bc.RootOnlyPatterns() {
		// Only what leaks matters: a nested Dockerfile or coverage
		// report let through is no exposure, a nested .env or key is.
		var leaked []string
		for _, f := range ro.Files {
			if _, ok := secrets.SensitiveFile(f); ok {
				leaked = append(leaked, f)
			}
		}
		if len(leaked) == 0 {
			continue
		}
		p.ReportFix(p.ignoreAt(ro.Pattern.Line), "root-only:"+ro.Pattern.Text,
			fmt.Sprintf("pattern %q excludes only the context root, but %s still sent (%s)", ro.Pattern.Text, plural(len(leaked), "nested sensitive file is"), strings.Join(first(leaked, 3), ", ")),
			fmt.Sprintf("add %s to .dockerignore", ro.Suggestion))
	}
})

func first(ss []string, n int) []string {
	if len(ss) > n {
		return ss[:n]
	}
	return ss
}

var _ = register(finding.Rule{
	ID: "DI004", Slug: "git-dir-in-context", Title: ".git sent to the builder",
	Severity: finding.Low, Kind: finding.KindContext,
	Checklist: []string{"build.dockerignore"}, OWASP: []string{"D06"},
	Rationale: "The .git directory carries the full history, including secrets that were committed and later removed, and remotes with credentials.",
	Fix:       "Add .git to .dockerignore.",
	Bad:       []finding.Example{ctxEx(map[string]string{"Dockerfile": "FROM python:3.12-slim\nCOPY . /app\nUSER 1000\n", ".dockerignore": "**/.env\n", ".git/config": "[core]\n", "main.py": "print(1)\n"})},
	Good:      []finding.Example{ctxEx(map[string]string{"Dockerfile": "FROM python:3.12-slim\nCOPY . /app\nUSER 1000\n", ".dockerignore": ".git\n**/.env\n", ".git/config": "[core]\n", "main.py": "print(1)\n"})},
}, func(p *Pass) {
	bc := p.Ext.Context
	if bc == nil {
		return
	}
	for _, f := range bc.Files {
		if strings.HasPrefix(f, ".git/") {
			loc := fromAt(p, p.Final)
			if bc.IgnoreFile != "" {
				loc = p.ignoreAt(0)
			}
			p.Report(loc, "git-dir", "the build context sends the .git directory")
			return
		}
	}
})
