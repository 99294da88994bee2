package rules

import (
	"fmt"
	"strings"

	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/shell"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// buildTool reports whether a package is a compiler or build toolchain.
func buildTool(pkg string) bool {
	pkg = strings.ToLower(pkg)
	if i := strings.IndexAny(pkg, "=<>"); i > 0 {
		pkg = pkg[:i] // apt "gcc=12.2", apk "gcc>12"
	}
	switch pkg {
	case "gcc", "g++", "cc", "c++", "make", "cmake", "build-essential", "build-base", "clang", "llvm",
		"cargo", "rustc", "golang", "golang-go", "go", "autoconf", "automake", "libtool", "gfortran",
		"musl-dev", "libc-dev", "libc6-dev", "linux-headers", "alpine-sdk", "ninja-build", "meson", "bison", "flex":
		return true
	}
	if strings.HasSuffix(pkg, "-base") || strings.HasPrefix(pkg, "libgcc") {
		// gcc-12-base and libgcc-s1 are runtime support every Debian
		// image carries, not compilers.
		return false
	}
	return strings.HasSuffix(pkg, "-dev") || strings.HasSuffix(pkg, "-devel") || strings.HasPrefix(pkg, "gcc-") || strings.HasPrefix(pkg, "g++-") || strings.HasPrefix(pkg, "clang-")
}

// purged reports whether the same RUN removes the packages again.
func purged(cmds [][]string, pkg string, virtual []string) bool {
	for _, c := range cmds {
		p := program(c)
		switch {
		case (p == "apt-get" || p == "apt") && (hasWord(c, "purge") || hasWord(c, "remove") || hasWord(c, "autoremove")):
			if hasWord(c, pkg) || hasWord(c, "--auto-remove") && len(after(c, "purge")) > 0 {
				return true
			}
		case p == "apk" && hasWord(c, "del"):
			if hasWord(c, pkg) {
				return true
			}
			for _, v := range virtual {
				if hasWord(c, v) {
					return true
				}
			}
		case (p == "yum" || p == "dnf") && (hasWord(c, "remove") || hasWord(c, "erase")) && hasWord(c, pkg):
			return true
		}
	}
	return false
}

func apkVirtual(c []string) []string {
	var out []string
	for i, w := range c {
		if (w == "--virtual" || w == "-t") && i+1 < len(c) {
			out = append(out, c[i+1])
		} else if strings.HasPrefix(w, "--virtual=") {
			out = append(out, strings.TrimPrefix(w, "--virtual="))
		}
	}
	return out
}

var _ = register(finding.Rule{
	ID: "DF007", Slug: "build-tools-in-runtime", Title: "Build tools installed in the shipped stage",
	Severity: finding.Medium, Kind: finding.KindDockerfile,
	Checklist: []string{"build.multi-stage"}, CIS: []string{"4.3"}, OWASP: []string{"D04"},
	Rationale: "Compilers and headers in the runtime image add vulnerabilities and let an attacker build tools inside the container.",
	Fix:       "Install build tools in a builder stage (FROM ... AS builder) and COPY --from=builder only the artifacts (a virtualenv, wheels, a binary).",
	Bad: []finding.Example{
		dfEx("FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && rm -rf /var/lib/apt/lists/*\nUSER 1000\n"),
		dfEx("FROM python:3.12-slim\nRUN <<EOF\napt-get update\napt-get install -y --no-install-recommends build-essential\nEOF\nUSER 1000\n"),
	},
	Good: []finding.Example{
		dfEx("FROM python:3.12-slim AS builder\nRUN apt-get update && apt-get install -y --no-install-recommends gcc\nFROM python:3.12-slim\nCOPY --from=builder /opt/venv /opt/venv\nUSER 1000\n"),
		dfEx("FROM python:3.12-alpine\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev && pip install --no-cache-dir psycopg && apk del .build-deps\nUSER 1000\n"),
	},
}, func(p *Pass) {
	if p.DevImage() {
		return // a development image: its tooling is the point
	}
	for _, st := range p.Final.Chain() {
		for _, in := range st.Find("run") {
			cmds := words(in)
			var virtual []string
			for _, c := range cmds {
				virtual = append(virtual, apkVirtual(c)...)
			}
			var tools []string
			var at *shell.Command
			for i, c := range in.Shell().Commands {
				if _, pkgs, ok := pkgInstall(c.Values()); ok {
					for _, pk := range pkgs {
						if buildTool(pk) && !purged(cmds, pk, virtual) {
							tools = append(tools, pk)
							if at == nil {
								at = &in.Shell().Commands[i]
							}
						}
					}
				}
			}
			if len(tools) > 0 {
				p.Report(p.AtCommand(in, *at), "build-tools:"+strings.Join(tools, ","), fmt.Sprintf("the shipped image installs build tools (%s) and keeps them", strings.Join(tools, ", ")))
			}
		}
	}
})

var _ = register(finding.Rule{
	ID: "DF012", Slug: "add-instead-of-copy", Title: "ADD used for local files",
	Severity: finding.Low, Kind: finding.KindDockerfile,
	CIS: []string{"4.9"}, OWASP: []string{"D08"},
	Equivalents: map[string][]string{"hadolint": {"DL3020"}, "trivy": {"DS-0005"}, "kics": {"9513a694-aa0d-41d8-be61-3271e056f36b"}},
	Rationale:   "ADD silently extracts archives and fetches URLs; COPY does only what it says, so reviews see what enters the image.",
	Fix:         "Use COPY for files and directories; fetch remote files with a checksum-verified RUN or ADD --checksum.",
	Bad:         []finding.Example{dfEx("FROM python:3.12-slim\nADD app /app\nUSER 1000\n")},
	Good:        []finding.Example{dfEx("FROM python:3.12-slim\nCOPY app /app\nADD --checksum=sha256:" + strings.Repeat("0", 64) + " https://example.com/x.tar.gz /tmp/\nUSER 1000\n")},
}, func(p *Pass) {
	for _, s := range p.Dockerfile.Stages {
		for _, in := range s.Find("add") {
			c, ok := in.Command.(*instructions.AddCommand)
			if !ok || historyAdd(c.SourcePaths) {
				continue
			}
			for _, src := range c.SourcePaths {
				src = strings.Trim(src, `"'`)
				if isRemote(src) || isArchive(src) {
					continue
				}
				p.Report(p.At(in), "add:"+src, fmt.Sprintf("ADD %s copies a local path; use COPY", src))
				break
			}
		}
	}
})

// historyAdd recognises `ADD file:<digest> in /dst`, the form `docker
// history` prints for ADD layers; Dockerfiles rebuilt from an image's
// history contain it, and it names no file in any build context.
func historyAdd(srcs []string) bool {
	if len(srcs) == 0 {
		return false
	}
	kind, sum, ok := strings.Cut(srcs[0], ":")
	if !ok || (kind != "file" && kind != "multi" && kind != "dir") || len(sum) < 32 || strings.Trim(sum, "0123456789abcdef") != "" {
		return false
	}
	return len(srcs) == 1 || len(srcs) == 2 && srcs[1] == "in"
}

func isRemote(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "git@") || strings.HasPrefix(l, "git://")
}

