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
  std::filesystem::path report_dir;
  std::vector<std::string> excluded;  // build and report directories inside the work tree
};

// Command-line paths are relative to `cwd`; configured ones to the repository root. Throws Error(usage)
// when the build or report directory is the repository root, or the source directory is outside it.
// (check_project_layout in gate/project_check.h then looks at what is on disk.)
Layout resolve_layout(const git::Repository& repo, const std::filesystem::path& cwd,
                      const std::optional<std::filesystem::path>& build_dir,
                      const std::optional<std::filesystem::path>& report_dir, const GateConfig& config,
                      const std::optional<std::filesystem::path>& source_dir = std::nullopt);

// What every step needs to know about limits.
struct RunSettings {
  std::chrono::seconds timeout{600};  // for the build, the tests, each tier
  unsigned jobs = 0;
  int flaky_reruns = 4;
  std::function<bool(const std::string&)> in_shard;  // `verify --shard`: the CTest tests of this job; null: all
};

// Phases after the snapshot report through this: progress lines, durations, and the journal.
class Phases {
 public:
  Phases(reporters::Progress& progress, std::vector<std::pair<std::string, double>>& durations, Operation* op)
      : progress_(progress), durations_(durations), op_(op) {}
  void begin(const std::string& phase, const std::string& what);
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

// Runs the CTest tests named in `names` (when empty: every test, or the shard's) with results under `output_dir`.
TestRun run_tests(const Layout& l, const std::filesystem::path& output_dir, const RunSettings& s, Operation* op,
                  const std::vector<std::string>& names = {});

// The CTest test a record belongs to: "binary::Suite.Case" → "binary".
std::string ctest_name_of(const std::string& record_name);

// Runs each test in `first` again, up to `reruns` times, stopping at the first run whose pass/fail
// disagrees with the status in `first`. Returns the extra runs per record name.
std::map<std::string, std::vector<RunStatus>> rerun_until_disagreement(const Layout& l, const RunSettings& s,
                                                                       Operation* op,
                                                                       const std::map<std::string, RunStatus>& first,
                                                                       int reruns);

// True when some run in `reruns` disagrees (pass versus not pass) with `first`.
bool disagrees(RunStatus first, const std::vector<RunStatus>& reruns);

// The tests (and per-test sanitizer reports) of the tree without the change, stored under its key.
BaselineRecord ensure_baseline(const git::Repository& repo, const Layout& l, const std::string& tree,
                               const RunSettings& s, const GateConfig& config, Phases& phases, BaselineInfo& info,
                               const std::string& key_extra = {});

// The work tree as a tree object (blobs stored), scanned against the current index.
git_oid current_worktree_tree(const git::Repository& repo, const std::vector<std::string>& excluded);

git::DiffPtr diff_trees(const git::Repository& repo, const git_oid& before, const git_oid& after);
std::vector<FileChange> changed_files(git_diff* diff);

// Writes `paths` as they are in `tree` into the work tree (removing those the tree lacks): used to put
// the tree without the fix back for a moment (static analysis of the baseline) and to check out a base.
void materialize_paths(const git::Repository& repo, const git_oid& tree, const std::vector<std::string>& paths);

}  // namespace autofix
