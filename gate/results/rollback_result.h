// SPDX-License-Identifier: MIT
#pragma once
// The results model of an emergency rollback (`autofix-gate rollback`, docs/rollback.md): which level,
// what it undid, the commits it wrote, and how the result compared with the version it went back to.
#include <optional>
#include <string>
#include <vector>

#include "gate/results/attempt_result.h"
#include "gate/util/enum_table.h"

namespace autofix {

// complete: the branch goes back to the version's content; autofix: only the autofix commits since it are
// reverted; paths: only the chosen paths go back.
enum class RollbackLevel { complete, autofix, paths };
inline constexpr auto kRollbackLevels = enum_table<RollbackLevel>(
    {{RollbackLevel::complete, "complete"}, {RollbackLevel::autofix, "autofix"}, {RollbackLevel::paths, "paths"}});
inline const char* to_string(RollbackLevel l) noexcept { return kRollbackLevels.c_name_of(l); }

// revert: new commits undo the change; reset: the branch ref moves back (rewrites history).
enum class RollbackStrategy { revert, reset };
inline constexpr auto kRollbackStrategies =
    enum_table<RollbackStrategy>({{RollbackStrategy::revert, "revert"}, {RollbackStrategy::reset, "reset"}});
inline const char* to_string(RollbackStrategy s) noexcept { return kRollbackStrategies.c_name_of(s); }

// A commit after the version rolled back to, as the rollback saw it.
struct RollbackCommit {
  std::string id;       // hex
  std::string summary;  // first line of its message
  bool autofix = false;  // it carries an Autofix-Attempt or Autofix-Batch trailer
  bool operator==(const RollbackCommit&) const = default;
};

struct RollbackResult {
  std::string id;           // the rollback's id (its snapshot's)
  std::string started;      // ISO 8601 UTC
  std::string to_spec;      // as given (--to)
  std::string to_commit;    // hex
  RollbackLevel level = RollbackLevel::autofix;
  RollbackStrategy strategy = RollbackStrategy::revert;
  std::vector<std::string> globs;   // --paths
  std::string reason;               // --reason, or empty
  std::string who;                  // "Name <email>" of the commits written
  std::string branch;               // the branch rolled back ("HEAD" when detached)
  std::string head_before, head_after;  // hex
  std::vector<RollbackCommit> since;    // every commit after the version, newest first
  std::vector<RollbackCommit> undone;   // what the rollback undid (complete: all of `since`)
  std::vector<std::string> commits_written;  // newest last
  std::vector<std::string> paths_changed;    // files whose content differs between head_before and head_after
  bool dry_run = false;
  // The tests of the tree as it was before the rollback changed anything (the work tree, uncommitted work
  // included, as `autofix-gate baseline` judges it: its stored baseline, else a build and a test run);
  // nullopt with --no-verify or a dry run.
  struct TestsBefore {
    bool built = false;                      // false: the tree did not build, no test ran
    bool stored = false;                     // a stored baseline was reused
    std::string reason;                      // when not built: why (the first build error, or what failed)
    std::vector<std::string> passed, failed;  // test names, in the order they ran; failed: failed or timed out
    bool operator==(const TestsBefore&) const = default;
  };
  std::optional<TestsBefore> tests_before;
  // The check afterwards (`verify --base <to> --head <new HEAD>`); nullopt with --no-verify or a dry run.
  struct Check {
    std::string verdict;                  // accepted (at least as green as the version), rejected, ...
    std::string reason;
    std::size_t tests_at_version = 0, passed_at_version = 0;
    std::size_t tests_after = 0, passed_after = 0;
    std::vector<std::string> broken;      // passed at the version, fail after
    std::string report_dir;
    bool operator==(const Check&) const = default;
  };
  std::optional<Check> check;
  bool operator==(const RollbackResult&) const = default;
};

// The passed and failed names of a tree's test records (a baseline's): a test that timed out failed; one
// not run or skipped is in neither list.
RollbackResult::TestsBefore tests_before_of(const std::vector<TestRecord>& tests, bool built, bool stored);

}  // namespace autofix