// isArchive reports names ADD may unpack. ADD detects a tar by content, so a
// bare compressed file (app.gz) may well be a tarball: give it the benefit.
func isArchive(s string) bool {
	l := strings.ToLower(s)
	for _, ext := range []string{".tar", ".tgz", ".tbz", ".tbz2", ".txz", ".tzst", ".gz", ".bz2", ".xz", ".zst"} {
		if strings.HasSuffix(l, ext) {
			return true
		}
	}
	return false
}

var _ = register(finding.Rule{
	ID: "DF013", Slug: "pipe-to-shell", Title: "Remote script piped into a shell",
	Severity: finding.Medium, Kind: finding.KindDockerfile,
	CIS: []string{"4.11"}, OWASP: []string{"D08"},
	Rationale: "`curl ... | sh` runs whatever the server returns today, unverified: a compromised or changed script runs as root in the build.",
	Fix:       "Download to a file, verify its checksum or signature, then run it; or install from a package manager.",
	Bad:       []finding.Example{dfEx("FROM debian:12-slim\nRUN curl -fsSL https://example.com/install.sh | sh\nUSER 1000\n")},
	Good:      []finding.Example{dfEx("FROM debian:12-slim\nRUN curl -fsSLo /tmp/i.sh https://example.com/install.sh && echo \"abc123  /tmp/i.sh\" | sha256sum -c - && sh /tmp/i.sh\nUSER 1000\n")},
}, func(p *Pass) {
	for _, s := range p.Dockerfile.Stages {
		for _, in := range s.Find("run") {
			sc := in.Shell()
			for i, c := range sc.Commands {
				if !fetcher(c) {
					continue
				}
				if n := sc.Next(i); n != nil && interpreter(n.Program()) {
					p.Report(p.AtCommand(in, c), "pipe-shell:"+in.Key(), fmt.Sprintf("RUN pipes %s output into %s without verification", c.Program(), n.Program()))
					break
				}
			}
		}
	}
})

