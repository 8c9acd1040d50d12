// SPDX-License-Identifier: MIT
#pragma once
// The secrets tier's scanner: finds credentials in the lines a fix ADDS. Lines it removes or leaves alone
// are never read, so a secret that was already committed is not the fix's fault (and is not reported).
// Pure: no files, no processes; the caller reads the allow-list file and computes the diff.
//
// Rules, thresholds, the allow-list format and where it is read from: docs/secrets.md. Secrets another
// scanner found (gitleaks, runners/gitleaks.h) are merged in here, so that every finding is redacted,
// fingerprinted and allow-listed the same way.
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gate/results/attempt_result.h"
#include "gate/git/diff_lines.h"

namespace autofix {

// The built-in rule ids, in the order they are checked. Also the names an allow-list line may use after
// ':', besides "gitleaks" (every gitleaks finding) and "gitleaks.<gitleaks rule id>".
const std::vector<std::string>& secret_rule_ids();

// The rule id of a finding of gitleaks' rule `id`: "gitleaks." + id.
inline constexpr std::string_view kGitleaksRulePrefix = "gitleaks.";

// A secret another scanner (gitleaks) found on an added line, to be merged by scan_for_secrets.
struct ExternalSecret {
  std::string rule;         // "gitleaks.<its rule id>"
  std::string description;  // the kind of secret, as that scanner names it
  std::string file;         // repository-relative, '/'
  int line = 0;             // in the new file
  std::string secret;       // in full: only hashed and redacted, never stored in a finding
};

// What the repository declares harmless (`.autofix-secrets-allow`, see docs/secrets.md):
//   # comment                 ignored, as are empty lines
//   <glob>                    every rule, in files matching the glob
//   <glob>:<rule>             one rule, in files matching the glob
//   fingerprint:<40 hex>      one exact hit, as reported in Finding::fingerprint
struct SecretAllowList {
  struct PathEntry {
    std::string glob;
    std::string rule;  // empty: every rule
  };
  std::vector<PathEntry> paths;
  std::set<std::string> fingerprints;  // lowercase hex

  // True when a hit of `rule` in `file` (repository-relative, '/') with `fingerprint` is allowed.
  bool allows(const std::string& file, const std::string& rule, const std::string& fingerprint) const;
};

// Parses an allow-list. `source` names the text (its file) in error messages.
// Throws Error(usage) naming source and line number for a malformed line: an unknown rule, a fingerprint
// that is not 40 hex digits, an empty glob, a negated glob ('!').
SecretAllowList parse_secret_allowlist(std::string_view text, const std::string& source);

// One Finding per hit in the added lines of `diff`: rule, file, line (in the new file), 1-based byte
// column, severity ("error"; "warning" for a key that only works in a provider's test mode), a message
// naming the kind of secret with the secret redacted (see redact_secret), and a fingerprint (git blob
// hash of rule, file and the secret: stable when the line moves, different for a different secret).
// Binary files are skipped. `external` hits are merged in, except one whose match overlaps a built-in
// hit on the same line or repeats another external hit (the same secret is reported once, by the
// built-in rule). Hits the allow-list covers are left out. Findings come in diff order, then line, then
// column.
std::vector<Finding> scan_for_secrets(const std::vector<git::FileDiff>& diff, const SecretAllowList& allow,
                                      const std::vector<ExternalSecret>& external = {});

// `text` with everything the built-in rules find in it replaced by its redacted form: for text from
// elsewhere (a tool's error output) that is about to be shown.
std::string mask_secrets(std::string_view text);

// What a message shows of a secret: its first 4 characters then "…" (fewer for a secret shorter than 16
// characters: a quarter of it, so that a short password is not all but shown). Never the whole secret.
std::string redact_secret(std::string_view secret);

// Shannon entropy of `text` in bits per character (0 for an empty text).
double shannon_entropy(std::string_view text);

}  // namespace autofix
