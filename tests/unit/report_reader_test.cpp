// SPDX-License-Identifier: MIT
#include "gate/results/report_reader.h"

#include <gtest/gtest.h>

#include <functional>

#include "gate/util/error.h"
#include "reporters/attempt_report.h"
#include "tests/support/json_schema_check.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

using nlohmann::json;
using reporters::attempt_json;

TestRecord record(const std::string& name, RunStatus s, double d) { return {name, s, d, ""}; }

// Every field set, every enum value used at least once.
AttemptResult rich() {
  AttemptResult r;
  r.attempt_id = "20261122T000000Z-abcdef";
  r.snapshot = "20261122T000000Z-snap";
  r.verdict = Verdict::needs_review;
  r.reason = "the fix weakens tests (1): disabled Old.Test";
  r.dry_run = true;
  r.on_accept = OnAccept::branch;
  r.patch_applied = true;
  r.files_changed = {{"src/a.cpp", FileStatus::modified}, {"src/new.h", FileStatus::added}, {"docs/gone.md", FileStatus::deleted}};
  r.fixer = FixerOutcome{{"fixer", "--fix", "a file with spaces"}, "exit code 0", true, "out\n", "err \"quoted\"\n"};
  r.build = {true, false, 12.25, {"a.cpp:1: error: x", "b.cpp:2: error: y"}, "the build failed"};
  r.baseline = {"base-key-123", true, 4, true};
  auto t = [](std::string name, Transition tr, std::optional<TestRecord> before, std::optional<TestRecord> after) {
    TestOutcome o;
    o.name = std::move(name);
    o.transition = tr;
    o.baseline = std::move(before);
    o.after = std::move(after);
    return o;
  };
  r.tests = {
      t("A.Fixed", Transition::FAIL_TO_PASS, record("A.Fixed", RunStatus::failed, 0.5), record("A.Fixed", RunStatus::passed, 0.25)),
      t("B.Kept", Transition::PASS_TO_PASS, record("B.Kept", RunStatus::passed, 1), record("B.Kept", RunStatus::passed, 1.5)),
      t("C.Broken", Transition::PASS_TO_FAIL, record("C.Broken", RunStatus::passed, 0), record("C.Broken", RunStatus::timeout, 60)),
      t("D.Failing", Transition::FAIL_TO_FAIL, record("D.Failing", RunStatus::not_run, 0), record("D.Failing", RunStatus::skipped, 0)),
      t("E.Gone", Transition::MISSING, record("E.Gone", RunStatus::passed, 0.125), std::nullopt),
      t("F.New", Transition::NEW, std::nullopt, record("F.New", RunStatus::failed, 2)),
      t("G.Flaky", Transition::FLAKY, record("G.Flaky", RunStatus::failed, 0.5), record("G.Flaky", RunStatus::passed, 0.5)),
  };
  r.tests[2].reruns = {RunStatus::timeout, RunStatus::failed};
  r.tests[6].reruns = {RunStatus::failed, RunStatus::passed, RunStatus::not_run, RunStatus::skipped};
  r.tests[6].baseline_flaky = true;
  r.tests[6].known_flakes = 7;
  r.tests[2].defined_at = {"tests/c test.cpp", 30};
  r.tests[2].first_failure = FailedAssertion{{"tests/c test.cpp", 33}, "Expected equality of these values:\n  f()\n    Which is: 2\n  1"};
  r.tests[3].defined_at = {"tests/d_test.cpp", 0};  // doctest: a file without a line
  r.tests[5].first_failure = FailedAssertion{{}, "C++ exception with description \"boom\" thrown in the test body."};
  r.tests[2].excerpt = SourceExcerpt{"tests/c test.cpp", 33, 31, {"", "  int x = f();", "  EXPECT_EQ(x, 1);  // caf\xC3\xA9", "}"}, {32}};
  r.tests[2].shard = 2;
  r.require_fixed = {"A.Fixed", "Z.Absent"};
  r.durations = {{"snapshot", 0.5}, {"build", 12.25}, {"test", 3.0}};
  r.branch = "autofix/20261122";
  r.commit = "0123456789abcdef0123456789abcdef01234567";
  r.started = "2026-11-22T00:00:00Z";
  TierResult unit{"unit", TierKind::ctest, true, TierStatus::failed, "7 test(s), 1 regression(s)", 3.5, {}, {"A.Fixed", "C.Broken"}};
  unit.findings.push_back({"regression", "", 0, 0, "error", "C.Broken passed and timed out", "C.Broken", FindingState::new_, "detail"});
  TierResult tidy{"tidy", TierKind::clang_tidy, false, TierStatus::passed, "no new findings", 8, {}, {}, {1, 3}};
  tidy.findings.push_back(
      {"bugprone-use-after-move", "src/a.cpp", 12, 7, "warning", "moved", "fp-1", FindingState::unchanged, "more\ntext"});
  tidy.findings.back().excerpt = SourceExcerpt{"src/a.cpp", 12, 12, {"  use(std::move(v)); </script> &"}, {}};
  tidy.findings.push_back({"bugprone-x", "src/b.cpp", 1, 1, "note", "fixed", "fp-2", FindingState::absent, ""});
  tidy.findings.back().blocking = false;
  TierResult asan{"asan", TierKind::sanitizers, true, TierStatus::error, "cannot configure", 0, {}, {}};
  TierResult secrets{"secrets", TierKind::secrets, true, TierStatus::skipped, "docs lane", 0, {}, {}};
  r.tiers = {unit, tidy, asan, secrets};
  r.cascading = {{"C.Broken", CascadeKind::cascading, "src/a.cpp", {"c_test", "libc", "src/a.cpp"}}, {"X.Y", CascadeKind::unknown, "", {}}};
  r.tampering = {{TamperKind::disabled, "tests/old_test.cpp", 14, "Old.Test", "DISABLED_ prefix", false},
                 {TamperKind::labels_changed, "", 0, "", "", true}};
  r.risk = {RiskLevel::high, "src/auth/**", "src/auth/login.cpp"};
  r.lane = {Lane::heavy, "CMakeLists.txt changed"};
  r.shard = "2/3";
  r.mode = "verify";
  r.stopped_early = true;
  r.base = "1111111111111111111111111111111111111111";
  r.head = "2222222222222222222222222222222222222222";
  r.tool_versions = {{"cmake", "cmake version 3.25.1"}, {"ctest", "ctest version 3.25.1"},
                     {"cxx_compiler", "c++ (Debian 12.2.0-14) 12.2.0"}, {"clang-tidy", "Debian LLVM version 14.0.6"}};
  r.command = {"autofix-gate", "verify", "--base", "HEAD~1", "--report-dir", "my reports"};
  r.error_kind = "git";
  r.build.environment = {"No space left on device"};
  r.failure = Failure{FailureType::tampering, "needs_review: the fix weakens tests", {"disabled b", "skipped c"}};
  r.recovery = {{RecoveryAction::manual, "", "review the tests"},
                {RecoveryAction::retry, "autofix-gate verify --allow-test-edits", "only when deliberate"}};
  return r;
}

