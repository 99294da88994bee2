package engine

import (
	"reflect"
	"strings"
	"testing"

	"github.com/docker/docker/api/types/container"
)

func TestParseTop(t *testing.T) {
	tests := []struct {
		name string
		top  container.TopResponse
		want []Process
	}{
		{
			name: "our ps args",
			top: container.TopResponse{
				Titles:    []string{"PID", "UID", "USER", "COMMAND"},
				Processes: [][]string{{"8823", "1000", "cloudsdk", "sleep 3600"}, {"9001", "0", "root", "/bin/sh -c x"}},
			},
			want: []Process{
				{PID: 8823, UID: 1000, User: "cloudsdk", Command: "sleep 3600"},
				{PID: 9001, UID: 0, User: "root", Command: "/bin/sh -c x"},
			},
		},
		{
			name: "engine default -ef has names in UID",
			top: container.TopResponse{
				Titles:    []string{"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"},
				Processes: [][]string{{"root", "12", "1", "0", "10:00", "?", "00:00:00", "httpd -f"}, {"1000", "13", "12", "0", "10:00", "?", "00:00:00", "sleep 1"}, {"www", "14", "12", "0", "10:00", "?", "00:00:00", "nginx"}},
			},
			want: []Process{
				{PID: 12, UID: 0, User: "root", Command: "httpd -f"},
				{PID: 13, UID: 1000, Command: "sleep 1"},
				{PID: 14, UID: -1, User: "www", Command: "nginx"},
			},
		},
		{
			name: "windows columns",
			top: container.TopResponse{
				Titles:    []string{"Name", "PID", "CPU", "Private Working Set"},
				Processes: [][]string{{"smss.exe", "4", "00:00:00.000", "225.3kB"}},
			},
			want: []Process{{PID: 4, UID: -1, Command: "smss.exe"}},
		},
		{
			name: "short and junk rows",
			top: container.TopResponse{
				Titles:    []string{"PID", "UID", "USER", "COMMAND"},
				Processes: [][]string{{}, {"x", "-5", "", ""}, {"7"}, {"8", "99999999999"}},
			},
			// A non-numeric UID cell is kept as the user name, as with -ef.
			want: []Process{{UID: -1}, {UID: -1, User: "-5"}, {PID: 7, UID: -1}, {PID: 8, UID: -1, User: "99999999999"}},
		},
		{name: "no titles", top: container.TopResponse{Processes: [][]string{{"1", "2"}}}, want: []Process{{UID: -1}}},
		{name: "empty", top: container.TopResponse{}, want: []Process{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseTop(tt.top); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseTop =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestParseTopCapsFields(t *testing.T) {
	long := strings.Repeat("a", 3*maxField)
	got := parseTop(container.TopResponse{Titles: []string{"PID", "COMMAND"}, Processes: [][]string{{"1", long}}})
	if len(got) != 1 || len(got[0].Command) != maxField {
		t.Fatalf("command kept %d bytes, want %d", len(got[0].Command), maxField)
	}
}

func summaries(specs ...string) []container.Summary {
	// spec: "id name1 name2 ..."
	var out []container.Summary
	for _, s := range specs {
		f := strings.Fields(s)
		c := container.Summary{ID: f[0]}
		for _, n := range f[1:] {
			c.Names = append(c.Names, "/"+n)
		}
		out = append(out, c)
	}
	return out
}

func TestMatchNames(t *testing.T) {
	list := summaries(
		"abc123aaaa web",
		"abc456bbbb db web/db", // a legacy link alias also appears in Names
		"fedcba0000 cafe",
		"cafe000000 other",
	)
	tests := []struct {
		name    string
		names   []string
		want    []string // IDs
		wantErr string
	}{
		{name: "exact names", names: []string{"db", "web"}, want: []string{"abc456bbbb", "abc123aaaa"}},
		{name: "full ID", names: []string{"fedcba0000"}, want: []string{"fedcba0000"}},
		{name: "unique prefix", names: []string{"abc4"}, want: []string{"abc456bbbb"}},
		{name: "name wins over ID prefix", names: []string{"cafe"}, want: []string{"fedcba0000"}},
		{name: "dedupe", names: []string{"web", "/web", "abc123"}, want: []string{"abc123aaaa"}},
		{name: "ambiguous prefix", names: []string{"abc"}, wantErr: `ID prefix matches several containers: "abc"`},
		{name: "upper-case is not an ID", names: []string{"ABC4"}, wantErr: `no such container: "ABC4"`},
		{name: "all missing reported", names: []string{"nope", "web", "gone"}, wantErr: `no such container: "nope", "gone"`},
		{name: "missing and ambiguous", names: []string{"nope", "a"}, wantErr: `no such container: "nope"; ID prefix matches several containers: "a"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := matchNames(list, tt.names, false)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, s := range got {
				ids = append(ids, s.ID)
			}
			if !reflect.DeepEqual(ids, tt.want) {
				t.Errorf("ids = %q, want %q", ids, tt.want)
			}
		})
	}
}

func TestNormalizeFillsPointers(t *testing.T) {
	var ins container.InspectResponse
	normalize(&ins, "0123456789abcdef")
	if ins.ContainerJSONBase == nil || ins.State == nil || ins.HostConfig == nil || ins.Config == nil || ins.NetworkSettings == nil {
		t.Fatalf("nil pointers left: %+v", ins)
	}
	if ins.ID != "0123456789abcdef" || shortID(ins.ID) != "0123456789ab" {
		t.Errorf("ID = %q short %q", ins.ID, shortID(ins.ID))
	}
}

// FuzzParseTop feeds hostile top tables: rows separated by newlines, cells
// by tabs, the first row being the titles.
func FuzzParseTop(f *testing.F) {
	f.Add("PID\tUID\tUSER\tCOMMAND\n1\t0\troot\tsleep 3600")
	f.Add("UID\tPID\tPPID\tC\tSTIME\tTTY\tTIME\tCMD\nroot\t1\t0\t0\t10:00\t?\t00:00:00\tinit")
	f.Add("Name\tPID\nsmss.exe\t4")
	f.Add("PID\tPID\tUID\tEUID\n-1\t99999999999999999999\troot\t\n\n\t")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		lines := strings.Split(s, "\n")
		top := container.TopResponse{Titles: strings.Split(lines[0], "\t")}
		for _, l := range lines[1:] {
			top.Processes = append(top.Processes, strings.Split(l, "\t"))
		}
		procs := parseTop(top)
		if len(procs) != len(top.Processes) {
			t.Fatalf("%d processes from %d rows", len(procs), len(top.Processes))
		}
		for _, p := range procs {
			if p.UID < -1 || p.PID < 0 || len(p.Command) > maxField || len(p.User) > maxField {
				t.Fatalf("bad process %+v", p)
			}
		}
	})
}

// FuzzMatchNames checks that any name either resolves to exactly the
// containers it names or yields an error that quotes it.
func FuzzMatchNames(f *testing.F) {
	f.Add("web", "abc123aaaa", "web")
	f.Add("abc", "abc123aaaa", "db")
	f.Add("/", "", "")
	f.Add("\x00\n\"", "\"", "\n")
	f.Fuzz(func(t *testing.T, name, id, cname string) {
		list := []container.Summary{
			{ID: id, Names: []string{"/" + cname}},
			{ID: "abc123aaaa", Names: []string{"/web"}},
			{ID: "abc456bbbb", Names: []string{"/db"}},
		}
		got, err := matchNames(list, []string{name}, false)
		if err != nil {
			if !strings.Contains(err.Error(), quoteAll([]string{name})[0]) {
				t.Fatalf("error %q does not quote %q", err, name)
			}
			return
		}
		if len(got) != 1 {
			t.Fatalf("%d matches for one name", len(got))
		}
	})
}
