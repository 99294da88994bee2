package fix

import (
	"fmt"
	"io"
	"strings"
)

// diffContext is the number of unchanged lines shown around a change, as in
// `diff -u`.
const diffContext = 3

// maxDiffEdit bounds the edit distance the Myers search explores; beyond it
// the file is shown as replaced whole, which is still a correct diff.
const maxDiffEdit = 4000

// op is one line of an edit script.
type op struct {
	kind byte // ' ', '-', '+'
	text string
}

// lineDiff computes a shortest edit script from a to b (Myers' algorithm).
func lineDiff(a, b []string) []op {
	n, m := len(a), len(b)
	// Common prefix and suffix cost nothing and keep the search small.
	pre := 0
	for pre < n && pre < m && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < n-pre && suf < m-pre && a[n-1-suf] == b[m-1-suf] {
		suf++
	}
	var out []op
	for _, s := range a[:pre] {
		out = append(out, op{' ', s})
	}
	out = append(out, myers(a[pre:n-suf], b[pre:m-suf])...)
	for _, s := range a[n-suf:] {
		out = append(out, op{' ', s})
	}
	return out
}

func myers(a, b []string) []op {
	n, m := len(a), len(b)
	if n == 0 || m == 0 || n+m > 2*maxDiffEdit*8 {
		return replaceAll(a, b)
	}
	maxD := n + m
	if maxD > maxDiffEdit {
		maxD = maxDiffEdit
	}
	off := maxD
	v := make([]int, 2*maxD+2)
	var trace [][]int
	found := -1
	for d := 0; d <= maxD && found < 0; d++ {
		snap := make([]int, len(v))
		copy(snap, v)
		trace = append(trace, snap)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[off+k-1] < v[off+k+1] {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				found = d
				break
			}
		}
	}
	if found < 0 {
		return replaceAll(a, b)
	}
	// Walk back through the snapshots to recover the path.
	var rev []op
	x, y := n, m
	for d := found; d > 0; d-- {
		vv := trace[d]
		k := x - y
		var pk int
		if k == -d || k != d && vv[off+k-1] < vv[off+k+1] {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := vv[off+pk]
		py := px - pk
		for x > px && y > py {
			x--
			y--
			rev = append(rev, op{' ', a[x]})
		}
		if x == px {
			y--
			rev = append(rev, op{'+', b[y]})
		} else {
			x--
			rev = append(rev, op{'-', a[x]})
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, op{' ', a[x]})
	}
	out := make([]op, len(rev))
	for i := range rev {
		out[i] = rev[len(rev)-1-i]
	}
	return out
}

func replaceAll(a, b []string) []op {
	out := make([]op, 0, len(a)+len(b))
	for _, s := range a {
		out = append(out, op{'-', s})
	}
	for _, s := range b {
		out = append(out, op{'+', s})
	}
	return out
}

// Unified writes a unified diff of old → new with the given file labels
// (old is "/dev/null" for a created file). It writes nothing when the
// contents are equal.
func Unified(w io.Writer, oldName, newName string, old, new []byte) error {
	if string(old) == string(new) {
		return nil
	}
	ops := lineDiff(splitLines(old), splitLines(new))
	if _, err := fmt.Fprintf(w, "--- %s\n+++ %s\n", oldName, newName); err != nil {
		return err
	}
	// Group changes into hunks with diffContext lines around them.
	i := 0
	for i < len(ops) {
		for i < len(ops) && ops[i].kind == ' ' {
			i++
		}
		if i >= len(ops) {
			break
		}
		start := max(i-diffContext, 0)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			// A run of context longer than twice the margin ends the hunk.
			j := end
			for j < len(ops) && ops[j].kind == ' ' {
				j++
			}
			if j == len(ops) || j-end > 2*diffContext {
				end = min(end+diffContext, len(ops))
				break
			}
			end = j
		}
		if err := writeHunk(w, ops, start, end); err != nil {
			return err
		}
		i = end
	}
	return nil
}

func writeHunk(w io.Writer, ops []op, start, end int) error {
	// Line numbers of the hunk's first line in each file.
	aLine, bLine := 1, 1
	for _, o := range ops[:start] {
		if o.kind != '+' {
			aLine++
		}
		if o.kind != '-' {
			bLine++
		}
	}
	aN, bN := 0, 0
	for _, o := range ops[start:end] {
		if o.kind != '+' {
			aN++
		}
		if o.kind != '-' {
			bN++
		}
	}
	// diff -u prints the line before an empty range.
	if aN == 0 {
		aLine--
	}
	if bN == 0 {
		bLine--
	}
	var b strings.Builder
	fmt.Fprintf(&b, "@@ -%s +%s @@\n", hunkRange(aLine, aN), hunkRange(bLine, bN))
	for _, o := range ops[start:end] {
		b.WriteByte(o.kind)
		b.WriteString(o.text)
		if !strings.HasSuffix(o.text, "\n") {
			b.WriteString("\n\\ No newline at end of file\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func hunkRange(start, n int) string {
	if n == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}