// The message of the Error(usage) that reading `j` throws, or "accepted".
std::string error_of(const json& j) {
  try {
    attempt_from_json(j, "r.json");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage) << e.what();
    EXPECT_FALSE(e.hint().empty());
    return e.what();
  }
  return "accepted";
}

// The rich report with one edit.
std::string error_after(const std::function<void(json&)>& edit) {
  json j = attempt_json(rich());
  edit(j);
  return error_of(j);
}

std::string file_error_of(const std::filesystem::path& p) {
  try {
    read_report_file(p);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage) << e.what();
    return e.what();
  }
  return "accepted";
}

TEST(ResultTables, InvertToString) {
  for (Verdict v : kVerdicts.values()) EXPECT_EQ(kVerdicts.parse(to_string(v)), v);
  for (Transition t : kTransitions.values()) EXPECT_EQ(kTransitions.parse(to_string(t)), t);
  for (RunStatus s : kRunStatuses.values()) EXPECT_EQ(kRunStatuses.parse(to_string(s)), s);
  for (TierStatus s : kTierStatuses.values()) EXPECT_EQ(kTierStatuses.parse(to_string(s)), s);
  EXPECT_EQ(kVerdicts.alternatives(), "accepted, rejected, needs_review, error, planned or refused_breaker_open");
  EXPECT_EQ(kTransitions.alternatives(),
            "FAIL_TO_PASS, PASS_TO_PASS, PASS_TO_FAIL, FAIL_TO_FAIL, MISSING, NEW, FLAKY or SKIPPED");
  EXPECT_EQ(kRunStatuses.alternatives(), "passed, failed, timeout, not_run or skipped");
  EXPECT_EQ(kTierStatuses.alternatives(), "passed, failed, skipped or error");
}

TEST(ResultTables, RefuseAnythingElse) {
  EXPECT_EQ(kVerdicts.parse("Accepted"), std::nullopt);
  EXPECT_EQ(kVerdicts.parse(""), std::nullopt);
  EXPECT_EQ(kTransitions.parse("pass_to_fail"), std::nullopt);
  EXPECT_EQ(kRunStatuses.parse("passed "), std::nullopt);
  EXPECT_EQ(kTierStatuses.parse(std::string_view("passed\0", 7)), std::nullopt);
}

