package rules

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/image"
	"github.com/hardhull/hardhull/internal/secrets"
)

// judgeEnv applies a KEY/VALUE judge (secretKV, DebugSetting) to an
// environment list as the engine stores it ("KEY=VALUE") and reports each
// hit through report with the key.
func judgeEnv(env []string, judge func(k, v string) (string, bool), report func(k, msg string)) {
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if msg, bad := judge(k, v); bad {
			report(k, msg)
		}
	}
}

// secretKV judges one KEY=VALUE pair and returns a redacted description.
func secretKV(k, v string) (string, bool) {
	if red, ok := secrets.URLWithPassword(v); ok {
		return fmt.Sprintf("%s holds a connection string with a literal password (%s)", k, red), true
	}
	if secrets.SecretName(k) && secrets.LiteralSecretValue(k, v) {
		return fmt.Sprintf("%s has a literal secret value (%s)", k, secrets.Redact(v)), true
	}
	return "", false
}

var _ = register(finding.Rule{
	ID: "IM003", Slug: "image-secret-env", Title: "Secret in image environment",
	Severity: finding.High, Kind: finding.KindImage,
	Checklist: []string{"build.no-secrets", "secrets.no-hardcoded"}, CIS: []string{"4.10"}, OWASP: []string{"D06"},
	Rationale: "Env in the image config is readable by anyone who can pull the image (`docker inspect`).",
	Fix:       "Remove the value from the Dockerfile's ENV and inject it at run time (environment or Docker secret).",
	Bad:       []finding.Example{imgEx(goodImage(map[string]string{"config.json": `{"config":{"User":"app","Env":["SECRET_KEY=mysecretkey123"],"Healthcheck":{"Test":["CMD","/app/health"]}}}`}))},
	Good:      []finding.Example{imgEx(goodImage(map[string]string{"config.json": `{"config":{"User":"app","Env":["SECRET_KEY=","SECRET_KEY_FILE=/run/secrets/key"],"Healthcheck":{"Test":["CMD","/app/health"]}}}`}))},
}, func(p *Pass) {
	c := p.Ext.Image.Config
	if c == nil {
		return
	}
	judgeEnv(c.Config.Env, secretKV, func(k, msg string) { p.Report(p.imgConfigAt("Env."+k), "env:"+k, msg) })
})

var _ = register(finding.Rule{
	ID: "IM005", Slug: "image-secret-label", Title: "Secret in image labels",
	Severity: finding.High, Kind: finding.KindImage,
	Checklist: []string{"build.no-secrets", "secrets.no-hardcoded"}, CIS: []string{"4.10"}, OWASP: []string{"D06"},
	Rationale: "Labels are public metadata of the image.",
	Fix:       "Remove the secret from LABEL instructions.",
	Bad:       []finding.Example{imgEx(goodImage(map[string]string{"config.json": `{"config":{"User":"app","Labels":{"deploy.token":"ghp_R7mK2pQx9Lw4Zt8Vn3Bc6Hy1Jd5Fs0Ge7Ua2"},"Healthcheck":{"Test":["CMD","/app/health"]}}}`}))},
	Good:      []finding.Example{imgEx(goodImage(map[string]string{"config.json": `{"config":{"User":"app","Labels":{"org.opencontainers.image.source":"https://example.com/app"},"Healthcheck":{"Test":["CMD","/app/health"]}}}`}))},
}, func(p *Pass) {
	c := p.Ext.Image.Config
	if c == nil {
		return
	}
	keys := make([]string, 0, len(c.Config.Labels))
	for k := range c.Config.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := c.Config.Labels[k]
		name := strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(k))
		if msg, bad := secretKV(name, v); bad {
			p.Report(p.imgConfigAt("Labels."+k), "label:"+k, "label "+msg)
			continue
		}
		if ms, _ := secrets.ScanText(k + "=" + v); len(ms) > 0 {
			p.Report(p.imgConfigAt("Labels."+k), "label:"+k, fmt.Sprintf("label %s holds a secret (%s: %s)", k, ms[0].Description, ms[0].Redacted))
		}
	}
})

