package dockerfile

import (
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
