package rules

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/finding"
)

// Docker Content Trust (Notary v1) is retired: Docker Official Images'
// DCT signing certificates expired in August 2025 and notary.docker.io
// shuts down on 2026-12-08. Setting DOCKER_CONTENT_TRUST looks like a
// signature check in review but verifies nothing any more.
const (
	dctRationale = "DOCKER_CONTENT_TRUST=1 enables Docker Content Trust (Notary v1), which Docker has retired: Docker Official Images' DCT signatures expired in August 2025 and notary.docker.io shuts down on 2026-12-08. After that the setting protects nothing, yet reviewers read it as \"images are verified\"; pulls that still depend on it fail."
	dctFix       = "Remove DOCKER_CONTENT_TRUST and verify OCI-native signatures instead: Sigstore (`cosign verify --key cosign.pub IMAGE`, or keyless with `--certificate-identity` and `--certificate-oidc-issuer`) or the Notary Project (`notation verify IMAGE`); sign your own images in CI with `cosign sign` or `notation sign`, and let `hardhull image REF --verify-key cosign.pub` check them against your policy."
)

// contentTrustOn mirrors the Docker CLI: any non-empty value turns content
// trust on unless it parses as a false boolean.
func contentTrustOn(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	return b || err != nil
}

// dctValue shows a value only when it is a boolean: anything else is
// arbitrary text, never echoed into output.
func dctValue(v string) string {
	if _, err := strconv.ParseBool(strings.TrimSpace(v)); err == nil {
		return strings.TrimSpace(v)
	}
	return "<non-boolean, which the Docker CLI treats as on>"
}

func dctMessage(where string) string {
	return where + " enables Docker Content Trust, retired by Docker (notary.docker.io shuts down on 2026-12-08): it verifies no signature"
}

var _ = register(finding.Rule{
	ID: "DF040", Slug: "docker-content-trust-retired", Title: "DOCKER_CONTENT_TRUST relied on in a Dockerfile",
	Severity: finding.Medium, Kind: finding.KindDockerfile,
	Checklist: []string{"build.signed-images"}, CIS: []string{"4.5"}, OWASP: []string{"D08"},
	Rationale: dctRationale,
	Fix:       dctFix,
	Bad: []finding.Example{
		dfEx("FROM docker:27-cli\nENV DOCKER_CONTENT_TRUST=1\nUSER 1000\n"),
		{Files: map[string]string{"Dockerfile": "FROM docker:27-cli\nARG DOCKER_CONTENT_TRUST=true\nRUN docker pull registry.example.com/app:1.4\nUSER 1000\n"}, Note: "an ARG default counts: RUN sees it"},
	},
	Good: []finding.Example{
		dfEx("FROM docker:27-cli\nRUN apk add --no-cache cosign\nUSER 1000\n"),
		{Files: map[string]string{"Dockerfile": "FROM docker:27-cli\nENV DOCKER_CONTENT_TRUST=0\nUSER 1000\n"}, Note: "explicitly off"},
	},
}, func(p *Pass) {
	for _, s := range p.Dockerfile.Stages {
		for _, a := range s.Args() {
			if a.Key == "DOCKER_CONTENT_TRUST" && contentTrustOn(a.Value) {
				p.Report(p.At(a.In), "ARG:DOCKER_CONTENT_TRUST", dctMessage("ARG DOCKER_CONTENT_TRUST="+dctValue(a.Value)))
			}
		}
		for _, e := range s.Env() {
			if e.In.Stage == s && e.Key == "DOCKER_CONTENT_TRUST" && contentTrustOn(e.Value) {
				p.Report(p.At(e.In), "ENV:DOCKER_CONTENT_TRUST", dctMessage("ENV DOCKER_CONTENT_TRUST="+dctValue(e.Value)))
			}
		}
	}
	for _, a := range p.Dockerfile.MetaArgs {
		if a.Name == "DOCKER_CONTENT_TRUST" && a.HasDef && contentTrustOn(a.Default) {
			p.Report(finding.Location{Path: p.Dockerfile.Path, Line: a.Line, Column: 1}, "ARG:DOCKER_CONTENT_TRUST", dctMessage("ARG DOCKER_CONTENT_TRUST="+dctValue(a.Default)))
		}
	}
})

