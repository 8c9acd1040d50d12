#pragma once
// One fix attempt: snapshot → baseline → apply → build → test → classify → decide → accept or roll back.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gate/results/attempt_result.h"
#include "gate/policy/config.h"
#include "gate/judge/baseline_run.h"
#include "gate/judge/phases.h"
#include "gate/judge/test_runs.h"
#include "gate/git/tree_checkout.h"
#include "gate/git/tree_diff.h"
#include "gate/state/layout.h"
#include "reporters/progress.h"

namespace autofix {

// One of on_accept_choices() (gate/results/on_accept.h); Error(usage) for anything else.
OnAccept on_accept_from(const std::string& text);

struct AttemptOptions {
  std::filesystem::path directory = ".";
  std::optional<std::string> patch_file;      // a path, or "-" for standard input
  std::vector<std::string> fixer;             // a command run from the repository root
  std::optional<std::filesystem::path> source_dir;  // the CMake source directory; default: configured, else <root>
  std::optional<std::filesystem::path> build_dir;   // default <root>/build
  std::optional<std::filesystem::path> report_dir;  // default <build dir>/autofix
  bool dry_run = false;                       // print the plan; build, run and judge nothing (verdict planned)
  OnAccept on_accept = OnAccept::branch;
  std::vector<std::string> require_fixed;
  std::chrono::seconds timeout{600};          // for the fixer, the build and the tests, each
  unsigned jobs = 0;                          // build and test parallelism; 0: cores
  std::string command_line;
  std::optional<std::filesystem::path> config_file;  // --config; else autofix-gate.json lookup (docs/configuration.md)
  bool fail_fast = false;                     // stop testing at the first confirmed regression
  bool allow_test_edits = false;              // edits to test sources warn instead of needing review
  std::optional<int> flaky_reruns;            // overrides the configuration's flaky_reruns
  std::optional<std::chrono::seconds> test_timeout;  // overrides the configuration's test_timeout
};

struct AttemptOutcome {
  AttemptResult result;
  std::filesystem::path report_dir;
  int exit_code = 0;
  // The outcome was committed (an accepted or review branch written, a commit made, the fix kept): a
  // signal arriving after that changes neither the outcome nor the exit code (docs/exit-codes.md).
  bool committed = false;
};

// The repository lock, taken before anything of the tree is read: until it is held, another gate may be
// half way through changing the tree. When this run created the gate's state directory, a refusal before
// the snapshot removes it again, so that a refused run leaves nothing behind.
RepositoryLock lock_before_reading(const git::Repository& repo, const std::string& command_line,
                                   reporters::Progress& progress);

// The configuration an attempt or verify uses (docs/configuration.md), with command-line overrides.
GateConfig effective_config(const AttemptOptions& options, const git::Repository& repo);
// Where things are (resolve_layout), refused before anything changes when the source or build directory
// is not this repository's CMake project (check_project_layout).
Layout checked_layout(const AttemptOptions& options, const git::Repository& repo, const GateConfig& config);
RunSettings run_settings(const AttemptOptions& options, const GateConfig& config);

// Runs the attempt and writes report.json, junit.xml and summary.md. Throws Error only for problems
// found before anything changed (usage, repository state, lock); everything later becomes a verdict.
AttemptOutcome run_attempt(const AttemptOptions& options, reporters::Progress& progress);

struct BaselineOutcome {
  BaselineInfo info;
  size_t tests = 0;
  size_t passed = 0;
};

// `autofix-gate baseline`: builds and tests the tree as it is and stores the result (or reports the
// stored one), so later attempts against this tree skip it.
BaselineOutcome compute_baseline(const AttemptOptions& options, reporters::Progress& progress);

}  // namespace autofix
