#pragma once
// The steps that `attempt` and `verify` share: where things live, the baseline, building, running the
// tests with re-runs for flaky ones, and reading what a change did to the tree.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gate/attempt_result.h"
#include "gate/baseline.h"
#include "gate/config.h"
#include "gate/git/handles.h"
#include "gate/git/repository.h"
#include "gate/operation.h"
#include "reporters/progress.h"
#include "runners/cmake_build.h"
#include "runners/ctest_runner.h"

namespace autofix {

struct Layout {
  const git::Repository* repo = nullptr;
  std::filesystem::path root;
  std::filesystem::path source_dir;  // the CMake source directory: root, or --source-dir / source_dir inside it
  std::filesystem::path build_dir;
  std::filesystem::path report_dir;  // where this run's reports go (see place_reports)
  // The default report directory is a root with one directory per run (gate/report_location.h);
  // an explicit one (--report-dir, "report_dir") is used as it is.
  std::filesystem::path report_root;
  bool report_per_attempt = false;
  std::vector<std::string> excluded;  // build and report directories inside the work tree
};

// Command-line paths are relative to `cwd`; configured ones to the repository root. Throws Error(usage)
// when the build or report directory is the repository root, or the source directory is outside it.
// (check_project_layout in gate/project_check.h then looks at what is on disk.)
Layout resolve_layout(const git::Repository& repo, const std::filesystem::path& cwd,
                      const std::optional<std::filesystem::path>& build_dir,
                      const std::optional<std::filesystem::path>& report_dir, const GateConfig& config,
                      const std::optional<std::filesystem::path>& source_dir = std::nullopt);

// Once the run's id is known: its reports go to <report root>/<id> (the default), or to the explicit
// report directory.
void place_reports(Layout& l, const std::string& attempt_id);
// After the reports were written: <report root>/latest names this run's (the default only).
void publish_reports(const Layout& l, const std::string& attempt_id);

// What every step needs to know about limits.
struct RunSettings {
  std::chrono::seconds timeout{600};       // the build, each tier, each whole ctest run
  std::chrono::seconds test_timeout{300};  // each test that sets no CTest TIMEOUT (at most half of `timeout`)
  unsigned jobs = 0;
  int flaky_reruns = 4;
  std::function<bool(const std::string&)> in_shard;  // `verify --shard`: the CTest tests of this job; null: all
};

// Phases after the snapshot report through this: progress lines, durations, and the journal.
class Phases {
 public:
  Phases(reporters::Progress& progress, std::vector<std::pair<std::string, double>>& durations, Operation* op)
      : progress_(progress), durations_(durations), op_(op) {}
  // Throws Interrupted when a signal is pending (a phase is a safe point to stop at)...
  void begin(const std::string& phase, const std::string& what);
  // ...except once the outcome is committed (an accepted fix's branch exists): what is left (restoring
  // the checkout, the reports) runs to its end, and the interrupt is reported with the outcome.
  void begin_after_decision(const std::string& phase, const std::string& what);
  void end(const std::string& outcome);
  void note(const std::string& message) { progress_.note(message); }
  Operation* operation() const noexcept { return op_; }

 private:
  reporters::Progress& progress_;
  std::vector<std::pair<std::string, double>>& durations_;
  Operation* op_;
  std::string current_;
};

runners::BuildResult build_tree(const Layout& l, const RunSettings& s, Operation* op, bool reconfigure = false);

struct TestRun {
  std::vector<TestRecord> records;
  std::vector<std::string> warnings;
};

struct TestRunOptions {
  std::vector<std::string> names;  // CTest tests to run; empty: every test (or the shard's)
  std::vector<std::pair<std::string, std::string>> environment;  // for every test of the run
  bool read_failing_cases = true;  // see runners::CTestOptions
};

// Runs CTest tests with results under `output_dir`.
TestRun run_tests(const Layout& l, const std::filesystem::path& output_dir, const RunSettings& s, Operation* op,
                  const TestRunOptions& options = {});

// A test to run again: which, what its first run showed, and how many extra runs it may get.
struct RerunTarget {
  TestKey key;
  RunStatus first = RunStatus::failed;
  int rounds = 0;
};

// Extra runs a test gets: `reruns`, but one for a test that timed out (a hang hangs again), and no more
// than fit in kRerunBudget of its own duration (at least one): a 60-second suite binary is not run
// four more times.
inline constexpr double kRerunBudgetSeconds = 120;
int rerun_rounds(const TestRecord& first_run, int reruns);

// The records to re-run among `records` (those `wanted` selects), as targets with rerun_rounds() each.
// A CTest test whose cases were read and show a failure is not itself re-run: its cases are, and they
// say more for less time.
std::vector<RerunTarget> rerun_targets(const std::vector<TestRecord>& records, int reruns,
                                       const std::function<bool(const TestRecord&)>& wanted);

// Runs each target again, up to its rounds, stopping at the first run whose pass/fail disagrees with
// `first`. CTest tests run through ctest; GoogleTest cases through ctest with GTEST_FILTER set to them;
// Catch2 and doctest cases by the gate itself with the framework's filter (runners/case_results.h).
// Returns the records of the extra runs per key; a run that gave no result for a target (its binary
// crashed before writing its cases, or only CTest could run it) is left out, and the target is not
// tried again.
std::map<TestKey, std::vector<TestRecord>> rerun_until_disagreement(const Layout& l, const RunSettings& s,
                                                                   Operation* op, const std::vector<RerunTarget>& targets);

// True when some run in `reruns` disagrees (pass versus not pass) with `first`.
bool disagrees(RunStatus first, const std::vector<RunStatus>& reruns);

// The statuses of `runs`, in order.
std::vector<RunStatus> statuses_of(const std::vector<TestRecord>& runs);

// The tests (and per-test sanitizer reports) of the tree without the change, stored under its key.
BaselineRecord ensure_baseline(const git::Repository& repo, const Layout& l, const std::string& tree,
                               const RunSettings& s, const GateConfig& config, Phases& phases, BaselineInfo& info,
                               const std::string& key_extra = {});

// The work tree as a tree object (blobs stored), scanned against the current index.
git_oid current_worktree_tree(const git::Repository& repo, const std::vector<std::string>& excluded);

git::DiffPtr diff_trees(const git::Repository& repo, const git_oid& before, const git_oid& after);
std::vector<FileChange> changed_files(git_diff* diff);

// Writes `paths` as they are in `tree` into the work tree: files with their mode, symbolic links, and
// directories where the tree has one (a file or link in the way is removed); paths the tree lacks are
// removed. Used to put the tree without the fix back for a moment (static analysis of the baseline) and
// to check out a base. Throws Error(io) naming the path when the file system refuses.
void materialize_paths(const git::Repository& repo, const git_oid& tree, const std::vector<std::string>& paths);

// The same, only for the paths whose file is still exactly as `expected` has it (content and executable
// bit; absent where it has none): a file someone edited meanwhile is left as it is. Returns the paths
// written.
std::vector<std::string> materialize_unchanged_paths(const git::Repository& repo, const git_oid& tree,
                                                     const std::vector<std::string>& paths, const git_oid& expected);

}  // namespace autofix
