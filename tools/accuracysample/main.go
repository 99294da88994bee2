// Command accuracysample draws a reproducible sample of findings from
// scans of the real-world corpus, for a reviewer to judge one by one, and
// scores a file of such verdicts against the current findings.
//
//	go run ./tools/accuracysample -n 150 -seed 1 ../shared/corpus/repos > sample.md
//	go run ./tools/accuracysample -verdicts docs/accuracy-verdicts.tsv ../shared/corpus/repos
//
// Each repository folder is scanned on its own, as a user would scan its
// checkout. The sample is spread over rules (every rule that fired gets at
// least one finding, larger rules more, by the square root of their count)
// and, within a rule, over repositories.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/scan"
	"github.com/sirupsen/logrus"
)

type item struct {
	repo string
	f    finding.Finding
}

func (it item) key() string {
	return strings.Join([]string{it.f.Rule.ID, it.repo, filepath.ToSlash(it.f.Location.Path), strconv.Itoa(it.f.Location.Line)}, "\t")
}

func main() {
	n := flag.Int("n", 150, "sample size")
	seed := flag.Uint64("seed", 1, "sample seed")
	context := flag.Int("context", 2, "lines of file shown around each finding")
	verdicts := flag.String("verdicts", "", "score this TSV of verdicts (rule, repo, file, line, ok|wrong, why) instead of sampling")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: accuracysample [-n N] [-seed S] [-verdicts FILE] CORPUS_REPOS_DIR")
		os.Exit(2)
	}
	logrus.SetOutput(io.Discard)
	root := flag.Arg(0)
	items, err := scanAll(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if *verdicts != "" {
		if err := score(os.Stdout, items, *verdicts); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		return
	}
	write(os.Stdout, root, sample(items, *n, *seed), *context)
}

func scanAll(root string) ([]item, error) {
	ents, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	var out []item
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		res, err := scan.Scan(context.Background(), scan.Options{Paths: []string{filepath.Join(root, e.Name())}})
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", e.Name(), err)
		}
		for _, f := range res.Findings {
			if f.Rule != nil {
				out = append(out, item{repo: e.Name(), f: f})
			}
		}
	}
	return out, nil
}

func hash(seed uint64, s string) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d\x00%s", seed, s)
	return h.Sum64()
}

// sample allocates n over rules by the square root of their counts (at
// least one each), then takes each rule's share round-robin over its
// repositories in a seeded order.
func sample(items []item, n int, seed uint64) []item {
	byRule := map[string][]item{}
	for _, it := range items {
		byRule[it.f.Rule.ID] = append(byRule[it.f.Rule.ID], it)
	}
	ids := make([]string, 0, len(byRule))
	var total float64
	for id, its := range byRule {
		ids = append(ids, id)
		total += math.Sqrt(float64(len(its)))
	}
	sort.Strings(ids)
	quota := map[string]int{}
	given := 0
	for _, id := range ids {
		q := int(math.Round(float64(n) * math.Sqrt(float64(len(byRule[id]))) / total))
		q = max(1, min(q, len(byRule[id])))
		quota[id] = q
		given += q
	}
	// Settle rounding on the largest rules, in a stable order.
	order := append([]string(nil), ids...)
	sort.SliceStable(order, func(i, j int) bool { return len(byRule[order[i]]) > len(byRule[order[j]]) })
	for i := 0; given != n && i < 10*len(order); i++ {
		id := order[i%len(order)]
		switch {
		case given < n && quota[id] < len(byRule[id]):
			quota[id]++
			given++
		case given > n && quota[id] > 1:
			quota[id]--
			given--
		}
	}
	var out []item
	for _, id := range ids {
		byRepo := map[string][]item{}
		var repos []string
		for _, it := range byRule[id] {
			if byRepo[it.repo] == nil {
				repos = append(repos, it.repo)
			}
			byRepo[it.repo] = append(byRepo[it.repo], it)
		}
		sort.Slice(repos, func(i, j int) bool { return hash(seed, id+repos[i]) < hash(seed, id+repos[j]) })
		for _, r := range repos {
			its := byRepo[r]
			sort.Slice(its, func(i, j int) bool { return hash(seed, its[i].key()) < hash(seed, its[j].key()) })
		}
		for round := 0; quota[id] > 0; round++ {
			took := false
			for _, r := range repos {
				if quota[id] == 0 {
					break
				}
				if round < len(byRepo[r]) {
					out = append(out, byRepo[r][round])
					quota[id]--
					took = true
				}
			}
			if !took {
				break
			}
		}
	}
	return out
}

func write(w io.Writer, root string, its []item, ctx int) {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	for i, it := range its {
		l := it.f.Location
		fmt.Fprintf(bw, "## %d. %s %s — %s/%s:%d\n\n%s\n\n", i+1, it.f.Rule.ID, it.f.Severity, it.repo, filepath.ToSlash(l.Path), l.Line, it.f.Message)
		if lines := around(filepath.Join(root, it.repo, l.Path), l.Line, ctx); lines != "" {
			fmt.Fprintf(bw, "```\n%s```\n\n", lines)
		}
		fmt.Fprintf(bw, "verdict key: `%s`\n\n", strings.ReplaceAll(it.key(), "\t", " "))
	}
}

func around(path string, line, ctx int) string {
	if line <= 0 {
		return ""
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(string(b), "\n")
	var sb strings.Builder
	for i := max(1, line-ctx); i <= min(len(lines), line+ctx); i++ {
		mark := "  "
		if i == line {
			mark = "> "
		}
		fmt.Fprintf(&sb, "%s%4d  %s\n", mark, i, lines[i-1])
	}
	return sb.String()
}

// score reads verdicts and reports precision over those whose finding the
// current scan still produces, listing verdicts that no longer match one.
func score(w io.Writer, items []item, path string) error {
	have := map[string]bool{}
	for _, it := range items {
		have[it.key()] = true
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var ok, wrong int
	var gone []string
	n := 0
	for sc.Scan() {
		n++
		t := sc.Text()
		if strings.TrimSpace(t) == "" || strings.HasPrefix(t, "#") {
			continue
		}
		cols := strings.Split(t, "\t")
		if len(cols) < 5 {
			return fmt.Errorf("%s:%d: want rule, repo, file, line, verdict, why", path, n)
		}
		k := strings.Join(cols[:4], "\t")
		if !have[k] {
			gone = append(gone, fmt.Sprintf("%s:%d: %s", path, n, strings.ReplaceAll(k, "\t", " ")))
			continue
		}
		switch cols[4] {
		case "ok":
			ok++
		case "wrong":
			wrong++
		default:
			return fmt.Errorf("%s:%d: verdict %q: want ok or wrong", path, n, cols[4])
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	judged := ok + wrong
	if judged > 0 {
		fmt.Fprintf(w, "%d judged findings still reported: %d right, %d wrong, precision %.1f%%\n", judged, ok, wrong, 100*float64(ok)/float64(judged))
	}
	fmt.Fprintf(w, "%d verdicts name a finding the scan no longer reports\n", len(gone))
	for _, g := range gone {
		fmt.Fprintln(w, "  "+g)
	}
	return nil
}