TEST(AttemptFromJson, RoundTripsEveryField) {
  AttemptResult original = rich();
  json first = attempt_json(original);
  AttemptResult read = attempt_from_json(first, "r.json");
  json second = attempt_json(read);
  EXPECT_EQ(first, second) << "first:\n" << first.dump(2) << "\nsecond:\n" << second.dump(2);

  // Spot checks on the model itself, not only its rendering.
  EXPECT_EQ(read.verdict, Verdict::needs_review);
  ASSERT_TRUE(read.fixer);
  EXPECT_EQ(read.fixer->err, "err \"quoted\"\n");
  ASSERT_EQ(read.tests.size(), 7u);
  EXPECT_EQ(read.tests[4].after, std::nullopt);
  EXPECT_EQ(read.tests[5].baseline, std::nullopt);
  ASSERT_TRUE(read.tests[2].after);
  EXPECT_EQ(read.tests[2].after->name, "C.Broken");
  EXPECT_EQ(read.tests[2].after->status, RunStatus::timeout);
  EXPECT_EQ(read.tests[2].after->output, "");
  EXPECT_EQ(read.tests[6].reruns, original.tests[6].reruns);
  EXPECT_EQ(read.tests[6].known_flakes, 7);
  for (size_t i = 0; i < original.tests.size(); ++i) {
    EXPECT_EQ(read.tests[i].defined_at, original.tests[i].defined_at) << i;
    EXPECT_EQ(read.tests[i].first_failure, original.tests[i].first_failure) << i;
  }
  EXPECT_EQ(first.at("tests")[2].at("defined_at"), json::parse(R"({"file": "tests/c test.cpp", "line": 30})"));
  EXPECT_EQ(first.at("tests")[2].at("first_failure").at("line"), 33);
  EXPECT_EQ(first.at("tests")[0].at("defined_at"), nullptr);
  EXPECT_EQ(first.at("tests")[0].at("first_failure"), nullptr);
  // Source excerpts and shards, as report.json holds them.
  EXPECT_EQ(read.tests[2].excerpt, original.tests[2].excerpt);
  EXPECT_EQ(read.tiers[1].findings[0].excerpt, original.tiers[1].findings[0].excerpt);
  EXPECT_EQ(first.at("tests")[2].at("excerpt"),
            json::parse(R"({"file": "tests/c test.cpp", "line": 33, "first_line": 31,
                            "lines": ["", "  int x = f();", "  EXPECT_EQ(x, 1);  // caf\u00e9", "}"], "cut_lines": [32]})"));
  EXPECT_EQ(first.at("tests")[0].at("excerpt"), nullptr);
  EXPECT_EQ(first.at("tests")[2].at("shard"), 2);
  EXPECT_EQ(first.at("tests")[0].at("shard"), nullptr);
  EXPECT_EQ(read.tests[2].shard, 2);
  EXPECT_EQ(read.tiers[1].shards, (std::vector<int>{1, 3}));
  EXPECT_EQ(first.at("tiers")[0].at("shards"), json::array());
  // report.json keeps durations as an object: they come back in its (sorted) key order.
  std::vector<std::pair<std::string, double>> durations = {{"build", 12.25}, {"snapshot", 0.5}, {"test", 3.0}};
  EXPECT_EQ(read.durations, durations);
  EXPECT_EQ(read.shard, "2/3");
  EXPECT_EQ(read.tiers[1].findings[0].column, 7);
  EXPECT_TRUE(read.tiers[1].findings[0].blocking);
  EXPECT_FALSE(read.tiers[1].findings[1].blocking);
  EXPECT_EQ(read.tampering[1].downgraded, true);
  EXPECT_EQ(read.tool_versions, original.tool_versions);
  EXPECT_EQ(read.command, original.command);
  EXPECT_EQ(read.error_kind, "git");
  EXPECT_EQ(read.build.environment, original.build.environment);
  EXPECT_EQ(read.failure, original.failure);
  EXPECT_EQ(read.recovery, original.recovery);
}

