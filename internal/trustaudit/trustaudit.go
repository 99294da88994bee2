// Package trustaudit is the integrity front of the pipeline: for each image
// a project builds from or runs, it finds what the policy (or the command
// line) requires, verifies signatures and provenance with internal/verify,
// and runs the integrity rules over the verdicts.
package trustaudit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/hardhull/hardhull/internal/config"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
	"github.com/hardhull/hardhull/internal/secrets"
	"github.com/hardhull/hardhull/internal/verify"
	"github.com/sigstore/sigstore-go/pkg/root"
)

// Options say what is required and how registries are reached.
type Options struct {
	// Config is the policy; nil is an empty one.
	Config *config.Config
	// Keys and Identities, when given, are required of every image
	// checked, instead of the policy (`--verify-key`, `--certificate-*`).
	Keys       []string
	Identities []verify.Identity
	// Provenance, with Keys or Identities, also requires provenance.
	Provenance bool
	// TrustedRoot overrides the policy's trusted root and the imported one.
	TrustedRoot string
	Insecure    bool
	// Offline forbids registry access; Layout is the OCI layout directory
	// images (with their signatures and attestations) are read from.
	Offline bool
	Layout  string
	// Platform picks the image of an index whose provenance is read.
	Platform string
	Keychain authn.Keychain
	// Remote adds registry options (a transport in tests).
	Remote []remote.Option
	Rules  []*rules.Rule
}

// Checker verifies images under one set of options, loading each key file
// and the trusted root once however many images it checks.
type Checker struct {
	o    Options
	mu   sync.Mutex
	keys map[string]*verify.Key
	root root.TrustedMaterial
	// archive is the unpacked OCI archive given as Layout, once.
	archive      *verify.Layout
	archiveClean func()
}

// Close removes what the Checker unpacked (an OCI archive).
func (c *Checker) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.archiveClean != nil {
		c.archiveClean()
		c.archiveClean, c.archive = nil, nil
	}
}

