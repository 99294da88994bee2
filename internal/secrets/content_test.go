package secrets

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// Seeded secrets are assembled at run time so that this file does not itself
// trip secret scanners. The AWS key avoids the EXAMPLE suffix, which
// gitleaks' aws-access-token rule allowlists.
var (
	seedAWS    = "AKIA" + "Z7VRSQ5TVGHJK2MQ"
	seedGitHub = "ghp_" + "8fJ2kLm9QwErTyUiOpAsDfGhJkLzXcVbNm12"
	seedSlack  = "xoxb-" + "123456789012-1234567890123-" + "AbCdEfGhIjKlMnOpQrStUvWx"
	seedKey    = "-----BEGIN RSA " + "PRIVATE KEY-----\n" +
		"MIIEowIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi8ZkMMQcJDhV7B3fmtGqVqkVDQ\n" +
		"k8bA4VwZ1hJ2k3LmN4oP5qR6sT7uV8wX9yZ0aB1cD2eF3gH4iJ5kL6mN7oP8qR9s\n" +
		"-----END RSA " + "PRIVATE KEY-----"
)

func seededFile() string {
	return "# settings\n" +
		"AWS_ACCESS_KEY_ID=" + seedAWS + "\n" +
		"GITHUB_TOKEN: \"" + seedGitHub + "\"\n" +
		"    slack_token = '" + seedSlack + "'\n" +
		seedKey + "\n" +
		"DEBUG=false\n"
}

func TestScanContentSeeded(t *testing.T) {
	got, err := ScanContent("app/.env", []byte(seededFile()))
	if err != nil {
		t.Fatal(err)
	}
	want := []Match{
		{RuleID: "aws-access-token", Line: 2, Column: 19, EndLine: 2, Key: "AWS_ACCESS_KEY_ID", Redacted: "AKIA************K2MQ"},
		{RuleID: "github-pat", Line: 3, Column: 16, EndLine: 3, Key: "GITHUB_TOKEN", Redacted: "ghp_********************************Nm12"},
		{RuleID: "slack-bot-token", Line: 4, Column: 20, EndLine: 4, Key: "slack_token", Redacted: "xoxb********************************UvWx"},
		{RuleID: "private-key", Line: 5, Column: 1, EndLine: 8, Key: "", Redacted: "----********************************----"},
	}
	for i := range got {
		got[i].Description = "" // gitleaks' wording is not ours to pin
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ScanContent:\n got %+v\nwant %+v", got, want)
	}
}

// TestScanContentNeverHoldsSecret asserts that no exported field, nor the
// printed Match, contains a seeded secret or any 6-character piece of it.
func TestScanContentNeverHoldsSecret(t *testing.T) {
	got, err := ScanContent("config.yaml", []byte(seededFile()))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("want 4 matches, got %d: %+v", len(got), got)
	}
	for _, m := range got {
		texts := []string{fmt.Sprintf("%+v", m), fmt.Sprintf("%#v", m)}
		v := reflect.ValueOf(m)
		for i := 0; i < v.NumField(); i++ {
			if v.Field(i).Kind() == reflect.String {
				texts = append(texts, v.Field(i).String())
			}
		}
		for _, secret := range []string{seedAWS, seedGitHub, seedSlack, seedKey} {
			// The private key's armour lines are public text; check its body.
			body := secret
			if lines := strings.Split(secret, "\n"); len(lines) > 1 {
				body = lines[1]
			}
			for _, text := range texts {
				for i := 0; i+6 <= len(body); i++ {
					if strings.Contains(text, body[i:i+6]) {
						t.Fatalf("match %s exposes %q of a seeded secret in %q", m.RuleID, body[i:i+6], text)
					}
				}
			}
		}
	}
}

func TestScanContentSkips(t *testing.T) {
	secretLine := []byte("token=" + seedGitHub + "\n")
	tests := []struct {
		name    string
		content []byte
		max     int
		wantErr error
	}{
		{"empty", nil, 0, nil},
		{"clean text", []byte("FROM scratch\nCOPY . /app\n"), 0, nil},
		{"binary with NUL", append([]byte("\x00\x01ELF"), secretLine...), 0, nil},
		{"mostly invalid UTF-8", append([]byte(strings.Repeat("\xff\xfe", 100)), secretLine...), 0, nil},
		{"over the cap", secretLine, 10, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Scanner{MaxSize: tt.max}.Scan("f.txt", tt.content)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "f.txt") {
				t.Errorf("error %q does not name the file", err)
			}
			if len(got) != 0 {
				t.Errorf("want no matches, got %+v", got)
			}
		})
	}
}