// Written before recovery plans existed: no command, no failure, no plan; read as such.
TEST(AttemptFromJson, ReadsAReportWithoutFailureOrPlan) {
  json j = attempt_json(rich());
  for (const char* key : {"command", "patch_refused", "error_kind", "failure", "recovery"}) j.erase(key);
  j["build"].erase("environment");
  AttemptResult read = attempt_from_json(j, "r.json");
  EXPECT_TRUE(read.command.empty());
  EXPECT_FALSE(read.failure);
  EXPECT_TRUE(read.recovery.empty());
  EXPECT_TRUE(read.build.environment.empty());
  EXPECT_EQ(error_after([](json& report) { report["failure"]["type"] = "flaky"; }),
            "r.json: failure.type: unknown failure type 'flaky' (expected build_failure, test_regression, quality_gate, "
            "tampering, timeout, resource_exhaustion, network, git_error, patch_refused, breaker_open or unknown)");
  EXPECT_EQ(error_after([](json& report) { report["recovery"][0]["action"] = "pray"; }),
            "r.json: recovery[0].action: unknown recovery action 'pray' (expected retry, resume, skip, rollback or manual)");
}

// The circuit breaker's refusal (docs/breaker.md): written, read back, and valid against the schema.
AttemptResult refused_by_breaker() {
  AttemptResult r;
  r.verdict = Verdict::refused_breaker_open;
  r.attempt_id = "20261207T230000Z-abc123";
  r.reason = "the circuit breaker of github.com/o/r|main|any is open";
  r.command = {"autofix-gate", "attempt", "--patch", "fix.diff"};
  r.breaker = BreakerRefusal{"github.com/o/r|main|any", "rejected: the build failed\ntest A", 3,
                             "2026-12-07T20:00:00Z", "2026-12-08T20:00:00Z",
                             "autofix-gate breaker reset 'github.com/o/r|main|any'"};
  return r;
}

TEST(AttemptFromJson, RoundTripsABreakerRefusal) {
  AttemptResult r = refused_by_breaker();
  json first = attempt_json(r);
  EXPECT_EQ(first.at("verdict"), "refused_breaker_open");
  EXPECT_EQ(first.at("breaker"), json::parse(R"({"key": "github.com/o/r|main|any",
      "signature": "rejected: the build failed\ntest A", "failures": 3, "opened_at": "2026-12-07T20:00:00Z",
      "half_opens_at": "2026-12-08T20:00:00Z", "reset_command": "autofix-gate breaker reset 'github.com/o/r|main|any'"})"));
  AttemptResult read = attempt_from_json(first, "r.json");
  EXPECT_EQ(read.verdict, Verdict::refused_breaker_open);
  EXPECT_EQ(read.breaker, r.breaker);
  EXPECT_EQ(attempt_json(read), first);
  EXPECT_EQ(testing::json_schema_problems("report.schema.json", first), "");
  // Older reports have no "breaker"; other verdicts write null.
  EXPECT_EQ(attempt_json(AttemptResult{}).at("breaker"), nullptr);
  first.erase("breaker");
  EXPECT_FALSE(attempt_from_json(first, "r.json").breaker);
  EXPECT_EQ(exit_code_for(Verdict::refused_breaker_open), 6);
}

TEST(AttemptFromJson, RoundTripsADefaultResult) {
  AttemptResult empty;
  json first = attempt_json(empty);
  AttemptResult read = attempt_from_json(first, "r.json");
  EXPECT_EQ(attempt_json(read), first);
  EXPECT_FALSE(read.fixer);
  EXPECT_FALSE(read.branch);
  EXPECT_FALSE(read.shard);
}

TEST(AttemptFromJson, ReadsReportsWrittenBeforeTestsHadLocations) {
  json j = attempt_json(rich());
  for (json& t : j.at("tests")) {
    t.erase("defined_at");
    t.erase("first_failure");
  }
  AttemptResult read = attempt_from_json(j, "r.json");
  for (const TestOutcome& t : read.tests) {
    EXPECT_FALSE(t.defined_at.known()) << t.name;
    EXPECT_EQ(t.first_failure, std::nullopt) << t.name;
  }
}

TEST(AttemptFromJson, ReadsReportsWrittenBeforeExcerptsAndShards) {
  json j = attempt_json(rich());
  for (json& t : j.at("tests")) {
    t.erase("excerpt");
    t.erase("shard");
  }
  for (json& tier : j.at("tiers")) {
    tier.erase("shards");
    for (json& f : tier.at("findings")) f.erase("excerpt");
  }
  AttemptResult read = attempt_from_json(j, "r.json");
  EXPECT_EQ(read.tests[2].excerpt, std::nullopt);
  EXPECT_EQ(read.tests[2].shard, 0);
  EXPECT_EQ(read.tiers[1].findings[0].excerpt, std::nullopt);
  EXPECT_EQ(read.tiers[1].shards, std::vector<int>{});
}

