package rules

import (
	"fmt"
	"strings"

	"github.com/distribution/reference"
	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/finding"
)

// Trusted reports whether an image reference comes from one of the trusted
// registries. Entries are a registry host ("registry.example.com"), a
// host/path prefix ("ghcr.io/acme"), or "docker.io" for Docker Hub (whose
// official images normalise to docker.io/library/...).
func Trusted(img string, trusted []string) bool {
	named, err := reference.ParseNormalizedNamed(img)
	if err != nil {
		return true // not a reference we can judge (stage name, ${ARG})
	}
	full := named.Name() // docker.io/library/python
	for _, t := range trusted {
		t = strings.TrimSuffix(strings.TrimSpace(t), "/")
		if full == t || strings.HasPrefix(full, t+"/") {
			return true
		}
	}
	return false
}

// trustedExample is the policy the examples run under.
const trustedPolicy = "trusted-registries: [registry.example.com]\n"

var _ = register(finding.Rule{
	ID: "DF025", Slug: "untrusted-registry", Title: "Image from a registry outside the trusted list",
	Severity: finding.Medium, Kind: finding.KindDockerfile,
	CIS: []string{"4.2"}, OWASP: []string{"D08"},
	Rationale: "Only images from registries your organisation controls or vets can be trusted; anything else is third-party code running in production.",
	Fix:       "Mirror the image into a trusted registry and build FROM it, or add the registry to trusted-registries in .hardhull.yaml after review.",
	Bad:       []finding.Example{{Files: map[string]string{"Dockerfile": "FROM python:3.12-slim\nUSER 1000\n", ".hardhull.yaml": trustedPolicy}, Note: "with trusted-registries: [registry.example.com]"}},
	Good:      []finding.Example{{Files: map[string]string{"Dockerfile": "FROM registry.example.com/python:3.12-slim\nUSER 1000\n", ".hardhull.yaml": trustedPolicy}}},
}, func(p *Pass) {
	if len(p.Ext.TrustedRegistries) == 0 {
		return
	}
	for _, s := range p.Dockerfile.Stages {
		if _, ok := parseBase(s); ok && !Trusted(s.Image, p.Ext.TrustedRegistries) {
			p.Report(fromAt(p, s), "registry:"+s.Image, fmt.Sprintf("FROM %s is not from a trusted registry (%s)", s.Image, strings.Join(p.Ext.TrustedRegistries, ", ")))
		}
	}
})

var _ = register(finding.Rule{
	ID: "DC025", Slug: "service-untrusted-registry", Title: "Service image from a registry outside the trusted list",
	Severity: finding.Medium, Kind: finding.KindCompose,
	CIS: []string{"4.2"}, OWASP: []string{"D08"},
	Rationale: "Only images from registries your organisation controls or vets can be trusted.",
	Fix:       "Use the image from a trusted registry, or add the registry to trusted-registries after review.",
	Bad:       []finding.Example{{Files: map[string]string{"compose.yaml": "services:\n  db:\n    image: postgres:16\n", ".hardhull.yaml": trustedPolicy}, Note: "with trusted-registries: [registry.example.com]"}},
	Good:      []finding.Example{{Files: map[string]string{"compose.yaml": "services:\n  db:\n    image: registry.example.com/postgres:16\n", ".hardhull.yaml": trustedPolicy}}},
}, func(p *Pass) {
	if len(p.Ext.TrustedRegistries) == 0 {
		return
	}
	p.eachService(func(s compose.Service) {
		if _, builds := s.BuildSpec(); builds || s.Image == "" {
			return
		}
		if !Trusted(s.Image, p.Ext.TrustedRegistries) {
			p.Report(p.svcAt(s, "image"), svcKey(s, "registry"), fmt.Sprintf("service %s uses %s, which is not from a trusted registry", s.Name, s.Image))
		}
	})
})
