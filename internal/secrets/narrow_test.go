package secrets

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/report"
)

// TestNarrowFindsWhatFullScanFinds: on large files with secrets among
// filler code, narrowing must not lose a finding gitleaks makes on the
// whole text, nor move it.
func TestNarrowFindsWhatFullScanFinds(t *testing.T) {
	d, err := detector()
	if err != nil {
		t.Fatal(err)
	}
	secretsAt := []string{
		`GITHUB_TOKEN = "ghp_R7mK2pQx9Lw4Zt8Vn3Bc6Hy1Jd5Fs0Ge7Ua2"`,
		`slack = "xoxb-2048675309-1029384756-aB3dE5fG7hJ9kL1mN3pQ5rS7"`,
		"-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1c7+9z5Pad7OejecsQ0bu3aqvzcoS0W0tLHfUJVJ+ZI2\nwZk0AyPfjwFMdbCh7DCXzL1X7sNBzMf0oS2dXbH6ZzXxdfuH34k8jHg2GzJvHf\n5WnM7RN8s1qJf3h7Bx9HfQ3p5r9yGZfyGkZbx7Kp0a3Q2b9zXv8tC5R1qWmPzY\n-----END RSA PRIVATE KEY-----",
		"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  labels:\n    app: db\ndata:\n  password: c3VwZXJzZWNyZXRwYXNzd29yZDEyMw==",
		`aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzK9aB3dE5f"`,
		"config = {\n    'api_key':\n        'a9F3kLm2Qx8Rz4Tp7Wv1Yb6Nc0Hs5Jd2'\n}",
	}
	filler := []string{"func handler(w http.ResponseWriter, r *http.Request) {", "\treturn nil", "}", "// the monkey keyboard", "x := compute(y, z)", "import os", "for i in range(10): print(i)", ""}
	rng := rand.New(rand.NewSource(1))
	for trial := 0; trial < 20; trial++ {
		var b strings.Builder
		for b.Len() < 64<<10 {
			if rng.Intn(200) == 0 {
				b.WriteString(secretsAt[rng.Intn(len(secretsAt))])
			} else {
				b.WriteString(filler[rng.Intn(len(filler))])
			}
			b.WriteByte('\n')
		}
		text := b.String()
		//lint:ignore SA1019 gitleaks v8's Detect takes only detect.Fragment
		full := keyset(d.Detect(detect.Fragment{Raw: text}))
		narrowed := narrow(text, d)
		if len(narrowed) != len(text) && strings.Count(narrowed, "\n") != strings.Count(text, "\n") {
			t.Fatal("narrowing changed the number of lines")
		}
		//lint:ignore SA1019 gitleaks v8's Detect takes only detect.Fragment
		got := keyset(d.Detect(detect.Fragment{Raw: narrowed}))
		for k := range full {
			if !got[k] {
				t.Errorf("trial %d: narrowing lost %s", trial, k)
			}
		}
		if len(full) == 0 {
			t.Fatalf("trial %d: the full scan found nothing; the test proves nothing", trial)
		}
	}
}

func keyset(fs []report.Finding) map[string]bool {
	out := map[string]bool{}
	for _, f := range fs {
		out[fmt.Sprintf("%s@%d:%s", f.RuleID, f.StartLine, f.Secret)] = true
	}
	return out
}
