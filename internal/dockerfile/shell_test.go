package dockerfile

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// TestShellView: commands of RUN/CMD/ENTRYPOINT carry their Dockerfile
// line; comment and blank lines inside a continued RUN do not end it; a
// RUN heredoc is read as script; exec form is taken word for word.
func TestShellView(t *testing.T) {
	src := "FROM alpine:3.20\n" +
		"RUN apk add --no-cache --virtual .build-deps gcc \\\n" + // 2
		"# a comment the builder drops\n" + // 3
		"\n" + // 4
		"    && su nobody -s /bin/sh -c \"make \\\"$(nproc)\\\"\" \\\n" + // 5
		"    && apk del .build-deps\n" + // 6
		"RUN <<EOF\n" + // 7
		"set -e\n" + // 8
		"pip install x\n" + // 9
		"EOF\n" +
		"CMD [\"sh\", \"-c\", \"exec gosu app uvicorn main:app --reload\"]\n" // 11
	f, err := ParseBytes("Dockerfile", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range f.Stages[0].Instructions {
		for _, c := range in.Shell().Commands {
			got = append(got, strings.Join(c.Values(), " ")+"@"+strconv.Itoa(c.Line))
		}
	}
	want := []string{
		"apk add --no-cache --virtual .build-deps gcc@2",
		"make $(nproc)@5", "nproc@5", "nproc@5",
		"apk del .build-deps@6",
		"set -e@8", "pip install x@9",
		"uvicorn main:app --reload@11",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestMalformedInstructionKeepsTheRest: a bad instruction is an error with
// its line, and the file is still returned without it.
func TestMalformedInstructionKeepsTheRest(t *testing.T) {
	src := "FROM python:3.12-slim\nCOPY onlyone\nRUN pip install x\nUSER root\n"
	f, err := ParseBytes("Dockerfile", []byte(src), Options{})
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 2 {
		t.Fatalf("err = %v, want a ParseError at line 2", err)
	}
	if f == nil || len(f.Stages) != 1 || len(f.Stages[0].Find("run")) != 1 || f.Stages[0].UserName() != "root" {
		t.Fatalf("the rest of the file was not kept: %+v", f)
	}
	if _, err := ParseBytes("Dockerfile", []byte("FROM --platform\nRUN x\n"), Options{}); err == nil {
		t.Fatal("a FROM that does not parse must fail the file")
	}
}
