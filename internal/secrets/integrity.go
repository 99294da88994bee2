package secrets

import (
	"regexp"
	"strings"
)

// Integrity material (checksums, GPG key fingerprints and ids) is public
// by design: it is how a build checks what it downloads. It is never a
// secret, whatever the variable is called (GOSU_KEY, NODE_GPGKEYS).
var (
	integrityNameRE = regexp.MustCompile(`(?i)(SHA1|SHA224|SHA256|SHA384|SHA512|MD5|CHECKSUM|DIGEST|HASH|GPG|PGP|FINGERPRINT|KEYID|KEY_ID|SIGNING_KEY|RELEASE_KEY)`)
	fingerprintRE   = regexp.MustCompile(`^(?:0x)?(?:[0-9A-Fa-f]{40}|[0-9A-Fa-f]{16}|[0-9A-Fa-f]{8})$`)
	hexDigestRE     = regexp.MustCompile(`^(?:sha(?:1|256|384|512):)?[0-9a-f]{32,128}$`)
	weakDefaultRE   = regexp.MustCompile(`(?i)^(admin|administrator|root|password|passw0rd|pass|secret|changeme|change_me|changeit|default|test|testing|example|demo|guest|user|qwerty|letmein|toor|[0-9]{1,8})$`)
	defaultRE       = regexp.MustCompile(`^\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-)(.*)\}$`)
)

// Integrity reports a name/value pair that is a checksum or a public key
// fingerprint rather than a credential.
func Integrity(name, value string) bool {
	v := strings.TrimSpace(unquote(strings.TrimSpace(value)))
	if v == "" {
		return false
	}
	fields := strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == ';' })
	allPrints, allDigests := true, true
	for _, f := range fields {
		allPrints = allPrints && fingerprintRE.MatchString(f)
		allDigests = allDigests && hexDigestRE.MatchString(strings.ToLower(f))
	}
	if integrityNameRE.MatchString(name) && (allPrints || allDigests) {
		return true
	}
	// KEY-named variables holding only 40-hex fingerprints: GPG keys.
	up := strings.ToUpper(name)
	if (strings.HasSuffix(up, "KEY") || strings.HasSuffix(up, "KEYS")) && allPrints && len(strings.TrimPrefix(fields[0], "0x")) == 40 {
		return true
	}
	return false
}

// IntegrityLine reports shell text that checks or imports integrity
// material: a value on such a line is a checksum or a key id.
func IntegrityLine(line string) bool {
	l := strings.ToLower(line)
	for _, w := range []string{"sha1sum", "sha256sum", "sha384sum", "sha512sum", "md5sum", "shasum", "--recv-key", "--keyserver", "gpg --verify", "gpg --batch --verify", "--import-ownertrust", "_sha256=", "_sha512=", "_sha256 ", "_sha512 ", "checksum", "--checksum"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// Default is the literal fallback of a `${VAR:-literal}` or `${VAR-literal}`
// value: what the image or service uses whenever VAR is unset. ok is false
// when the value has no literal default.
func Default(value string) (variable, literal string, ok bool) {
	m := defaultRE.FindStringSubmatch(strings.TrimSpace(unquote(strings.TrimSpace(value))))
	if m == nil || m[3] == "" || strings.ContainsAny(m[3], "${}") {
		return "", "", false
	}
	return m[1], unquote(m[3]), true
}

// WeakDefault reports well-known default passwords (admin, changeme, 123).
func WeakDefault(v string) bool { return weakDefaultRE.MatchString(strings.TrimSpace(v)) }