// layoutStore opens the offline layout: a directory, or an OCI archive
// (unpacked once).
func (c *Checker) layoutStore(repo string) (*verify.Layout, error) {
	st, err := os.Stat(c.o.Layout)
	if err != nil {
		return nil, fmt.Errorf("offline layout: %w", err)
	}
	if st.IsDir() {
		return verify.OpenLayout(c.o.Layout, repo)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.archive == nil {
		l, clean, err := verify.OpenArchive(c.o.Layout, "")
		if err != nil {
			return nil, err
		}
		c.archive, c.archiveClean = l, clean
	}
	return &verify.Layout{Path: c.archive.Path, Repo: repo}, nil
}

// New prepares a Checker.
func New(o Options) *Checker {
	if o.Config == nil {
		o.Config = &config.Config{}
	}
	if o.Keychain == nil {
		o.Keychain = authn.DefaultKeychain
	}
	return &Checker{o: o, keys: map[string]*verify.Key{}}
}

// Required reports whether anything is required of repository repo
// (normalised), so callers can skip images nobody asked about.
func (c *Checker) Required(repo string) bool {
	return len(c.o.Keys) > 0 || len(c.o.Identities) > 0 || c.o.Config.ImagePolicy(repo) != nil
}

// requirement builds what is required of repo and the trust to check it.
func (c *Checker) requirement(repo string) (*verify.Requirement, verify.Trust, error) {
	var (
		req  verify.Requirement
		keys []string
		ids  []verify.Identity
		dir  string
	)
	switch p := c.o.Config.ImagePolicy(repo); {
	case len(c.o.Keys) > 0 || len(c.o.Identities) > 0:
		req.From, keys, ids, req.Provenance = "the command line", c.o.Keys, c.o.Identities, c.o.Provenance
	case p != nil:
		req.From = fmt.Sprintf("%s:%d (%s)", c.o.Config.Path(), p.Line, p.Match)
		keys, dir = p.Keys, p.Dir
		for _, id := range p.Identities {
			ids = append(ids, verify.Identity(id))
		}
		req.Provenance, req.Source = p.RequiresProvenance(), p.Source
	default:
		return nil, verify.Trust{}, nil
	}
	var t verify.Trust
	for _, k := range keys {
		path := k
		if dir != "" && !filepath.IsAbs(path) {
			path = filepath.Join(dir, k)
		}
		key, err := c.key(path, k)
		if err != nil {
			return nil, t, err
		}
		t.Keys = append(t.Keys, key)
		req.Keys = append(req.Keys, key.Name)
	}
	req.Identities, t.Identities = ids, ids
	if len(ids) > 0 {
		tm, err := c.trustedRoot()
		if err != nil {
			return nil, t, err
		}
		t.Root = tm
	}
	return &req, t, nil
}

func (c *Checker) key(path, label string) (*verify.Key, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if k, ok := c.keys[path]; ok {
		return k, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("verification key: %w", err)
	}
	k, err := verify.LoadKey(label, b)
	if err != nil {
		return nil, err
	}
	c.keys[path] = k
	return k, nil
}

func (c *Checker) trustedRoot() (root.TrustedMaterial, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.root != nil {
		return c.root, nil
	}
	p := c.o.TrustedRoot
	if p == "" {
		p = c.o.Config.TrustedRootPath()
	}
	if p == "" {
		p = verify.ImportedRootPath()
	}
	tr, err := verify.LoadTrustedRoot(p)
	if err != nil {
		return nil, err
	}
	c.root = tr
	return tr, nil
}

// Check verifies one image reference; at is where findings point (a
// FROM line), zero for the image itself. A registry that cannot be
// reached is an error naming the reference.
func (c *Checker) Check(ctx context.Context, ref string, at finding.Location) (*verify.Verdict, error) {
	var nopts []name.Option
	if c.o.Insecure {
		nopts = append(nopts, name.Insecure)
	}
	r, err := name.ParseReference(ref, nopts...)
	if err != nil {
		return nil, fmt.Errorf("parse reference %q: %w", ref, err)
	}
	repo := r.Context()
	v := &verify.Verdict{Ref: ref, Repo: repoName(r), At: at}
	req, trust, err := c.requirement(v.Repo)
	if err != nil {
		return nil, err
	}
	v.Require = req
	if c.o.Layout != "" {
		return c.checkLayout(ctx, r, v, trust)
	}
	if c.o.Offline {
		return nil, fmt.Errorf("%s: --offline reads only an OCI layout on disk (give --layout DIR)", ref)
	}
	ropts := append([]remote.Option{remote.WithAuthFromKeychain(c.o.Keychain)}, c.o.Remote...)
	st := verify.NewRemote(repo, ropts...)
	desc, err := remote.Head(r, append([]remote.Option{remote.WithContext(ctx)}, ropts...)...)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", r, err)
	}
	return c.judge(ctx, st, r, v1.Descriptor{MediaType: desc.MediaType, Digest: desc.Digest}, v, trust)
}

// checkLayout finds the image in the offline OCI layout by its reference
// (as written, or as repo:tag / repo@digest ref names) and verifies it with
// what the layout carries.
func (c *Checker) checkLayout(ctx context.Context, r name.Reference, v *verify.Verdict, trust verify.Trust) (*verify.Verdict, error) {
	st, err := c.layoutStore(v.Repo)
	if err != nil {
		return nil, err
	}
	var desc v1.Descriptor
	found := false
	for _, n := range []string{v.Ref, r.String(), r.Identifier()} {
		if d, err := st.Find(n); err == nil {
			desc, found = d, true
			break
		} else if !errors.Is(err, verify.ErrNotFound) {
			return nil, fmt.Errorf("%s: %w", c.o.Layout, err)
		}
	}
	if dr, ok := r.(name.Digest); !found && ok {
		if h, err := v1.NewHash(dr.DigestStr()); err == nil {
			if d, err := st.FindDigest(h); err == nil {
				desc, found = d, true
			}
		}
	}
	if !found {
		return nil, fmt.Errorf("%s is not in the offline layout %s (ref names %s or %s)", v.Ref, c.o.Layout, r.String(), r.Identifier())
	}
	return c.judge(ctx, st, r, desc, v, trust)
}

// judge verifies the signatures and reads the provenance of the image
// desc describes.
func (c *Checker) judge(ctx context.Context, st verify.Store, r name.Reference, desc v1.Descriptor, v *verify.Verdict, trust verify.Trust) (*verify.Verdict, error) {
	if d, ok := r.(name.Digest); ok && d.DigestStr() != desc.Digest.String() {
		return nil, fmt.Errorf("resolve %s: found %s instead", r, desc.Digest)
	}
	v.Digest = desc.Digest.String()
	st = verify.Memo(st)
	var err error
	if v.Signatures, err = verify.Signatures(ctx, st, desc.Digest, trust); err != nil {
		return nil, err
	}
	if err := c.provenance(ctx, st, desc.MediaType, desc.Digest, v, trust); err != nil {
		return nil, err
	}
	return v, nil
}

