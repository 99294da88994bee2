package config

import (
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Signatures is the image integrity policy: which signers each image must
// carry, and what its build provenance must say.
//
//	signatures:
//	  trusted-root: trusted_root.json   # for keyless identities
//	  images:
//	    - match: ghcr.io/acme/**
//	      identities:
//	        - issuer: https://token.actions.githubusercontent.com
//	          subject-regex: ^https://github\.com/acme/
//	      provenance: required
//	      source: https://github.com/acme/app
//
// The first entry whose match covers an image's repository applies.
type Signatures struct {
	// TrustedRoot is a trusted_root.json (relative to the config file);
	// empty means the one `hardhull trust import` stored.
	TrustedRoot string        `yaml:"trusted-root"`
	Images      []ImagePolicy `yaml:"images"`
}

// ImagePolicy says who must have signed the images a glob covers.
type ImagePolicy struct {
	// Match is a glob over the repository name (`*` one path segment, `**`
	// any): ghcr.io/acme/**, docker.io/library/*. Docker Hub short names
	// are normalised as Docker does (python is docker.io/library/python).
	Match string `yaml:"match"`
	// Keys are PEM public key files, relative to the config file.
	Keys []string `yaml:"keys"`
	// Identities are keyless signers; any one of them suffices. With
	// neither keys nor identities, no signature is required (provenance
	// can still be).
	Identities []SignerIdentity `yaml:"identities"`
	// Provenance is "required" to demand BuildKit provenance, "" otherwise.
	Provenance string `yaml:"provenance"`
	// Source, when set, is the source repository the provenance must name
	// (compared without scheme, .git suffix or trailing slash).
	Source string `yaml:"source"`

	// Line is where the entry starts in the file, for messages.
	Line int `yaml:"-"`
	// Dir is the config file's directory, which Keys are relative to.
	Dir string `yaml:"-"`
}

// SignerIdentity is an OIDC issuer and certificate subject; each is exact,
// or a regular expression in the -regex field instead.
type SignerIdentity struct {
	Issuer       string `yaml:"issuer"`
	IssuerRegex  string `yaml:"issuer-regex"`
	Subject      string `yaml:"subject"`
	SubjectRegex string `yaml:"subject-regex"`
}

func (p *ImagePolicy) UnmarshalYAML(n *yaml.Node) error {
	type plain ImagePolicy
	var v plain
	if err := n.Decode(&v); err != nil {
		return err
	}
	*p = ImagePolicy(v)
	p.Line = n.Line
	return nil
}

// RequiresProvenance reports whether provenance must be present.
func (p *ImagePolicy) RequiresProvenance() bool { return p.Provenance == "required" }

// validate checks what decoding cannot: globs, regexes, and that every
// entry demands something.
func (s *Signatures) validate(name string) error {
	dir := filepath.Dir(name)
	for i := range s.Images {
		p := &s.Images[i]
		p.Dir = dir
		at := fmt.Sprintf("%s:%d: signatures.images[%d]", name, p.Line, i)
		switch {
		case strings.TrimSpace(p.Match) == "":
			return fmt.Errorf("%s: match is required", at)
		case len(p.Keys) == 0 && len(p.Identities) == 0 && !p.RequiresProvenance():
			return fmt.Errorf("%s (%s): give keys or identities that must have signed, or provenance: required", at, p.Match)
		case p.Provenance != "" && p.Provenance != "required":
			return fmt.Errorf("%s (%s): provenance is \"required\" or absent, not %q", at, p.Match, p.Provenance)
		case p.Source != "" && !p.RequiresProvenance():
			return fmt.Errorf("%s (%s): source is checked against provenance: add provenance: required", at, p.Match)
		}
		if _, err := path.Match(strings.ReplaceAll(p.Match, "**", "*"), ""); err != nil {
			return fmt.Errorf("%s: match %q: %w", at, p.Match, err)
		}
		for j, id := range p.Identities {
			if (id.Issuer == "") == (id.IssuerRegex == "") || (id.Subject == "") == (id.SubjectRegex == "") {
				return fmt.Errorf("%s (%s): identities[%d]: give exactly one of issuer or issuer-regex, and one of subject or subject-regex", at, p.Match, j)
			}
			for _, re := range []string{id.IssuerRegex, id.SubjectRegex} {
				if _, err := regexp.Compile(re); err != nil {
					return fmt.Errorf("%s (%s): identities[%d]: %v", at, p.Match, j, err)
				}
			}
		}
	}
	return nil
}

// TrustedRootPath is the trusted root named by the policy, resolved
// against the config file's directory ("" when unset).
func (c *Config) TrustedRootPath() string {
	if c.Signatures.TrustedRoot == "" || filepath.IsAbs(c.Signatures.TrustedRoot) {
		return c.Signatures.TrustedRoot
	}
	return filepath.Join(filepath.Dir(c.path), c.Signatures.TrustedRoot)
}

// ImagePolicy returns the first entry covering a repository (a normalised
// name such as docker.io/library/python), or nil.
func (c *Config) ImagePolicy(repo string) *ImagePolicy {
	for i := range c.Signatures.Images {
		if RepoMatch(c.Signatures.Images[i].Match, repo) {
			return &c.Signatures.Images[i]
		}
	}
	return nil
}

// RepoMatch matches a repository glob against a normalised repository name.
func RepoMatch(pattern, repo string) bool {
	return repoSegs(strings.Split(normRepoPattern(pattern), "/"), strings.Split(repo, "/"))
}

// repoSegs is globSegs without its directory rule: registry.example.com/*
// covers registry.example.com/app, not registry.example.com/team/app.
func repoSegs(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(segs); i++ {
				if repoSegs(pat[1:], segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], segs[0]); !ok {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}

// normRepoPattern applies Docker's short-name rules to a pattern:
// python → docker.io/library/python, bitnami/* → docker.io/bitnami/*.
func normRepoPattern(p string) string {
	p = strings.TrimSpace(p)
	first, _, _ := strings.Cut(p, "/")
	if strings.ContainsAny(first, ".:*") || first == "localhost" {
		return p
	}
	if !strings.Contains(p, "/") {
		return "docker.io/library/" + p
	}
	return "docker.io/" + p
}

// Path is the file the config was read from ("" for an empty config).
func (c *Config) Path() string { return c.path }
