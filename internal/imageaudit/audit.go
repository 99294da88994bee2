// Package imageaudit is the built-image front of the pipeline: it walks an
// image without a daemon (internal/image), runs the image rules, and
// records the facts a report shows even when nothing fails.
package imageaudit

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/image"
	"github.com/hardhull/hardhull/internal/inventory"
	"github.com/hardhull/hardhull/internal/rules"
	"github.com/hardhull/hardhull/internal/sbom"
	"github.com/hardhull/hardhull/internal/vex"
	"github.com/hardhull/hardhull/internal/vuln"
)

// Options selects the image and the rules.
type Options struct {
	Image image.Options
	Rules []*rules.Rule
	Vulns VulnOptions
}

// VulnOptions configure the vulnerability match.
type VulnOptions = vuln.Options

// maxScanText bounds the text files whose content is kept for secret
// scanning beyond the loader's defaults.
const maxScanText = 128 << 10

// appTextExts are config and source files worth scanning for secrets when
// they live outside the distribution's own trees.
var appTextExts = map[string]bool{".env": true, ".json": true, ".yaml": true, ".yml": true, ".toml": true, ".ini": true,
	".cfg": true, ".conf": true, ".properties": true, ".py": true, ".js": true, ".ts": true, ".sh": true, ".xml": true, ".txt": true, ".php": true, ".rb": true}

// Want keeps what the loader keeps by default plus small application text
// files (not under /usr, /lib, /etc/ssl, site-packages, node_modules).
func Want(p string, size int64, mode fs.FileMode) image.Capture {
	if c := image.DefaultWant(p, size, mode); c != image.Skip {
		return c
	}
	if size > maxScanText || !appTextExts[path.Ext(p)] {
		return image.Skip
	}
	for _, pre := range []string{"/usr/", "/lib/", "/lib64/", "/bin/", "/sbin/", "/etc/ssl/", "/etc/pki/", "/var/lib/", "/proc/", "/sys/"} {
		if strings.HasPrefix(p, pre) {
			return image.Skip
		}
	}
	if strings.Contains(p, "/site-packages/") || strings.Contains(p, "/dist-packages/") || strings.Contains(p, "/node_modules/") {
		return image.Skip
	}
	return image.Text
}

// Audit loads ref and judges it.
func Audit(ctx context.Context, ref string, opts Options) (*finding.Result, error) {
	o := opts.Image
	if o.Want == nil {
		o.Want = Want
	}
	img, err := image.Load(ctx, ref, o)
	if err != nil {
		return nil, err
	}
	inv := inventory.FromImage(img)
	digest := img.Digest
	if digest == "" {
		digest = img.ConfigDigest
	}
	vs, err := matchInventory(inv, opts.Vulns, sbom.ImagePurl(ref, digest))
	if err != nil {
		return nil, err
	}
	res := JudgeWith(img, ref, opts.Rules, vs)
	if vs != nil && len(vs.VEXSuppressed) > 0 {
		res.Facts["vex_suppressed"] = vs.VEXSuppressed
	}
	res.SBOM = &sbom.Input{Name: ref, Digest: digest, Container: true, OS: &inv.OS, Packages: inv.Packages}
	return res, nil
}

// MatchVulns inventories the image and matches it against the database.
// A missing database is not an error: the result says so and how to get
// one, and the checklist item stays undecided.
func MatchVulns(img *image.Image, o VulnOptions) (*rules.VulnScan, error) {
	return matchInventory(inventory.FromImage(img), o, "")
}

// matchInventory matches inv; product is the image's purl, the product
// VEX statements name.
func matchInventory(inv inventory.Image, o VulnOptions, product string) (*rules.VulnScan, error) {
	if o.Off {
		return nil, nil
	}
	o = o.WithDefaults()
	vs := &rules.VulnScan{Now: o.Now, MaxAge: o.MaxAge, IgnoreUnfixed: o.IgnoreUnfixed}
	db, noDB, err := o.Open()
	if err != nil {
		return nil, err
	}
	if db == nil {
		vs.NoDB = noDB
		return vs, nil
	}
	defer db.Close()
	rep, err := vuln.Match(db, inv.Packages)
	if err != nil {
		return nil, err
	}
	if inv.Partial {
		rep.Notes = append(rep.Notes, "a package database was larger than the loader's content cap: the inventory is incomplete")
	}
	sup, err := vex.ApplyFiles(o.VEX, rep, product)
	if err != nil {
		return nil, err
	}
	for _, x := range sup {
		vs.VEXSuppressed = append(vs.VEXSuppressed, x.String())
	}
	vs.Report = rep
	return vs, nil
}

// Judge runs the image rules over a walked image, without vulnerability
// matching.
func Judge(img *image.Image, ref string, rs []*rules.Rule) *finding.Result {
	return JudgeWith(img, ref, rs, nil)
}

// JudgeWith runs the image rules with a vulnerability match (nil: none).
func JudgeWith(img *image.Image, ref string, rs []*rules.Rule, vs *rules.VulnScan) *finding.Result {
	if rs == nil {
		rs = rules.All()
	}
	var imgRules []*rules.Rule
	for _, r := range rs {
		if r.Kind == finding.KindImage {
			imgRules = append(imgRules, r)
		}
	}
	res := &finding.Result{Command: "image", Target: ref, Kinds: map[finding.Kind]int{finding.KindImage: 1}}
	p := &rules.Pass{Ext: rules.Extensions{Image: img, ImageRef: ref, Vulns: vs}}
	res.Findings = rules.Run(p, imgRules)
	res.Evidence = p.Evidences()
	res.Facts = Facts(img)
	for _, a := range img.Anomalies {
		if a.Kind == image.AnomalyContentBudget || a.Kind == image.AnomalyContentCap {
			continue
		}
		res.Facts["anomalies"] = fmt.Sprint(len(img.Anomalies))
	}
	return res
}

// Facts is the inventory a report shows even when nothing fails.
func Facts(img *image.Image) map[string]any {
	f := map[string]any{}
	if img.Digest != "" {
		f["digest"] = img.Digest
	}
	f["image_id"] = img.ConfigDigest
	if c := img.Config; c != nil {
		f["user"] = c.Config.User
		if c.Config.User == "" {
			f["user"] = "(root)"
		}
		f["platform"] = c.OS + "/" + c.Architecture
	}
	if osr := img.OSRelease(); osr != nil {
		if v := osr["PRETTY_NAME"]; v != "" {
			f["os"] = v
		} else {
			f["os"] = strings.TrimSpace(osr["ID"] + " " + osr["VERSION_ID"])
		}
	}
	var total int64
	var sizes []string
	files := 0
	for i, l := range img.Layers {
		total += l.UncompressedSize
		files += l.Files
		sizes = append(sizes, fmt.Sprintf("%d:%s", i, human(l.UncompressedSize)))
	}
	f["layers"] = len(img.Layers)
	f["layer_sizes"] = strings.Join(sizes, " ")
	f["size"] = human(total)
	f["files"] = len(img.FS)
	pk := img.Packages()
	f["packages"] = fmt.Sprintf("dpkg=%d apk=%d python=%d", pk.Dpkg, pk.Apk, pk.Python)
	return f
}

func human(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1fGiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1fMiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1fKiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%dB", n)
}
