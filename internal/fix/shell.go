package fix

import (
	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/shell"
)

// shellView is the one shell view of an instruction's text from offset
// from (after its keyword, or its keyword and flags): spans are offsets
// into text, so edits land next to the words they concern.
func shellView(text string, from int, esc byte) *shell.Script {
	return shell.ParseLines(dockerfile.ShellText(text, rune(esc)), text, from, 1)
}

// plainWords lists the words after the keyword of an instruction that is
// not shell (FROM, ENV, ARG) but is split into words the same way; ok is
// false when the text does not parse.
func plainWords(text string, from int, esc byte) (ws []shell.Word, comments, ok bool) {
	s := shellView(text, from, esc)
	if s.Err != nil {
		return nil, s.Comments, false
	}
	for _, c := range s.Commands {
		ws = append(ws, c.Assigns...)
		ws = append(ws, c.Words...)
	}
	return ws, s.Comments, true
}

func hasWordIn(c shell.Command, s string) bool { return c.Has(s) }
