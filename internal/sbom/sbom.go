// Package sbom writes an inventory as a software bill of materials:
// CycloneDX 1.6 JSON (with the matched vulnerabilities and their ratings)
// and SPDX 2.3 JSON, packages identified by purls.
package sbom

import (
	"fmt"
	"strings"
	"time"

	"github.com/hardhull/hardhull/internal/imageref"
	"github.com/hardhull/hardhull/internal/inventory"
	"github.com/hardhull/hardhull/internal/osv"
	"github.com/hardhull/hardhull/internal/vuln"
	purl "github.com/package-url/packageurl-go"
)

// Input is what an SBOM describes.
type Input struct {
	// Name is the image reference or the scanned directory; Digest the
	// image's manifest digest (or config digest) when known.
	Name   string
	Digest string
	// Container is true for an image, false for a source tree.
	Container bool
	OS        *inventory.OS
	Packages  []inventory.Package
	Vulns     []vuln.Finding
	Tool      string
	Version   string
	Now       time.Time
}

// Purl identifies a package: pkg:deb/debian/openssl@3.0.19-1~deb12u2?arch=amd64&distro=debian-12,
// pkg:apk/alpine/..., pkg:pypi/jinja2@3.1.3.
func Purl(p *inventory.Package) string {
	var q map[string]string
	add := func(k, v string) {
		if v == "" {
			return
		}
		if q == nil {
			q = map[string]string{}
		}
		q[k] = v
	}
	switch p.Type {
	case inventory.TypeDeb, inventory.TypeApk:
		typ, ns := purl.TypeDebian, "debian"
		if p.Type == inventory.TypeApk {
			typ, ns = purl.TypeApk, "alpine"
		}
		if d := p.Distro; d != "" {
			if id, _, _ := strings.Cut(d, "-"); id != "" {
				ns = id
			}
		}
		add("arch", p.Arch)
		add("distro", p.Distro)
		if p.SourceName != "" && p.SourceName != p.Name {
			add("upstream", p.SourceName)
		}
		return purl.NewPackageURL(typ, ns, p.Name, p.Version, purl.QualifiersFromMap(q), "").ToString()
	case inventory.TypePython:
		return purl.NewPackageURL(purl.TypePyPi, "", osv.NormalizeName("PyPI", p.Name), p.Version, nil, "").ToString()
	}
	return purl.NewPackageURL(purl.TypeGeneric, "", p.Name, p.Version, nil, "").ToString()
}

// subjectPurl names the image as pkg:oci/<name>@<digest>; empty without
// a digest (purls identify images by digest only).
func subjectPurl(in *Input) string {
	if !in.Container {
		return ""
	}
	return ImagePurl(in.Name, in.Digest)
}

// ImagePurl is pkg:oci/<last path element of ref>@<digest>, or empty
// without a sha256 digest.
func ImagePurl(ref, digest string) string {
	if !strings.HasPrefix(digest, "sha256:") {
		return ""
	}
	return purl.NewPackageURL(purl.TypeOCI, "", imageref.Name(ref), digest, nil, "").ToString()
}

func pkgRef(i int) string { return fmt.Sprintf("pkg-%d", i) }

// refsByPackage maps a package (type, name, version, path) to its ref,
// for vulnerabilities' affects.
func refsByPackage(pkgs []inventory.Package) map[string]string {
	m := map[string]string{}
	for i := range pkgs {
		m[pkgKey(&pkgs[i])] = pkgRef(i)
	}
	return m
}

func pkgKey(p *inventory.Package) string {
	return p.Type + "\x00" + p.Name + "\x00" + p.Version + "\x00" + p.Path
}

func props(p *inventory.Package) map[string]string {
	m := map[string]string{"hardhull:path": p.Path}
	if p.Line > 0 {
		m["hardhull:line"] = fmt.Sprint(p.Line)
	}
	if p.SourceName != "" {
		m["hardhull:src_name"] = p.SourceName
	}
	if p.SourceVersion != "" {
		m["hardhull:src_version"] = p.SourceVersion
	}
	if p.LayerID != "" {
		m["hardhull:layer_diff_id"] = p.LayerID
	}
	if p.CreatedBy != "" {
		m["hardhull:layer_created_by"] = p.CreatedBy
	}
	if p.Confidence != "" && p.Confidence != inventory.Exact {
		m["hardhull:confidence"] = p.Confidence
	}
	return m
}
