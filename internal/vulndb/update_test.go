package vulndb

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hardhull/hardhull/internal/osv/osvtest"
)

// osvServer serves exports like OSV's bucket, over TLS, with the
// x-goog-hash header; corrupt flips a byte after the header is computed,
// noHash leaves the header out.
func osvServer(t *testing.T, corrupt, noHash bool) (*httptest.Server, *int32) {
	t.Helper()
	dir := t.TempDir()
	files := map[string][]byte{}
	for eco, recs := range map[string]map[string]string{"Debian": osvtest.Debian, "PyPI": osvtest.PyPI} {
		z, err := osvtest.WriteZip(dir, eco, recs)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(z)
		files["/"+eco+"/all.zip"] = b
	}
	var gets int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		sum := make([]byte, 4)
		binary.BigEndian.PutUint32(sum, crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)))
		if !noHash {
			w.Header().Set("X-Goog-Hash", "crc32c="+base64.StdEncoding.EncodeToString(sum)+",md5=AAAA")
		}
		if r.Method == http.MethodHead {
			return
		}
		atomic.AddInt32(&gets, 1)
		if corrupt {
			b = append([]byte(nil), b...)
			b[len(b)/2] ^= 0xff
		}
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv, &gets
}

func TestUpdate(t *testing.T) {
	srv, gets := osvServer(t, false, false)
	path := filepath.Join(t.TempDir(), "vulndb.bolt")
	o := UpdateOptions{BaseURL: srv.URL, Ecosystems: []string{"Debian", "PyPI"}, Client: srv.Client(), Now: now}
	srcs, err := Update(context.Background(), path, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 2 || srcs[0].ID != "Debian/all.zip" || srcs[0].Records != 10 || srcs[1].ID != "PyPI/all.zip" || *gets != 2 {
		t.Fatalf("sources %+v, %d downloads", srcs, *gets)
	}
	// Second run: the ecosystems come from the database, the cached
	// exports match the server's checksum, nothing is downloaded.
	o.Ecosystems = nil
	if _, err := Update(context.Background(), path, o); err != nil {
		t.Fatal(err)
	}
	if *gets != 2 {
		t.Errorf("unchanged exports downloaded again: %d GETs", *gets)
	}
}

func TestUpdateRejects(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vulndb.bolt")
	for name, c := range map[string]struct {
		corrupt, noHash bool
		want            string
	}{
		"corrupt": {true, false, "corrupted download"},
		"no hash": {false, true, "refusing an unverified export"},
	} {
		srv, _ := osvServer(t, c.corrupt, c.noHash)
		_, err := Update(context.Background(), path, UpdateOptions{BaseURL: srv.URL, Ecosystems: []string{"Debian"}, Client: srv.Client(), Now: now})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := os.Stat(path); err == nil {
			t.Errorf("%s: a database was written", name)
		}
		if m, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "exports", "*", "*")); len(m) != 0 {
			t.Errorf("%s: left %v", name, m)
		}
	}
	srv, _ := osvServer(t, false, false)
	if _, err := Update(context.Background(), path, UpdateOptions{BaseURL: "http://" + strings.TrimPrefix(srv.URL, "https://"), Client: srv.Client()}); err == nil || !strings.Contains(err.Error(), "https") {
		t.Errorf("plain http accepted: %v", err)
	}
	if _, err := Update(context.Background(), path, UpdateOptions{BaseURL: srv.URL, Ecosystems: []string{"../x"}, Client: srv.Client()}); err == nil {
		t.Error("path-like ecosystem accepted")
	}
	if _, err := Update(context.Background(), path, UpdateOptions{BaseURL: srv.URL, Ecosystems: []string{"Nope"}, Client: srv.Client()}); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("missing export: %v", err)
	}
}