// Reporters look the excerpt's line up in its lines: an excerpt that does not hold it is refused.
TEST(AttemptFromJson, NamesAWrongExcerpt) {
  EXPECT_EQ(error_after([](json& j) { j["tests"][2]["excerpt"]["line"] = 35; }),
            "r.json: tests[2].excerpt.line: must be between 31 and 34, got 35");
  EXPECT_EQ(error_after([](json& j) { j["tests"][2]["excerpt"]["first_line"] = 0; }),
            "r.json: tests[2].excerpt.first_line: must be between 1 and 2147483647, got 0");
  EXPECT_EQ(error_after([](json& j) { j["tests"][2]["excerpt"]["lines"] = json::array(); }),
            "r.json: tests[2].excerpt.lines: holds 0 line(s) from line 31: an excerpt holds at least one line, none "
            "numbered beyond 2147483647");
  EXPECT_EQ(error_after([](json& j) { j["tests"][2]["excerpt"]["cut_lines"] = json::array({30}); }),
            "r.json: tests[2].excerpt.cut_lines[0]: must be between 31 and 34, got 30");
  EXPECT_EQ(error_after([](json& j) { j["tiers"][1]["findings"][0]["excerpt"]["lines"][0] = 7; }),
            "r.json: tiers[1].findings[0].excerpt.lines[0]: expected a string, got the number 7");
  EXPECT_EQ(error_after([](json& j) { j["tests"][2]["shard"] = 0; }),
            "r.json: tests[2].shard: must be between 1 and 2147483647, got 0");
  EXPECT_EQ(error_after([](json& j) { j["tiers"][1]["shards"] = json::array({"1"}); }),
            "r.json: tiers[1].shards[0]: expected an integer, got the string \"1\"");
}

TEST(AttemptFromJson, NamesAWrongLocation) {
  EXPECT_EQ(error_after([](json& j) { j["tests"][2]["defined_at"] = "tests/c.cpp:30"; }),
            "r.json: tests[2].defined_at: expected an object, got the string \"tests/c.cpp:30\"");
  EXPECT_EQ(error_after([](json& j) { j["tests"][2]["first_failure"]["line"] = -1; }),
            "r.json: tests[2].first_failure.line: must be between 0 and 2147483647, got -1");
  EXPECT_EQ(error_after([](json& j) { j["tests"][2]["first_failure"].erase("message"); }),
            "r.json: tests[2].first_failure.message: missing (expected a string)");
}

TEST(AttemptFromJson, SaysItsFormatAndTheGateThatWroteIt) {
  json j = attempt_json(rich());
  EXPECT_EQ(j.at("format_version"), 1);
  EXPECT_EQ(j.at("gate_version"), AUTOFIX_GATE_VERSION);
  EXPECT_EQ(j.at("tool_versions"), json({{"clang-tidy", "Debian LLVM version 14.0.6"}, {"cmake", "cmake version 3.25.1"},
                                         {"ctest", "ctest version 3.25.1"},
                                         {"cxx_compiler", "c++ (Debian 12.2.0-14) 12.2.0"}}));
  EXPECT_EQ(attempt_json(AttemptResult{}).at("tool_versions"), json::object()) << "no tool ran: none is named";
}

// A report written before format_version and tool_versions existed is of format 1: read as such.
TEST(AttemptFromJson, ReadsAReportWithoutFormatOrToolVersions) {
  json j = attempt_json(rich());
  j.erase("format_version");
  j.erase("gate_version");
  j.erase("tool_versions");
  AttemptResult read = attempt_from_json(j, "r.json");
  EXPECT_TRUE(read.tool_versions.empty());
  EXPECT_EQ(read.verdict, Verdict::needs_review);
}

TEST(AttemptFromJson, RefusesAFormatItDoesNotKnow) {
  EXPECT_EQ(error_after([](json& j) { j["format_version"] = 2; }), "r.json: format_version: format 2, newer than this gate reads (1)");
  EXPECT_EQ(error_after([](json& j) { j["format_version"] = 0; }).rfind("r.json: format_version: ", 0), 0u);
  EXPECT_EQ(error_after([](json& j) { j["format_version"] = "1"; }),
            "r.json: format_version: expected an integer, got the string \"1\"");
  EXPECT_EQ(error_after([](json& j) { j["tool_versions"]["cmake"] = 3; }),
            "r.json: tool_versions.cmake: expected a string, got the number 3");
  EXPECT_EQ(error_after([](json& j) { j["tool_versions"] = json::array(); }),
            "r.json: tool_versions: expected an object, got an array");
}

