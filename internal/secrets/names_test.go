package secrets

import (
	"strings"
	"testing"
)

func TestSecretName(t *testing.T) {
	secret := []string{
		"PASSWORD", "DB_PASSWORD", "POSTGRES_PASSWORD", "MYSQL_ROOT_PASSWORD", "PASSWD",
		"SMTP_PASS", "DB_PWD", "SECRET", "SECRET_KEY", "JWT_SECRET", "SECRET_KEY_BASE",
		"TOKEN", "GITHUB_TOKEN", "NPM_TOKEN", "API_KEY", "APIKEY", "OPENAI_API_KEY",
		"STRIPE_KEY", "PRIVATE_KEY", "ACCESS_KEY", "AWS_SECRET_ACCESS_KEY",
		"AWS_ACCESS_KEY_ID", "CREDENTIALS", "GOOGLE_CREDENTIALS", "DATABASE_URL",
		"SQLALCHEMY_DATABASE_URI", "REDIS_URL", "CELERY_BROKER_URL", "SENTRY_DSN",
		"DB_CONNECTION_STRING", "AUTH", "BASIC_AUTH", "API_KEY_2", "TOKEN1",
		"ENCRYPTION_KEY", "SIGNING_KEY", "CLIENT_SECRET", "SECURITY_PASSWORD_SALT",
		// settings-style spellings
		"secret_key", "first_superuser_password", "database_url", "dbPassword",
		"apiKey", "APIKey", "spring.datasource.password", "api-key", "SMTP_PASSWORD_PROD",
	}
	notSecret := []string{
		"", "PWD", "OLDPWD", "PATH", "HOME", "PYTHONUNBUFFERED", "PORT",
		"PASSWORD_FILE", "POSTGRES_PASSWORD_FILE", "SECRET_KEY_FILE", "SECRET_KEY_PATH",
		"PASSWORD_MIN_LENGTH", "PASSWORD_LENGTH", "TOKEN_EXPIRE_MINUTES",
		"ACCESS_TOKEN_EXPIRE_MINUTES", "AUTH_ENABLED", "TOKEN_URL", "AUTH_URL",
		"TOKEN_TYPE", "TOKEN_HEADER", "SECRET_NAME", "MYSQL_ALLOW_EMPTY_PASSWORD",
		"MYSQL_RANDOM_ROOT_PASSWORD", "DISABLE_AUTH", "NEXT_PUBLIC_API_KEY",
		"STRIPE_PUBLISHABLE_KEY", "PUBLIC_KEY", "GPG_KEY", "GPG_KEYS", "CACHE_KEY",
		"PARTITION_KEY", "KEY", "CLIENT_ID", "API_KEY_ID", "PASSWORD_HASHERS",
		"AUTHOR", "AUTHOR_EMAIL", "PASSWORD_RESET_TIMEOUT", "SECRETS_DIR",
		"KEYCLOAK_URL", "BACKEND_CORS_ORIGINS", "DATABASE_HOST", "POSTGRES_USER",
		"USERS_OPEN_REGISTRATION", "EMAILS_ENABLED", "TOKEN_EXPIRE", "SECRET_ARN",
		strings.Repeat("PASSWORD_", 100),
	}
	for _, n := range secret {
		if !SecretName(n) {
			t.Errorf("SecretName(%q) = false, want true", n)
		}
	}
	for _, n := range notSecret {
		if SecretName(n) {
			t.Errorf("SecretName(%q) = true, want false", n)
		}
	}
}

func TestLiteralSecretValue(t *testing.T) {
	tests := []struct {
		name, value string
		want        bool
	}{
		{"SECRET_KEY", "dev-secret", true},
		{"SECRET_KEY", `"dev-secret"`, true},
		{"POSTGRES_PASSWORD", "changeme", true}, // weak but real
		{"POSTGRES_PASSWORD", "password", true},
		{"JWT_SECRET", "secret", true},
		{"API_KEY", "1234", true},
		{"FIRST_SUPERUSER_PASSWORD", "changethis", true},

		{"SECRET_KEY", "", false},
		{"SECRET_KEY", `""`, false},
		{"SECRET_KEY", "${SECRET_KEY}", false},
		{"SECRET_KEY", "${SECRET_KEY:-dev}", false},
		{"SECRET_KEY", "$SECRET_KEY", false},
		{"SECRET_KEY", "$(cat /run/secrets/key)", false},
		{"SECRET_KEY", "{{ .Values.secretKey }}", false},
		{"SECRET_KEY", "<your-secret-key>", false},
		{"SECRET_KEY", "your-secret-key", false},
		{"API_KEY", "your_api_key_here", false},
		{"API_KEY", "xxxxxxxx", false},
		{"API_KEY", "REPLACE_ME", false},
		{"API_KEY", "***", false},
		{"API_KEY", "None", false},
		{"DB_PASSWORD", "/run/secrets/db_password", false},
		{"AUTH", "true", false},
		{"AUTH", "1", false},
		{"PORT", "s3cr3t-value", false}, // not a secret name
		{"PASSWORD_FILE", "hunter2hunter2", false},

		{"DATABASE_URL", "postgresql://app:s3cret@db:5432/app", true},
		{"DATABASE_URL", "postgresql+asyncpg://app:${DB_PASS}@db/app", false},
		{"DATABASE_URL", "postgresql://db:5432/app", false},
		{"DATABASE_URL", "sqlite:///./app.db", false},
		{"SENTRY_DSN", "https://abc123@o1.ingest.sentry.io/1", false},
		{"DB_CONNECTION_STRING", "Server=db;Database=app;User Id=sa;Password=Str0ngPass;", true},
		{"DB_CONNECTION_STRING", "Server=db;Database=app;Password=${PW};", false},
		{"DB_DSN", "host=db user=app password=hunter22 dbname=app", true},
	}
	for _, tt := range tests {
		if got := LiteralSecretValue(tt.name, tt.value); got != tt.want {
			t.Errorf("LiteralSecretValue(%q, %q) = %v, want %v", tt.name, tt.value, got, tt.want)
		}
	}
}

func TestURLWithPassword(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"postgres://app:s3cret@db:5432/app", "postgres://app:******@db:5432/app", true},
		{"postgresql+psycopg://postgres:changethis@db/app", "postgresql+psycopg://postgres:ch********@db/app", true},
		{"mysql://root:rootpassword@mysql:3306/x", "mysql://root:ro********rd@mysql:3306/x", true},
		{"redis://:hunter2@redis:6379/0", "redis://:*******@redis:6379/0", true},
		{"amqp://guest:guest@rabbitmq:5672//", "amqp://guest:*****@rabbitmq:5672//", true},
		{"mongodb://admin:p@ss@mongo:27017", "mongodb://admin:****@mongo:27017", true},
		{"http://user:pa55word@proxy:3128", "http://user:pa******@proxy:3128", true},
		{"DATABASE_URL=postgres://u:longpassword1@h/d extra", "DATABASE_URL=postgres://u:lo*********d1@h/d extra", true},
		{"postgres://app:${POSTGRES_PASSWORD}@db/app", "", false},
		{"postgres://app:$POSTGRES_PASSWORD@db/app", "", false},
		{"postgres://app@db/app", "", false},
		{"postgres://app:@db/app", "", false},
		{"postgres://db:5432/app", "", false},
		{"https://example.com/a@b", "", false},
		{"://:x@", "", false},
		{"not a url", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := URLWithPassword(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("URLWithPassword(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
