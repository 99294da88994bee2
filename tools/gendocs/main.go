// Command gendocs regenerates docs/rules.md from the rule catalogue.
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/hardhull/hardhull/internal/rules"
)

func main() {
	out := "docs/rules.md"
	if len(os.Args) > 1 {
		out = os.Args[1]
	}
	var b bytes.Buffer
	if err := rules.WriteMarkdown(&b); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
