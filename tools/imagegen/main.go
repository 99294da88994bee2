// Command imagegen writes a deterministic docker save tarball for the
// image loader benchmarks:
//
//	go run ./tools/imagegen -o big.tar -size 1GiB -layers 20 -files 50000
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/hardhull/hardhull/internal/image/imagegen"
)

func main() {
	out := flag.String("o", "", "output tarball (required)")
	size := flag.String("size", "1GiB", "total uncompressed file content")
	layers := flag.Int("layers", 20, "number of layers (at least 5)")
	files := flag.Int("files", 50000, "number of regular files")
	seed := flag.Uint64("seed", 1, "seed; the same seed gives the same bytes")
	gz := flag.Bool("gzip", true, "store layers gzip-compressed")
	flag.Parse()
	if err := run(*out, *size, *layers, *files, *seed, *gz); err != nil {
		fmt.Fprintln(os.Stderr, "imagegen:", err)
		os.Exit(2)
	}
}

func run(out, size string, layers, files int, seed uint64, gz bool) error {
	if out == "" {
		return fmt.Errorf("-o is required")
	}
	n, err := imagegen.ParseSize(size)
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = imagegen.Write(w, imagegen.Spec{Size: n, Layers: layers, Files: files, Seed: seed, Gzip: gz})
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out)
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}
