// Package vex applies OpenVEX statements (github.com/openvex/go-vex) to
// vulnerability matches: not_affected and fixed suppress a finding,
// keeping the statement's justification; affected and
// under_investigation annotate it.
package vex

import (
	"fmt"
	"io"
	"os"

	openvex "github.com/openvex/go-vex/pkg/vex"

	"github.com/hardhull/hardhull/internal/sbom"
	"github.com/hardhull/hardhull/internal/vuln"
)

// MaxFile bounds a VEX document read into memory.
const MaxFile = 16 << 20

// Doc is a loaded OpenVEX document.
type Doc struct {
	Path string
	doc  *openvex.VEX
}

// Load reads an OpenVEX JSON document.
func Load(path string) (*Doc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("vex: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFile+1))
	if err != nil {
		return nil, fmt.Errorf("vex %s: %w", path, err)
	}
	if len(b) > MaxFile {
		return nil, fmt.Errorf("vex %s: larger than %d bytes", path, MaxFile)
	}
	return Parse(path, b)
}

// Parse reads an OpenVEX document from bytes; name is used in errors.
func Parse(name string, b []byte) (*Doc, error) {
	d, err := openvex.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("vex %s: %w", name, err)
	}
	if d == nil || len(d.Statements) == 0 {
		return nil, fmt.Errorf("vex %s: no statements (is it an OpenVEX document?)", name)
	}
	for i := range d.Statements {
		if err := d.Statements[i].Validate(); err != nil {
			return nil, fmt.Errorf("vex %s: statement %d: %w", name, i+1, err)
		}
	}
	return &Doc{Path: name, doc: d}, nil
}

// ApplyFiles loads each document and applies it in turn.
func ApplyFiles(paths []string, r *vuln.Report, product string) ([]Suppressed, error) {
	var out []Suppressed
	for _, p := range paths {
		d, err := Load(p)
		if err != nil {
			return nil, err
		}
		out = append(out, d.Apply(r, product)...)
	}
	return out, nil
}

// Suppressed is a finding a statement took out, with why.
type Suppressed struct {
	Finding       vuln.Finding `json:"finding"`
	Status        string       `json:"status"`
	Justification string       `json:"justification,omitempty"`
	Impact        string       `json:"impact_statement,omitempty"`
	Document      string       `json:"document"`
}

func (s Suppressed) String() string {
	why := s.Justification
	if why == "" {
		why = s.Impact
	}
	if why != "" {
		why = " (" + why + ")"
	}
	return fmt.Sprintf("%s in %s %s: %s per %s%s", s.Finding.ID, s.Finding.Package.Name, s.Finding.Package.Version, s.Status, s.Document, why)
}

// Apply matches every finding, by each of its IDs, against the document:
// as a subcomponent of product (the image purl, may be empty) and as a
// product itself (the package purl). It returns the suppressed findings
// and removes them from r; other statements annotate the finding.
func (d *Doc) Apply(r *vuln.Report, product string) []Suppressed {
	var out []Suppressed
	kept := r.Findings[:0]
	for _, f := range r.Findings {
		st := d.match(&f, product)
		if st == nil {
			kept = append(kept, f)
			continue
		}
		switch st.Status {
		case openvex.StatusNotAffected, openvex.StatusFixed:
			out = append(out, Suppressed{Finding: f, Status: string(st.Status), Justification: string(st.Justification), Impact: st.ImpactStatement, Document: d.Path})
			continue
		}
		f.VEX = fmt.Sprintf("%s per %s", st.Status, d.Path)
		if st.StatusNotes != "" {
			f.VEX += ": " + st.StatusNotes
		}
		kept = append(kept, f)
	}
	r.Findings = kept
	return out
}

func (d *Doc) match(f *vuln.Finding, product string) *openvex.Statement {
	pkg := sbom.Purl(&f.Package)
	for _, id := range f.IDs {
		var sts []openvex.Statement
		if product != "" {
			sts = d.doc.Matches(id, product, []string{pkg})
		}
		if len(sts) == 0 {
			sts = d.doc.Matches(id, pkg, nil)
		}
		if len(sts) > 0 {
			s := sts[0] // Matches returns the latest first
			return &s
		}
	}
	return nil
}
