package buildctx

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// Pattern is one effective line of an ignore file.
type Pattern struct {
	// Text is the pattern exactly as the builder hands it to the matcher:
	// trimmed, cleaned, leading "/" removed, "!" kept for exceptions.
	Text string
	// Line is the 1-based line in the ignore file.
	Line int
	// Exclusion marks a "!" exception that re-includes what earlier lines
	// excluded (patternmatcher's name for it).
	Exclusion bool
}

// Glob is Text without the "!" of an exception.
func (p Pattern) Glob() string { return strings.TrimPrefix(p.Text, "!") }

// LineError is an ignore file that the builder would reject; Line is 0
// when the problem is the file as a whole (size, read error).
type LineError struct {
	Path string
	Line int
	Err  error
}

func (e *LineError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("parse %s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("parse %s: %v", e.Path, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }

// DefaultMaxIgnoreBytes mirrors the builder's cap on files it loads for the
// frontend (the gRPC message limit): a larger ignore file fails the build.
const DefaultMaxIgnoreBytes = 16 << 20

var errTooLarge = errors.New("ignore file too large")

// ReadIgnore parses ignore-file content with the builder's own reader
// (ignorefile.ReadAll) and validates every pattern with the builder's
// matcher, so a file the builder would reject is rejected here with its
// line. name is used in errors only.
func ReadIgnore(name string, data []byte) ([]Pattern, error) {
	texts, err := ignorefile.ReadAll(bytes.NewReader(data))
	if err != nil {
		return nil, &LineError{Path: name, Line: failingLine(data), Err: err}
	}
	lines := patternLines(data)
	if len(lines) != len(texts) {
		// Would mean our line bookkeeping drifted from ReadAll; refuse
		// rather than attach wrong lines to findings.
		return nil, &LineError{Path: name, Err: fmt.Errorf("internal: %d pattern lines for %d patterns", len(lines), len(texts))}
	}
	pats := make([]Pattern, len(texts))
	for i, t := range texts {
		p := Pattern{Text: t, Line: lines[i], Exclusion: strings.HasPrefix(t, "!")}
		if err := representable(t); err != nil {
			return nil, &LineError{Path: name, Line: p.Line, Err: err}
		}
		if err := validate(p); err != nil {
			return nil, &LineError{Path: name, Line: p.Line, Err: fmt.Errorf("pattern %q: %w", t, err)}
		}
		pats[i] = p
	}
	return pats, nil
}

// representable rejects what patternmatcher's text/scanner cannot read
// cleanly (it would print to stderr and substitute U+FFFD or drop a BOM):
// no file name can be matched faithfully by such a pattern, and hostile
// input deserves a clear error instead.
func representable(t string) error {
	switch {
	case !utf8.ValidString(t):
		return errors.New("pattern is not valid UTF-8")
	case strings.ContainsRune(t, 0):
		return errors.New("pattern contains a NUL byte")
	case strings.ContainsRune(t, '\uFEFF'):
		return errors.New("pattern contains a byte order mark")
	}
	return nil
}

// validate runs the pattern through patternmatcher.New (syntax and "!"
// checks) and forces its lazy regexp compilation, which the builder would
// otherwise only hit in the middle of sending the context.
func validate(p Pattern) error {
	if _, err := patternmatcher.New([]string{p.Text}); err != nil {
		return err
	}
	_, err := newSingle(p.Glob())
	return err
}

// patternLines returns the line number of every line that ReadAll turns
// into a pattern, using the same scanner and the same skip rules.
func patternLines(data []byte) []int {
	var out []int
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		b := sc.Bytes()
		if n == 0 {
			b = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
		}
		n++
		if bytes.HasPrefix(b, []byte("#")) || strings.TrimSpace(string(b)) == "" {
			continue
		}
		out = append(out, n)
	}
	return out
}

// failingLine is the line at which a bufio.Scanner over data stops with
// an error (a line too long), or 0 if it does not.
func failingLine(data []byte) int {
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
	}
	if sc.Err() == nil {
		return 0
	}
	return n + 1
}

// readLimited reads at most max bytes and reports errTooLarge beyond that,
// so a hostile ignore file cannot exhaust memory.
func readLimited(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", errTooLarge, max)
	}
	return data, nil
}
