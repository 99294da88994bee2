package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/shell"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// verifies reports commands that check a download: checksums and
// signatures.
func verifies(c shell.Command) bool {
	switch p := c.Program(); p {
	case "sha256sum", "sha512sum", "sha384sum", "sha1sum", "md5sum", "shasum", "b2sum", "cksum":
		return c.Has("-c", "--check") || hasPrefixIn(c.Values(), "--check")
	case "gpg", "gpg2":
		return c.Has("--verify") || c.Has("--verify-files")
	case "gpgv", "gpgv2", "minisign", "signify":
		return true
	case "cosign":
		return c.Has("verify") || c.Has("verify-blob")
	case "openssl":
		return c.Has("-verify") || c.Has("-signature")
	case "rpm":
		return c.Has("--checksig") || c.Has("-K")
	case "dpkg-sig":
		return c.Has("--verify")
	}
	return false
}

// download is a URL a command fetches, "" when none is named.
func download(c shell.Command) string {
	if !fetcher(c) {
		return ""
	}
	for _, w := range c.Args[1:] {
		l := strings.ToLower(w.Value)
		if strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "ftp://") {
			return w.Value
		}
	}
	return ""
}

// insecureFlag is a flag that turns TLS or signature checking off.
func insecureFlag(c shell.Command) string {
	switch c.Program() {
	case "curl":
		for _, w := range c.Values()[1:] {
			if w == "--insecure" || w == "-k" || strings.HasPrefix(w, "-") && !strings.HasPrefix(w, "--") && strings.Contains(w, "k") && len(w) < 8 && strings.Trim(w[1:], "fsSLkIOvq#") == "" {
				return w
			}
		}
	case "wget":
		if c.Has("--no-check-certificate") {
			return "--no-check-certificate"
		}
	case "apk":
		if c.Has("--allow-untrusted") {
			return "--allow-untrusted"
		}
	case "apt-get", "apt":
		if c.Has("--allow-unauthenticated") {
			return "--allow-unauthenticated"
		}
	case "pip", "pip3":
		if c.Has("--trusted-host") {
			return "--trusted-host"
		}
	}
	return ""
}

// plainHTTP reports a URL fetched without TLS from a host that is not the
// build's own machine.
func plainHTTP(u string) bool {
	l := strings.ToLower(u)
	if !strings.HasPrefix(l, "http://") {
		return false
	}
	host := strings.TrimPrefix(l, "http://")
	if i := strings.IndexAny(host, "/:"); i >= 0 {
		host = host[:i]
	}
	return host != "localhost" && host != "127.0.0.1" && !strings.HasPrefix(host, "$")
}

// saved lists the file names a download writes (base names).
func saved(c shell.Command) []string {
	u := download(c)
	if u == "" {
		return nil
	}
	v := c.Values()
	var out []string
	remote := false
	for i, w := range v {
		switch {
		case (w == "-o" || w == "--output" || w == "-O" && c.Program() == "wget" || w == "--output-document") && i+1 < len(v):
			out = append(out, path.Base(v[i+1]))
		case strings.HasPrefix(w, "--output-document=") || strings.HasPrefix(w, "--output="):
			out = append(out, path.Base(w[strings.IndexByte(w, '=')+1:]))
		case w == "-O" || w == "--remote-name" || w == "--remote-name-all" || strings.HasPrefix(w, "-") && !strings.HasPrefix(w, "--") && strings.Contains(w, "O") && c.Program() == "curl":
			remote = true
		}
	}
	if remote || c.Program() == "wget" && len(out) == 0 {
		base := u
		if i := strings.IndexAny(base, "?#"); i >= 0 {
			base = base[:i]
		}
		out = append(out, path.Base(base))
	}
	return out
}

// installsLocal reports a package manager installing a file (one of
// files, when given), not a package from a signed repository.
func installsLocal(c shell.Command, files map[string]bool) bool {
	var args []shell.Word
	switch c.Program() {
	case "dpkg":
		if !c.Has("-i", "--install") {
			return false
		}
		args = c.Args[1:]
	case "rpm":
		if !c.Has("-i", "-ivh", "-Uvh", "-U", "-iv", "--install", "--upgrade") {
			return false
		}
		args = c.Args[1:]
	case "apt-get", "apt", "yum", "dnf", "zypper":
		args = c.After("install")
	default:
		return false
	}
	for _, w := range args {
		if strings.HasPrefix(w.Value, "-") {
			continue
		}
		if files[path.Base(w.Value)] {
			return true
		}
	}
	return false
}

func unpacker(prog string) bool {
	switch prog {
	case "tar", "bsdtar", "unzip", "cpio", "gunzip", "zcat", "xz", "bunzip2", "unxz", "zstd":
		return true
	}
	return false
}

