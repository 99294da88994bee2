// Package osvtest writes small OSV exports for tests: a zip of
// hand-written JSON records, the shape OSV publishes per ecosystem.
package osvtest

import (
	"archive/zip"
	"os"
	"path/filepath"
	"sort"
)

// WriteZip writes records (member name -> JSON) to dir/<eco>/all.zip and
// returns its path.
func WriteZip(dir, eco string, records map[string]string) (string, error) {
	p := filepath.Join(dir, eco, "all.zip")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", err
	}
	f, err := os.Create(p)
	if err != nil {
		return "", err
	}
	zw := zip.NewWriter(f)
	names := make([]string, 0, len(records))
	for n := range records {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			f.Close()
			return "", err
		}
		if _, err := w.Write([]byte(records[n])); err != nil {
			f.Close()
			return "", err
		}
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return "", err
	}
	return p, f.Close()
}

// Debian is a Debian:12 export covering the cases matching must handle:
// a fixed and an unfixed record, last_affected, a withdrawn record, a
// record with a field newer than the model, an epoch, a backport, and a
// DSA plus a DEBIAN-CVE naming the same CVE.
var Debian = map[string]string{
	"DEBIAN-CVE-2099-0001.json": `{"id":"DEBIAN-CVE-2099-0001","modified":"2026-11-30T10:00:00Z","upstream":["CVE-2099-0001"],
		"summary":"openssl: fixed in deb12u3",
		"affected":[{"package":{"ecosystem":"Debian:12","name":"openssl"},
		  "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.19-1~deb12u3"}]}],
		  "ecosystem_specific":{"urgency":"high"}}]}`,
	"DSA-9001-1.json": `{"id":"DSA-9001-1","modified":"2026-11-29T10:00:00Z","upstream":["CVE-2099-0001"],
		"summary":"openssl security update",
		"affected":[{"package":{"ecosystem":"Debian:12","name":"openssl"},
		  "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.19-1~deb12u3"}]}]}]}`,
	"DEBIAN-CVE-2099-0002.json": `{"id":"DEBIAN-CVE-2099-0002","modified":"2026-11-28T10:00:00Z","upstream":["CVE-2099-0002"],
		"summary":"zlib: no fix yet",
		"affected":[{"package":{"ecosystem":"Debian:12","name":"zlib"},
		  "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}`,
	"DEBIAN-CVE-2099-0003.json": `{"id":"DEBIAN-CVE-2099-0003","modified":"2026-11-28T10:00:00Z","upstream":["CVE-2099-0003"],
		"summary":"zlib: epoch 1 fixed, only epoch-0 versions affected",
		"affected":[{"package":{"ecosystem":"Debian:12","name":"zlib"},
		  "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.3-1"}]}]}]}`,
	"DEBIAN-CVE-2099-0004.json": `{"id":"DEBIAN-CVE-2099-0004","modified":"2026-11-28T10:00:00Z","upstream":["CVE-2099-0004"],
		"summary":"glibc: last affected 2.36-9+deb12u20",
		"affected":[{"package":{"ecosystem":"Debian:12","name":"glibc"},
		  "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.36-1"},{"last_affected":"2.36-9+deb12u20"}]}]}]}`,
	"DEBIAN-CVE-2099-0005.json": `{"id":"DEBIAN-CVE-2099-0005","modified":"2026-11-28T10:00:00Z","withdrawn":"2026-11-29T00:00:00Z","upstream":["CVE-2099-0005"],
		"summary":"withdrawn: glibc was never affected",
		"affected":[{"package":{"ecosystem":"Debian:12","name":"glibc"},
		  "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}`,
	"DEBIAN-CVE-2099-0006.json": `{"id":"DEBIAN-CVE-2099-0006","modified":"2026-11-28T10:00:00Z","upstream":["CVE-2099-0006"],
		"some_future_field":{"nested":[1,2,3]},
		"summary":"bash: a field this model does not know",
		"affected":[{"package":{"ecosystem":"Debian:12","name":"bash"},"future_affected_field":true,
		  "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"5.2.15-2+deb12u1"}]}]}]}`,
	"DEBIAN-CVE-2099-0007.json": `{"id":"DEBIAN-CVE-2099-0007","modified":"2026-11-28T10:00:00Z","upstream":["CVE-2099-0007"],
		"summary":"linux: fixed in the base release, backports unknown",
		"affected":[{"package":{"ecosystem":"Debian:12","name":"linux"},
		  "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"6.12.95-1"}]}]}]}`,
	"DEBIAN-CVE-2099-0008.json": `{"id":"DEBIAN-CVE-2099-0008","modified":"2026-11-28T10:00:00Z","upstream":["CVE-2099-0008"],
		"summary":"openssl: Debian 11 only",
		"affected":[{"package":{"ecosystem":"Debian:11","name":"openssl"},
		  "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}`,
	"DEBIAN-CVE-2099-0009.json": `{"id":"DEBIAN-CVE-2099-0009","modified":"2026-11-28T10:00:00Z","upstream":["CVE-2099-0009"],
		"summary":"tar: unimportant",
		"affected":[{"package":{"ecosystem":"Debian:12","name":"tar"},
		  "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}],
		  "ecosystem_specific":{"urgency":"unimportant"}}]}`,
	"README.txt": "not a record",
}

// Ubuntu is an Ubuntu export whose records use the :LTS suffix.
var Ubuntu = map[string]string{
	"UBUNTU-CVE-2099-1001.json": `{"id":"UBUNTU-CVE-2099-1001","modified":"2026-11-30T10:00:00Z","upstream":["CVE-2099-1001"],
		"severity":[{"type":"Ubuntu","score":"medium"}],
		"affected":[{"package":{"ecosystem":"Ubuntu:22.04:LTS","name":"openssl"},
		  "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.2-0ubuntu1.20"}]}]}]}`,
}

// PyPI is a PyPI export with a GHSA and a PYSEC naming one CVE.
var PyPI = map[string]string{
	"GHSA-aaaa-bbbb-cccc.json": `{"id":"GHSA-aaaa-bbbb-cccc","modified":"2026-11-30T10:00:00Z","aliases":["CVE-2099-2001","PYSEC-2099-1"],
		"summary":"Starlette: multipart DoS",
		"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}],
		"database_specific":{"severity":"HIGH"},
		"affected":[{"package":{"ecosystem":"PyPI","name":"starlette"},
		  "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"0.40.0"}]}]}]}`,
	"PYSEC-2099-1.json": `{"id":"PYSEC-2099-1","modified":"2026-11-30T10:00:00Z","aliases":["CVE-2099-2001","GHSA-aaaa-bbbb-cccc"],
		"affected":[{"package":{"ecosystem":"PyPI","name":"starlette"},
		  "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"0.40.0"}]}],
		  "versions":["0.39.0","0.39.1"]}]}`,
	"GHSA-dddd-eeee-ffff.json": `{"id":"GHSA-dddd-eeee-ffff","modified":"2026-11-30T10:00:00Z","aliases":["CVE-2099-2002"],
		"summary":"Jinja2: sandbox escape in listed versions",
		"database_specific":{"severity":"MODERATE"},
		"affected":[{"package":{"ecosystem":"PyPI","name":"Jinja2"},"versions":["3.1.3"]}]}`,
}
