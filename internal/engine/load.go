package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"golang.org/x/sync/errgroup"
)

// Client is the part of the Engine API that Load uses; *client.Client
// satisfies it. It is a seam for wrapping (logging, rate limits), not a place
// to fake the engine.
type Client interface {
	ContainerList(ctx context.Context, options container.ListOptions) ([]container.Summary, error)
	ContainerInspect(ctx context.Context, containerID string) (container.InspectResponse, error)
	ContainerTop(ctx context.Context, containerID string, arguments []string) (container.TopResponse, error)
	Ping(ctx context.Context) (types.Ping, error)
}

// Selector chooses containers. The zero value selects every running
// container. Criteria combine with AND.
type Selector struct {
	// Names are container names or IDs (full or a unique prefix). A named
	// container is loaded whether or not it is running: naming it is an
	// explicit request, as with `docker inspect`.
	Names []string
	// ComposeProject matches the com.docker.compose.project label.
	ComposeProject string
	// Labels are "key=value" or "key" (key present with any value).
	Labels []string
	// All includes stopped containers.
	All bool
}

// ComposeProjectLabel is the label Docker Compose puts on every container of
// a project.
const ComposeProjectLabel = "com.docker.compose.project"

// Container is one container as the engine reports it.
type Container struct {
	Name string // without the leading "/"
	ID   string // short (12 hex digits)
	// Inspect is the engine's inspect document. Load guarantees that its
	// ContainerJSONBase, State, HostConfig, Config and NetworkSettings are
	// not nil, so rules can read fields without nil checks.
	Inspect container.InspectResponse
	// Processes come from the engine's top; nil for containers that are not
	// running (or stopped, or were restarting, by the time top ran).
	Processes []Process
	// Running is State.Running of Inspect. When a container stops while
	// Load lists its processes, Inspect is re-read and Running follows it.
	Running bool
}

// Process is one row of the engine's top.
type Process struct {
	PID int // as seen from the engine host; 0 if not reported
	// UID is the effective uid as seen from the engine host (with user
	// namespace remapping this is the remapped uid); -1 when the engine did
	// not report a numeric uid.
	UID int
	// User is the user name the engine host's ps printed for UID; it comes
	// from the host's user database, not the container's, so rules should
	// judge UID.
	User    string
	Command string
}

// Concurrency bounds the inspect and top calls in flight per Load.
const Concurrency = 16

// psArgs asks for the numeric uid next to the name: the name alone is the
// host's idea of who the uid is. The engine runs ps on its host, so these
// must suit procps; when they fail the engine's default (-ef) is used.
var psArgs = []string{"-eo", "pid,uid,user,args"}

