package secrets

import (
	"regexp"
	"strings"
	"unicode"
)

// Name judgement works on tokens: "dbPassword", "DB_PASSWORD", "db-password"
// and "spring.datasource.password" all become [DB PASSWORD]-like token lists.
// A name is secret when it ENDS in a secret word, optionally followed by a
// trailer that does not change its meaning (SECRET_KEY_BASE, API_KEY_2).
// Anything else after the secret word makes it metadata about the secret
// (PASSWORD_FILE, SECRET_KEY_PATH, TOKEN_EXPIRE_MINUTES, AUTH_ENABLED), which
// is far less noisy than listing every such suffix.

// secretWords end a secret name on their own.
var secretWords = set("PASSWORD", "PASSWD", "PASS", "PWD", "PASSPHRASE", "SECRET",
	"SECRETS", "TOKEN", "TOKENS", "APIKEY", "APIKEYS", "APITOKEN", "CREDENTIALS",
	"CREDENTIAL", "CREDS", "DSN", "AUTH", "SALT", "PRIVATEKEY", "SECRETKEY",
	"ACCESSKEY", "AUTHKEY", "CONNSTR", "CONNECTIONSTRING")

// keyWords need a qualifier before them: FOO_KEY is a secret unless FOO says
// the key is public or not a credential at all (GPG_KEY in official images is
// a fingerprint, PARTITION_KEY is a database concept).
var keyWords = set("KEY", "KEYS")

var notCredentialKey = set("PUBLIC", "PUB", "CACHE", "PRIMARY", "SORT", "PARTITION",
	"FOREIGN", "GPG", "PGP", "IDEMPOTENCY", "ROUTING", "LOOKUP", "OBJECT", "REDIS",
	"HOT", "SHORTCUT", "MAP", "DICT", "FILE", "UNIQUE", "INDEX", "HASH", "SHARD",
	"PUBLISHABLE", "SITE", "RECAPTCHA", "DEDUP", "DEDUPLICATION", "STORAGE", "S3")

// urlWords end names whose value is a connection string: secret only when a
// datastore word qualifies them (TOKEN_URL and AUTH_URL are endpoints).
var urlWords = set("URL", "URI", "URLS", "DSN")

var datastoreWords = set("DATABASE", "DB", "REDIS", "BROKER", "MONGO", "MONGODB",
	"POSTGRES", "POSTGRESQL", "PG", "MYSQL", "MARIADB", "AMQP", "RABBITMQ", "RABBIT",
	"CELERY", "SQLALCHEMY", "SQL", "CONNECTION", "CONN", "MEMCACHED", "ELASTICSEARCH",
	"ES", "KAFKA", "CASSANDRA", "NEO4J", "MSSQL", "ORACLE", "RESULT", "BACKEND", "SMTP", "LDAP")

// trailers may follow a secret word without changing what the value is.
var trailers = set("BASE", "VALUE", "VAL", "STRING", "STR", "B64", "BASE64", "HEX",
	"RAW", "ENCODED", "PLAIN", "PLAINTEXT", "OLD", "NEW", "PROD", "PRODUCTION", "DEV",
	"DEVELOPMENT", "STAGING", "TEST", "LIVE", "PRIMARY", "SECONDARY", "DEFAULT")

// flagWords before the secret word mean the name configures behaviour around
// a secret instead of holding one (MYSQL_ALLOW_EMPTY_PASSWORD, DISABLE_AUTH,
// NEXT_PUBLIC_API_KEY, STRIPE_PUBLISHABLE_KEY).
var flagWords = set("ALLOW", "RANDOM", "EMPTY", "ONETIME", "GENERATE", "SKIP", "NO",
	"DISABLE", "DISABLED", "ENABLE", "ENABLED", "REQUIRE", "REQUIRED", "USE", "RESET",
	"HAS", "IS", "SHOW", "HIDE", "MASK", "MIN", "MAX", "ROTATE", "CHECK", "VALIDATE",
	"VERIFY", "FORCE", "IGNORE", "INCLUDE", "EXCLUDE", "LOG", "PRINT", "PUBLIC",
	"PUBLISHABLE", "FORGOT", "LOST", "HASHED")

