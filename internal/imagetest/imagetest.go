// Package imagetest assembles real images from a small text description,
// for the image rules' examples and tests: "config.json" is merged into the
// image config, "layerN/path" adds a file to layer N, a "#0755" suffix sets
// its mode, and ".wh.NAME" entries are whiteouts exactly as in real layers.
package imagetest

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Build assembles the image described by files.
func Build(files map[string]string) (v1.Image, error) {
	layers := map[int]map[string]string{}
	maxLayer := -1
	var cfgJSON string
	for k, v := range files {
		if k == "config.json" {
			cfgJSON = v
			continue
		}
		head, rest, ok := strings.Cut(k, "/")
		if !ok || !strings.HasPrefix(head, "layer") {
			return nil, fmt.Errorf("imagetest: %q is neither config.json nor layerN/path", k)
		}
		n, err := strconv.Atoi(strings.TrimPrefix(head, "layer"))
		if err != nil {
			return nil, fmt.Errorf("imagetest: %q: bad layer number", k)
		}
		if layers[n] == nil {
			layers[n] = map[string]string{}
		}
		layers[n][rest] = v
		if n > maxLayer {
			maxLayer = n
		}
	}
	img := empty.Image
	var adds []mutate.Addendum
	for i := 0; i <= maxLayer; i++ {
		b, err := layerTar(layers[i])
		if err != nil {
			return nil, err
		}
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
		if err != nil {
			return nil, err
		}
		adds = append(adds, mutate.Addendum{Layer: l, History: v1.History{CreatedBy: fmt.Sprintf("layer %d", i)}})
	}
	img, err := mutate.Append(img, adds...)
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	if cfgJSON != "" {
		var over v1.ConfigFile
		if err := json.Unmarshal([]byte(cfgJSON), &over); err != nil {
			return nil, fmt.Errorf("imagetest: config.json: %w", err)
		}
		cf.Config = over.Config
		if len(over.History) > 0 {
			// Extra history entries describe steps that made no layer.
			for _, h := range over.History {
				h.EmptyLayer = true
				cf.History = append(cf.History, h)
			}
		}
	}
	return mutate.ConfigFile(img, cf)
}

func layerTar(files map[string]string) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	dirs := map[string]bool{}
	for _, n := range names {
		content := files[n]
		mode := int64(0o644)
		if p, m, ok := strings.Cut(n, "#"); ok {
			v, err := strconv.ParseInt(m, 8, 64)
			if err != nil {
				return nil, fmt.Errorf("imagetest: %q: bad mode", n)
			}
			n, mode = p, v
		}
		for d := path.Dir(n); d != "." && d != "/" && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
		hdr := &tar.Header{Name: n, Mode: mode & 0o777, Size: int64(len(content)), Typeflag: tar.TypeReg, ModTime: time.Unix(0, 0)}
		if mode&0o4000 != 0 {
			hdr.Mode |= 0o4000
		}
		if mode&0o2000 != 0 {
			hdr.Mode |= 0o2000
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := io.WriteString(tw, content); err != nil {
			return nil, err
		}
	}
	var ds []string
	for d := range dirs {
		ds = append(ds, d)
	}
	sort.Strings(ds)
	var out bytes.Buffer
	dw := tar.NewWriter(&out)
	for _, d := range ds {
		if err := dw.WriteHeader(&tar.Header{Name: d + "/", Mode: 0o755, Typeflag: tar.TypeDir, ModTime: time.Unix(0, 0)}); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	// Directories first, then the files, in one archive.
	tr := tar.NewReader(&buf)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if err := dw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := io.Copy(dw, tr); err != nil {
			return nil, err
		}
	}
	if err := dw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// WriteSave writes img as a `docker save` tarball tagged tag.
func WriteSave(p string, img v1.Image, tag string) error {
	ref, err := name.NewTag(tag)
	if err != nil {
		return err
	}
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	defer f.Close()
	return tarball.Write(ref, img, f)
}