var _ = register(finding.Rule{
	ID: "DF026", Slug: "unverified-download", Title: "Download installed without verification",
	Severity: finding.Medium, Kind: finding.KindDockerfile,
	Checklist: nil, CIS: []string{"4.11"}, OWASP: []string{"D08"},
	Rationale: "Software fetched with TLS checks off, over plain http, or unpacked and installed without a checksum or signature is whatever the network delivered that day: a man in the middle or a compromised mirror runs code in the image.",
	Fix:       "Fetch over https with certificate checks on, and verify what you fetched before using it: `echo \"<sha256>  file\" | sha256sum -c -` or a signature (gpg --verify); prefer the distribution's signed packages.",
	Bad: []finding.Example{
		dfEx("FROM debian:12-slim\nRUN wget http://example.com/tool.deb && dpkg -i tool.deb\nUSER 1000\n"),
		dfEx("FROM debian:12-slim\nRUN curl -fsSLk -o /tmp/t.tgz https://example.com/t.tgz && tar -xzf /tmp/t.tgz -C /opt\nUSER 1000\n"),
		dfEx("FROM debian:12-slim\nRUN curl -fsSL https://example.com/t.tgz | tar -xz -C /opt\nUSER 1000\n"),
	},
	Good: []finding.Example{
		dfEx("FROM debian:12-slim\nRUN curl -fsSLo /tmp/tool.deb https://example.com/tool.deb \\\n && echo \"" + strings.Repeat("a", 64) + "  /tmp/tool.deb\" | sha256sum -c - \\\n && dpkg -i /tmp/tool.deb\nUSER 1000\n"),
		dfEx("FROM debian:12-slim\nRUN curl -fsSL https://example.com/health\nUSER 1000\n"),
	},
}, func(p *Pass) {
	for _, st := range p.Dockerfile.Stages {
		for _, in := range st.Find("run") {
			sc := in.Shell()
			verified := false
			files := map[string]bool{}
			for _, c := range sc.Commands {
				verified = verified || verifies(c)
				for _, f := range saved(c) {
					files[f] = true
				}
			}
			reported := false
			report := func(c shell.Command, sev finding.Severity, msg string) {
				if !reported {
					reported = true
					p.ReportSeverity(sev, p.AtCommand(in, c), "unverified:"+in.Key(), msg)
				}
			}
			for i, c := range sc.Commands {
				if f := insecureFlag(c); f != "" {
					report(c, finding.Medium, fmt.Sprintf("RUN runs %s %s, which turns certificate or signature checks off", c.Program(), f))
					continue
				}
				if u := download(c); u != "" && plainHTTP(u) && !verified {
					report(c, finding.Medium, fmt.Sprintf("RUN fetches %s over plain http and never verifies it", redactURL(u)))
					continue
				}
				if u := download(c); u != "" {
					if n := sc.Next(i); n != nil && unpacker(n.Program()) {
						report(c, finding.Low, fmt.Sprintf("RUN unpacks %s straight from %s without a checksum or signature", redactURL(u), c.Program()))
						continue
					}
				}
				if !verified && installsLocal(c, files) {
					report(c, finding.Medium, fmt.Sprintf("RUN installs a downloaded package with %s without verifying it", c.Program()))
				}
			}
		}
	}
})

// redactURL drops credentials and query strings from a URL for messages.
func redactURL(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if s := strings.Index(u, "://"); s >= 0 {
		if at := strings.IndexByte(u[s+3:], '@'); at >= 0 && !strings.Contains(u[s+3:s+3+at], "/") {
			u = u[:s+3] + u[s+3+at+1:]
		}
	}
	return u
}

var _ = register(finding.Rule{
	ID: "DF028", Slug: "add-url-without-checksum", Title: "ADD fetches a URL without --checksum",
	Severity: finding.Medium, Kind: finding.KindDockerfile,
	Checklist: nil, CIS: []string{"4.9"}, OWASP: []string{"D08"},
	Rationale: "ADD <url> puts whatever the server returns into the image, unverified; CIS 4.9 warns against exactly this. ADD --checksum=sha256:... makes the build fail if the file changes.",
	Fix:       "ADD --checksum=sha256:<digest> <url> <dest>, or fetch and verify in a RUN.",
	Bad:       []finding.Example{dfEx("FROM debian:12-slim\nADD https://github.com/tianon/gosu/releases/download/1.17/gosu-amd64 /bin/gosu\nUSER 1000\n")},
	Good: []finding.Example{
		dfEx("FROM debian:12-slim\nADD --checksum=sha256:" + strings.Repeat("0", 64) + " https://github.com/tianon/gosu/releases/download/1.17/gosu-amd64 /bin/gosu\nUSER 1000\n"),
		dfEx("FROM debian:12-slim\nADD https://github.com/moby/buildkit.git#v0.14.0 /src\nUSER 1000\n"),
	},
}, func(p *Pass) {
	for _, st := range p.Dockerfile.Stages {
		for _, in := range st.Find("add") {
			c, ok := in.Command.(*instructions.AddCommand)
			if !ok || c.Checksum != "" {
				continue
			}
			for _, src := range c.SourcePaths {
				l := strings.ToLower(src)
				if !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") || gitURL(l) {
					continue
				}
				sev := finding.Medium
				if strings.HasPrefix(l, "https://") {
					sev = finding.Low
				}
				p.ReportSeverity(sev, p.At(in), "add-url:"+src, fmt.Sprintf("ADD fetches %s without --checksum: the build takes whatever the server returns", redactURL(src)))
			}
		}
	}
})

