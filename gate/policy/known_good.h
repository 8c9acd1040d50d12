// SPDX-License-Identifier: MIT
#pragma once
// The known-good points of a branch (`autofix-gate versions`, docs/rollback.md#versions): which of its
// commits a check judged green, which are autofix commits, which are tagged, and the newest green one
// (`last-green`, what `rollback --to last-green` goes back to). Pure: the git and history reads are
// gate/run/versions'.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace autofix {

struct BranchCommit {
  std::string id;       // hex
  std::int64_t time = 0;  // committer time, seconds since the epoch
  std::string summary;
  bool autofix = false;   // an Autofix-Attempt or Autofix-Batch trailer
  std::vector<std::string> tags;
};

// A history record that judged a commit: verify (its head), health, or a rollback's check (the rolled
// back HEAD).
struct Judgment {
  std::string commit;    // hex
  std::string command;   // verify, health, rollback
  std::string record_id;
  std::string verdict;   // accepted (green), identical (a rollback to a green tree), rejected, ...
  std::string when;      // ISO 8601 UTC
};

struct KnownVersion {
  BranchCommit commit;
  std::optional<Judgment> latest;  // the newest judgment of it, green or not
  std::optional<Judgment> green;   // the same when it found the commit green: the newest judgment decides
  std::size_t autofix_after = 0;   // autofix commits newer than it on the branch
};

// Whether a judgment's verdict means "green": accepted, or a rollback's "identical".
bool is_green_verdict(const std::string& verdict);

// The commits, newest first, each with its judgments (`judgments` in any order) and the number of autofix
// commits after it.
std::vector<KnownVersion> known_versions(const std::vector<BranchCommit>& newest_first, const std::vector<Judgment>& judgments);

// The newest version a check judged green; nullopt when none was.
std::optional<KnownVersion> last_green(const std::vector<KnownVersion>& versions);

}  // namespace autofix
