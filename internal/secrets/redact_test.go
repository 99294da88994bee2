package secrets

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"a", "*"},
		{"hunter2", "*******"},
		{"password", "pa******"},
		{"changeme12", "ch********"},
		{"dev-secret-key", "de**********ey"},
		{"AKIA" + "IOSFODNN7EXAMPLE", "AKIA************MPLE"},
		{"ghp_" + strings.Repeat("a", 36), "ghp_********************************aaaa"},
		// Kept characters that are not visible are starred too.
		{"\n---BEGIN KEY---abcdefgh\n", "*---*****************fgh*"},
		// Runes, not bytes: multi-byte characters are never split.
		{"пароль-пароль-пароль", "паро************роль"},
		// A connection string keeps no tail: its password is often last.
		{"Server=db;User=sa;Password=NDC_l0nd0n;", "Serv********************************"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestRedactRevealsLittle checks the promise over every length: never more
// than 8 characters kept, and at most 2/5 of the value (1/3 from 24 on).
func TestRedactRevealsLittle(t *testing.T) {
	for n := 1; n <= 200; n++ {
		s := strings.Repeat("k", n)
		r := Redact(s)
		shown := strings.Count(r, "k")
		if shown > 8 || shown*5 > n*2 || (n >= 24 && shown*3 > n) {
			t.Errorf("len %d: %q shows %d characters", n, r, shown)
		}
		if n >= 8 && shown == 0 {
			t.Errorf("len %d: %q shows nothing to tell findings apart", n, r)
		}
	}
}

func FuzzRedact(f *testing.F) {
	for _, s := range []string{"", "x", "AKIAIOSFODNN7EXAMPLE", "пароль-пароль", "\xff\xfe\x00abc", strings.Repeat("z", 5000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Redact(s)
		if !utf8.ValidString(r) {
			t.Fatalf("Redact(%q) = %q is not valid UTF-8", s, r)
		}
		if utf8.RuneCountInString(r) > 8+maxStars {
			t.Fatalf("Redact output too long: %d runes", utf8.RuneCountInString(r))
		}
		if shown := utf8.RuneCountInString(r) - strings.Count(r, "*"); shown > 8 {
			t.Fatalf("Redact(%q) = %q shows %d characters", s, r, shown)
		}
		if s != "" && strings.Count(r, "*") == 0 {
			t.Fatalf("Redact(%q) = %q masks nothing", s, r)
		}
	})
}
