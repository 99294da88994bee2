package dist

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestLicenseIsApache2(t *testing.T) {
	lic := readRoot(t, "LICENSE")
	for _, want := range []string{
		"Apache License\n                           Version 2.0, January 2004",
		"TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION",
		"9. Accepting Warranty or Additional Liability.",
		"END OF TERMS AND CONDITIONS",
		"APPENDIX: How to apply the Apache License to your work.",
	} {
		if !strings.Contains(lic, want) {
			t.Errorf("LICENSE lacks %q", want)
		}
	}
	// All nine sections of the terms, in order: a truncated copy is not the licence.
	at := 0
	for i, sec := range []string{"Definitions", "Grant of Copyright License", "Grant of Patent License",
		"Redistribution", "Submission of Contributions", "Trademarks", "Disclaimer of Warranty",
		"Limitation of Liability", "Accepting Warranty or Additional Liability"} {
		j := strings.Index(lic[at:], sec+".")
		if j < 0 {
			t.Fatalf("section %d (%s) missing or out of order", i+1, sec)
		}
		at += j
	}
}

// Every bundled path NOTICE names exists, and every vendored file under a
// testdata directory that is not hardhull's own is named in NOTICE.
func TestNoticeListsBundledMaterial(t *testing.T) {
	root := repoRoot(t)
	notice := readRoot(t, "NOTICE")
	paths := regexp.MustCompile(`(?m)^- ((?:internal|examples|docs)/[^ ,\n]+)`).FindAllStringSubmatch(notice, -1)
	if len(paths) < 3 {
		t.Fatalf("NOTICE names %d paths:\n%s", len(paths), notice)
	}
	for _, m := range paths {
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(m[1]))); err != nil {
			t.Errorf("NOTICE names %s: %v", m[1], err)
		}
	}
	// Third-party files announce themselves by their origin: a schema with
	// an $id elsewhere, or a testdata README saying where files were copied from.
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(p, string(filepath.Separator)+"testdata"+string(filepath.Separator)) {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		foreign := strings.HasSuffix(p, ".json") && strings.Contains(string(b[:min(len(b), 400)]), `"$id": "http`)
		if filepath.Base(p) == "README.md" && strings.Contains(string(b), "copied") {
			foreign = true
			rel = filepath.ToSlash(filepath.Dir(rel)) + "/"
		}
		if foreign && !noticeCovers(notice, rel) {
			t.Errorf("%s is third-party material not listed in NOTICE", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// noticeCovers reports whether NOTICE names rel or a directory holding it,
// up to its testdata directory.
func noticeCovers(notice, rel string) bool {
	for dir := strings.TrimSuffix(rel, "/"); strings.Contains(dir, "testdata"); dir = filepath.ToSlash(filepath.Dir(dir)) {
		if strings.Contains(notice, "- "+dir) || strings.Contains(notice, "- "+dir+"/") {
			return true
		}
	}
	return false
}