// Latin-1 text with a few stray bytes is still text and still scanned.
func TestScanContentLatin1(t *testing.T) {
	content := []byte("# caf\xe9 config\ntoken=" + seedGitHub + "\n")
	got, err := ScanContent("cafe.conf", content)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].RuleID != "github-pat" || got[0].Line != 2 || got[0].Column != 7 {
		t.Fatalf("got %+v", got)
	}
}

// Run with -race: the shared detector must be safe for concurrent scans.
func TestScanContentConcurrent(t *testing.T) {
	content := []byte(seededFile())
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				got, err := ScanContent(fmt.Sprintf("f%d", g), content)
				if err != nil {
					errs <- err
					return
				}
				if len(got) != 4 {
					errs <- fmt.Errorf("goroutine %d: %d matches", g, len(got))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestKeyBefore(t *testing.T) {
	tests := []struct{ prefix, want string }{
		{"AWS_ACCESS_KEY_ID=", "AWS_ACCESS_KEY_ID"},
		{`  "api_key": "`, "api_key"},
		{"export TOKEN='", "TOKEN"},
		{"ENV NPM_TOKEN ", "NPM_TOKEN"},
		{"token := `", "token"},
		{"--password=", "password"},
		{"", ""},
		{"=", ""},
	}
	for _, tt := range tests {
		if got := keyBefore(tt.prefix); got != tt.want {
			t.Errorf("keyBefore(%q) = %q, want %q", tt.prefix, got, tt.want)
		}
	}
}

func FuzzScanContent(f *testing.F) {
	f.Add("app.env", []byte(seededFile()))
	f.Add("x", []byte(""))
	f.Add("x", []byte("\x00\x00"))
	f.Add("y.txt", []byte("a=ghp_"+strings.Repeat("A", 36)+"\n\n\r\n"))
	f.Add("z", []byte(strings.Repeat("-----BEGIN PRIVATE KEY-----", 50)))
	f.Fuzz(func(t *testing.T, path string, content []byte) {
		got, err := Scanner{MaxSize: 64 << 10}.Scan(path, content)
		if err != nil {
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		lines := strings.Count(string(content), "\n") + 1
		for _, m := range got {
			if m.Line < 1 || m.Line > lines || m.EndLine < m.Line || m.EndLine > lines || m.Column < 1 {
				t.Fatalf("bad position %+v in %d lines", m, lines)
			}
			if len(m.Redacted) > 0 && !strings.Contains(m.Redacted, "*") {
				t.Fatalf("unredacted %q", m.Redacted)
			}
		}
	})
}

// BenchmarkScanContent100KiB scans 100 KiB of text in two shapes: source
// code whose lines rarely hold a rule keyword, and key=value config where
// every line wakes gitleaks' generic-api-key rule (its worst case).
func BenchmarkScanContent100KiB(b *testing.B) {
	b.Run("code", func(b *testing.B) {
		benchScan(b, func(i int) string {
			return fmt.Sprintf("    result_%d = compute(items[%d], limit=%d)  # process the batch\n", i, i%7, i)
		})
	})
	b.Run("keyvalue", func(b *testing.B) {
		benchScan(b, func(i int) string {
			return fmt.Sprintf("line %d: export PATH=/usr/local/bin:$PATH # config text, key=value pairs\n", i)
		})
	})
}

func benchScan(b *testing.B, line func(int) string) {
	var sb strings.Builder
	for i := 0; sb.Len() < 100<<10; i++ {
		sb.WriteString(line(i))
		if i%400 == 0 {
			sb.WriteString("GITHUB_TOKEN=" + seedGitHub + "\n")
		}
	}
	content := []byte(sb.String())
	if _, err := ScanContent("bench.txt", content); err != nil { // build the detector outside the timer
		b.Fatal(err)
	}
	b.SetBytes(int64(len(content)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ScanContent("bench.txt", content); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDetectorCreation measures what the lazy sync.Once saves runs that
// never scan content.
func BenchmarkDetectorCreation(b *testing.B) {
	for i := 0; i < b.N; i++ {
		d, err := newDefaultDetector()
		if err != nil || d == nil {
			b.Fatal(err)
		}
	}
}