var _ = register(finding.Rule{
	ID: "DF014", Slug: "apt-install-recommends", Title: "apt-get install without --no-install-recommends",
	Severity: finding.Low, Kind: finding.KindDockerfile,
	Checklist: []string{"build.slim-base"}, CIS: []string{"4.3"}, OWASP: []string{"D04"},
	Equivalents: map[string][]string{"hadolint": {"DL3015"}, "trivy": {"DS-0029"}},
	Rationale:   "Recommended packages roughly double what apt installs: more attack surface for nothing the app asked for.",
	Fix:         "apt-get install -y --no-install-recommends <packages>.",
	Bad:         []finding.Example{dfEx("FROM debian:12-slim\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nUSER 1000\n")},
	Good: []finding.Example{
		dfEx("FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nUSER 1000\n"),
		{Files: map[string]string{"Dockerfile": "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y build-essential\nFROM debian:12-slim\nCOPY --from=build /usr/bin/make /usr/bin/make\nUSER 1000\n"}, Note: "a builder stage does not ship"},
	},
}, func(p *Pass) {
	if p.DevImage() {
		return // a development image: its tooling is the point
	}
	// Builder stages do not ship: what they install is their business.
	for _, s := range p.Final.Chain() {
		for _, in := range s.Find("run") {
			for _, sc := range in.Shell().Commands {
				c := sc.Values()
				if mgr, _, ok := pkgInstall(c); ok && mgr == "apt" && program(c) != "aptitude" &&
					!hasWord(c, "--no-install-recommends") && !hasWordPrefix(c, "-o", "APT::Install-Recommends=") && !strings.Contains(in.Script(), "APT::Install-Recommends") {
					p.Report(p.AtCommand(in, sc), "apt-recommends:"+in.Key(), "apt-get install without --no-install-recommends")
					break
				}
			}
		}
	}
})

func hasWordPrefix(c []string, ws ...string) bool {
	for _, x := range c {
		for _, w := range ws {
			if strings.HasPrefix(x, w) && len(x) > len(w) {
				return true
			}
		}
	}
	return false
}

var _ = register(finding.Rule{
	ID: "DF015", Slug: "apt-lists-kept", Title: "apt lists not removed in the same RUN",
	Severity: finding.Low, Kind: finding.KindDockerfile,
	Checklist: []string{"build.slim-base"}, OWASP: []string{"D04"},
	Equivalents: map[string][]string{"hadolint": {"DL3009"}, "kics": {"df746b39-6564-4fed-bf85-e9c44382303c"}},
	Rationale:   "Package indexes left in a layer bloat the image and let later layers install stale packages.",
	Fix:         "End the RUN with `&& rm -rf /var/lib/apt/lists/*`.",
	Bad:         []finding.Example{dfEx("FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nUSER 1000\n")},
	Good: []finding.Example{
		dfEx("FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nUSER 1000\n"),
		dfEx("FROM debian:12-slim\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends curl\nUSER 1000\n"),
		dfEx("FROM debian:13-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && apt-get dist-clean\nUSER 1000\n"),
	},
}, func(p *Pass) {
	if p.DevImage() {
		return // a development image: its tooling is the point
	}
	keepsDebs := false // docker-clean removed: apt keeps downloaded .debs
	for _, st := range p.Final.Chain() {
		for _, in := range st.Find("run") {
			script := in.Script()
			keepsDebs = keepsDebs || strings.Contains(script, "docker-clean")
			if !strings.Contains(script, "apt-get update") && !strings.Contains(script, "apt update") {
				continue
			}
			if strings.Contains(script, "/var/lib/apt/lists") || strings.Contains(script, "apt-get clean") && strings.Contains(script, "lists") || distClean(in) {
				continue
			}
			mounts := cacheMounts(in)
			at := aptUpdateAt(p, in)
			switch {
			case mounts["/var/lib/apt/lists"]:
				continue
			case mounts["/var/lib/apt"] && (mounts["/var/cache/apt"] || !keepsDebs):
				continue
			case mounts["/var/lib/apt"]:
				p.Report(at, "apt-lists:"+in.Key(), "apt lists are in a cache mount, but with docker-clean removed the downloaded packages in /var/cache/apt stay in the layer")
				continue
			}
			p.Report(at, "apt-lists:"+in.Key(), "apt-get update without removing /var/lib/apt/lists in the same RUN")
		}
	}
})

