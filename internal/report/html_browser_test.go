package report

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hardhull/hardhull/internal/finding"
)

// chromium finds Debian's headless browser. Without it the browser tests
// skip with a message, and fail under CI=true (.ci/chromium.sh installs it).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed (bash .ci/chromium.sh installs it)")
	}
	t.Skip("chromium not installed: the HTML report is not rendered in a browser (apt-get install chromium, or bash .ci/chromium.sh)")
	return ""
}

// runChromium renders a page headless with a fresh profile and no network
// services, and returns stdout.
func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--window-size=1280,800", "--hide-scrollbars"}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return out
}

// browserResult has the most severe finding in the file that sorts last,
// behind many low ones: a page in file order would show it far below the
// fold.
func browserResult() *finding.Result {
	r := &finding.Result{Command: "scan", Target: "app", Kinds: map[finding.Kind]int{finding.KindDockerfile: 40, finding.KindCompose: 1}}
	for i := 0; i < 40; i++ {
		r.Findings = append(r.Findings, finding.Finding{Rule: rulePy, Severity: finding.Low, Message: fmt.Sprintf("low finding %d", i),
			Location: finding.Location{Path: fmt.Sprintf("a%02d/main.py", i), Line: 1}})
	}
	r.Findings = append(r.Findings, finding.Finding{Rule: rulePriv, Severity: finding.Critical, Message: "service zz runs privileged",
		Location: finding.Location{Path: "zz/compose.yaml", Line: 4, Column: 5}})
	return r
}

func TestHTMLInChromium(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	b := render(t, "html", Options{Version: "1.2.3", Catalogue: testCatalogue, Time: time.Date(2026, 12, 2, 17, 0, 0, 0, time.UTC)}, browserResult())
	if strings.Contains(string(b), "<script") || strings.Contains(string(b), "src=") {
		t.Fatal("the page loads or runs something: it must be self-contained, without script")
	}
	if err := os.WriteFile(page, b, 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + page

	// The DOM as the browser built it: the top problems table opens with
	// the critical finding and its place.
	dom := string(runChromium(t, bin, "--dump-dom", url))
	top := strings.Index(dom, `id="top"`)
	if top < 0 {
		t.Fatalf("no top problems section in the rendered DOM:\n%.2000s", dom)
	}
	firstRow := dom[top:]
	if i := strings.Index(firstRow, "</tr>"); i >= 0 { // skip the header row
		firstRow = firstRow[i+5:]
	}
	if i := strings.Index(firstRow, "</tr>"); i >= 0 {
		firstRow = firstRow[:i]
	}
	if !strings.Contains(firstRow, "critical") || !strings.Contains(firstRow, "zz/compose.yaml:4:5") {
		t.Errorf("first top problem row is not the critical finding: %s", firstRow)
	}

	// Above the fold: a 1280x800 screenshot shows the critical badge of
	// the finding, not only the "1 critical" count in the header (two
	// separate bands of the badge colour).
	light := screenshot(t, bin, dir, "light.png", url)
	if n := colourBands(light, 0x7f, 0x1d, 0x1d); n < 2 {
		t.Errorf("the critical badge colour shows in %d band(s) of the first screen: the most severe finding is not above the fold", n)
	}
	if r, g, b := light.at(3, 3); r < 240 || g < 240 || b < 240 {
		t.Errorf("light scheme background is %d,%d,%d, want white", r, g, b)
	}
	// The dark theme applies when the reader prefers it.
	dark := screenshot(t, bin, dir, "dark.png", url, "--blink-settings=preferredColorScheme=0")
	if r, g, b := dark.at(3, 3); r > 40 || g > 40 || b > 40 {
		t.Errorf("dark scheme background is %d,%d,%d, want dark", r, g, b)
	}
	if n := colourBands(dark, 0x7f, 0x1d, 0x1d); n < 2 {
		t.Errorf("dark scheme: the critical badge is not above the fold (%d bands)", n)
	}
}

type shot struct {
	w, h int
	px   [][3]uint8
}

func (s *shot) at(x, y int) (uint8, uint8, uint8) {
	p := s.px[y*s.w+x]
	return p[0], p[1], p[2]
}

func screenshot(t *testing.T, bin, dir, name, url string, extra ...string) *shot {
	t.Helper()
	out := filepath.Join(dir, name)
	runChromium(t, bin, append(extra, "--screenshot="+out, url)...)
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	bd := img.Bounds()
	s := &shot{w: bd.Dx(), h: bd.Dy()}
	if s.h > 800 {
		t.Fatalf("screenshot is %dx%d: want the first screen only", s.w, s.h)
	}
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			s.px = append(s.px, [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)})
		}
	}
	return s
}

// colourBands counts the separate horizontal bands of rows that hold at
// least 20 pixels of a colour (a badge is one band).
func colourBands(s *shot, r, g, b uint8) int {
	bands, in := 0, false
	for y := 0; y < s.h; y++ {
		n := 0
		for x := 0; x < s.w; x++ {
			if p := s.px[y*s.w+x]; p[0] == r && p[1] == g && p[2] == b {
				n++
			}
		}
		switch {
		case n >= 20 && !in:
			bands++
			in = true
		case n < 20:
			in = false
		}
	}
	return bands
}

func TestHTMLStructure(t *testing.T) {
	r := browserResult()
	r.Facts = map[string]any{"user": "(root)", "layer_sizes": "0:5.0MiB 1:12.0KiB", "os": "Debian GNU/Linux 12"}
	for i := 0; i < 5; i++ {
		r.Findings = append(r.Findings, finding.Finding{Rule: ruleCaps, Severity: finding.Medium, Message: fmt.Sprintf("svc%d keeps caps", i),
			Location: finding.Location{Path: "compose.yaml", Line: 10 + i}})
	}
	out := string(render(t, "html", Options{Version: "9.9.9", Catalogue: testCatalogue, Time: time.Date(2026, 12, 2, 17, 0, 0, 0, time.UTC)}, r))
	for _, want := range []string{
		"@media (prefers-color-scheme: dark)", `<meta name="color-scheme" content="light dark"/>`,
		"hardhull 9.9.9 · 2026-12-02T17:00:00Z", "Examined: 40 Dockerfiles, 1 compose project",
		`<details id="rule-RT002"`, "5 places", "<th>layer_sizes</th>", "0:5.0MiB 1:12.0KiB", "(root)",
		`href="` + RulesDoc + `#dc001"`, `href="#check-runtime.capabilities"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Every in-page link has its target.
	for _, part := range strings.Split(out, `href="#`)[1:] {
		id := part[:strings.IndexByte(part, '"')]
		if !strings.Contains(out, `id="`+id+`"`) {
			t.Errorf("link to #%s has no target", id)
		}
	}
	if strings.Index(out, `id="top"`) > strings.Index(out, `id="findings"`) || strings.Index(out, `id="findings"`) > strings.Index(out, `id="checklist"`) {
		t.Error("sections are not in the order top problems, findings, checklist")
	}
}
