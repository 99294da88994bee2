package sbom

import (
	"fmt"
	"io"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/google/uuid"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx"
	"github.com/spdx/tools-golang/spdx/v2/common"
)

var spdxIDChars = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

// SPDX writes in as an SPDX 2.3 JSON document: the subject package
// DESCRIBED by the document, CONTAINS each package.
func SPDX(w io.Writer, in *Input) error {
	return spdxjson.Write(SPDXDocument(in), w, spdxjson.Indent("  "))
}

// SPDXDocument builds the SPDX 2.3 document for in.
func SPDXDocument(in *Input) *spdx.Document {
	doc := &spdx.Document{
		SPDXVersion:       spdx.Version,
		DataLicense:       spdx.DataLicense,
		SPDXIdentifier:    "DOCUMENT",
		DocumentName:      in.Name,
		DocumentNamespace: "https://hardhull.dev/spdx/" + url.PathEscape(in.Name) + "-" + uuid.NewString(),
		CreationInfo: &spdx.CreationInfo{
			Creators: []common.Creator{{CreatorType: "Tool", Creator: in.Tool + "-" + in.Version}},
			Created:  in.Now.UTC().Format("2006-01-02T15:04:05Z"),
		},
	}
	subject := &spdx.Package{
		PackageName: in.Name, PackageSPDXIdentifier: "subject", PackageDownloadLocation: "NOASSERTION",
		PrimaryPackagePurpose: "SOURCE",
	}
	if in.Container {
		subject.PrimaryPackagePurpose = "CONTAINER"
		subject.PackageVersion = in.Digest
		if p := subjectPurl(in); p != "" {
			subject.PackageExternalReferences = []*spdx.PackageExternalReference{{Category: "PACKAGE-MANAGER", RefType: "purl", Locator: p}}
		}
	}
	doc.Packages = append(doc.Packages, subject)
	doc.Relationships = append(doc.Relationships, &spdx.Relationship{
		RefA: common.MakeDocElementID("", "DOCUMENT"), RefB: common.MakeDocElementID("", "subject"), Relationship: "DESCRIBES"})
	contains := func(id common.ElementID) {
		doc.Relationships = append(doc.Relationships, &spdx.Relationship{
			RefA: common.MakeDocElementID("", "subject"), RefB: common.MakeDocElementID("", string(id)), Relationship: "CONTAINS"})
	}
	if in.OS != nil && in.OS.ID != "" {
		doc.Packages = append(doc.Packages, &spdx.Package{PackageName: in.OS.ID, PackageVersion: in.OS.VersionID, PackageSPDXIdentifier: "os",
			PackageDownloadLocation: "NOASSERTION", PrimaryPackagePurpose: "OPERATING-SYSTEM", PackageDescription: in.OS.Pretty})
		contains("os")
	}
	for i := range in.Packages {
		p := &in.Packages[i]
		id := common.ElementID(fmt.Sprintf("%s-%s-%d", p.Type, spdxIDChars.ReplaceAllString(p.Name, "-"), i))
		sp := &spdx.Package{
			PackageName: p.Name, PackageVersion: p.Version, PackageSPDXIdentifier: id,
			PackageDownloadLocation: "NOASSERTION", PrimaryPackagePurpose: "LIBRARY",
			PackageExternalReferences: []*spdx.PackageExternalReference{{Category: "PACKAGE-MANAGER", RefType: "purl", Locator: Purl(p)}},
		}
		if p.SourceName != "" && (p.SourceName != p.Name || p.SourceVersion != p.Version) {
			sp.PackageSourceInfo = fmt.Sprintf("built from source package %s %s", p.SourceName, p.SourceVersion)
		}
		m := props(p)
		ks := make([]string, 0, len(m))
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		var c []string
		for _, k := range ks {
			c = append(c, k+"="+m[k])
		}
		sp.PackageComment = strings.Join(c, "\n")
		doc.Packages = append(doc.Packages, sp)
		contains(id)
	}
	return doc
}