// aptUpdateAt locates the RUN's first `apt-get update` (or `apt update`),
// which may sit lines below the RUN keyword inside an if block; the RUN's
// own line when the shell parse does not find it.
func aptUpdateAt(p *Pass, in *dockerfile.Instruction) finding.Location {
	for _, c := range in.Shell().Commands {
		if prog := c.Program(); (prog == "apt-get" || prog == "apt") && c.Has("update") {
			return p.AtCommand(in, c)
		}
	}
	return p.At(in)
}

// distClean reports `apt-get dist-clean` (or distclean, apt 2.7+), which
// removes the lists with the package cache.
func distClean(in *dockerfile.Instruction) bool {
	for _, c := range in.Shell().Commands {
		if p := c.Program(); (p == "apt-get" || p == "apt") && c.Has("dist-clean", "distclean") {
			return true
		}
	}
	return false
}

// cacheMounts returns the targets of a RUN's cache and tmpfs mounts
// (BuildKit allows several): what is written there stays out of the layer.
func cacheMounts(in *dockerfile.Instruction) map[string]bool {
	out := map[string]bool{}
	for _, f := range in.Flags {
		v, ok := strings.CutPrefix(f, "--mount=")
		if !ok {
			continue
		}
		var typ, target string
		for _, kv := range strings.Split(v, ",") {
			k, val, _ := strings.Cut(kv, "=")
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "type":
				typ = val
			case "target", "dst", "destination":
				target = strings.TrimRight(val, "/")
			}
		}
		if (typ == "cache" || typ == "tmpfs") && target != "" {
			out[target] = true
		}
	}
	return out
}

var _ = register(finding.Rule{
	ID: "DF016", Slug: "pip-cache-kept", Title: "pip install keeps its cache",
	Severity: finding.Info, Kind: finding.KindDockerfile,
	Equivalents: map[string][]string{"kics": {"f2f903fb-b977-461e-98d7-b3e2185c6118"}},
	Checklist:   []string{"build.slim-base"}, OWASP: []string{"D04"},
	// Not hadolint DL3042: it treats PIP_NO_CACHE_DIR=0/false as keeping the
	// cache, while pip disables the cache for any value.
	Rationale: "pip's wheel cache ends up in the layer: larger images and stale artifacts.",
	Fix:       "pip install --no-cache-dir, or ENV PIP_NO_CACHE_DIR=1, or a cache mount.",
	Bad:       []finding.Example{dfEx("FROM python:3.12-slim\nRUN pip install fastapi\nUSER 1000\n")},
	Good: []finding.Example{
		dfEx("FROM python:3.12-slim\nRUN pip install --no-cache-dir fastapi\nUSER 1000\n"),
		dfEx("FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=1\nRUN pip install fastapi\nUSER 1000\n"),
		dfEx("FROM python:3.12-slim\nRUN PIP_NO_CACHE_DIR=1 pip install fastapi && pipx install ruff\nUSER 1000\n"),
	},
}, func(p *Pass) {
	if p.DevImage() {
		return // a development image: its tooling is the point
	}
	for _, st := range p.Final.Chain() {
		if envSet(st, "PIP_NO_CACHE_DIR") {
			return
		}
		for _, in := range st.Find("run") {
			if v, ok := in.Flag("mount"); ok && strings.Contains(v, "cache") {
				continue
			}
			// PIP_NO_CACHE_DIR=1 pip install / export PIP_NO_CACHE_DIR=1:
			// pip disables its cache for any value of the variable.
			if strings.Contains(in.Script(), "PIP_NO_CACHE_DIR=") {
				continue
			}
			for _, sc := range in.Shell().Commands {
				if c := sc.Values(); isPipInstall(c) && !hasWord(c, "--no-cache-dir") {
					p.Report(p.AtCommand(in, sc), "pip-cache:"+in.Key(), "pip install without --no-cache-dir")
					break
				}
			}
		}
	}
})

// isPipInstall matches pip, pip3, pip3.12 and python -m pip installs, not
// pipx or pipenv, which have their own caches and flags.
func isPipInstall(c []string) bool {
	pg := program(c)
	isPip := pg == "pip" || strings.HasPrefix(pg, "pip") && strings.Trim(pg[3:], "0123456789.") == ""
	if strings.HasPrefix(pg, "python") {
		for i, w := range c {
			if w == "-m" && i+1 < len(c) && c[i+1] == "pip" {
				isPip = true
			}
		}
	}
	return isPip && hasWord(c, "install")
}

func envSet(s *dockerfile.Stage, key string) bool {
	for _, e := range s.Env() {
		if strings.EqualFold(e.Key, key) {
			return true
		}
	}
	return false
}
