package rules

import (
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/image"
)

// Image rule examples are written as files too: "config.json" is the image
// config (the OCI/Docker config's "config" object and history), and
// "layerN/path" puts a file in layer N. A file named ".wh.NAME" in a later
// layer deletes NAME, as in a real image. Tests assemble real images from
// them with go-containerregistry.
func imgEx(files map[string]string) finding.Example { return finding.Example{Files: files} }

const passwdApp = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n"
const groupApp = "root:x:0:\napp:x:1000:\n"

// goodImage is an image that passes every image rule.
func goodImage(extra map[string]string) map[string]string {
	m := map[string]string{
		"config.json":       `{"config":{"User":"app","Env":["PATH=/usr/bin"],"Healthcheck":{"Test":["CMD","/app/health"]}}}`,
		"layer0/etc/passwd": passwdApp,
		"layer0/etc/group":  groupApp,
		"layer0/app/main":   "binary\n",
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func (p *Pass) imgAt(layer int, path string) finding.Location {
	l := finding.Location{Image: p.Ext.ImageRef, Path: path}
	img := p.Ext.Image
	if layer >= 0 && layer < len(img.Layers) {
		l.Layer = img.Layers[layer].ID()
	}
	return l
}

func (p *Pass) imgConfigAt(field string) finding.Location {
	return finding.Location{Image: p.Ext.ImageRef, Path: "config:" + field}
}

func (p *Pass) entryAt(e *image.Entry) finding.Location { return p.imgAt(e.Layer, e.Path) }

// imgConfig returns the image's container config, never nil.
func (p *Pass) imgUser() string {
	if c := p.Ext.Image.Config; c != nil {
		return c.Config.User
	}
	return ""
}
