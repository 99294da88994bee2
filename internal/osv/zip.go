package osv

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// MaxRecord bounds one JSON record in an export; the largest real OSV
// records (kernel CVEs with thousands of versions) are a few MiB.
const MaxRecord = 32 << 20

// RecordError is a record that could not be decoded; File is the zip,
// Entry the member and Line the line inside it.
type RecordError struct {
	File  string
	Entry string
	Line  int
	Err   error
}

func (e *RecordError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s: %s:%d: %v", e.File, e.Entry, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v", e.File, e.Entry, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// WalkZip decodes every *.json member of an OSV export, one at a time (the
// zip is never held in memory), and calls fn with each record. Other
// members are skipped. A record that is not valid OSV JSON stops the walk
// with a *RecordError.
func WalkZip(file string, fn func(*Vulnerability) error) error {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return fmt.Errorf("%s: not a readable zip: %w", file, err)
	}
	defer zr.Close()
	buf := &bytes.Buffer{}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || !strings.EqualFold(path.Ext(f.Name), ".json") {
			continue
		}
		if f.UncompressedSize64 > MaxRecord {
			return &RecordError{File: file, Entry: f.Name, Err: fmt.Errorf("record of %d bytes exceeds %d", f.UncompressedSize64, MaxRecord)}
		}
		v, err := decodeMember(f, buf)
		if err != nil {
			re := &RecordError{File: file, Entry: f.Name, Err: err}
			var se *json.SyntaxError
			if errors.As(err, &se) {
				re.Line = 1 + bytes.Count(buf.Bytes()[:min(int(se.Offset), buf.Len())], []byte("\n"))
			}
			return re
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}

func decodeMember(f *zip.File, buf *bytes.Buffer) (*Vulnerability, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	buf.Reset()
	// The header's size can lie; the limit holds regardless.
	n, err := io.Copy(buf, io.LimitReader(rc, MaxRecord+1))
	if err != nil {
		return nil, err
	}
	if n > MaxRecord {
		return nil, fmt.Errorf("record exceeds %d bytes", MaxRecord)
	}
	return Decode(buf.Bytes())
}

// Decode parses one OSV record. Unknown fields are ignored; a record
// without an id is an error.
func Decode(b []byte) (*Vulnerability, error) {
	var v Vulnerability
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	if v.ID == "" {
		return nil, errors.New("record has no id")
	}
	return &v, nil
}
