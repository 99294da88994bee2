package e2e

import (
	"encoding/base64"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/report"
)

// Seeded secret values. Each is random enough that any 8-byte window of it
// appearing in output can only come from the secret itself.
const (
	secArgToken    = "ghp_Zq8vN3xPb7Lw2Tk9Rm4YcD6fH1jS5aE0uGxQ"
	secEnvKey      = "Xk4pW9mR2vT7nB3qL8zC5yH1"
	secRunBearer   = "Jd7Kp2Wq9Rz4Mv8Nx3Tb6Yc1"
	secRunURLPass  = "Hn5Qw8Er3Ty6Ui9Op2As"
	secComposePass = "Vb6Nm1Qa8Sd3Fg7Hj2Kl5Zx"
	secComposeURL  = "Pw4Lk9Jh2Gf7Ds1Ma6Qz"
	secComposeDef  = "Ua7Yt2Re5Wq8Ei3Ro6Tp1Zm"
	secSettings    = "Rt5Yu8Io1Pa4Sd7Fg2Hj6Kl3"
	secDotEnv      = "sk_live_4eC39HqLyjWDarjtT1zdp7dcQw3Ee"
	secDotEnvPass  = "Mz3Xc8Vb1Nq6Wr9Ty4Ui"
)

func privateKeyBody() string {
	b := make([]byte, 600)
	rand.New(rand.NewSource(7)).Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

func seededProject(t *testing.T) (string, []string) {
	dir := t.TempDir()
	write(t, dir, "Dockerfile", `FROM python:3.12-slim
ARG API_TOKEN=`+secArgToken+`
ENV SECRET_KEY=`+secEnvKey+`
RUN curl -fsS -H "Authorization: Bearer `+secRunBearer+`" https://example.com/setup -o /tmp/s
RUN pip install --index-url https://deploy:`+secRunURLPass+`@pypi.example.com/simple app
WORKDIR /app
COPY . .
USER 1000
CMD ["python", "-m", "app"]
`)
	write(t, dir, "compose.yaml", `services:
  api:
    build: .
    environment:
      DB_PASSWORD: `+secComposePass+`
      DATABASE_URL: postgresql://app:`+secComposeURL+`@db/app
      API_SECRET: ${API_SECRET:-`+secComposeDef+`}
`)
	write(t, dir, "app/config.py", `from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    secret_key: str = "`+secSettings+`"
    debug: bool = False
`)
	write(t, dir, "app/main.py", "from fastapi import FastAPI\n\napp = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)\n")
	write(t, dir, ".env", "STRIPE_SECRET_KEY="+secDotEnv+"\nDB_PASSWORD="+secDotEnvPass+"\n")
	body := privateKeyBody()
	var pem strings.Builder
	pem.WriteString("-----BEGIN RSA PRIVATE KEY-----\n")
	for i := 0; i < len(body); i += 64 {
		pem.WriteString(body[i:min(i+64, len(body))] + "\n")
	}
	pem.WriteString("-----END RSA PRIVATE KEY-----\n")
	write(t, dir, "server.key", pem.String())
	secrets := []string{secArgToken, secEnvKey, secRunBearer, secRunURLPass, secComposePass, secComposeURL, secComposeDef, secSettings, secDotEnv, secDotEnvPass, body}
	return dir, secrets
}

// leaks returns the first 8-byte window of a secret found in out.
func leaks(out string, secrets []string) string {
	for _, s := range secrets {
		for i := 0; i+8 <= len(s); i++ {
			if strings.Contains(out, s[i:i+8]) {
				return s[i : i+8]
			}
		}
	}
	return ""
}

func TestSecretsNeverLeave(t *testing.T) {
	dir, secrets := seededProject(t)
	// The findings that prove each seeded secret was seen, per format.
	want := []string{
		"DF008", // ARG and ENV literals
		"DF009", // RUN bearer token and URL password
		"DF010", // .env copied
		"DF011", // server.key copied
		"DC018", // compose environment
		"PY004", // settings default
	}
	outDir := t.TempDir()
	// SBOMs carry no findings, only the inventory: nothing seeded may leak.
	for _, format := range report.SBOMFormats {
		code, out, errs := hh(t, "", "scan", dir, "--format", format)
		if code != 1 || !strings.Contains(out, "hardhull") {
			t.Errorf("%s: exit %d; stderr %q", format, code, errs)
		}
		if w := leaks(out+errs, secrets); w != "" {
			t.Errorf("%s output contains %q from a seeded secret", format, w)
		}
	}
	for _, format := range report.Formats {
		t.Run(format, func(t *testing.T) {
			code, out, errs := hh(t, "", "scan", dir, "--format", format)
			if code != 1 {
				t.Errorf("exit %d; stderr %q", code, errs)
			}
			for _, id := range want {
				if !strings.Contains(out, id) {
					t.Errorf("%s output lacks %s", format, id)
				}
			}
			if w := leaks(out+errs, secrets); w != "" {
				t.Errorf("%s output contains %q from a seeded secret", format, w)
			}
			// The same through -o, and the baseline file.
			file := filepath.Join(outDir, "report."+format)
			bl := filepath.Join(outDir, "baseline."+format+".json")
			if code, _, _ := hh(t, "", "scan", dir, "--format", format, "-o", file, "--write-baseline", bl); code != 0 {
				t.Errorf("-o run writing a baseline: exit %d, want 0", code)
			}
			for _, p := range []string{file, bl} {
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if w := leaks(string(b), secrets); w != "" {
					t.Errorf("%s contains %q from a seeded secret", filepath.Base(p), w)
				}
			}
		})
	}
	// The secrets reach the reports only redacted: the text output shows
	// the redacted form of the ENV value.
	_, out, _ := hh(t, "", "scan", dir)
	if !strings.Contains(out, secEnvKey[:4]+"*") {
		t.Errorf("no redacted form of the ENV secret in:\n%s", out)
	}
}

// Inputs that fail to parse must not carry a secret into the error either.
func TestSecretsNotInErrors(t *testing.T) {
	dir := t.TempDir()
	// ENV forgotten: BuildKit's message would echo the whole line.
	write(t, dir, "Dockerfile", "FROM alpine:3.20\nSECRET_KEY="+secEnvKey+"\n")
	write(t, dir, "b/Dockerfile", "FROM alpine:3.20\nENV A=1 "+secComposePass+"\n")
	// gitlab-sast carries input errors inside the report as scan messages.
	for _, format := range []string{"json", "gitlab-sast"} {
		code, out, errs := hh(t, "", "scan", dir, "--format", format)
		if code != 2 || !strings.Contains(errs, "Dockerfile:2:") {
			t.Errorf("%s: exit %d, stderr %q", format, code, errs)
		}
		if format == "gitlab-sast" && !strings.Contains(out, "Dockerfile:2:") {
			t.Errorf("gitlab-sast report does not carry the input error:\n%s", out)
		}
		if w := leaks(out+errs, []string{secEnvKey, secComposePass}); w != "" {
			t.Errorf("%s: error output contains %q from a secret:\n%s%s", format, w, out, errs)
		}
	}
}