// docs/schemas/report.schema.json describes what the gate writes: every field and enum value of rich(), a
// default result, and the parts rich() leaves empty. A report missing a key, or with a value the schema
// does not know, fails.
TEST(AttemptJson, IsValidAgainstItsSchema) {
  AttemptResult more = rich();
  more.outside_edits = {{"a.cpp", FileStatus::modified, "kept"}, {"b.cpp", FileStatus::deleted, "restored"},
                        {"c.cpp", FileStatus::added, "set_aside"}};
  more.kept_ref = "refs/autofix/kept/20261122T000000Z-abcdef";
  more.interrupted_after_decision = 15;
  more.on_accept = OnAccept::keep;
  more.tiers.push_back({"lint", TierKind::command, true, TierStatus::passed, "exit code 0", 0.5, {}, {}});
  more.tiers.push_back({"check", TierKind::cppcheck, true, TierStatus::passed, "", 0.5, {}, {}});
  for (const AttemptResult& r : {rich(), AttemptResult{}, more})
    EXPECT_EQ(testing::json_schema_problems("report.schema.json", attempt_json(r)), "") << attempt_json(r).dump(2);

  json j = attempt_json(rich());
  j.erase("verdict");
  j["tests"][0]["transition"] = "PASSED";
  j["tests"][4]["baseline"] = nullptr;  // a MISSING test without its run without the change
  j["tool_versions"]["make"] = "GNU Make 4.3";
  std::string problems = testing::json_schema_problems("report.schema.json", j);
  EXPECT_TRUE(problems.contains(": (the document): 'verdict' is a required property\n")) << problems;
  EXPECT_TRUE(problems.contains(": tests[0].transition: 'PASSED' is not one of ['FAIL_TO_PASS'")) << problems;
  EXPECT_TRUE(problems.contains(": tests[4].baseline: None is not of type 'object'\n")) << problems;
  EXPECT_TRUE(problems.contains(": tool_versions: 'make' is not one of ['cmake'")) << problems;
}

TEST(AttemptFromJson, NamesAMissingKey) {
  EXPECT_EQ(error_after([](json& j) { j.erase("verdict"); }), "r.json: verdict: missing (expected accepted, rejected, needs_review, error, planned or refused_breaker_open)");
  EXPECT_EQ(error_after([](json& j) { j.erase("branch"); }), "r.json: branch: missing (expected a string or null)");
  EXPECT_EQ(error_after([](json& j) { j["tests"][1]["after"].erase("status"); }),
            "r.json: tests[1].after.status: missing (expected passed, failed, timeout, not_run or skipped)");
  EXPECT_EQ(error_after([](json& j) { j["tiers"][1]["findings"][0].erase("fingerprint"); }),
            "r.json: tiers[1].findings[0].fingerprint: missing (expected a string)");
  EXPECT_EQ(error_after([](json& j) { j["tiers"][1]["findings"][1].erase("blocking"); }),
            "r.json: tiers[1].findings[1].blocking: missing (expected true or false)");
  EXPECT_EQ(error_after([](json& j) { j["build"].erase("errors"); }), "r.json: build.errors: missing (expected an array of strings)");
  EXPECT_EQ(error_after([](json& j) { j.erase("lane"); }), "r.json: lane: missing (expected an object)");
  EXPECT_EQ(error_after([](json& j) { j["tampering"][0].erase("downgraded"); }),
            "r.json: tampering[0].downgraded: missing (expected true or false)");
  EXPECT_EQ(error_after([](json& j) { j["baseline"].erase("runs"); }), "r.json: baseline.runs: missing (expected an integer)");
  EXPECT_EQ(error_after([](json& j) { j["fixer"].erase("stderr"); }), "r.json: fixer.stderr: missing (expected a string)");
}

