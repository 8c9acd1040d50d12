#pragma once
// The results model of one fix attempt: the only thing reporters read (JSON, JUnit, summary).
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace autofix {

enum class Verdict { accepted, rejected, needs_review, error };
const char* to_string(Verdict v) noexcept;
int exit_code_for(Verdict v) noexcept;

// A test's status in one run, as far as the verdict cares.
enum class RunStatus { passed, failed, timeout, not_run, skipped };
const char* to_string(RunStatus s) noexcept;

// How a test changed between the baseline (the tree without the fix) and the fixed tree.
enum class Transition { FAIL_TO_PASS, PASS_TO_PASS, PASS_TO_FAIL, FAIL_TO_FAIL, MISSING, NEW };
const char* to_string(Transition t) noexcept;

struct TestRecord {
  std::string name;
  RunStatus status = RunStatus::not_run;
  double duration_s = 0;
  std::string output;  // capped excerpt
};

struct TestOutcome {
  std::string name;
  std::optional<TestRecord> baseline;
  std::optional<TestRecord> after;
  Transition transition = Transition::PASS_TO_PASS;
};

struct BuildOutcome {
  bool ran = false;
  bool ok = false;
  double duration_s = 0;
  std::vector<std::string> errors;
  std::string failure;
};

struct FileChange {
  std::string path;
  std::string status;  // added, modified, deleted
};

struct BaselineInfo {
  std::string key;
  bool cached = false;  // this attempt reused a stored baseline
  int runs = 0;         // how often the baseline suite has run for this key
  bool build_ok = false;
};

struct FixerOutcome {
  std::vector<std::string> command;
  std::string result;  // "exit code 0", "timed out after 600 s", ...
  bool ok = false;
  std::string out;
  std::string err;
};

struct AttemptResult {
  std::string attempt_id;
  std::string snapshot;
  Verdict verdict = Verdict::error;
  std::string reason;
  bool dry_run = false;
  std::string on_accept;  // branch | keep | commit
  bool patch_applied = false;
  std::vector<FileChange> files_changed;
  std::optional<FixerOutcome> fixer;
  BuildOutcome build;
  BaselineInfo baseline;
  std::vector<TestOutcome> tests;  // sorted by name
  std::vector<std::string> require_fixed;
  std::vector<std::pair<std::string, double>> durations;  // per phase, in order
  std::optional<std::string> branch;   // the accept branch
  std::optional<std::string> commit;   // the accept commit
  std::string started;                 // ISO 8601 UTC

  size_t tests_run() const;
  size_t tests_passed() const;
  std::vector<std::string> names_with(Transition t) const;
};

// Compares two runs test by test. Passed is a pass; failed, timeout and not-run are failures;
// skipped counts as not passing (a passing test that is now skipped is a regression).
std::vector<TestOutcome> classify(const std::vector<TestRecord>& baseline, const std::vector<TestRecord>& after);

struct Decision {
  Verdict verdict;
  std::string reason;
};

// Accepted when the build passed, no test regressed or went missing, and every required test was fixed.
Decision decide(const AttemptResult& result);

}  // namespace autofix
