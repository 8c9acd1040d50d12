// SPDX-License-Identifier: MIT
#pragma once
// The results model of one fix attempt: the only thing reporters read (JSON, JUnit, summary).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gate/results/file_status.h"
#include "gate/results/lane.h"
#include "gate/results/on_accept.h"
#include "gate/results/recovery.h"
#include "gate/results/risk_level.h"
#include "gate/results/tier_kind.h"
#include "gate/util/error.h"

namespace autofix {

// planned: a dry run; the plan was printed, nothing was built or judged (never an accept).
// refused_breaker_open: the circuit breaker of the attempt's key is open (docs/breaker.md); nothing was
// touched, built or judged (exit 6).
enum class Verdict { accepted, rejected, needs_review, error, planned, refused_breaker_open };
inline constexpr auto kVerdicts =
    enum_table<Verdict>({{Verdict::accepted, "accepted"}, {Verdict::rejected, "rejected"},
                         {Verdict::needs_review, "needs_review"}, {Verdict::error, "error"}, {Verdict::planned, "planned"},
                         {Verdict::refused_breaker_open, "refused_breaker_open"}});
const char* to_string(Verdict v) noexcept;
int exit_code_for(Verdict v) noexcept;

// A test's status in one run, as far as the verdict cares.
enum class RunStatus { passed, failed, timeout, not_run, skipped };
inline constexpr auto kRunStatuses =
    enum_table<RunStatus>({{RunStatus::passed, "passed"}, {RunStatus::failed, "failed"}, {RunStatus::timeout, "timeout"},
                           {RunStatus::not_run, "not_run"}, {RunStatus::skipped, "skipped"}});
const char* to_string(RunStatus s) noexcept;

// How a test changed between the baseline (the tree without the fix) and the fixed tree.
// FLAKY: the test's result changed between runs of one tree; neither a fix nor a regression.
// SKIPPED: it ran on neither tree (disabled, skipped on purpose); neither a failure nor a pass.
enum class Transition { FAIL_TO_PASS, PASS_TO_PASS, PASS_TO_FAIL, FAIL_TO_FAIL, MISSING, NEW, FLAKY, SKIPPED };
// Every transition, in the order reports list them.
inline constexpr auto kTransitions = enum_table<Transition>(
    {{Transition::FAIL_TO_PASS, "FAIL_TO_PASS"}, {Transition::PASS_TO_PASS, "PASS_TO_PASS"},
     {Transition::PASS_TO_FAIL, "PASS_TO_FAIL"}, {Transition::FAIL_TO_FAIL, "FAIL_TO_FAIL"}, {Transition::MISSING, "MISSING"},
     {Transition::NEW, "NEW"}, {Transition::FLAKY, "FLAKY"}, {Transition::SKIPPED, "SKIPPED"}});
const char* to_string(Transition t) noexcept;

// A place in the project's sources: a repository-relative, '/'-separated file (a path outside the
// repository stays as the test printed it) and a 1-based line. file empty: unknown; line 0: unknown
// (a file alone is still worth showing, e.g. doctest's test case file).
struct SourceLocation {
  std::string file;
  int line = 0;
  bool known() const noexcept { return !file.empty(); }
  bool operator==(const SourceLocation&) const = default;
};

// A few lines of a file, as the tree with the change had them on disk, around the one line a finding or a
// test regression is about (gate/judge/source_excerpts.h takes them; reporters only show them). Every line
// is valid UTF-8, without its line end ("\r\n" or "\n"); a line longer than the reader's limit is cut at
// a character boundary and its number listed in cut_lines, so its text is a prefix of the real line.
struct SourceExcerpt {
  std::string file;                // repository-relative, as the finding or the test's location names it
  int line = 0;                    // the line it is about (1-based), within the excerpt
  int first_line = 0;              // the number of lines.front()
  std::vector<std::string> lines;  // first_line, first_line + 1, ...
  std::vector<int> cut_lines{};    // the numbers of the lines that were cut
  // The text of line `number`, or nullptr when the excerpt does not hold it.
  const std::string* text_of(int number) const noexcept;
  bool is_cut(int number) const noexcept;
  int last_line() const noexcept { return first_line + static_cast<int>(lines.size()) - 1; }
  bool operator==(const SourceExcerpt&) const = default;
};

// The first assertion a failing test reported: where (unknown when the framework did not say, e.g.
// GoogleTest's "unknown file: Failure" for an exception) and what it printed about it (the assertion
// and its values, e.g. "Expected equality of these values:\n  a\n    Which is: 2\n  1"; capped).
struct FailedAssertion {
  SourceLocation location;
  std::string message;
  bool operator==(const FailedAssertion&) const = default;
};

// What was observed of one test on one tree.
struct TestRecord {
  // What people read: the CTest test's name, or "<CTest test>::<case>" for a case inside it. Not an
  // identity: a CTest name may itself contain "::"; ctest_test and case_name are (see key_of).
  std::string name;
  RunStatus status = RunStatus::not_run;  // of the first run
  double duration_s = 0;
  std::string output;  // capped excerpt
  std::string ctest_test{};  // the CTest test it belongs to; empty means `name` (a CTest-level record)
  std::string case_name{};   // the case within the CTest test's binary ("Suite.Case"); empty for the CTest test
  // The failure lines it printed (runners/failure_lines.h). After re-runs: on the baseline, every line any
  // run printed; with the change, only the lines every failing run printed. So a line that comes and goes
  // is never counted as new.
  std::vector<std::string> failures{};
  std::vector<RunStatus> reruns{};  // extra runs on the same tree, in order (baseline records: flake checks)
  // Where the test is defined: the case's own file and line from its framework's XML report, else the
  // CTest test's registration site (a CMakeLists.txt line); unknown when neither says.
  SourceLocation defined_at{};
  // The first failing assertion its output shows (runners/failed_assertion.h); none when it passed or
  // printed no assertion the parser knows.
  std::optional<FailedAssertion> first_failure{};
};

// The identity of a test across runs and trees: (CTest test, case).
struct TestKey {
  std::string ctest_test;
  std::string case_name;
  auto operator<=>(const TestKey&) const = default;
};
TestKey key_of(const TestRecord& r);

struct TestOutcome {
  std::string name;
  std::string ctest_test;
  std::string case_name;
  std::optional<TestRecord> baseline;
  std::optional<TestRecord> after;
  Transition transition = Transition::PASS_TO_PASS;
  std::vector<RunStatus> reruns;  // extra runs on the tree that showed the change, in order
  bool baseline_flaky = false;    // the baseline's own runs disagreed
  int known_flakes = 0;           // how often earlier attempts saw this test flake
  // FAIL_TO_FAIL without per-case results: failure lines printed with the change that the baseline never
  // printed. Not empty: the fix broke more of the test than was broken (a regression).
  std::vector<std::string> new_failures;
  std::string observed;  // what the runs showed, e.g. "failed 5 of 5 runs without the fix, passed 3 of 5 with it"
  // What reporters show for the test (set by gate/policy/classify.h): where it is defined (the
  // record with the fix, else the baseline's), and the first failing assertion of the run that shows
  // the change: the run with the fix when it reported one (a regression, a test still failing), else the
  // baseline's (what a fixed test used to fail on).
  SourceLocation defined_at{};
  std::optional<FailedAssertion> first_failure{};
  // For a regression: the lines around where it is placed (its first failing assertion inside the
  // repository, else where it is defined), when that file could be read (gate/judge/source_excerpts.h).
  std::optional<SourceExcerpt> excerpt{};
  // Which shard of `verify --shard K/N` ran it (K), in a result `merge` made; 0 in any other result.
  int shard = 0;
  TestKey key() const { return {ctest_test, case_name}; }
};

// A finding against the baseline (SARIF's baselineState): new with the change, unchanged, or absent (the
// change removed it).
enum class FindingState { new_, unchanged, absent };
inline constexpr auto kFindingStates = enum_table<FindingState>(
    {{FindingState::new_, "new"}, {FindingState::unchanged, "unchanged"}, {FindingState::absent, "absent"}});
inline const char* to_string(FindingState s) noexcept { return kFindingStates.c_name_of(s); }
template <typename Json>
void to_json(Json& j, FindingState s) {
  j = to_string(s);
}

// One problem a tier found: an analyzer warning, a secret, a sanitizer report, a failing command.
struct Finding {
  std::string rule;         // checker name ("bugprone-use-after-move"), secret rule, sanitizer error kind
  std::string file;         // repository-relative, '/'-separated; empty when not tied to a file
  int line = 0;             // 1-based; 0 when unknown
  int column = 0;
  // The analyzer's own word (cppcheck: error, warning, style, performance, portability, information;
  // clang-tidy: error, warning, remark); other tiers: error. gate/results/severity.h weighs it.
  std::string severity = "error";
  std::string message;
  std::string fingerprint;  // stable across line shifts (see gate/policy/findings.h)
  FindingState state = FindingState::new_;
  std::string detail;       // more text: a sanitizer report's first frames, the test that printed it
  bool blocking = true;     // false: below its tier's fail_on threshold; reported, never fails the tier
  // The lines around file:line in the tree with the change (new and unchanged findings; gate/judge/source_excerpts.h).
  std::optional<SourceExcerpt> excerpt{};
};

enum class TierStatus { passed, failed, skipped, error };
inline constexpr auto kTierStatuses = enum_table<TierStatus>(
    {{TierStatus::passed, "passed"}, {TierStatus::failed, "failed"}, {TierStatus::skipped, "skipped"}, {TierStatus::error, "error"}});
const char* to_string(TierStatus s) noexcept;

struct TierResult {
  std::string name;
  TierKind kind = TierKind::ctest;
  bool required = true;      // advisory tiers report but never reject (unless the change is high risk)
  TierStatus status = TierStatus::skipped;
  std::string reason;        // one line: why it passed, failed or was skipped
  double duration_s = 0;
  std::vector<Finding> findings;    // new ones decide; unchanged and absent are reported
  std::vector<std::string> tests;   // the tests this tier selected (ctest, sanitizers, command JUnit)
  std::vector<int> shards{};        // in a result `merge` made: the shards (K of K/N) that ran it, ascending
};

// A changed file a regressed test's build reaches, and how.
struct CascadeCandidate {
  std::string file;
  std::vector<std::string> chain;  // test target → ... → changed file (shortest)
  bool operator==(const CascadeCandidate&) const = default;
};

// How a regression connects to the change (see gate/policy/cascade.h): through a test target the fix
// aimed at (direct), through another one whose build reaches a changed file (cascading), through none
// (unrelated), or not known (no build graph for the test).
enum class CascadeKind { direct, cascading, unrelated, unknown };
inline constexpr auto kCascadeKinds =
    enum_table<CascadeKind>({{CascadeKind::direct, "direct"}, {CascadeKind::cascading, "cascading"},
                             {CascadeKind::unrelated, "unrelated"}, {CascadeKind::unknown, "unknown"}});
inline const char* to_string(CascadeKind k) noexcept { return kCascadeKinds.c_name_of(k); }
template <typename Json>
void to_json(Json& j, CascadeKind k) {
  j = to_string(k);
}

struct CascadeEntry {
  std::string test;
  CascadeKind kind = CascadeKind::unknown;
  std::string changed_file;         // the one candidate (or the one the test's output names); else empty
  std::vector<std::string> chain;   // its chain; empty when changed_file is
  std::vector<CascadeCandidate> candidates{};  // every changed file the test's build reaches, shortest chain first
};

// How a fix weakened a test (gate/policy/tampering.h describes each kind).
enum class TamperKind { missing, disabled, skipped, unregistered, labels_changed, property_changed, test_source_edited };
inline constexpr auto kTamperKinds = enum_table<TamperKind>(
    {{TamperKind::missing, "missing"}, {TamperKind::disabled, "disabled"}, {TamperKind::skipped, "skipped"},
     {TamperKind::unregistered, "unregistered"}, {TamperKind::labels_changed, "labels_changed"},
     {TamperKind::property_changed, "property_changed"}, {TamperKind::test_source_edited, "test_source_edited"}});
inline const char* to_string(TamperKind k) noexcept { return kTamperKinds.c_name_of(k); }
template <typename Json>
void to_json(Json& j, TamperKind k) {
  j = to_string(k);
}

// A test weakened by the fix (see gate/policy/tampering.h).
struct TamperFinding {
  TamperKind kind = TamperKind::missing;
  std::string file;   // repository-relative; empty when only the test is known
  int line = 0;
  std::string test;   // the affected test, when known
  std::string detail;
  bool downgraded = false;  // --allow-test-edits turned it into a warning
};

struct RiskAssessment {
  RiskLevel level = RiskLevel::normal;
  std::string pattern;           // the pattern that matched
  std::string path;              // the changed path it matched
};

struct LaneChoice {
  Lane lane = Lane::standard;
  std::string reason;
};

struct BuildOutcome {
  bool ran = false;
  bool ok = false;
  double duration_s = 0;
  std::vector<std::string> errors;
  std::string failure;
  bool timed_out = false;  // it reached its time limit: that says nothing about the fix
  // Lines of its output that say the machine, not the code, failed it (no space left, out of memory, a
  // download that failed: gate/policy/failure_type.h), in order, capped.
  std::vector<std::string> environment{};
};

struct FileChange {
  std::string path;
  FileStatus status = FileStatus::modified;
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

// A path someone other than the fix changed while the attempt ran (gate/snapshot/outside_changes.h).
struct OutsideEdit {
  std::string path;
  FileStatus change = FileStatus::modified;  // against the snapshot
  std::string action;  // kept (left as it is), set_aside (the fix undone there, this version under kept_ref), restored
};

// Why an attempt was refused by the circuit breaker (verdict refused_breaker_open): the key, the last
// failure's signature, the consecutive rejections, when it opened and when it half-opens (ISO 8601 UTC),
// and the command that resets it.
struct BreakerRefusal {
  std::string key;
  std::string signature;
  unsigned failures = 0;
  std::string opened_at;
  std::string half_opens_at;
  std::string reset_command;
  bool operator==(const BreakerRefusal&) const = default;
};

struct AttemptResult {
  std::string attempt_id;
  std::string snapshot;
  Verdict verdict = Verdict::error;
  std::string reason;
  bool dry_run = false;
  OnAccept on_accept = OnAccept::none;
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
  std::vector<TierResult> tiers;       // in configured order
  std::vector<CascadeEntry> cascading; // one per regression
  std::vector<TamperFinding> tampering;
  RiskAssessment risk;
  LaneChoice lane;
  std::optional<std::string> shard;    // "K/N" for a partial result of `verify --shard`
  std::string mode = "attempt";        // attempt or verify
  bool stopped_early = false;          // --fail-fast ended the test run at a confirmed regression
  std::optional<std::string> base;     // verify: the base commit
  std::optional<std::string> head;     // verify: the head commit
  std::vector<OutsideEdit> outside_edits;  // what the rollback kept of others' changes
  std::optional<std::string> kept_ref;     // refs/autofix/kept/<id>, when a version was set aside
  int interrupted_after_decision = 0;      // a signal that arrived once the outcome was committed (it stands)
  // The tools the run used, each with the version it said ("cmake" -> "cmake version 3.25.1"): see
  // Toolchain::tool_versions (gate/judge/toolchain.h). A tool the run did not use is absent.
  std::map<std::string, std::string> tool_versions;
  // The gate command that ran, word by word (empty in results read from older reports).
  std::vector<std::string> command;
  bool patch_refused = false;  // the patch did not apply, or was unsafe: nothing was changed
  std::string error_kind;      // verdict error: the error's kind (gate/util/error.h to_string), when one was thrown
  // Not accepted: what kind of failure it was, and the plan of what to do next (gate/policy/recovery_plan.h).
  std::optional<Failure> failure;
  std::vector<RecoveryStep> recovery;
  std::optional<BreakerRefusal> breaker;  // verdict refused_breaker_open only

  size_t tests_run() const;
  size_t tests_passed() const;
  std::vector<std::string> names_with(Transition t) const;
  // The tests the fix broke, by name:
  //   PASS_TO_FAIL tests, less those the fix disabled or skipped on purpose (a tampering finding names
  //     them and they did not run: weakened tests, which need review, not regressions), and less a CTest
  //     test whose own cases name the regression (its failing cases are listed instead);
  //   NEW tests that fail (a test the fix added, or a case that did not run before, failing now);
  //   FAIL_TO_FAIL tests that print failures the baseline never printed (new_failures).
  std::vector<std::string> regressions() const;
  // Why each regression counts, one line each ("X passed without the fix and failed with it").
  std::vector<std::string> regression_reasons() const;
  // Why one of `tests` counts as a regression, as regression_reasons() says it; empty when it is none.
  // For readers that go by the test itself rather than by its name, which is no identity.
  std::string regression_reason_of(const TestOutcome& test) const;
};

// The run could not be judged: verdict `error`, the reason being the error's message and its hint.
void record_gate_error(AttemptResult& result, const Error& e);

}  // namespace autofix
