package secrets

import "testing"

func TestSensitiveFile(t *testing.T) {
	tests := []struct {
		path, kind string
	}{
		{".env", KindEnvFile},
		{"backend/.env", KindEnvFile},
		{".env.local", KindEnvFile},
		{".env.production", KindEnvFile},
		{"deploy/prod.env", KindEnvFile},
		{".envrc", KindEnvFile},
		{`config\.env`, KindEnvFile},
		{".env.example", ""},
		{".env.sample", ""},
		{".env.template", ""},
		{".env.dist", ""},
		{"example.env", ""},
		{".environment", ""},
		{"certs/server.key", KindPrivateKey},
		{"tls/privkey.pem", KindPrivateKey},
		{"deploy.ppk", KindPrivateKey},
		{"id_rsa", KindPrivateKey},
		{".ssh/id_ed25519", KindPrivateKey},
		{"keys/id_ecdsa_deploy", KindPrivateKey},
		{"id_rsa.pub", ""},
		{".ssh/id_ed25519.pub", ""},
		{"client.p12", KindKeystore},
		{"cert.PFX", KindKeystore},
		{"android/release.keystore", KindKeystore},
		{"truststore.jks", KindKeystore},
		{".npmrc", KindTokenConfig},
		{"frontend/.npmrc", KindTokenConfig},
		{".pypirc", KindTokenConfig},
		{".netrc", KindTokenConfig},
		{".git-credentials", KindTokenConfig},
		{".docker/config.json", KindTokenConfig},
		{"config.json", ""},
		{"credentials.json", KindCloudCredentials},
		{"gcp/service-account-prod.json", KindCloudCredentials},
		{"service_account.json", KindCloudCredentials},
		{".aws/credentials", KindCloudCredentials},
		{"home/app/.kube/config", KindCloudCredentials},
		{"kubeconfig", KindCloudCredentials},
		{"secrets/db_password.txt", KindSecretsDir},
		{"deploy/credentials/api", KindSecretsDir},
		{"secrets/.gitkeep", ""},
		{"secrets/README.md", ""},
		{"internal/secrets/redact.go", ""},
		{"app/secrets/__init__.py", ""},
		{"terraform.tfstate", KindTerraformState},
		{"infra/terraform.tfstate.backup", KindTerraformState},
		{".htpasswd", KindPasswordFile},
		{"nginx/.htpasswd", KindPasswordFile},
		{"main.py", ""},
		{"Dockerfile", ""},
		{"", ""},
		{"/", ""},
		{"secrets/", ""},
	}
	for _, tt := range tests {
		kind, ok := SensitiveFile(tt.path)
		if kind != tt.kind || ok != (tt.kind != "") {
			t.Errorf("SensitiveFile(%q) = %q, %v; want %q", tt.path, kind, ok, tt.kind)
		}
	}
}