TEST(AttemptFromJson, NamesAWrongType) {
  EXPECT_EQ(error_of(json::array()), "r.json: expected an object, got an array");
  EXPECT_EQ(error_of(nullptr), "r.json: expected an object, got null");
  EXPECT_EQ(error_after([](json& j) { j["build"]["ok"] = "yes"; }), "r.json: build.ok: expected true or false, got the string \"yes\"");
  EXPECT_EQ(error_after([](json& j) { j["verdict"] = 1; }), "r.json: verdict: expected a string, got the number 1");
  EXPECT_EQ(error_after([](json& j) { j["tests"] = json::object(); }), "r.json: tests: expected an array of objects, got an object");
  EXPECT_EQ(error_after([](json& j) { j["tests"][0] = "A.Fixed"; }), "r.json: tests[0]: expected an object, got the string \"A.Fixed\"");
  EXPECT_EQ(error_after([](json& j) { j["tests"][3]["baseline"] = "passed"; }),
            "r.json: tests[3].baseline: expected an object or null, got the string \"passed\"");
  EXPECT_EQ(error_after([](json& j) { j["durations"]["build"] = "fast"; }),
            "r.json: durations.build: expected a number, got the string \"fast\"");
  EXPECT_EQ(error_after([](json& j) { j["branch"] = 5; }), "r.json: branch: expected a string or null, got the number 5");
  EXPECT_EQ(error_after([](json& j) { j["fixer"] = json::array(); }), "r.json: fixer: expected an object, got an array");
  EXPECT_EQ(error_after([](json& j) { j["require_fixed"][1] = false; }),
            "r.json: require_fixed[1]: expected a string, got false");
  EXPECT_EQ(error_after([](json& j) { j["tiers"][0]["tests"] = "A.Fixed"; }),
            "r.json: tiers[0].tests: expected an array of strings, got the string \"A.Fixed\"");
  EXPECT_EQ(error_after([](json& j) { j["tiers"][1]["findings"][0]["line"] = -3; }),
            "r.json: tiers[1].findings[0].line: must be between 0 and 2147483647, got -3");
  EXPECT_EQ(error_after([](json& j) { j["tests"][6]["known_flakes"] = 1.5; }),
            "r.json: tests[6].known_flakes: expected an integer, got the number 1.5");
  EXPECT_EQ(error_after([](json& j) { j["baseline"]["runs"] = 4294967296ULL; }),
            "r.json: baseline.runs: must be between 0 and 2147483647, got 4294967296");
  std::string long_text(100, 'x');
  EXPECT_EQ(error_after([&](json& j) { j["dry_run"] = long_text; }),
            "r.json: dry_run: expected true or false, got the string \"" + std::string(55, 'x') + "...\"");
}

TEST(AttemptFromJson, NamesAnUnknownEnumString) {
  EXPECT_EQ(error_after([](json& j) { j["verdict"] = "maybe"; }),
            "r.json: verdict: unknown verdict 'maybe' (expected accepted, rejected, needs_review, error, planned or refused_breaker_open)");
  EXPECT_EQ(error_after([](json& j) { j["tests"][0]["transition"] = "PASSED"; }),
            "r.json: tests[0].transition: unknown transition 'PASSED' (expected FAIL_TO_PASS, PASS_TO_PASS, "
            "PASS_TO_FAIL, FAIL_TO_FAIL, MISSING, NEW, FLAKY or SKIPPED)");
  EXPECT_EQ(error_after([](json& j) { j["tests"][6]["reruns"][2] = "ok"; }),
            "r.json: tests[6].reruns[2]: unknown test status 'ok' (expected passed, failed, timeout, not_run or skipped)");
  EXPECT_EQ(error_after([](json& j) { j["tests"][1]["baseline"]["status"] = "Passed"; }),
            "r.json: tests[1].baseline.status: unknown test status 'Passed' (expected passed, failed, timeout, not_run "
            "or skipped)");
  EXPECT_EQ(error_after([](json& j) { j["tiers"][2]["status"] = "crashed"; }),
            "r.json: tiers[2].status: unknown tier status 'crashed' (expected passed, failed, skipped or error)");
  EXPECT_EQ(error_after([](json& j) { j["tiers"][0]["kind"] = "clang_tidy"; }),
            "r.json: tiers[0].kind: unknown tier kind 'clang_tidy' (expected ctest, clang-tidy, cppcheck, sanitizers, "
            "secrets or command)");
  EXPECT_EQ(error_after([](json& j) { j["files_changed"][2]["status"] = "renamed"; }),
            "r.json: files_changed[2].status: unknown file status 'renamed' (expected added, modified or deleted)");
  EXPECT_EQ(error_after([](json& j) { j["lane"]["lane"] = "fast"; }),
            "r.json: lane.lane: unknown lane 'fast' (expected docs, standard or heavy)");
  EXPECT_EQ(error_after([](json& j) { j["risk"]["level"] = "hihg"; }),
            "r.json: risk.level: unknown risk level 'hihg' (expected normal, high or critical)");
  EXPECT_EQ(error_after([](json& j) { j["tiers"][1]["findings"][0]["state"] = "fixed"; }),
            "r.json: tiers[1].findings[0].state: unknown finding state 'fixed' (expected new, unchanged or absent)");
  EXPECT_EQ(error_after([](json& j) { j["tampering"][0]["kind"] = "disabeld"; }),
            "r.json: tampering[0].kind: unknown tamper kind 'disabeld' (expected missing, disabled, skipped, "
            "unregistered, labels_changed, property_changed or test_source_edited)");
  EXPECT_EQ(error_after([](json& j) { j["cascading"][0]["kind"] = "indirect"; }),
            "r.json: cascading[0].kind: unknown cascade kind 'indirect' (expected direct, cascading, unrelated or unknown)");
  EXPECT_EQ(error_after([](json& j) { j["on_accept"] = "merge"; }),
            "r.json: on_accept: unknown on-accept mode 'merge' (expected branch, keep, commit or none)");
  // Control characters in the offending value are escaped, not echoed to a terminal.
  EXPECT_EQ(error_after([](json& j) { j["verdict"] = "\x1b[2Jx\n"; }),
            "r.json: verdict: unknown verdict '\\u001b[2Jx\\n' (expected accepted, rejected, needs_review, error, planned or refused_breaker_open)");
}

