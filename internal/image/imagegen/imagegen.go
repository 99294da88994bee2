// Package imagegen writes deterministic docker save tarballs for benchmarks
// and tests of the image loader: pseudo-random content (part compressible,
// part not), account and OS files, and fake secrets planted where the image
// rules must find them, including an .env that a later layer deletes.
package imagegen

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
)

// Spec describes the image to generate.
type Spec struct {
	Size   int64  // total uncompressed file content, approximately
	Layers int    // at least 5
	Files  int    // regular files across all layers
	Seed   uint64 // same seed, same bytes
	Tag    string // repo tag in manifest.json; default hardhull/bench:latest
	Gzip   bool   // store layers gzip-compressed, as a registry would
}

// Planted fake secrets, so tests can assert they are found and redacted.
const (
	FakeEnvSecret  = "AWS_SECRET_ACCESS_KEY=fakeFAKEfake0123456789abcdefghijKLMNOPQR"
	FakeGitRemote  = "https://builder:fake-token-123@git.example.com/app.git"
	DeletedEnvPath = "/app/.env"
)

// epoch keeps timestamps, and so digests, reproducible.
var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

type layerOut struct {
	data   []byte
	diffID string
	err    error
}

// Write generates the image described by s into w as a docker save tarball.
func Write(w io.Writer, s Spec) error {
	if s.Layers < 5 {
		return fmt.Errorf("need at least 5 layers, got %d", s.Layers)
	}
	if s.Tag == "" {
		s.Tag = "hardhull/bench:latest"
	}
	// Layers are generated in parallel but written in order; at most
	// GOMAXPROCS are held in memory at once.
	outs := make([]chan layerOut, s.Layers)
	for i := range outs {
		outs[i] = make(chan layerOut, 1)
	}
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range s.Layers {
			sem <- struct{}{}
			go func() {
				data, diffID, err := layer(s, i)
				outs[i] <- layerOut{data, diffID, err}
			}()
		}
	}()
	defer wg.Wait()

	tw := tar.NewWriter(w)
	var diffIDs, names []string
	for i := range s.Layers {
		o := <-outs[i]
		<-sem
		if o.err != nil {
			return fmt.Errorf("layer %d: %w", i, o.err)
		}
		name := fmt.Sprintf("layers/%03d/layer.tar", i)
		if s.Gzip {
			name += ".gz"
		}
		if err := member(tw, name, o.data); err != nil {
			return err
		}
		diffIDs = append(diffIDs, o.diffID)
		names = append(names, name)
	}
	cfg, err := config(s, diffIDs)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(cfg)
	cfgName := hex.EncodeToString(sum[:]) + ".json"
	if err := member(tw, cfgName, cfg); err != nil {
		return err
	}
	manifest, err := json.Marshal([]map[string]any{{"Config": cfgName, "RepoTags": []string{s.Tag}, "Layers": names}})
	if err != nil {
		return err
	}
	if err := member(tw, "manifest.json", manifest); err != nil {
		return err
	}
	return tw.Close()
}

func member(tw *tar.Writer, name string, b []byte) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), ModTime: epoch}); err != nil {
		return err
	}
	_, err := tw.Write(b)
	return err
}

func config(s Spec, diffIDs []string) ([]byte, error) {
	type hist struct {
		Created    time.Time `json:"created"`
		CreatedBy  string    `json:"created_by"`
		EmptyLayer bool      `json:"empty_layer,omitempty"`
	}
	var h []hist
	for i := range diffIDs {
		if i%4 == 1 {
			h = append(h, hist{epoch, fmt.Sprintf("ENV STEP=%d", i), true})
		}
		h = append(h, hist{epoch, fmt.Sprintf("RUN /bin/sh -c generate layer %d", i), false})
	}
	return json.Marshal(map[string]any{
		"architecture": "amd64",
		"os":           "linux",
		"created":      epoch,
		"config": map[string]any{
			"User": "app",
			"Env":  []string{"PATH=/usr/local/bin:/usr/bin:/bin", "DEBUG=false"},
			"Cmd":  []string{"/app/server"},
		},
		"rootfs":  map[string]any{"type": "layers", "diff_ids": diffIDs},
		"history": h,
	})
}

