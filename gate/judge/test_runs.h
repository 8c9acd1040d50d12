// SPDX-License-Identifier: MIT
#pragma once
// Building the tree and running its tests: the whole suite, a selection, and re-runs of the tests whose
// status changed, to tell a flaky test from one the change broke.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gate/judge/phases.h"
#include "gate/judge/toolchain.h"
#include "gate/results/attempt_result.h"
#include "gate/state/layout.h"

namespace autofix {

// The text of <build_dir>/CMakeCache.txt; empty when there is none.
std::string cmake_cache_text(const std::filesystem::path& build_dir);

// A build configured before the gate asked for them lacks the File API's codemodel reply (cascading
// failures) or, with a generator that writes one for a compiled language the cache names,
// compile_commands.json (the static tiers).
bool lacks_what_the_gate_reads(const std::filesystem::path& build_dir);

runners::BuildResult build_tree(Toolchain& toolchain, const Layout& l, const RunSettings& s, bool reconfigure = false);

struct TestRun {
  std::vector<TestRecord> records;
  std::vector<std::string> warnings;
};

struct TestRunOptions {
  std::vector<std::string> names;  // CTest tests to run; empty: every test (or the shard's)
  std::vector<std::pair<std::string, std::string>> environment;  // for every test of the run
  bool read_failing_cases = true;  // see runners::CTestOptions
  // Tests that run one GoogleTest case each and whose run says nowhere where it is defined get it from
  // one `--gtest_list_tests` per binary (runners/gtest_listing.h); re-runs, whose first run has it, skip it.
  bool locate_cases = true;
};

// Runs CTest tests with results under `output_dir`.
TestRun run_tests(Toolchain& toolchain, const Layout& l, const std::filesystem::path& output_dir, const RunSettings& s,
                  const TestRunOptions& options = {});

// A test to run again: which, what its first run showed, and how many extra runs it may get.
struct RerunTarget {
  TestKey key;
  RunStatus first = RunStatus::failed;
  int rounds = 0;
};

// What to run again: the targets, and every case each CTest test's first run showed (a filter that
// selects some cases of a binary must leave the others out: a test that did not move is not re-run).
struct RerunPlan {
  std::vector<RerunTarget> targets;
  std::map<std::string, std::vector<std::string>> cases_of;  // CTest test -> its cases, as the records list them
};

// Extra runs a test gets: `reruns`, but one for a test that timed out (a hang hangs again), and no more
// than fit in kRerunBudget of its own duration (at least one): a 60-second suite binary is not run
// four more times.
inline constexpr double kRerunBudgetSeconds = 120;
int rerun_rounds(const TestRecord& first_run, int reruns);

// The records to re-run among `records`: each gets rerun_rounds(record, reruns_for(record)), and a record
// for which reruns_for says 0 is not re-run. A CTest test is not itself re-run when one of its cases is,
// or when it failed and its cases show a failure: its cases say more for less time (the case, not the
// binary, runs again).
RerunPlan rerun_plan(const std::vector<TestRecord>& records, const std::function<int(const TestRecord&)>& reruns_for);

// Runs each target again, up to its rounds, stopping at the first run whose pass/fail disagrees with
// `first`. CTest tests run through ctest; GoogleTest cases through ctest with GTEST_FILTER selecting
// exactly them among the binary's cases (runners/gtest_filter.h; when no filter can, the binary runs
// whole and the cases are read by name); Catch2 and doctest cases by the gate itself with the
// framework's filter (runners/case_results.h). Returns the records of the extra runs per key; a run that
// gave no result for a target (its binary crashed before writing its cases, or only CTest could run it)
// is left out, and the target is not tried again.
std::map<TestKey, std::vector<TestRecord>> rerun_until_disagreement(Toolchain& toolchain, const Layout& l,
                                                                   const RunSettings& s, const RerunPlan& plan);

// True when some run in `reruns` disagrees (pass versus not pass) with `first`.
bool disagrees(RunStatus first, const std::vector<RunStatus>& reruns);

// The statuses of `runs`, in order.
std::vector<RunStatus> statuses_of(const std::vector<TestRecord>& runs);

}  // namespace autofix
