package report

import (
	"io"
	"time"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/sbom"
	vulnmatch "github.com/hardhull/hardhull/internal/vuln"
)

// SBOM writes the result's inventory as CycloneDX or SPDX. The
// vulnerabilities written are those of the findings policy kept, so an
// ignored or VEX-suppressed vulnerability is not in the BOM either. A
// result without an inventory (runtime) gives a BOM of its target alone.
type SBOM struct {
	Options
	CycloneDX bool
}

func (s *SBOM) Report(w io.Writer, r *finding.Result) error {
	in, _ := r.SBOM.(*sbom.Input)
	if in == nil {
		in = &sbom.Input{Name: r.Target}
	}
	cp := *in
	cp.Tool, cp.Version, cp.Now = "hardhull", s.Version, time.Now()
	if cp.Version == "" {
		cp.Version = "dev"
	}
	if cp.Name == "" {
		cp.Name = "."
	}
	cp.Vulns = nil
	for _, f := range r.Findings {
		if d, ok := f.Details.(*vulnmatch.Finding); ok {
			cp.Vulns = append(cp.Vulns, *d)
		}
	}
	if s.CycloneDX {
		return sbom.CycloneDX(w, &cp)
	}
	return sbom.SPDX(w, &cp)
}
