package finding

// Item is one line of the seed's Security Checklist.
type Item struct {
	Key     string
	Section string
	Text    string
	// Manual explains how to verify an item no static rule can decide.
	Manual string
}

// Checklist is the seed's Security Checklist, in its order.
var Checklist = []Item{
	{"build.slim-base", "Build Time", "Using slim/minimal base image", ""},
	{"build.pinned-versions", "Build Time", "Pinned image versions", ""},
	{"build.multi-stage", "Build Time", "Multi-stage build (no build tools in runtime)", ""},
	{"build.no-secrets", "Build Time", "No secrets in Dockerfile or image", ""},
	{"build.dockerignore", "Build Time", ".dockerignore excludes sensitive files", ""},
	// The seed's OWASP list asks to "sign and verify images"; the Security
	// Checklist has no line for it, so it sits with the other build items.
	{"build.signed-images", "Build Time", "Images signed and signatures verified", "verify images against a signatures policy in .hardhull.yaml: `hardhull image REF --verify-key cosign.pub` (or --certificate-identity with --certificate-oidc-issuer)"},
	{"build.vuln-scan", "Build Time", "Scanned for vulnerabilities", "hardhull does not match CVEs: scan the built image with a vulnerability scanner (trivy image, docker scout cves); `hardhull image` reports the package inventory such a scan covers"},
	{"runtime.non-root", "Runtime", "Running as non-root user", ""},
	{"runtime.read-only", "Runtime", "Read-only filesystem (where possible)", ""},
	{"runtime.capabilities", "Runtime", "Dropped unnecessary capabilities", ""},
	{"runtime.resource-limits", "Runtime", "Resource limits configured", ""},
	{"runtime.health-checks", "Runtime", "Health checks enabled", ""},
	{"runtime.debug-disabled", "Runtime", "Debug disabled in production", ""},
	{"runtime.network-isolation", "Runtime", "Network isolation configured", ""},
	{"secrets.no-hardcoded", "Secrets", "No hardcoded secrets", ""},
	{"secrets.injected", "Secrets", "Using environment variables or Docker secrets", ""},
	{"secrets.not-exposed", "Secrets", "Secrets not logged or exposed in errors", ""},
	{"secrets.no-env-files", "Secrets", ".env files not in image", ""},
}

// ChecklistItem returns the item with the key, or nil.
func ChecklistItem(key string) *Item {
	for i := range Checklist {
		if Checklist[i].Key == key {
			return &Checklist[i]
		}
	}
	return nil
}