var _ = register(finding.Rule{
	ID: "DC050", Slug: "service-docker-content-trust-retired", Title: "DOCKER_CONTENT_TRUST relied on in a compose service",
	Severity: finding.Medium, Kind: finding.KindCompose,
	Checklist: []string{"build.signed-images"}, CIS: []string{"4.5"}, OWASP: []string{"D08"},
	Rationale: dctRationale,
	Fix:       dctFix,
	Bad: []finding.Example{
		composeEx("services:\n  deployer:\n    image: docker:27-cli\n    environment:\n      DOCKER_CONTENT_TRUST: \"1\"\n"),
		composeEx("services:\n  deployer:\n    image: docker:27-cli\n    environment:\n      - DOCKER_CONTENT_TRUST=1\n"),
	},
	Good: []finding.Example{
		composeEx("services:\n  deployer:\n    image: docker:27-cli\n    environment:\n      COSIGN_PUBLIC_KEY: /run/secrets/cosign.pub\n"),
		{Files: map[string]string{"compose.yaml": "services:\n  deployer:\n    image: docker:27-cli\n    environment:\n      DOCKER_CONTENT_TRUST: ${DCT:-0}\n"}, Note: "left to the deployment: not judged"},
	},
}, func(p *Pass) {
	p.eachService(func(s compose.Service) {
		rv, ok := s.RawEnv()["DOCKER_CONTENT_TRUST"]
		if !ok || rv.Interpolated || !contentTrustOn(rv.Text) {
			return
		}
		p.Report(p.svcAt(s, "environment", "DOCKER_CONTENT_TRUST"), svcKey(s, "env:DOCKER_CONTENT_TRUST"),
			dctMessage(fmt.Sprintf("service %s: DOCKER_CONTENT_TRUST=%s", s.Name, dctValue(rv.Text))))
	})
})

// dctInScript finds DOCKER_CONTENT_TRUST=<value> set in shell text
// (export, env prefix of a command).
var dctInScript = regexp.MustCompile(`(?m)(?:^|[\s;&|(])(?:export\s+)?DOCKER_CONTENT_TRUST=(?:"([^"]*)"|'([^']*)'|([^\s;&|)]*))`)

const ghWorkflow = ".github/workflows/release.yml"

var _ = register(finding.Rule{
	ID: "CI001", Slug: "ci-docker-content-trust-retired", Title: "DOCKER_CONTENT_TRUST relied on in a CI pipeline",
	Severity: finding.Medium, Kind: finding.KindCI,
	Checklist: []string{"build.signed-images"}, CIS: []string{"4.5"}, OWASP: []string{"D08"},
	Rationale: dctRationale + " In CI it often gates pushes and deploys, so the pipeline looks signed when nothing is.",
	Fix:       dctFix + " In GitHub Actions use sigstore/cosign-installer and `cosign sign --yes IMAGE@DIGEST` with `id-token: write`; in GitLab CI use `cosign sign` with the job's SIGSTORE_ID_TOKEN.",
	Bad: []finding.Example{
		{Files: map[string]string{ghWorkflow: "on: push\nenv:\n  DOCKER_CONTENT_TRUST: 1\njobs:\n  push:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker push registry.example.com/app:${{ github.sha }}\n"}, Note: "workflow env"},
		{Files: map[string]string{ghWorkflow: "on: push\njobs:\n  push:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          export DOCKER_CONTENT_TRUST=1\n          docker push registry.example.com/app:1.4\n"}, Note: "exported in a step"},
		{Files: map[string]string{".gitlab-ci.yml": "variables:\n  DOCKER_CONTENT_TRUST: \"1\"\nrelease:\n  image: docker:27-cli\n  script:\n    - docker push $CI_REGISTRY_IMAGE:$CI_COMMIT_TAG\n"}},
	},
	Good: []finding.Example{
		{Files: map[string]string{ghWorkflow: "on: push\npermissions:\n  id-token: write\n  packages: write\njobs:\n  push:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: sigstore/cosign-installer@v3\n      - run: cosign sign --yes ghcr.io/acme/app@${{ steps.build.outputs.digest }}\n"}},
		{Files: map[string]string{".gitlab-ci.yml": "variables:\n  DOCKER_CONTENT_TRUST: \"0\"\nrelease:\n  script:\n    - cosign sign --yes $CI_REGISTRY_IMAGE@$DIGEST\n"}, Note: "explicitly off"},
	},
}, func(p *Pass) {
	f := p.Ext.CI
	if f == nil {
		return
	}
	for _, s := range f.Settings {
		if s.Key == "DOCKER_CONTENT_TRUST" && !s.Expanded && contentTrustOn(s.Value) {
			p.Report(finding.Location{Path: f.Path, Line: s.Line, Column: s.Column}, "env:DOCKER_CONTENT_TRUST",
				dctMessage("DOCKER_CONTENT_TRUST: "+dctValue(s.Value)))
		}
	}
	for _, sc := range f.Scripts {
		for _, m := range dctInScript.FindAllStringSubmatchIndex(sc.Text, -1) {
			v := ""
			for g := 1; g <= 3; g++ {
				if m[2*g] >= 0 {
					v = sc.Text[m[2*g]:m[2*g+1]]
				}
			}
			if strings.HasPrefix(v, "$") || !contentTrustOn(v) {
				continue
			}
			line := sc.Line + strings.Count(sc.Text[:m[0]], "\n")
			if m[0] < len(sc.Text) && sc.Text[m[0]] == '\n' {
				line++
			}
			p.Report(finding.Location{Path: f.Path, Line: line, Column: 1}, "script:DOCKER_CONTENT_TRUST",
				dctMessage("the script sets DOCKER_CONTENT_TRUST="+dctValue(v)))
		}
	}
})
