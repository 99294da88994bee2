package testengine

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"

	"github.com/hardhull/hardhull/internal/engine"
)

// OwnLabels mark what this test process creates (Main reports and removes
// anything carrying them that is left when the tests end): the test label, its pid
// and its host.
func OwnLabels() map[string]string {
	return map[string]string{Label: "1", LabelPID: strconv.Itoa(os.Getpid()), LabelHost: hostname()}
}

// Main runs a package's tests from its TestMain and says what its engine
// tests did. Without an engine (and not under CI=true, where they fail
// instead) it prints one line naming the group and why it is skipped: to
// the terminal when there is one, since `go test ./...` shows nothing of a
// passing package, else to stderr. With an engine it removes the images
// BusyboxImage built, then fails the package when a container or image
// this process created is still on the engine, and removes that too.
//
//	func TestMain(m *testing.M) { os.Exit(testengine.Main(m, "runtime audits")) }
func Main(m *testing.M, group string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	cli, host, err := engine.Connect(ctx)
	cancel()
	if err != nil {
		if os.Getenv("CI") != "true" {
			note(fmt.Sprintf("hardhull tests: %s: skipped, no Docker engine at %s (%s); as root: bash .ci/docker-up.sh",
				group, hostOr(host), oneLine(err)))
		}
		return m.Run()
	}
	defer cli.Close()
	code := m.Run()
	if leaks := cleanUp(cli); len(leaks) > 0 {
		fmt.Fprintf(os.Stderr, "testengine: %s: the engine was not left as found; removed what the tests left:\n  %s\n",
			group, strings.Join(leaks, "\n  "))
		if code == 0 {
			code = 1
		}
	}
	return code
}

// cleanUp removes the images BusyboxImage built in this process, then
// removes and returns whatever else this process left: containers and
// images carrying its labels.
func cleanUp(cli *client.Client) []string {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	imagesMu.Lock()
	for req, b := range images {
		// PruneChildren deletes the untagged build steps under the image.
		_, _ = cli.ImageRemove(ctx, b.tag, image.RemoveOptions{Force: true, PruneChildren: true})
		delete(images, req)
	}
	imagesMu.Unlock()
	return leftovers(ctx, cli, true)
}

// leftovers lists the containers and images of this process still on the
// engine, removing them when remove is set.
func leftovers(ctx context.Context, cli *client.Client, remove bool) []string {
	own := filters.NewArgs(filters.Arg("label", LabelPID+"="+strconv.Itoa(os.Getpid())), filters.Arg("label", LabelHost+"="+hostname()))
	var out []string
	if cs, err := cli.ContainerList(ctx, container.ListOptions{All: true, Filters: own}); err != nil {
		out = append(out, "cannot list containers: "+err.Error())
	} else {
		for _, c := range cs {
			out = append(out, fmt.Sprintf("container %s %s (%s)", c.ID[:12], strings.Join(c.Names, ","), c.Image))
			if remove {
				Remove(cli, c.ID)
			}
		}
	}
	if is, err := cli.ImageList(ctx, image.ListOptions{All: true, Filters: own}); err != nil {
		out = append(out, "cannot list images: "+err.Error())
	} else {
		for _, i := range is {
			out = append(out, fmt.Sprintf("image %s %s", strings.TrimPrefix(i.ID, "sha256:")[:12], strings.Join(i.RepoTags, ",")))
			if remove {
				_, _ = cli.ImageRemove(ctx, i.ID, image.RemoveOptions{Force: true, PruneChildren: true})
			}
		}
	}
	sort.Strings(out)
	return out
}

// note writes one line where a person running `go test ./...` sees it.
func note(line string) {
	var w io.Writer = os.Stderr
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		w = tty
	}
	fmt.Fprintln(w, line)
}

func hostOr(h string) string {
	if h == "" {
		if h = os.Getenv("DOCKER_HOST"); h == "" {
			h = "unix:///var/run/docker.sock"
		}
	}
	return h
}

func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }
