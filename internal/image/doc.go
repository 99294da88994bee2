// Package image reads a built container image — docker save tarball, OCI
// archive or layout, registry, or local engine — into a typed model for the
// image rules: the config, a compact per-layer file index, the final
// filesystem after whiteouts, the files later layers deleted, and the
// content of a few candidate files.
//
// Layers are read as streams, once each, in parallel with a bounded number
// of workers; nothing is extracted to disk and memory grows with the number
// of files, not with the number of bytes.
package image
