// Package inventory is the package list hardhull matches against the
// vulnerability database and writes into SBOMs: OS packages from the dpkg
// and apk databases and Python distributions from an image, or Python
// dependencies declared in a build context.
package inventory

import (
	"fmt"
	"strings"
)

// Package types.
const (
	TypeDeb    = "deb"
	TypeApk    = "apk"
	TypePython = "python"
)

// Confidence says how sure the version is.
const (
	Exact      = "exact"       // installed, or pinned with ==
	LowerBound = "lower-bound" // a >= or ~= requirement: the version is the lowest allowed
)

// Package is one installed or declared package.
type Package struct {
	Type string `json:"type"`
	// Ecosystem is the OSV ecosystem with its release ("Debian:12",
	// "Ubuntu:22.04:LTS", "Alpine:v3.20", "PyPI"). For an OS package on a
	// release nothing is known about it is the base ("Debian") and
	// ReleaseUnknown is set: such packages are never matched.
	Ecosystem      string `json:"ecosystem"`
	ReleaseUnknown bool   `json:"release_unknown,omitempty"`
	Name           string `json:"name"`
	Version        string `json:"version"`
	Arch           string `json:"arch,omitempty"`
	// SourceName and SourceVersion are the dpkg source package (Debian
	// and Ubuntu advisories are about source packages) or the apk origin.
	SourceName    string `json:"source_name,omitempty"`
	SourceVersion string `json:"source_version,omitempty"`
	// Path is the file that declares the package: the package database
	// in an image, the requirements or lock file in a build context.
	Path string `json:"path"`
	Line int    `json:"line,omitempty"`
	// Layer is the index of the layer that introduced the package; -1
	// outside images.
	Layer      int    `json:"layer"`
	LayerID    string `json:"layer_id,omitempty"`
	CreatedBy  string `json:"created_by,omitempty"`
	Confidence string `json:"confidence"`
	// Distro is the os-release ID-VERSION_ID ("debian-12"), for purls.
	Distro string `json:"distro,omitempty"`
}

// MatchName and MatchVersion are what advisories are keyed by: the source
// package and its version for dpkg, the origin for apk, the name otherwise.
func (p *Package) MatchName() string {
	if p.SourceName != "" {
		return p.SourceName
	}
	return p.Name
}

// MatchVersion is the source version when dpkg records one, else the
// package's version.
func (p *Package) MatchVersion() string {
	if p.SourceVersion != "" {
		return p.SourceVersion
	}
	return p.Version
}

// String is name@version (ecosystem).
func (p *Package) String() string { return fmt.Sprintf("%s@%s (%s)", p.Name, p.Version, p.Ecosystem) }

// OS is what /etc/os-release says about the release.
type OS struct {
	ID        string // debian, ubuntu, alpine
	VersionID string
	Pretty    string
	// Ecosystem is the OSV ecosystem for the OS's packages; Known is false
	// when the release cannot be named (Debian testing/sid, Alpine edge,
	// an unknown distribution).
	Ecosystem string
	Known     bool
	Distro    string
}

// ParseOS maps os-release fields to the OSV ecosystem of the packages.
func ParseOS(osr map[string]string) OS {
	o := OS{ID: strings.ToLower(osr["ID"]), VersionID: osr["VERSION_ID"], Pretty: osr["PRETTY_NAME"]}
	if o.ID != "" {
		o.Distro = o.ID
		if o.VersionID != "" {
			o.Distro += "-" + o.VersionID
		}
	}
	v := o.VersionID
	switch o.ID {
	case "debian":
		o.Ecosystem = "Debian"
		if major, _, _ := strings.Cut(v, "."); major != "" && isDigits(major) {
			o.Ecosystem, o.Known = "Debian:"+major, true
		}
	case "ubuntu":
		o.Ecosystem = "Ubuntu"
		if isDigits(strings.ReplaceAll(v, ".", "")) && v != "" {
			o.Ecosystem, o.Known = "Ubuntu:"+v, true
			// OSV names LTS releases Ubuntu:22.04:LTS.
			if strings.Contains(osr["VERSION"], "LTS") {
				o.Ecosystem += ":LTS"
			}
		}
	case "alpine":
		o.Ecosystem = "Alpine"
		parts := strings.Split(v, ".")
		// Edge reports e.g. 3.21_alpha20240807: no OSV release.
		if len(parts) >= 2 && isDigits(parts[0]) && isDigits(parts[1]) {
			o.Ecosystem, o.Known = "Alpine:v"+parts[0]+"."+parts[1], true
		}
	}
	return o
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