var _ = register(finding.Rule{
	ID: "IM004", Slug: "image-secret-history", Title: "Secret in image history",
	Severity: finding.High, Kind: finding.KindImage,
	Checklist: []string{"build.no-secrets", "secrets.no-hardcoded"}, CIS: []string{"4.10"}, OWASP: []string{"D06"},
	Rationale: "`docker history` shows every RUN line and the build ARG values it used; a secret passed that way ships with the image.",
	Fix:       "Use RUN --mount=type=secret for build-time secrets; never pass them as ARG or on a RUN command line.",
	Bad: []finding.Example{imgEx(goodImage(map[string]string{"config.json": `{"config":{"User":"app","Healthcheck":{"Test":["CMD","/app/health"]}},"history":[{"created_by":"|1 NPM_TOKEN=npm_R7mK2pQx9Lw4Zt8Vn3Bc6Hy1Jd5Fs0Ge7Ua2 /bin/sh -c npm ci"}]}`})),
		imgEx(goodImage(map[string]string{"config.json": `{"config":{"User":"app","Healthcheck":{"Test":["CMD","/app/health"]}},"history":[{"created_by":"/bin/sh -c pip install --index-url https://deploy:s3cr3tpassw0rd@pypi.example.com/simple app"}]}`}))},
	Good: []finding.Example{imgEx(goodImage(map[string]string{"config.json": `{"config":{"User":"app","Healthcheck":{"Test":["CMD","/app/health"]}},"history":[{"created_by":"RUN /bin/sh -c npm ci # buildkit"}]}`}))},
}, func(p *Pass) {
	c := p.Ext.Image.Config
	if c == nil {
		return
	}
	for i, h := range c.History {
		cb := h.CreatedBy
		loc := p.imgConfigAt(fmt.Sprintf("history[%d]", i))
		// "|2 A=x B=y /bin/sh -c ..." records build ARGs used by a RUN.
		if strings.HasPrefix(cb, "|") {
			for _, w := range strings.Fields(cb)[1:] {
				k, v, ok := strings.Cut(w, "=")
				if !ok {
					break
				}
				if msg, bad := secretKV(k, v); bad {
					p.Report(loc, fmt.Sprintf("history-arg:%s", k), "build argument "+msg)
				}
			}
		}
		if m := userPassURL.FindStringSubmatch(cb); m != nil && !strings.HasPrefix(m[1], "$") {
			p.Report(loc, fmt.Sprintf("history-url:%d", i), fmt.Sprintf("a build step embeds a URL with a literal password (%s)", secrets.Redact(m[1])))
			continue
		}
		if ms, _ := secrets.ScanText(cb); len(ms) > 0 {
			p.Report(loc, fmt.Sprintf("history-secret:%d", i), fmt.Sprintf("a build step contains a secret (%s: %s)", ms[0].Description, ms[0].Redacted))
		}
	}
})

// imgFileState says where a file's bytes live.
func imgFileState(img *image.Image, e *image.Entry, final bool) string {
	layer := ""
	if e.Layer >= 0 && e.Layer < len(img.Layers) {
		layer = fmt.Sprintf("layer %d", e.Layer)
	}
	if final {
		return "in the final filesystem (" + layer + ")"
	}
	return "deleted by a later layer but still in " + layer + " (anyone with the image can extract it)"
}

// allFiles yields final files, then deleted and shadowed ones.
func allFiles(img *image.Image, fn func(e *image.Entry, final bool)) {
	paths := make([]string, 0, len(img.FS))
	for p := range img.FS {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if e := img.FS[p]; e.IsRegular() {
			fn(e, true)
		}
	}
	for _, e := range img.Deleted {
		if e.IsRegular() {
			fn(e, false)
		}
	}
	for _, e := range img.Shadowed {
		if e.IsRegular() {
			fn(e, false)
		}
	}
}

var _ = register(finding.Rule{
	ID: "IM007", Slug: "image-env-file", Title: ".env file in the image",
	Severity: finding.High, Kind: finding.KindImage,
	Checklist: []string{"secrets.no-env-files", "build.no-secrets"}, CIS: []string{"4.10"}, OWASP: []string{"D06"},
	Rationale: "A .env file in any layer, even one deleted later, ships the deployment's secrets with the image.",
	Fix:       "Exclude .env and **/.env in .dockerignore and rebuild; a later `rm` does not remove the layer that added it.",
	Bad: []finding.Example{
		imgEx(goodImage(map[string]string{"layer0/app/.env": "SECRET_KEY=abc\n"})),
		imgEx(goodImage(map[string]string{"layer0/app/.env": "SECRET_KEY=abc\n", "layer1/app/.wh..env": ""})),
	},
	Good: []finding.Example{imgEx(goodImage(map[string]string{"layer0/app/.env.example": "SECRET_KEY=\n"}))},
}, func(p *Pass) {
	img := p.Ext.Image
	allFiles(img, func(e *image.Entry, final bool) {
		if kind, ok := secrets.SensitiveFile(strings.TrimPrefix(e.Path, "/")); ok && kind == secrets.KindEnvFile {
			p.Report(p.entryAt(e), "env-file:"+e.Path, fmt.Sprintf("%s is %s", e.Path, imgFileState(img, e, final)))
		}
	})
})

