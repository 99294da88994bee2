package secrets

import "testing"

func TestIntegrityIsNotASecret(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		want        bool
	}{
		{"GOSU_KEY", "B42F6819007F00F88E364FD4036A9C25BF357DD4", true},
		{"NODE_GPGKEYS", "C0D6248439F1D5604AAFFB4021D900FFDB233756 DD792F5973C6DE52C432CBDAC77ABFA00DDBF2B7", true},
		{"PYTHON_SHA256", "8fb5f9fbc7609fa822cb31549884575db7fd9657cbffb89510b5d7975963a83a", true},
		{"RUBY_DOWNLOAD_SHA256", "sha256:8fb5f9fbc7609fa822cb31549884575db7fd9657cbffb89510b5d7975963a83a", true},
		{"GPG_KEY_ID", "0xA4A9406876FCBD3C456770C88C718D3B5072E1F5", true},
		{"SECRET_KEY", "8fb5f9fbc7609fa822cb31549884575db7fd9657cbffb89510b5d7975963a83a", false},
		{"API_KEY", "sk_live_abcdefghijklmnop", false},
		{"DB_PASSWORD", "hunter22", false},
	} {
		if got := Integrity(tc.name, tc.value); got != tc.want {
			t.Errorf("Integrity(%s=%s) = %v, want %v", tc.name, tc.value, got, tc.want)
		}
		if tc.want && LiteralSecretValue(tc.name, tc.value) {
			t.Errorf("%s=%s is integrity material but judged a literal secret", tc.name, tc.value)
		}
	}
	if !IntegrityLine(`echo "$PYTHON_SHA256 *python.tar.xz" | sha256sum -c -`) || !IntegrityLine("gpg --batch --keyserver hkps://keys.openpgp.org --recv-keys $GPG_KEY") || IntegrityLine("curl -H 'Authorization: token abc' https://x") {
		t.Error("IntegrityLine")
	}
}

func TestDefault(t *testing.T) {
	for v, want := range map[string]string{"${DB_PASSWORD:-admin}": "admin", "${X-changeme}": "changeme", `"${K:-s3cr3t-Kx9}"`: "s3cr3t-Kx9", "${X}": "", "${X:-${Y}}": "", "admin": ""} {
		_, got, ok := Default(v)
		if got != want || ok != (want != "") {
			t.Errorf("Default(%q) = %q, %v; want %q", v, got, ok, want)
		}
	}
	if !WeakDefault("admin") || !WeakDefault("123") || WeakDefault("Kx9-a81jd_qq") {
		t.Error("WeakDefault")
	}
}
