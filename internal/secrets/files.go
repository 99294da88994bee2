package secrets

import (
	"path"
	"strings"
)

// Kinds of sensitive files, as returned by SensitiveFile.
const (
	KindEnvFile          = "env-file"
	KindPrivateKey       = "private-key"
	KindKeystore         = "keystore"
	KindTokenConfig      = "token-config"
	KindCloudCredentials = "cloud-credentials"
	KindSecretsDir       = "secrets-dir"
	KindTerraformState   = "terraform-state"
	KindPasswordFile     = "password-file"
)

// templateWords mark a file as a template meant to be committed
// (.env.example, secrets/db.sample).
var templateWords = set("EXAMPLE", "EXAMPLES", "SAMPLE", "TEMPLATE", "TMPL", "TPL", "DIST", "DEFAULTS", "SCHEMA")

// notSecretInDir are files that commonly sit in a secrets/ directory without
// being secrets themselves: docs, VCS placeholders and source code (a Go or
// Python package may well be called "secrets").
var notSecretInDir = set(".gitkeep", ".gitignore", ".keep", ".dockerignore", "readme", "readme.md",
	"readme.txt", "readme.rst", "license", "__init__.py")

var sourceExts = set(".go", ".py", ".pyc", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".java",
	".kt", ".rb", ".rs", ".c", ".h", ".cc", ".cpp", ".cs", ".php", ".swift", ".scala", ".md",
	".rst", ".adoc", ".html", ".css", ".sh", ".tf", ".proto")

// SensitiveFile reports whether a file, by its path alone, is one that holds
// credentials and should never be in a build context or an image. relPath
// may use / or \ separators. The kind is one of the Kind* constants.
func SensitiveFile(relPath string) (kind string, ok bool) {
	p := strings.ToLower(strings.ReplaceAll(relPath, `\`, "/"))
	p = strings.TrimSuffix(p, "/")
	base := path.Base(p)
	if base == "." || base == "/" || base == "" {
		return "", false
	}
	dir := "/" + strings.TrimPrefix(path.Dir(p), "/") + "/"
	ext := path.Ext(base)

	if isTemplate(base) {
		return "", false
	}
	switch {
	case base == ".env" || strings.HasPrefix(base, ".env.") || base == ".envrc" ||
		(ext == ".env" && base != ".env"):
		return KindEnvFile, true
	case isSSHKey(base):
		return KindPrivateKey, true
	case ext == ".pem" || ext == ".key" || ext == ".ppk":
		return KindPrivateKey, true
	case ext == ".p12" || ext == ".pfx" || ext == ".jks" || ext == ".keystore" || ext == ".bks":
		return KindKeystore, true
	case base == ".npmrc" || base == ".pypirc" || base == ".netrc" || base == "_netrc" ||
		base == ".git-credentials":
		return KindTokenConfig, true
	case base == "config.json" && strings.HasSuffix(dir, "/.docker/"):
		return KindTokenConfig, true
	case base == "credentials.json" || base == "application_default_credentials.json" ||
		strings.HasPrefix(base, "service-account") && ext == ".json" ||
		strings.HasPrefix(base, "service_account") && ext == ".json" ||
		base == "credentials" && strings.HasSuffix(dir, "/.aws/") ||
		base == "kubeconfig" || strings.HasPrefix(base, "kubeconfig.") ||
		base == "config" && strings.HasSuffix(dir, "/.kube/"):
		return KindCloudCredentials, true
	case base == "terraform.tfstate" || ext == ".tfstate" || strings.HasSuffix(base, ".tfstate.backup"):
		return KindTerraformState, true
	case base == ".htpasswd":
		return KindPasswordFile, true
	}
	if (strings.Contains(dir, "/secrets/") || strings.Contains(dir, "/credentials/")) &&
		!notSecretInDir[base] && !sourceExts[ext] {
		return KindSecretsDir, true
	}
	return "", false
}

// isTemplate reports whether a dot-separated part of the name marks it as a
// template: .env.example, config.sample.json, id_rsa.dist.
func isTemplate(base string) bool {
	for _, part := range strings.FieldsFunc(base, func(r rune) bool { return r == '.' || r == '-' || r == '_' }) {
		if templateWords[strings.ToUpper(part)] {
			return true
		}
	}
	return false
}

// isSSHKey matches OpenSSH private key names (id_rsa, id_ed25519_deploy) but
// not their public halves.
func isSSHKey(base string) bool {
	if strings.HasSuffix(base, ".pub") {
		return false
	}
	for _, k := range []string{"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"} {
		if base == k || strings.HasPrefix(base, k+"_") || strings.HasPrefix(base, k+".") || strings.HasPrefix(base, k+"-") {
			return true
		}
	}
	return false
}