// layer builds layer i: its share of the generated files plus the planted ones.
func layer(s Spec, i int) ([]byte, string, error) {
	rng := rand.New(rand.NewPCG(s.Seed, uint64(i)))
	var buf bytes.Buffer
	var w io.Writer = &buf
	var zw *gzip.Writer
	if s.Gzip {
		zw, _ = gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		w = zw
	}
	diff := sha256.New()
	tw := tar.NewWriter(io.MultiWriter(w, diff))
	g := &gen{tw: tw, rng: rng}

	switch i {
	case 0:
		g.dir("/etc", 0o755)
		g.file("/etc/passwd", 0o644, []byte("root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/usr/sbin/nologin\n"))
		g.file("/etc/group", 0o644, []byte("root:x:0:\napp:x:1000:\n"))
		g.file("/etc/os-release", 0o644, []byte("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"))
		var st strings.Builder
		for p := range 120 {
			fmt.Fprintf(&st, "Package: pkg%d\nStatus: install ok installed\nVersion: 1.%d\n\n", p, p)
		}
		g.file("/var/lib/dpkg/status", 0o644, []byte(st.String()))
		g.file("/usr/bin/passwd", 0o4755, []byte("\x7fELF fake setuid"))
		g.symlink("/bin/sh", "/usr/bin/dash")
	case 2:
		g.file(DeletedEnvPath, 0o600, []byte(FakeEnvSecret+"\n"))
		g.file("/app/.git/config", 0o644, []byte("[remote \"origin\"]\n\turl = "+FakeGitRemote+"\n"))
	case 3:
		g.file("/app/.wh..env", 0o600, nil)
	}

	files := s.Files / s.Layers
	if i < s.Files%s.Layers {
		files++
	}
	share := s.Size / int64(s.Layers)
	sizes := fileSizes(rng, files, share)
	for f, size := range sizes {
		if f%200 == 0 {
			g.dir(fmt.Sprintf("/data/l%02d/d%04d", i, f/200), 0o755)
		}
		g.content(fmt.Sprintf("/data/l%02d/d%04d/f%06d", i, f/200, f), size)
	}
	if g.err != nil {
		return nil, "", g.err
	}
	if err := tw.Close(); err != nil {
		return nil, "", err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return nil, "", err
		}
	}
	return buf.Bytes(), "sha256:" + hex.EncodeToString(diff.Sum(nil)), nil
}

// fileSizes splits total over n files: most small, a few large, as in
// real images.
func fileSizes(rng *rand.Rand, n int, total int64) []int64 {
	if n == 0 {
		return nil
	}
	weights := make([]float64, n)
	var sum float64
	for i := range weights {
		x := rng.Float64()
		weights[i] = x * x * x * x * x // heavy tail
		sum += weights[i]
	}
	out := make([]int64, n)
	for i, wt := range weights {
		out[i] = int64(float64(total) * wt / sum)
	}
	return out
}

type gen struct {
	tw  *tar.Writer
	rng *rand.Rand
	err error
	buf []byte
}

func (g *gen) header(h *tar.Header) bool {
	if g.err != nil {
		return false
	}
	h.Name = strings.TrimPrefix(h.Name, "/")
	h.ModTime = epoch
	h.Format = tar.FormatPAX
	g.err = g.tw.WriteHeader(h)
	return g.err == nil
}

func (g *gen) dir(name string, mode int64) {
	g.header(&tar.Header{Name: name + "/", Typeflag: tar.TypeDir, Mode: mode})
}

func (g *gen) symlink(name, target string) {
	g.header(&tar.Header{Name: name, Typeflag: tar.TypeSymlink, Linkname: target, Mode: 0o777})
}

func (g *gen) file(name string, mode int64, b []byte) {
	if g.header(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: mode, Size: int64(len(b))}) {
		_, g.err = g.tw.Write(b)
	}
}

var words = strings.Fields("the quick brown fox jumps over lazy dog container image layer secret config build stage runtime user group package install")

// content writes size bytes: text from a small vocabulary (compressible)
// or raw pseudo-random bytes (not), chosen per file.
func (g *gen) content(name string, size int64) {
	if !g.header(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: size}) {
		return
	}
	if cap(g.buf) < 64<<10 {
		g.buf = make([]byte, 64<<10)
	}
	text := g.rng.IntN(2) == 0
	for left := size; left > 0 && g.err == nil; {
		b := g.buf[:min(left, int64(len(g.buf)))]
		if text {
			n := 0
			for n < len(b) {
				n += copy(b[n:], words[g.rng.IntN(len(words))])
				if n < len(b) {
					b[n] = ' '
					n++
				}
			}
		} else {
			for j := 0; j+8 <= len(b); j += 8 {
				v := g.rng.Uint64()
				b[j], b[j+1], b[j+2], b[j+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
				b[j+4], b[j+5], b[j+6], b[j+7] = byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56)
			}
		}
		_, g.err = g.tw.Write(b)
		left -= int64(len(b))
	}
}

// ParseSize reads sizes such as 1GiB, 512MiB, 64KiB or a byte count.
func ParseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			n, err := strconv.ParseInt(num, 10, 64)
			if err != nil || n < 0 {
				return 0, fmt.Errorf("size %q: want a number and a unit such as 1GiB", s)
			}
			return n * u.mult, nil
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("size %q: want a number and a unit such as 1GiB", s)
	}
	return n, nil
}
