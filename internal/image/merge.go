package image

import (
	"fmt"
	"sort"
	"strings"
)

// node is the merge-time tree: subtree removal (whiteouts, opaque dirs, a
// file replacing a directory) must not scan the whole filesystem.
type node struct {
	e    *Entry
	kids map[string]*node
}

func (n *node) walk(name string, create bool) *node {
	k := n.kids[name]
	if k == nil && create {
		if n.kids == nil {
			n.kids = map[string]*node{}
		}
		k = &node{}
		n.kids[name] = k
	}
	return k
}

// find returns the node of an absolute cleaned path.
func (n *node) find(p string, create bool) *node {
	cur := n
	for rest := strings.TrimPrefix(p, "/"); rest != "" && cur != nil; {
		var c string
		c, rest, _ = strings.Cut(rest, "/")
		cur = cur.walk(c, create)
	}
	return cur
}

// collect appends the non-directory entries of a subtree carried by layers
// below layer.
func (n *node) collect(layer int, out *[]*Entry) {
	if n.e != nil && n.e.Type != TypeDir && n.e.Layer < layer {
		*out = append(*out, n.e)
	}
	for _, k := range n.kids {
		k.collect(layer, out)
	}
}

// merge applies the layers in order to compute the final filesystem. In each
// layer, whiteouts apply to lower layers only, so they go first.
func merge(img *Image, layers []*layerIndex) {
	root := &node{}
	for li, idx := range layers {
		ents := img.Layers[li].Entries
		for i := range ents {
			e := &ents[i]
			switch e.Type {
			case TypeOpaque:
				n := root.find(e.Path, true)
				for _, k := range n.kids {
					k.collect(li, &img.Deleted)
				}
				n.kids = nil
			case TypeWhiteout:
				dir, name := splitDir(e.Path)
				if parent := root.find(dir, false); parent != nil {
					if k := parent.kids[name]; k != nil {
						k.collect(li, &img.Deleted)
						delete(parent.kids, name)
					}
				}
			}
		}
		for i := range ents {
			e := &ents[i]
			if e.Type == TypeWhiteout || e.Type == TypeOpaque {
				continue
			}
			n := root.find(e.Path, true)
			if old := n.e; old != nil {
				switch {
				case old.Layer == li:
					idx.anomaly(li, e.Path, AnomalyDuplicate, fmt.Sprintf("%s then %s; the later wins", old.Type, e.Type))
				case old.Type != TypeDir:
					img.Shadowed = append(img.Shadowed, old)
				}
			}
			if e.Type != TypeDir && n.kids != nil {
				for _, k := range n.kids {
					k.collect(li, &img.Deleted)
				}
				n.kids = nil
			}
			n.e = e
		}
		for i := range ents {
			e := &ents[i]
			if e.Type != TypeHardlink {
				continue
			}
			if t := root.find(e.Linkname, false); t == nil || t.e == nil {
				idx.anomaly(li, e.Path, AnomalyHardlinkMissing, fmt.Sprintf("target %q does not exist", e.Linkname))
			}
		}
	}
	img.FS = make(map[string]*Entry)
	flatten(root, img.FS)
	sortEntries(img.Deleted)
	sortEntries(img.Shadowed)
}

func flatten(n *node, out map[string]*Entry) {
	if n.e != nil {
		out[n.e.Path] = n.e
	}
	for _, k := range n.kids {
		flatten(k, out)
	}
}

func sortEntries(es []*Entry) {
	sort.Slice(es, func(i, j int) bool {
		if es[i].Path != es[j].Path {
			return es[i].Path < es[j].Path
		}
		return es[i].Layer < es[j].Layer
	})
}

func splitDir(p string) (dir, name string) {
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return "/", p[i+1:]
	}
	return p[:i], p[i+1:]
}
