// SPDX-License-Identifier: MIT
#pragma once
// What every use case (attempt, verify, baseline) shares: the options of a session, the lock taken
// before anything of the tree is read, the configuration with command-line overrides, where things are,
// the limits every step runs under, and the outcome a command exits with.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gate/git/repository.h"
#include "gate/judge/phases.h"
#include "gate/policy/config.h"
#include "gate/results/attempt_result.h"
#include "gate/state/layout.h"
#include "gate/state/lock.h"
#include "gate/state/operation.h"
#include "reporters/progress.h"

namespace autofix {

struct SessionOptions {
  std::filesystem::path directory = ".";
  std::optional<std::filesystem::path> source_dir;  // the CMake source directory; default: configured, else <root>
  std::optional<std::filesystem::path> build_dir;   // default <root>/build
  std::optional<std::filesystem::path> report_dir;  // default <build dir>/autofix
  std::vector<std::string> require_fixed;
  std::chrono::seconds timeout{600};          // for the fixer, the build and the tests, each
  std::optional<unsigned> jobs;               // builds, ctest and analyzers at once; unset: the configuration's, else cores
  std::string command_line;
  std::vector<std::string> command;  // the same, word by word (results record it for a retry)
  std::optional<std::filesystem::path> config_file;  // --config; else autofix-gate.json lookup (docs/configuration.md)
  bool fail_fast = false;                     // stop testing at the first confirmed regression
  bool allow_test_edits = false;              // edits to test sources warn instead of needing review
  std::optional<int> flaky_reruns;            // overrides the configuration's flaky_reruns
  std::optional<std::chrono::seconds> test_timeout;  // overrides the configuration's test_timeout
  // attempt and batch: what the fixes aim at, for the circuit breaker's key (docs/breaker.md); unset: the
  // tests --require-fixed names, else "any".
  std::optional<std::string> target;
};

// What a use case (attempt, verify) ends with: its results, where its reports went, the exit code.
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
GateConfig effective_config(const SessionOptions& options, const git::Repository& repo);
// Where things are (resolve_layout), refused before anything changes when the source or build directory
// is not this repository's CMake project (check_project_layout).
Layout checked_layout(const SessionOptions& options, const git::Repository& repo, const GateConfig& config);
RunSettings run_settings(const SessionOptions& options, const GateConfig& config);

// Opens the session's operation (journal, snapshot, private copy) under `lock`, with nothing changed by
// the gate yet (a change found at the rollback is someone else's, and stays), and places this run's
// reports under the snapshot's id.
Operation open_operation(const git::Repository& repo, RepositoryLock lock, const std::string& name,
                         const std::string& message, Layout& l, reporters::Progress& progress);

// Writes the report set of `result` into its directory and publishes it as `latest`; a failure is a
// warning on `progress`, never the end of the run (the verdict stands, the tree is already restored).
void write_reports_or_warn(const AttemptResult& result, const Layout& l, reporters::Progress& progress);

// The configured retention (gate/run/retention.h) once the run is over, with the lock still held; what
// cannot be removed is a warning, never a change of the outcome.
void apply_retention_or_warn(const git::Repository& repo, const GateConfig& config, const AttemptResult& result,
                             reporters::Progress& progress);

}  // namespace autofix