// systemSecretPaths are sensitive-looking files every distribution ships
// (snakeoil certs, CA bundles); reporting them would be noise.
var systemSecretPrefixes = []string{"/etc/ssl/", "/usr/share/", "/usr/lib/", "/usr/local/lib/python", "/usr/lib/python", "/etc/pki/", "/usr/local/share/ca-certificates/", "/etc/ca-certificates/"}

func systemPath(p string) bool {
	for _, s := range systemSecretPrefixes {
		if strings.HasPrefix(p, s) {
			return true
		}
	}
	return strings.Contains(p, "/site-packages/") || strings.Contains(p, "/node_modules/") || strings.Contains(p, "/dist-packages/")
}

var _ = register(finding.Rule{
	ID: "IM006", Slug: "image-secret-file", Title: "Secret file or secret content in the image",
	Severity: finding.High, Kind: finding.KindImage,
	Checklist: []string{"build.no-secrets", "secrets.no-hardcoded"}, CIS: []string{"4.10"}, OWASP: []string{"D06"},
	Rationale: "Keys and credentials in any layer, including layers whose files a later step deleted, are readable by anyone who can pull the image.",
	Fix:       "Keep secrets out of the build context (.dockerignore) and mount them at run time; rebuild so that no layer carries them.",
	Bad: []finding.Example{
		imgEx(goodImage(map[string]string{"layer0/root/.ssh/id_rsa": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n-----END OPENSSH PRIVATE KEY-----\n"})),
		imgEx(goodImage(map[string]string{"layer0/root/.npmrc": "//registry.npmjs.org/:_authToken=npm_R7mK2pQx9Lw4Zt8Vn3Bc6Hy1Jd5Fs0Ge7Ua2\n", "layer1/root/.wh..npmrc": ""})),
	},
	Good: []finding.Example{imgEx(goodImage(map[string]string{"layer0/etc/ssl/private/ssl-cert-snakeoil.key": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"}))},
}, func(p *Pass) {
	img := p.Ext.Image
	allFiles(img, func(e *image.Entry, final bool) {
		if systemPath(e.Path) {
			return
		}
		rel := strings.TrimPrefix(e.Path, "/")
		kind, named := secrets.SensitiveFile(rel)
		if named && kind == secrets.KindEnvFile {
			return // IM007
		}
		content, ok := img.EntryContent(e)
		var ms []secrets.Match
		if ok && len(content) > 0 {
			ms, _ = secrets.ScanContent(e.Path, content)
		}
		switch {
		case len(ms) > 0:
			p.Report(p.entryAt(e), "secret-content:"+e.Path, fmt.Sprintf("%s holds a secret (%s: %s), %s", e.Path, ms[0].Description, ms[0].Redacted, imgFileState(img, e, final)))
		case named:
			p.Report(p.entryAt(e), "secret-file:"+e.Path, fmt.Sprintf("%s (%s) is %s", e.Path, kind, imgFileState(img, e, final)))
		}
	})
})

var _ = register(finding.Rule{
	ID: "IM013", Slug: "image-git-dir", Title: ".git directory in the image",
	Severity: finding.Medium, Kind: finding.KindImage,
	Checklist: []string{"build.dockerignore", "build.no-secrets"}, OWASP: []string{"D06"},
	Rationale: "A .git directory carries the whole history (secrets committed and removed included) and remotes that may embed credentials.",
	Fix:       "Add .git to .dockerignore and rebuild.",
	Bad:       []finding.Example{imgEx(goodImage(map[string]string{"layer0/app/.git/config": "[remote \"origin\"]\n\turl = https://deploy:ghp_R7mK2pQx9Lw4Zt8Vn3Bc6Hy1Jd5Fs0Ge7Ua2@github.com/acme/app.git\n"}))},
	Good:      []finding.Example{imgEx(goodImage(nil))},
}, func(p *Pass) {
	img := p.Ext.Image
	seen := map[string]bool{}
	allFiles(img, func(e *image.Entry, final bool) {
		i := strings.Index(e.Path, "/.git/")
		if i < 0 || systemPath(e.Path) {
			return
		}
		dir := e.Path[:i+5]
		if path.Base(e.Path) == "config" && path.Dir(e.Path) == dir {
			if b, ok := img.EntryContent(e); ok {
				if m := userPassURL.FindStringSubmatch(string(b)); m != nil {
					p.ReportSeverity(finding.High, p.entryAt(e), "git-cred:"+dir, fmt.Sprintf("%s has a remote URL with embedded credentials (%s)", e.Path, secrets.Redact(m[1])))
				}
			}
		}
		if !seen[dir] {
			seen[dir] = true
			p.Report(p.entryAt(e), "git-dir:"+dir, fmt.Sprintf("the image contains the git repository %s", dir))
		}
	})
})
