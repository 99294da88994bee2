package vulndb

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// DefaultBaseURL is OSV's public bucket of per-ecosystem exports.
const DefaultBaseURL = "https://osv-vulnerabilities.storage.googleapis.com"

// DefaultEcosystems are fetched when neither the user nor the existing
// database names any: the ecosystems hardhull inventories.
var DefaultEcosystems = []string{"Alpine", "Debian", "PyPI", "Ubuntu"}

// MaxDownload bounds one export (the largest, Debian, is a few hundred MiB).
const MaxDownload = 4 << 30

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// UpdateOptions configure Update.
type UpdateOptions struct {
	BaseURL    string       // default DefaultBaseURL
	Ecosystems []string     // default: the database's, else DefaultEcosystems
	Client     *http.Client // default: 10-minute timeout
	// Exports is where downloaded zips are kept (<Exports>/<Ecosystem>/all.zip),
	// so an unchanged export is not downloaded again; default next to the
	// database.
	Exports string
	Now     time.Time
	// Log receives one line per ecosystem.
	Log io.Writer
}

// Update downloads each ecosystem's export over HTTPS, verifies the
// CRC32C the server sends in x-goog-hash, and imports them all. An export
// whose cached copy has the server's checksum is not downloaded again. A
// failed download or check leaves the database as it was.
func Update(ctx context.Context, path string, o UpdateOptions) ([]Source, error) {
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(o.BaseURL)
	if err != nil || u.Scheme != "https" {
		return nil, fmt.Errorf("update URL %q: must be https", o.BaseURL)
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 10 * time.Minute}
	}
	if o.Exports == "" {
		o.Exports = filepath.Join(filepath.Dir(path), "exports")
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	ecos := o.Ecosystems
	if len(ecos) == 0 {
		if db, err := Open(path); err == nil {
			seen := map[string]bool{}
			for _, s := range db.Sources {
				for _, e := range s.Ecosystems {
					if !seen[e] {
						seen[e] = true
						ecos = append(ecos, e)
					}
				}
			}
			db.Close()
			sort.Strings(ecos)
		}
	}
	if len(ecos) == 0 {
		ecos = DefaultEcosystems
	}
	var zips []string
	for _, eco := range ecos {
		if eco == "" || strings.ContainsAny(eco, "/\\") || strings.Contains(eco, "..") {
			return nil, fmt.Errorf("ecosystem %q: not an OSV ecosystem name", eco)
		}
		z, err := fetch(ctx, o, eco)
		if err != nil {
			return nil, err
		}
		zips = append(zips, z)
	}
	return Import(path, zips, o.Now)
}

// fetch brings <Exports>/<eco>/all.zip up to date and returns its path.
func fetch(ctx context.Context, o UpdateOptions, eco string) (string, error) {
	src := strings.TrimSuffix(o.BaseURL, "/") + "/" + url.PathEscape(eco) + "/all.zip"
	dst := filepath.Join(o.Exports, eco, "all.zip")
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", err
	}
	// An unchanged export is kept: compare the cached file's checksum with
	// the one the server announces.
	if have, err := fileCRC32C(dst); err == nil {
		req, err := http.NewRequestWithContext(ctx, http.MethodHead, src, nil)
		if err != nil {
			return "", err
		}
		if resp, err := o.Client.Do(req); err == nil {
			resp.Body.Close()
			if want, ok := googCRC32C(resp.Header); ok && resp.StatusCode == http.StatusOK && want == have {
				fmt.Fprintf(o.Log, "%s: unchanged (crc32c %08x)\n", eco, have)
				return dst, nil
			}
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return "", err
	}
	resp, err := o.Client.Do(req)
	if err != nil {
		return "", fmt.Errorf("%s: %w", src, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: %s", src, resp.Status)
	}
	want, ok := googCRC32C(resp.Header)
	if !ok {
		return "", fmt.Errorf("%s: the server sent no crc32c in x-goog-hash; refusing an unverified export", src)
	}
	tmp := dst + ".part"
	f, err := os.Create(tmp)
	if err != nil {
		return "", err
	}
	h := crc32.New(castagnoli)
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(resp.Body, MaxDownload+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > MaxDownload {
		err = fmt.Errorf("larger than %d bytes", MaxDownload)
	}
	if err == nil && h.Sum32() != want {
		err = fmt.Errorf("crc32c %08x, the server announced %08x: corrupted download", h.Sum32(), want)
	}
	if err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("%s: %w", src, err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return "", err
	}
	fmt.Fprintf(o.Log, "%s: downloaded %d bytes (crc32c %08x verified)\n", eco, n, want)
	return dst, nil
}

// googCRC32C reads "x-goog-hash: crc32c=<base64 of the big-endian
// checksum>, md5=..." (possibly repeated headers).
func googCRC32C(h http.Header) (uint32, bool) {
	for _, v := range h.Values("X-Goog-Hash") {
		for _, part := range strings.Split(v, ",") {
			k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok || !strings.EqualFold(k, "crc32c") {
				continue
			}
			b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(val))
			if err != nil || len(b) != 4 {
				return 0, false
			}
			return binary.BigEndian.Uint32(b), true
		}
	}
	return 0, false
}

func fileCRC32C(p string) (uint32, error) {
	f, err := os.Open(p)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	h := crc32.New(castagnoli)
	if _, err := io.Copy(h, f); err != nil {
		return 0, err
	}
	return h.Sum32(), nil
}