func set(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// tokens splits a name on separators and camelCase boundaries, upper-cases
// the parts and drops trailing digits (API_KEY_2, TOKEN1).
func tokens(name string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			t := strings.TrimRightFunc(strings.ToUpper(string(cur)), unicode.IsDigit)
			if t != "" {
				out = append(out, t)
			}
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, c := range rs {
		switch {
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			flush()
			continue
		case unicode.IsUpper(c) && i > 0 && len(cur) > 0:
			prev := rs[i-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			// dbPassword -> db|Password; APIKey -> API|Key.
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				flush()
			}
		}
		cur = append(cur, c)
	}
	flush()
	return out
}

// SecretName reports whether a config name (an ENV or ARG name, a compose
// environment key, a settings field) conventionally holds a secret.
func SecretName(name string) bool {
	_, ok := classify(name)
	return ok
}

type nameClass int

const (
	plainSecret nameClass = iota
	urlSecret             // a connection string: secret only if it embeds a password
)

func classify(name string) (nameClass, bool) {
	if len(name) > 256 {
		return 0, false
	}
	ts := tokens(name)
	// Shell built-ins that happen to look like secret words.
	if len(ts) == 1 && (ts[0] == "PWD" || ts[0] == "PASS") {
		return 0, false
	}
	if len(ts) > 0 && ts[0] == "OLDPWD" {
		return 0, false
	}
	end := len(ts)
	for end > 0 && trailers[ts[end-1]] {
		end--
	}
	if end == 0 {
		return 0, false
	}
	last := ts[end-1]
	var prev string
	if end >= 2 {
		prev = ts[end-2]
	}
	// AWS_ACCESS_KEY_ID is half of a credential pair and is flagged by every
	// scanner; other *_ID names are identifiers.
	if last == "ID" && prev == "KEY" && end >= 3 && ts[end-3] == "ACCESS" {
		end, last, prev = end-1, "KEY", "ACCESS"
	}
	for _, t := range ts[:end-1] {
		if flagWords[t] {
			return 0, false
		}
	}
	switch {
	case secretWords[last]:
		switch last {
		case "DSN", "CONNSTR", "CONNECTIONSTRING":
			return urlSecret, true
		}
		return plainSecret, true
	case keyWords[last]:
		if prev == "" || notCredentialKey[prev] {
			return 0, false
		}
		return plainSecret, true
	case urlWords[last]:
		for _, t := range ts[:end-1] {
			if datastoreWords[t] {
				return urlSecret, true
			}
		}
		return 0, false
	}
	// CONNECTION_STRING: STRING is a trailer, so look at what it trails.
	if end < len(ts) && (ts[end] == "STRING" || ts[end] == "STR") && (last == "CONNECTION" || last == "CONN") {
		return urlSecret, true
	}
	return 0, false
}

var (
	// ${VAR}, $VAR, $(cmd), {{ template }}, %(var)s, #{expr}: values filled in later.
	referenceRE = regexp.MustCompile(`\$\{|\$[A-Za-z_(]|\{\{|%\([A-Za-z_]+\)s|#\{`)
	// Values that tell a person what to put there.
	placeholderRE = regexp.MustCompile(`(?i)^(<[^>]*>|\[[^\]]*\]|x{3,}|\*{3,}|\.{3,}|-+|` +
		`your[-_ ].*|.*[-_ ]here|replace[-_ ]?me|replace[-_ ]?this|to[-_ ]?be[-_ ]?(set|replaced)|` +
		`todo|tbd|fixme|none|null|nil|undefined|~|n/?a|placeholder|redacted|secret_?placeholder)$`)
	boolRE = regexp.MustCompile(`(?i)^(true|false|yes|no|on|off|y|n|enabled?|disabled?)$`)
	// key=value DSNs and ADO/Azure connection strings carrying a password.
	dsnPasswordRE = regexp.MustCompile(`(?i)(?:^|[\s;])(?:password|pwd|accountkey|sharedaccesskey)\s*=\s*([^\s;]+)`)
)

// LiteralSecretValue reports whether value, set for the config name, is a
// hardcoded secret: the name is a secret name and the value is a literal, not
// a reference filled in at run time (${VAR}, $VAR, {{ tmpl }}), a file path
// (/run/secrets/db), a placeholder (<your-key>, xxx, REPLACE_ME) or a flag
// value (true, 1). Weak real values such as "changeme", "password" or
// "secret" count: they are hardcoded secrets, and bad ones. Connection-string
// names count only when the value embeds a literal password.
func LiteralSecretValue(name, value string) bool {
	class, ok := classify(name)
	if !ok {
		return false
	}
	v := unquote(strings.TrimSpace(value))
	if !literal(v) || Integrity(name, v) {
		return false
	}
	if strings.HasSuffix(strings.ToUpper(name), "ACCESS_KEY_ID") {
		// The key id names a credential; only a real one (AKIA...) is worth
		// reporting on its own, and its secret half is judged by its name.
		return awsKeyIDRE.MatchString(v)
	}
	if class == urlSecret {
		if _, ok := URLWithPassword(v); ok {
			return true
		}
		m := dsnPasswordRE.FindStringSubmatch(v)
		return m != nil && literal(unquote(m[1]))
	}
	return true
}

// awsKeyIDRE is the shape of an AWS access key id.
var awsKeyIDRE = regexp.MustCompile(`^(AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|A3T[A-Z0-9])[A-Z0-9]{16}$`)

// literal reports whether v is a concrete value rather than a reference,
// path, placeholder or flag.
func literal(v string) bool {
	if v == "" || referenceRE.MatchString(v) || placeholderRE.MatchString(v) || boolRE.MatchString(v) {
		return false
	}
	if strings.HasPrefix(v, "/") || strings.HasPrefix(v, "./") || strings.HasPrefix(v, "~/") ||
		strings.HasPrefix(v, "file:") {
		return false
	}
	if len(v) < 4 && strings.Trim(v, "0123456789") == "" {
		return false
	}
	return true
}

func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// URLWithPassword finds a scheme://user:password@host URL in value
// (postgres, mysql, redis, amqp, mongodb, http, …) whose password is a
// literal, and returns value with that password redacted. References such as
// ${DB_PASSWORD} and placeholders are not literal passwords.
func URLWithPassword(value string) (redacted string, ok bool) {
	start := 0
	for {
		i := strings.Index(value[start:], "://")
		if i < 0 {
			return "", false
		}
		i += start
		// The authority runs to the first space; the password is between
		// the first ':' and the LAST '@' of it (passwords may contain '@'
		// when the author forgot to escape them).
		auth := value[i+3:]
		if sp := strings.IndexAny(auth, " \t\r\n\"'`"); sp >= 0 {
			auth = auth[:sp]
		}
		if at := strings.LastIndexByte(auth, '@'); at > 0 {
			userinfo := auth[:at]
			if slash := strings.IndexByte(userinfo, '/'); slash < 0 || slash > strings.IndexByte(userinfo, ':') {
				if c := strings.IndexByte(userinfo, ':'); c >= 0 {
					pass := userinfo[c+1:]
					if literal(pass) && schemeOK(value[:i]) {
						passStart := i + 3 + c + 1
						return value[:passStart] + Redact(pass) + value[passStart+len(pass):], true
					}
				}
			}
		}
		start = i + 3
	}
}

// schemeOK checks that the text before "://" ends in a URL scheme.
func schemeOK(before string) bool {
	j := len(before)
	for j > 0 {
		c := before[j-1]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.' {
			j--
			continue
		}
		break
	}
	return j < len(before)
}