// Load lists the containers sel selects, inspects each and lists the
// processes of the running ones, concurrently. The result is sorted by name.
func Load(ctx context.Context, cli Client, sel Selector) ([]*Container, error) {
	opts, err := listOptions(sel)
	if err != nil {
		return nil, err
	}
	list, err := cli.ContainerList(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	targets := make([]target, 0, len(list))
	if len(sel.Names) > 0 {
		matched, err := matchNames(list, sel.Names, opts.Filters.Len() > 0)
		if err != nil {
			return nil, err
		}
		for _, s := range matched {
			targets = append(targets, target{id: s.ID, named: true})
		}
	} else {
		for _, s := range list {
			// Without --all the engine only lists running containers, so
			// nothing else to filter here.
			targets = append(targets, target{id: s.ID})
		}
	}

	out := make([]*Container, len(targets))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(Concurrency)
	for i, t := range targets {
		g.Go(func() error {
			c, err := loadOne(gctx, cli, t)
			out[i] = c
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	res := out[:0]
	for _, c := range out {
		if c != nil { // removed between list and inspect
			res = append(res, c)
		}
	}
	sort.Slice(res, func(i, j int) bool {
		if res[i].Name != res[j].Name {
			return res[i].Name < res[j].Name
		}
		return res[i].ID < res[j].ID
	})
	return res, nil
}

type target struct {
	id    string
	named bool
}

func listOptions(sel Selector) (container.ListOptions, error) {
	args := filters.NewArgs()
	if p := strings.TrimSpace(sel.ComposeProject); p != "" {
		args.Add("label", ComposeProjectLabel+"="+p)
	} else if sel.ComposeProject != "" {
		return container.ListOptions{}, errors.New("compose project name is blank")
	}
	for _, l := range sel.Labels {
		key, _, _ := strings.Cut(l, "=")
		if strings.TrimSpace(key) == "" {
			return container.ListOptions{}, fmt.Errorf("label filter %q: want key=value or key", l)
		}
		args.Add("label", l)
	}
	for _, n := range sel.Names {
		if strings.TrimSpace(strings.TrimPrefix(n, "/")) == "" {
			return container.ListOptions{}, fmt.Errorf("container name %q is blank", n)
		}
	}
	return container.ListOptions{
		// Named containers are found whatever their state.
		All:     sel.All || len(sel.Names) > 0,
		Filters: args,
	}, nil
}

// matchNames resolves names the way the engine does: a full ID first, then
// an exact name, then a unique ID prefix. Unknown names are all reported at
// once; an ambiguous prefix is an error rather than a guess.
func matchNames(list []container.Summary, names []string, filtered bool) ([]container.Summary, error) {
	var (
		out       []container.Summary
		seen      = map[string]bool{}
		missing   []string
		ambiguous []string
	)
	for _, n := range names {
		s, found, amb := matchName(list, n)
		switch {
		case amb:
			ambiguous = append(ambiguous, n)
		case !found:
			missing = append(missing, n)
		case !seen[s.ID]:
			seen[s.ID] = true
			out = append(out, s)
		}
	}
	var msgs []string
	if len(missing) > 0 {
		what := "no such container: "
		if filtered {
			what = "no container matching the label filters: "
		}
		msgs = append(msgs, what+strings.Join(quoteAll(missing), ", "))
	}
	if len(ambiguous) > 0 {
		msgs = append(msgs, "ID prefix matches several containers: "+strings.Join(quoteAll(ambiguous), ", "))
	}
	if len(msgs) > 0 {
		return nil, errors.New(strings.Join(msgs, "; "))
	}
	return out, nil
}

func matchName(list []container.Summary, name string) (s container.Summary, found, ambiguous bool) {
	for _, c := range list {
		if c.ID == name {
			return c, true, false
		}
	}
	want := "/" + strings.TrimPrefix(name, "/")
	for _, c := range list {
		for _, n := range c.Names {
			if n == want {
				return c, true, false
			}
		}
	}
	// The engine accepts ID prefixes of any length; so do we, but only
	// lower-case hex, so a mistyped name never matches an ID by accident.
	if !isHex(name) {
		return s, false, false
	}
	for _, c := range list {
		if strings.HasPrefix(c.ID, name) {
			if found {
				return s, false, true
			}
			s, found = c, true
		}
	}
	return s, found, false
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

func loadOne(ctx context.Context, cli Client, t target) (*Container, error) {
	ins, err := cli.ContainerInspect(ctx, t.id)
	if err != nil {
		if cerrdefs.IsNotFound(err) && !t.named {
			return nil, nil
		}
		return nil, fmt.Errorf("inspect container %s: %w", shortID(t.id), err)
	}
	normalize(&ins, t.id)
	c := &Container{
		Name:    strings.TrimPrefix(ins.Name, "/"),
		ID:      shortID(ins.ID),
		Inspect: ins,
		Running: ins.State.Running,
	}
	if !c.Running {
		return c, nil
	}
	top, err := cli.ContainerTop(ctx, ins.ID, psArgs)
	if err != nil && !gone(err) && ctx.Err() == nil {
		// Some hosts' ps lacks -o; the engine's default still names users.
		top, err = cli.ContainerTop(ctx, ins.ID, nil)
	}
	if err == nil {
		c.Processes = parseTop(top)
		return c, nil
	}
	// A container that stops or is removed while top runs can surface as a
	// server error rather than a conflict; look again before failing.
	again, ierr := cli.ContainerInspect(ctx, ins.ID)
	switch {
	case ierr != nil && cerrdefs.IsNotFound(ierr) && !t.named:
		return nil, nil
	case ierr == nil && (again.State == nil || !again.State.Running || again.State.Restarting):
		normalize(&again, t.id)
		c.Inspect = again
		c.Running = again.State.Running
		return c, nil
	}
	return nil, fmt.Errorf("list processes of container %s: %w", c.Name, err)
}

// gone reports errors meaning the container is no longer running.
func gone(err error) bool {
	return cerrdefs.IsNotFound(err) || cerrdefs.IsConflict(err)
}

// normalize fills the pointers rules read so that a partial answer (an old
// or odd engine) cannot make a rule panic.
func normalize(ins *container.InspectResponse, id string) {
	if ins.ContainerJSONBase == nil {
		ins.ContainerJSONBase = &container.ContainerJSONBase{}
	}
	if ins.ID == "" {
		ins.ID = id
	}
	if ins.State == nil {
		ins.State = &container.State{}
	}
	if ins.HostConfig == nil {
		ins.HostConfig = &container.HostConfig{}
	}
	if ins.Config == nil {
		ins.Config = &container.Config{}
	}
	if ins.NetworkSettings == nil {
		ins.NetworkSettings = &container.NetworkSettings{}
	}
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