// gitURL reports ADD sources that are git repositories: pinned by their
// ref, not by a checksum.
func gitURL(l string) bool {
	base := l
	if i := strings.IndexByte(base, '#'); i >= 0 {
		base = base[:i]
	}
	return strings.HasSuffix(base, ".git")
}

var _ = register(finding.Rule{
	ID: "DF029", Slug: "package-cache-kept", Title: "Package manager cache kept in the layer",
	Severity: finding.Low, Kind: finding.KindDockerfile,
	Checklist: []string{"build.slim-base"},
	Rationale: "apk, dnf, yum and zypper keep their indexes and downloaded packages under /var/cache unless told not to: megabytes of stale metadata in every image.",
	Fix:       "apk add --no-cache; end dnf/yum/microdnf installs with `&& dnf clean all` (or rm -rf /var/cache/dnf); zypper clean --all; or use a cache mount.",
	Bad: []finding.Example{
		dfEx("FROM alpine:3.20\nRUN apk add curl\nUSER 1000\n"),
		dfEx("FROM rockylinux:9\nRUN dnf install -y httpd\nUSER 1000\n"),
	},
	Good: []finding.Example{
		dfEx("FROM alpine:3.20\nRUN apk add --no-cache curl\nUSER 1000\n"),
		dfEx("FROM alpine:3.20\nRUN apk update && apk add curl && rm -rf /var/cache/apk/*\nUSER 1000\n"),
		dfEx("FROM rockylinux:9\nRUN dnf install -y httpd && dnf clean all\nUSER 1000\n"),
		dfEx("FROM alpine:3.20 AS build\nRUN apk add gcc\nFROM alpine:3.20\nCOPY --from=build /etc/os-release /x\nUSER 1000\n"),
	},
}, func(p *Pass) {
	if p.DevImage() {
		return // a development image: its tooling is the point
	}
	for _, st := range p.Final.Chain() {
		for _, in := range st.Find("run") {
			mounts := cacheMounts(in)
			sc := in.Shell()
			script := in.Script()
			for _, c := range sc.Commands {
				v := c.Values()
				mgr, _, ok := pkgInstall(v)
				if !ok {
					continue
				}
				var msg string
				switch prog := c.Program(); {
				case mgr == "apk":
					if c.Has("--no-cache", "--no-network") || mounts["/var/cache/apk"] || mounts["/etc/apk/cache"] || strings.Contains(script, "/var/cache/apk") || cleans(sc, "apk", "cache") {
						continue
					}
					msg = "apk add without --no-cache keeps its index in /var/cache/apk"
				case prog == "yum" || prog == "dnf" || prog == "microdnf" || prog == "tdnf":
					if mounts["/var/cache/"+prog] || mounts["/var/cache/dnf"] || mounts["/var/cache/yum"] || strings.Contains(script, "/var/cache/"+prog) || strings.Contains(script, "/var/cache/dnf") || strings.Contains(script, "/var/cache/yum") || cleans(sc, prog, "clean") {
						continue
					}
					msg = fmt.Sprintf("%s install without `%s clean all` keeps its cache in /var/cache", prog, prog)
				case prog == "zypper":
					if mounts["/var/cache/zypp"] || strings.Contains(script, "/var/cache/zypp") || cleans(sc, "zypper", "clean", "cc") {
						continue
					}
					msg = "zypper install without `zypper clean --all` keeps its cache in /var/cache/zypp"
				default:
					continue
				}
				p.Report(p.AtCommand(in, c), "pkg-cache:"+in.Key(), msg)
				break
			}
		}
	}
})

// cleans reports a `prog sub...` command in the script (dnf clean all).
func cleans(sc *shell.Script, prog string, subs ...string) bool {
	for _, c := range sc.Commands {
		if c.Program() == prog && c.Has(subs...) {
			return true
		}
	}
	return false
}
