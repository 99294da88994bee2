package fix

import (
	"bytes"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestUnifiedExact(t *testing.T) {
	old := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"
	new := "a\nb\nC\nd\ne\nf\ng\nh\ni\nj\nk"
	var b bytes.Buffer
	if err := Unified(&b, "a/x", "b/x", []byte(old), []byte(new)); err != nil {
		t.Fatal(err)
	}
	want := `--- a/x
+++ b/x
@@ -1,6 +1,6 @@
 a
 b
-c
+C
 d
 e
 f
@@ -8,3 +8,4 @@
 h
 i
 j
+k
\ No newline at end of file
`
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	Unified(&b, "a/x", "b/x", []byte(old), []byte(old))
	if b.Len() != 0 {
		t.Fatal("equal inputs produced a diff")
	}
}

// TestUnifiedPatchRoundTrip: for random edits, patch(1) applied to the old
// text with our diff gives exactly the new text.
func TestUnifiedPatchRoundTrip(t *testing.T) {
	if _, err := exec.LookPath("patch"); err != nil {
		t.Skip("patch not installed")
	}
	r := rand.New(rand.NewSource(1))
	words := []string{"FROM x", "RUN a", "", "# c", "COPY . .", "USER app", "  key: v", "- item"}
	gen := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = words[r.Intn(len(words))]
		}
		return out
	}
	dir := t.TempDir()
	for i := 0; i < 150; i++ {
		a := gen(r.Intn(40))
		b := append([]string(nil), a...)
		for k := r.Intn(6); k > 0; k-- {
			switch p := r.Intn(len(b) + 1); r.Intn(3) {
			case 0:
				b = append(b[:p], append([]string{words[r.Intn(len(words))]}, b[p:]...)...)
			case 1:
				if p < len(b) {
					b = append(b[:p], b[p+1:]...)
				}
			default:
				if p < len(b) {
					b[p] = "changed " + b[p]
				}
			}
		}
		oldS, newS := strings.Join(a, "\n"), strings.Join(b, "\n")
		if r.Intn(2) == 0 && oldS != "" {
			oldS += "\n"
		}
		if r.Intn(2) == 0 && newS != "" {
			newS += "\n"
		}
		if oldS == newS {
			continue
		}
		f := filepath.Join(dir, "f")
		os.WriteFile(f, []byte(oldS), 0o644)
		var d bytes.Buffer
		Unified(&d, "a/f", "b/f", []byte(oldS), []byte(newS))
		cmd := exec.Command("patch", "-p1", "--quiet", "--no-backup-if-mismatch", "-F0")
		cmd.Dir, cmd.Stdin = dir, bytes.NewReader(d.Bytes())
		if msg, err := cmd.CombinedOutput(); err != nil {
			if oldS == "" {
				continue // patch(1) treats an empty file as absent
			}
			t.Fatalf("case %d: patch: %v %s\nold %q\nnew %q\ndiff\n%s", i, err, msg, oldS, newS, d.String())
		}
		got, _ := os.ReadFile(f)
		if string(got) != newS {
			t.Fatalf("case %d: patched %q, want %q\n%s", i, got, newS, d.String())
		}
	}
}

func TestCRLFKept(t *testing.T) {
	dir := t.TempDir()
	src := "FROM debian:12-slim\r\nRUN apt-get update && apt-get install -y curl\r\nCMD [\"/bin/true\"]\r\n"
	os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(src), 0o640)
	os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte(".git\n"), 0o644)
	res, err := Plan(t.Context(), Options{Path: dir})
	if err != nil || len(res.Changes) == 0 {
		t.Fatalf("%v %v", err, res)
	}
	got := string(res.Changes[0].New)
	if strings.Count(got, "\n") != strings.Count(got, "\r\n") {
		t.Fatalf("bare LF in a CRLF file:\n%q", got)
	}
	if err := res.Write(); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(filepath.Join(dir, "Dockerfile"))
	if st.Mode().Perm() != 0o640 {
		t.Fatalf("mode %v, want 0640", st.Mode().Perm())
	}
	// No temporary file is left behind.
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".hardhull-") {
			t.Fatalf("leftover %s", e.Name())
		}
	}
}

func BenchmarkUnified(b *testing.B) {
	var lines []string
	for i := 0; i < 2000; i++ {
		lines = append(lines, "line "+strings.Repeat("x", i%50))
	}
	old := strings.Join(lines, "\n")
	lines[500] = "changed"
	lines = append(lines[:1500], append([]string{"inserted"}, lines[1500:]...)...)
	new := strings.Join(lines, "\n")
	var w bytes.Buffer
	for b.Loop() {
		w.Reset()
		Unified(&w, "a", "b", []byte(old), []byte(new))
	}
}
