#pragma once
// The secrets tier's scanner: finds credentials in the lines a fix ADDS. Lines it removes or leaves alone
// are never read, so a secret that was already committed is not the fix's fault (and is not reported).
// Pure: no files, no processes; the caller reads the allow-list file and computes the diff.
//
// Rules, thresholds, the allow-list format and where it is read from: docs/secrets.md.
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gate/attempt_result.h"
#include "gate/git/diff_lines.h"

namespace autofix {

// The rule ids, in the order they are checked. Also the names an allow-list line may use after ':'.
const std::vector<std::string>& secret_rule_ids();

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
// column, severity "error", a message naming the kind of secret with the secret redacted (see
// redact_secret), and a fingerprint (git blob hash of rule, file and the secret: stable when the line
// moves, different for a different secret). Binary files are skipped. Hits the allow-list covers are
// left out. Findings come in diff order, then line, then column.
std::vector<Finding> scan_for_secrets(const std::vector<git::FileDiff>& diff, const SecretAllowList& allow);

// What a message shows of a secret: its first 4 characters then "…" (fewer for a secret shorter than 16
// characters: a quarter of it, so that a short password is not all but shown). Never the whole secret.
std::string redact_secret(std::string_view secret);

// Shannon entropy of `text` in bits per character (0 for an empty text).
double shannon_entropy(std::string_view text);

}  // namespace autofix