TEST(AttemptFromJson, RefusesInconsistentTests) {
  EXPECT_EQ(error_after([](json& j) { j["tests"][2]["after"] = nullptr; }),
            "r.json: tests[2].after: null, but a PASS_TO_FAIL test has a run with the fix");
  EXPECT_EQ(error_after([](json& j) { j["tests"][4]["baseline"] = nullptr; }),
            "r.json: tests[4].baseline: null, but a MISSING test has a baseline run");
  EXPECT_EQ(error_after([](json& j) { j["tests"][1]["name"] = "A.Fixed"; }), "r.json: tests[1].name: duplicate test 'A.Fixed'");
}

TEST(AttemptFromJson, IgnoresDerivedAndUnknownKeys) {
  json j = attempt_json(rich());
  j["tests_status"] = "anything";
  j.erase("tests_run");
  j["added_by_a_newer_gate"] = {1, 2, 3};
  AttemptResult read = attempt_from_json(j, "r.json");
  EXPECT_EQ(attempt_json(read), attempt_json(rich()));
}

TEST(ReadReportFile, ReadsWhatTheReporterWrote) {
  testing::TempDir dir;
  testing::write_file(dir / "report.json", reporters::dump_json(attempt_json(rich())));
  AttemptResult read = read_report_file(dir / "report.json");
  EXPECT_EQ(attempt_json(read), attempt_json(rich()));
}

TEST(ReadReportFile, NamesTheFileInErrors) {
  testing::TempDir dir;
  std::filesystem::path p = dir / "report.json";
  // Missing keys: the file name is the source.
  testing::write_file(p, R"({"verdict": "accepted"})");
  EXPECT_EQ(file_error_of(p), p.string() + ": reason: missing (expected a string)");
  // One level of the report only: every nested object and array cut off.
  json one_level = json::object();
  json whole = attempt_json(rich());
  for (const auto& [key, value] : whole.items())
    if (!value.is_structured()) one_level[key] = value;
  testing::write_file(p, one_level.dump());
  EXPECT_EQ(file_error_of(p), p.string() + ": files_changed: missing (expected an array of objects)");
  // A file cut off while it was written.
  testing::write_file(p, R"({"verdict": "acc)");
  EXPECT_EQ(file_error_of(p), p.string() + ": not valid JSON: parse error at line 1, column 17: syntax error while parsing "
                                          "value - invalid string: missing closing quote; last read: '\"acc'");
  std::string text = reporters::dump_json(attempt_json(rich()));
  testing::write_file(p, text.substr(0, text.size() / 2));
  EXPECT_TRUE(file_error_of(p).starts_with(p.string() + ": not valid JSON: parse error at line ")) << file_error_of(p);
  testing::write_file(p, "");
  EXPECT_EQ(file_error_of(p), p.string() + ": not valid JSON: parse error at line 1, column 1: syntax error while parsing "
                                          "value - unexpected end of input; expected '[', '{', or a literal");
  // A key written twice: nlohmann would keep the last one; a report never has one.
  testing::write_file(p, R"({"verdict": "accepted", "verdict": "rejected"})");
  EXPECT_EQ(file_error_of(p), p.string() + ": duplicate key 'verdict'");
  EXPECT_EQ(file_error_of(dir / "absent.json"), "no such report: '" + (dir / "absent.json").string() + "'");
  EXPECT_EQ(file_error_of(dir.path()), "'" + dir.path().string() + "' is not a regular file");
  // Too large: refused before it is read (a sparse file, so the test writes nothing).
  testing::write_file(p, "");
  std::filesystem::resize_file(p, kMaxReportBytes + 1);
  EXPECT_EQ(file_error_of(p), "'" + p.string() + "' is larger than 64 MiB: not a report autofix-gate writes");
}

TEST(ReadReportFile, SurvivesDeepNesting) {
  testing::TempDir dir;
  std::filesystem::path p = dir / "deep.json";
  testing::write_file(p, std::string(200000, '[') + std::string(200000, ']'));
  EXPECT_EQ(file_error_of(p), p.string() + ": expected an object, got an array");
}

}  // namespace
}  // namespace autofix