// provenance reads a signed SLSA attestation of the image, or else the
// BuildKit provenance of an index, which is covered by a signature when
// the index digest itself verified: the index lists the attestation
// manifest by digest.
func (c *Checker) provenance(ctx context.Context, st verify.Store, mt types.MediaType, d v1.Hash, v *verify.Verdict, trust verify.Trust) error {
	v.ProvenanceChecked = true
	// A signed SLSA attestation (cosign attest) is the stronger evidence:
	// prefer it to BuildKit's unsigned statement.
	if p, _, err := verify.AttestedProvenance(ctx, st, d, trust); err != nil {
		return err
	} else if p != nil {
		v.Provenance = p
		return nil
	}
	if !mt.IsIndex() {
		return nil
	}
	p, err := verify.IndexProvenance(ctx, st, d, c.o.Platform)
	if err != nil {
		return err
	}
	if p != nil {
		p.Signed = v.Signatures != nil && v.Signatures.Status == verify.Verified
		v.Provenance = p
	}
	return nil
}

// Judge runs the integrity rules over verdicts.
func Judge(vs []*verify.Verdict, rs []*rules.Rule) ([]finding.Finding, []finding.Evidence) {
	if rs == nil {
		rs = rules.All()
	}
	var kind []*rules.Rule
	for _, r := range rs {
		if r.Kind == finding.KindIntegrity {
			kind = append(kind, r)
		}
	}
	var fs []finding.Finding
	var es []finding.Evidence
	for _, v := range vs {
		p := &rules.Pass{Ext: rules.Extensions{Integrity: v}}
		fs = append(fs, rules.Run(p, kind)...)
		es = append(es, p.Evidences()...)
	}
	return fs, es
}

// RequiredRef is Required for an image reference; references that do not
// parse are not required (they fail later, with their own error).
func (c *Checker) RequiredRef(ref string) bool {
	var nopts []name.Option
	if c.o.Insecure {
		nopts = append(nopts, name.Insecure)
	}
	r, err := name.ParseReference(ref, nopts...)
	if err != nil {
		return false
	}
	return c.Required(repoName(r))
}

// repoName is the repository as policies name it: Docker Hub is docker.io
// (go-containerregistry says index.docker.io).
func repoName(r name.Reference) string {
	n := r.Context().Name()
	if rest, ok := strings.CutPrefix(n, name.DefaultRegistry+"/"); ok {
		return "docker.io/" + rest
	}
	return n
}

// Apply adds the verdicts' findings, evidence and facts to a result.
func Apply(res *finding.Result, vs []*verify.Verdict, rs []*rules.Rule) {
	fs, es := Judge(vs, rs)
	res.Findings = append(res.Findings, fs...)
	res.Evidence = append(res.Evidence, es...)
	if res.Kinds == nil {
		res.Kinds = map[finding.Kind]int{}
	}
	res.Kinds[finding.KindIntegrity] += len(vs)
	if len(vs) == 1 && vs[0].Signatures != nil {
		if res.Facts == nil {
			res.Facts = map[string]any{}
		}
		v := vs[0]
		res.Facts["signature"] = string(v.Signatures.Status)
		if s := v.Signatures.Signers(); len(s) > 0 {
			res.Facts["signed_by"] = strings.Join(s, ", ")
		}
		// Every signature found and its verdict, so a reviewer sees what
		// was rejected and why, not only the outcome.
		var sigs []string
		for _, sg := range v.Signatures.Signatures {
			line := sg.Layout + " " + sg.Where + ": " + string(sg.Status)
			if sg.Signer != "" {
				line += " by " + sg.Signer
			}
			if sg.Reason != "" {
				line += " (" + sg.Reason + ")"
			}
			sigs = append(sigs, line)
		}
		if len(sigs) > 0 {
			res.Facts["signatures"] = strings.Join(sigs, "; ")
		}
		if p := v.Provenance; p != nil {
			res.Facts["provenance"] = provenanceFact(p)
			if p.Builder != "" {
				res.Facts["provenance_builder"] = p.Builder
			}
			if p.Source != "" {
				res.Facts["provenance_source"] = p.Source
			}
			if p.Commit != "" {
				res.Facts["provenance_commit"] = p.Commit
			}
			var bases []string
			for _, b := range p.Bases {
				bases = append(bases, b.Image()+" ("+orNone(b.Digest)+")")
			}
			if len(bases) > 0 {
				res.Facts["provenance_bases"] = strings.Join(bases, ", ")
			}
			if params := provenanceParams(p); params != "" {
				res.Facts["provenance_params"] = params
			}
		} else if v.ProvenanceChecked {
			res.Facts["provenance"] = "none"
		}
	}
}

