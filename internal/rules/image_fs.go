package rules

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/image"
)

// compilerPaths are toolchain binaries that should not ship.
var compilerBins = []string{"gcc", "cc", "g++", "c++", "clang", "make", "go", "rustc", "cargo", "gfortran"}

// installedPackages lists package names from the dpkg and apk databases.
func installedPackages(img *image.Image) []string {
	var out []string
	add := func(p, key string) {
		b, ok := img.Content(p)
		if !ok {
			return
		}
		for para := range strings.SplitSeq(string(b), "\n\n") {
			name, installed := "", true
			for line := range strings.SplitSeq(para, "\n") {
				if v, ok := strings.CutPrefix(line, key); ok {
					name = strings.TrimSpace(v)
				}
				if s, ok := strings.CutPrefix(line, "Status:"); ok && !strings.HasSuffix(strings.TrimSpace(s), " installed") {
					installed = false
				}
			}
			if name != "" && installed {
				out = append(out, name)
			}
		}
	}
	add("/var/lib/dpkg/status", "Package:")
	add("/lib/apk/db/installed", "P:")
	for p := range img.FS {
		if path.Dir(p) == "/var/lib/dpkg/status.d" && !strings.HasSuffix(p, ".md5sums") {
			add(p, "Package:")
		}
	}
	sort.Strings(out)
	return out
}

var _ = register(finding.Rule{
	ID: "IM008", Slug: "image-build-tools", Title: "Build tools in the image",
	Severity: finding.Medium, Kind: finding.KindImage,
	Checklist: []string{"build.multi-stage"}, CIS: []string{"4.3"}, OWASP: []string{"D04"},
	Rationale: "Compilers and -dev packages in a runtime image add CVEs and let an intruder build tools in place.",
	Fix:       "Build in a builder stage and copy only the artifacts into a slim runtime stage.",
	Bad: []finding.Example{
		imgEx(goodImage(map[string]string{"layer0/usr/bin/gcc": "binary\n"})),
		imgEx(goodImage(map[string]string{"layer0/var/lib/dpkg/status": "Package: libc6\nStatus: install ok installed\n\nPackage: build-essential\nStatus: install ok installed\n"})),
	},
	Good: []finding.Example{imgEx(goodImage(map[string]string{"layer0/var/lib/dpkg/status": "Package: libc6\nStatus: install ok installed\n\nPackage: gcc-12-base\nStatus: install ok installed\n\nPackage: gcc\nStatus: deinstall ok config-files\n"}))},
}, func(p *Pass) {
	img := p.Ext.Image
	var tools []string
	for _, pk := range installedPackages(img) {
		if buildTool(pk) {
			tools = append(tools, pk)
		}
	}
	if len(tools) > 0 {
		p.Report(p.imgConfigAt("packages"), "pkgs:"+strings.Join(tools, ","), fmt.Sprintf("installed build packages: %s", strings.Join(first(tools, 8), ", ")+more(len(tools), 8)))
	}
	for _, dir := range []string{"/usr/bin/", "/usr/local/bin/", "/bin/", "/usr/local/go/bin/"} {
		for _, c := range compilerBins {
			if e := img.Lookup(dir + c); e != nil && e.Type != image.TypeDir {
				p.Report(p.entryAt(e), "compiler:"+e.Path, fmt.Sprintf("compiler or build tool %s is in the image", e.Path))
			}
		}
	}
})

func more(n, shown int) string {
	if n > shown {
		return fmt.Sprintf(" and %d more", n-shown)
	}
	return ""
}

var _ = register(finding.Rule{
	ID: "IM009", Slug: "image-setuid-files", Title: "setuid/setgid files in the image",
	Severity: finding.Low, Kind: finding.KindImage,
	Checklist: []string{"runtime.non-root"}, CIS: []string{"4.8"}, OWASP: []string{"D04"},
	Equivalents: map[string][]string{"dockle": {"CIS-DI-0008"}},
	Rationale:   "setuid binaries let a non-root process become root; remove the bit from everything the app does not need (and set no-new-privileges).",
	Fix:         "RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + in the final stage.",
	Bad:         []finding.Example{imgEx(goodImage(map[string]string{"layer0/usr/bin/passwd#4755": "binary\n"}))},
	Good:        []finding.Example{imgEx(goodImage(map[string]string{"layer0/usr/bin/passwd#0755": "binary\n"}))},
}, func(p *Pass) {
	files := p.Ext.Image.SetuidFiles()
	if len(files) == 0 {
		return
	}
	var names []string
	for _, e := range files {
		names = append(names, e.Path)
	}
	p.Report(p.imgAt(files[0].Layer, files[0].Path), "setuid", fmt.Sprintf("%d setuid/setgid files: %s", len(names), strings.Join(first(names, 10), ", ")+more(len(names), 10)))
})

var _ = register(finding.Rule{
	ID: "IM010", Slug: "image-world-writable", Title: "World-writable files outside /tmp",
	Severity: finding.Medium, Kind: finding.KindImage,
	Checklist: []string{"runtime.read-only"}, OWASP: []string{"D09"},
	Rationale: "Files anyone can write let any process (or user) in the container change code and configuration.",
	Fix:       "chmod o-w the paths (or give them to the app user), and prefer a read-only root filesystem.",
	Bad:       []finding.Example{imgEx(goodImage(map[string]string{"layer0/app/config.py#0666": "x = 1\n"}))},
	Good:      []finding.Example{imgEx(goodImage(map[string]string{"layer0/tmp/scratch#0666": "x\n"}))},
}, func(p *Pass) {
	ws := p.Ext.Image.WorldWritable()
	if len(ws) == 0 {
		return
	}
	var names []string
	for _, e := range ws {
		names = append(names, e.Path)
	}
	p.Report(p.imgAt(ws[0].Layer, ws[0].Path), "world-writable", fmt.Sprintf("%d world-writable paths: %s", len(names), strings.Join(first(names, 10), ", ")+more(len(names), 10)))
})

var cacheDirs = []string{"/var/lib/apt/lists/", "/root/.cache/pip/", "/var/cache/apk/", "/root/.npm/", "/usr/local/share/.cache/yarn/", "/var/cache/yum/", "/var/cache/dnf/"}

var _ = register(finding.Rule{
	ID: "IM014", Slug: "image-package-cache", Title: "Package manager caches left in the image",
	Severity: finding.Low, Kind: finding.KindImage,
	Checklist: []string{"build.slim-base"}, OWASP: []string{"D04"},
	Rationale: "Package indexes and download caches bloat the image and keep stale metadata.",
	Fix:       "rm -rf /var/lib/apt/lists/* in the same RUN; pip install --no-cache-dir; apk add --no-cache.",
	Bad:       []finding.Example{imgEx(goodImage(map[string]string{"layer0/var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease": "x\n"}))},
	Good:      []finding.Example{imgEx(goodImage(nil))},
}, func(p *Pass) {
	img := p.Ext.Image
	counts := map[string]int64{}
	first := map[string]*image.Entry{}
	for pth, e := range img.FS {
		if !e.IsRegular() {
			continue
		}
		for _, d := range cacheDirs {
			if strings.HasPrefix(pth, d) && !strings.HasSuffix(pth, "/lock") {
				counts[d] += e.Size + 1
				if first[d] == nil || pth < first[d].Path {
					first[d] = e
				}
			}
		}
	}
	for _, d := range cacheDirs {
		if counts[d] > 0 {
			p.Report(p.entryAt(first[d]), "cache:"+d, fmt.Sprintf("%s is not empty", strings.TrimSuffix(d, "/")))
		}
	}
})
