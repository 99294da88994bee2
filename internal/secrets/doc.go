// Package secrets finds secrets in files and config values and redacts them.
//
// Three independent tools live here:
//
//   - ScanContent runs gitleaks' default rule set over file content;
//   - SecretName, LiteralSecretValue and URLWithPassword judge config values
//     (ENV, ARG, compose environment, settings fields) by their names;
//   - SensitiveFile judges a path by its name alone.
//
// Every secret value that leaves this package has gone through Redact, the one
// redaction function the whole tool uses.
package secrets