func provenanceFact(p *verify.Provenance) string {
	s := p.PredicateType
	if p.Signed {
		s += ", covered by the verified signature"
	} else {
		s += ", not covered by a verified signature"
	}
	if p.SBOM {
		s += ", SBOM attached"
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "no digest"
	}
	return s
}

// Named is an image named in a project, with where.
type Named struct {
	Ref string
	At  finding.Location
}

// CheckAll verifies the images a project names that the policy (or the
// command line) covers, each reference once, and adds the verdicts to res.
// An image that cannot be verified (registry unreachable, no such tag) is
// an input error at the place that names it: the exit code is 2, never a
// silent pass. It returns how many images were verified.
func (c *Checker) CheckAll(ctx context.Context, res *finding.Result, imgs []Named, rs []*rules.Rule) int {
	type outcome struct {
		v   *verify.Verdict
		err error
	}
	done := map[string]outcome{}
	var vs []*verify.Verdict
	for _, im := range imgs {
		if !c.RequiredRef(im.Ref) {
			continue
		}
		o, ok := done[im.Ref]
		if !ok {
			o.v, o.err = c.Check(ctx, im.Ref, finding.Location{})
			done[im.Ref] = o
		}
		if o.err != nil {
			where := im.At.Path
			if where == "" {
				where = im.At.Container
			}
			res.Errors = append(res.Errors, finding.InputError{Path: where, Line: im.At.Line, Message: fmt.Sprintf("verify %s: %v", im.Ref, o.err)})
			continue
		}
		v := *o.v
		v.At = im.At
		v.At.Image = im.Ref
		vs = append(vs, &v)
	}
	if len(vs) > 0 {
		Apply(res, vs, rs)
	}
	return len(vs)
}

// Running is a container and the registry digests of its image.
type Running struct {
	Container   string
	Image       string // as the container was started (Config.Image)
	RepoDigests []string
}

// CheckContainers verifies the image each container runs, by the registry
// digest the engine recorded for it. A covered container whose image has
// no digest from that repository (built or loaded locally) cannot be
// verified: that is an input error naming the container, not a pass.
func (c *Checker) CheckContainers(ctx context.Context, res *finding.Result, cs []Running, rs []*rules.Rule) {
	var imgs []Named
	for _, r := range cs {
		at := finding.Location{Container: r.Container, Field: "Config.Image"}
		if !c.RequiredRef(r.Image) {
			continue
		}
		ref, err := name.ParseReference(r.Image)
		if err != nil {
			res.Errors = append(res.Errors, finding.InputError{Path: r.Container, Message: fmt.Sprintf("verify %s: %v", r.Image, err)})
			continue
		}
		pinned := ""
		for _, d := range r.RepoDigests {
			dr, err := name.NewDigest(d)
			if err == nil && repoName(dr) == repoName(ref) {
				pinned = d
				break
			}
		}
		if pinned == "" {
			res.Errors = append(res.Errors, finding.InputError{Path: r.Container, Message: fmt.Sprintf("verify %s: the engine has no registry digest of %s for this image (built or loaded locally), so no signature can be looked up", r.Image, repoName(ref))})
			continue
		}
		imgs = append(imgs, Named{Ref: pinned, At: at})
	}
	c.CheckAll(ctx, res, imgs, rs)
}

// provenanceParams renders the recorded build parameters; every value is
// redacted unless its name is plainly not a secret (build args are where
// secrets leak into provenance).
func provenanceParams(p *verify.Provenance) string {
	var parts []string
	if p.Frontend != "" {
		parts = append(parts, "frontend="+p.Frontend)
	}
	keys := make([]string, 0, len(p.Args))
	for k := range p.Args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := p.Args[k]
		name := strings.TrimPrefix(k, "build-arg:")
		if secrets.SecretName(name) || secrets.LiteralSecretValue(name, v) {
			v = secrets.Redact(v)
		}
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, " ")
}
