package verify

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sigstore/sigstore-go/pkg/root"
)

// maxRootSize bounds a trusted_root.json (the public-good one is ~10 KiB).
const maxRootSize = 4 << 20

// ImportedRootPath is where `hardhull trust import` keeps the trusted
// root: the user's config directory, so air-gapped machines import once.
func ImportedRootPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "hardhull", "trusted_root.json")
}

// LoadTrustedRoot reads a Sigstore trusted_root.json.
func LoadTrustedRoot(path string) (*root.TrustedRoot, error) {
	b, err := readCapped(path, maxRootSize)
	if errors.Is(err, os.ErrNotExist) && path == ImportedRootPath() {
		return nil, fmt.Errorf("keyless verification needs a trusted root: run `hardhull trust import trusted_root.json` (or pass --trusted-root): %w", err)
	}
	if err != nil {
		return nil, fmt.Errorf("trusted root: %w", err)
	}
	tr, err := root.NewTrustedRootFromJSON(b)
	if err != nil {
		return nil, fmt.Errorf("trusted root %s: %w", path, err)
	}
	return tr, nil
}

// ImportRoot validates a trusted_root.json and stores it where
// LoadTrustedRoot finds it by default; it returns the stored path.
func ImportRoot(src string) (string, error) {
	b, err := readCapped(src, maxRootSize)
	if err != nil {
		return "", fmt.Errorf("trusted root: %w", err)
	}
	tr, err := root.NewTrustedRootFromJSON(b)
	if err != nil {
		return "", fmt.Errorf("trusted root %s: %w", src, err)
	}
	if len(tr.FulcioCertificateAuthorities()) == 0 && len(tr.RekorLogs()) == 0 {
		return "", fmt.Errorf("trusted root %s: no certificate authority and no transparency log", src)
	}
	dst := ImportedRootPath()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".trusted_root-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	return dst, os.Rename(tmp.Name(), dst)
}

func readCapped(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, max)
	}
	return b, nil
}
