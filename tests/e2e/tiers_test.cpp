// SPDX-License-Identifier: MIT
// The verification tiers end to end (docs/tiers.md), one attempt per scenario on a copy of
// examples/calculator: a new clang-tidy finding next to an old one, a heap overflow only the sanitizer
// build sees, an added AWS key, a fix that breaks another module (cascading), and a test renamed to
// DISABLED_. Each asserts the exit code, the verdict, the report.json fields that decided it, the
// branches, and that the checkout is exactly as it was. The rules alone (lanes, risk, --fail-fast,
// advisory and required tiers) are unit tests: tests/unit/verdict_rules_*_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <tuple>
#include <vector>
#include <pugixml.hpp>

#include "tests/e2e/attempt_data/calculator_repo.h"
#include "tests/support/json_schema_check.h"
#include "tests/support/markdown_check.h"

namespace autofix::testing {
namespace {

using attempt::Calculator;
using attempt::example_fix;
using attempt::json_strings;
using attempt::kExampleTests;
using attempt::kFixedTest;
using attempt::lines_of;
using attempt::make_patch;
using attempt::replaced;
using attempt::refs_under;
using attempt::source_fingerprint;

using Strings = std::vector<std::string>;
using nlohmann::json;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The attempt left the checkout exactly as it found it: files (build/ aside), index, status, HEAD (still
// on main); no journal.
void expect_checkout_restored(const Calculator& c, const TreeFingerprint& before, const runners::ProcessResult& r) {
  TreeFingerprint after = source_fingerprint(c.repo());
  EXPECT_TRUE(after == before) << "the tree differs after the attempt:\n" << describe_difference(before, after) << show(r);
  EXPECT_EQ(c.git_out({"symbolic-ref", "HEAD"}), "refs/heads/main");
  EXPECT_FALSE(fs::exists(c.journal())) << "the journal was left behind\n" << show(r);
}

// A rejected attempt also leaves no branch.
void expect_rejected_and_restored(const Calculator& c, const TreeFingerprint& before, const runners::ProcessResult& r) {
  EXPECT_EQ(r.exit_code, 1) << show(r);
  expect_checkout_restored(c, before, r);
  EXPECT_EQ(refs_under(c.repo(), "refs/heads/autofix/"), Strings{}) << show(r);
}

// Commits `files` (path -> content) on main, as the project's own history before the attempt.
void commit_files(Calculator& c, const std::map<std::string, std::string>& files, const std::string& message) {
  for (const auto& [path, content] : files) {
    write_file(c.repo() / path, content);
    git(c.repo(), {"add", "--", path});
  }
  git(c.repo(), {"commit", "-q", "-m", message});
}

// 1-based number of the first line of `text` containing `part`.
int line_of(const std::string& text, const std::string& part) {
  size_t at = text.find(part);
  if (at == std::string::npos) throw std::runtime_error("'" + part + "' not found");
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

// The excerpt report.json should hold of `text` (a file's content) around `line`: lines line - 2 to
// line + 2, as far as the text has them.
json excerpt_of(const std::string& file, const std::string& text, int line) {
  std::vector<std::string> all;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    all.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    start = end == std::string::npos ? text.size() : end + 1;
  }
  json lines = json::array();
  int first = std::max(1, line - 2);
  for (int n = first; n <= std::min(static_cast<int>(all.size()), line + 2); ++n) lines.push_back(all[static_cast<size_t>(n - 1)]);
  return {{"file", file}, {"line", line}, {"first_line", first}, {"lines", lines}, {"cut_lines", json::array()}};
}

const json& tier_named(const json& report, const std::string& name) {
  for (const json& t : report.at("tiers"))
    if (t.at("name") == name) return t;
  throw std::runtime_error("no tier '" + name + "' in report.json: " + report.at("tiers").dump(2));
}

Strings tier_names(const json& report) {
  Strings out;
  for (const json& t : report.at("tiers")) out.push_back(t.at("name").get<std::string>());
  return out;
}

// A JSON report of the latest attempt: autofix.sarif (what GitHub code scanning gets: new findings only),
// autofix-full.sarif (every finding) or gl-code-quality-report.json.
json report_file(const Calculator& c, const std::string& name) {
  json j = json::parse(read_file(c.reports() / name), nullptr, false);
  if (j.is_discarded()) throw std::runtime_error(name + " is not JSON");
  return j;
}
json sarif_of(const Calculator& c) { return report_file(c, "autofix.sarif"); }

// The report files hold against the SARIF schema, GitHub's upload rules and GitLab's Code Quality rules.
void expect_valid_report_formats(const Calculator& c) {
  runners::ProcessResult check = check_report_formats(c.reports());
  EXPECT_EQ(check.exit_code, 0) << show(check);
}

// The SARIF run of a tier (automationDetails.id "<tier>/").
const json& sarif_run(const json& sarif, const std::string& tier) {
  for (const json& run : sarif.at("runs"))
    if (run.at("automationDetails").at("id") == tier + "/") return run;
  throw std::runtime_error("no SARIF run for tier '" + tier + "': " + sarif.dump(2));
}

const std::string kMean = "  return sum(values) / static_cast<double>(values.size() - 1);\n";
const std::string kFixedMean = "  return sum(values) / static_cast<double>(values.size());\n";

// 1. The fix repairs mean() but divides integers in a floating point context: a new clang-tidy
// finding. An old finding of the same check, planted and committed in the same translation unit (moved
// down a line and re-indented by the fix), stays "unchanged": the fingerprint depends on neither line
// numbers nor indentation. It is reported because the fix touched its line; another old one, on a line
// the fix did not touch, is not reported at all (docs/tiers.md, "Static findings").
TEST(Tiers, NewClangTidyFindingRejectsAndTheOldOneStaysUnchanged) {
  Calculator c;
  const std::string old_line = "double half_of(int count) { return count / 2; }";
  const std::string untouched_line = "double third_of(int count) { return count / 3; }";
  std::string planted = read_file(c.repo() / "mathlib/mathlib.cpp") +
                        "\nnamespace calc {\n// Half a count, as a double: an old finding, committed before the fix.\n" +
                        old_line + "\n" + untouched_line + "\n}  // namespace calc\n";
  commit_files(c,
               {{"mathlib/mathlib.cpp", planted},
                {"autofix-gate.json", R"({"version": 1, "tiers": [{"name": "tests", "kind": "ctest"},
                                          {"name": "static", "kind": "clang-tidy"}]})"
                                      "\n"}},
               "an old clang-tidy finding, and the tiers: tests and clang-tidy");
  const std::string new_line = "  double count = static_cast<int>(values.size()) * 2 / 2;";
  std::string fixed = replaced(replaced(planted, kMean, new_line + "\n  return sum(values) / count;\n"), old_line,
                               "  " + old_line);
  std::string patch = make_patch(c, {{"mathlib/mathlib.cpp", fixed}}, "integer division");
  TreeFingerprint before = source_fingerprint(c.repo());

  runners::ProcessResult r = c.attempt({"--patch", patch});
  expect_rejected_and_restored(c, before, r);
  json report = c.report();
  SCOPED_TRACE(report.dump(2));
  EXPECT_EQ(report.at("verdict"), "rejected");
  EXPECT_EQ(report.at("reason"), "required tier 'static' (clang-tidy) failed: 1 new blocking finding(s) (warning "
                                 "bugprone-integer-division at mathlib/mathlib.cpp:" +
                                     std::to_string(line_of(fixed, new_line)) + "), 0 fixed, in 1 translation unit(s)");
  // The fix itself works: only the static tier objects.
  EXPECT_EQ(json_strings(report.at("tests_status").at("FAIL_TO_PASS")), Strings{kFixedTest});
  EXPECT_EQ(report.at("tests_status").at("PASS_TO_FAIL"), json::array());
  EXPECT_EQ(tier_names(report), (Strings{"tests", "static"}));
  EXPECT_EQ(tier_named(report, "tests").at("status"), "passed");
  // The configuration and the report are what docs/schemas says; clang-tidy ran, cppcheck did not.
  EXPECT_EQ(json_schema_problems("autofix-gate.schema.json", c.repo() / "autofix-gate.json"), "");
  EXPECT_EQ(json_schema_problems("report.schema.json", c.reports() / "report.json"), "");
  EXPECT_TRUE(contains(report.at("tool_versions").at("clang-tidy").get<std::string>(), "LLVM version "));
  EXPECT_FALSE(report.at("tool_versions").contains("cppcheck"));

  const json& tier = tier_named(report, "static");
  EXPECT_EQ(tier.at("kind"), "clang-tidy");
  EXPECT_EQ(tier.at("status"), "failed");
  EXPECT_EQ(json_strings(tier.at("tests")), Strings{"mathlib/mathlib.cpp"});
  ASSERT_EQ(tier.at("findings").size(), 2u);
  std::map<std::string, json> by_state;
  for (const json& f : tier.at("findings")) by_state[f.at("state").get<std::string>()] = f;
  ASSERT_EQ(by_state.size(), 2u);
  const json& added = by_state["new"];
  const json& old = by_state["unchanged"];
  for (const json* f : {&added, &old}) {
    EXPECT_EQ(f->at("rule"), "bugprone-integer-division");
    EXPECT_EQ(f->at("file"), "mathlib/mathlib.cpp");
    EXPECT_EQ(f->at("message"), "result of integer division used in a floating point context; possible loss of precision");
    EXPECT_EQ(f->at("fingerprint").get<std::string>().size(), 40u);
  }
  EXPECT_EQ(added.at("line"), line_of(fixed, new_line));
  EXPECT_EQ(old.at("line"), line_of(fixed, old_line));
  // Both with the lines around them in the tree with the fix, taken before the rollback.
  EXPECT_EQ(added.at("excerpt"), excerpt_of("mathlib/mathlib.cpp", fixed, line_of(fixed, new_line)));
  EXPECT_EQ(old.at("excerpt"), excerpt_of("mathlib/mathlib.cpp", fixed, line_of(fixed, old_line)));
  EXPECT_EQ(added.at("excerpt").at("lines").at(2), new_line);
  EXPECT_EQ(added.at("column"), 18) << "the division's left operand, static_cast";
  EXPECT_EQ(line_of(fixed, old_line), line_of(planted, old_line) + 1) << "the fix moves the old finding one line down";
  for (const json& f : tier.at("findings"))
    EXPECT_NE(f.at("line"), line_of(fixed, untouched_line)) << "an old finding the fix did not touch is not reported";
  EXPECT_NE(added.at("fingerprint"), old.at("fingerprint"));

  // autofix-tiers.xml: the static tier fails with its new finding in the body; junit.xml has the tests only.
  json readers = junit_readers(c.reports(), c.repo());
  ASSERT_FALSE(readers.is_null());
  EXPECT_EQ(readers["autofix-tiers.xml"]["gitlab"]["counts"],
            json({{"success", 1}, {"failed", 1}, {"skipped", 0}, {"error", 0}, {"total", 2}}));
  EXPECT_EQ(readers["junit.xml"]["gitlab"]["counts"]["failed"], 0);
  pugi::xml_document tiers;
  ASSERT_TRUE(tiers.load_file((c.reports() / "autofix-tiers.xml").c_str()));
  pugi::xml_node static_case = tiers.child("testsuite").find_child_by_attribute("testcase", "name", "static");
  EXPECT_EQ(std::string(static_case.child("failure").text().get()),
            "new: bugprone-integer-division at mathlib/mathlib.cpp:" + std::to_string(line_of(fixed, new_line)) +
                ":" + std::to_string(added.at("column").get<int>()) +
                " (warning): result of integer division used in a floating point context; possible loss of precision\n"
                "1 unchanged, 0 absent (listed in report.json and autofix.sarif)\n");

  // autofix-full.sarif: the same two results, with their baseline states and fingerprints.
  json full = report_file(c, "autofix-full.sarif");
  EXPECT_EQ(full.at("version"), "2.1.0");
  const json& full_run = sarif_run(full, "static");
  EXPECT_EQ(full_run.at("tool").at("driver").at("name"), "clang-tidy");
  ASSERT_EQ(full_run.at("results").size(), 2u);
  std::map<std::string, std::string> state_by_fingerprint;
  for (const json& res : full_run.at("results")) {
    EXPECT_EQ(res.at("ruleId"), "bugprone-integer-division");
    const json& location = res.at("locations").at(0).at("physicalLocation");
    EXPECT_EQ(location.at("artifactLocation").at("uri"), "mathlib/mathlib.cpp");
    std::string fp = res.at("partialFingerprints").at("autofixGate/v1").get<std::string>();
    state_by_fingerprint[fp] = res.at("baselineState").get<std::string>();
    EXPECT_EQ(location.at("region").at("startLine"), fp == added.at("fingerprint") ? added.at("line") : old.at("line"));
  }
  EXPECT_EQ(state_by_fingerprint, (std::map<std::string, std::string>{
                                      {added.at("fingerprint").get<std::string>(), "new"},
                                      {old.at("fingerprint").get<std::string>(), "unchanged"}}));

  // autofix.sarif, for GitHub code scanning: only the new one, its rule documented.
  const json upload = sarif_of(c);
  const json& run = sarif_run(upload, "static");
  ASSERT_EQ(run.at("results").size(), 1u);
  const json& result = run.at("results").at(0);
  EXPECT_EQ(result.at("partialFingerprints").at("autofixGate/v1"), added.at("fingerprint"));
  // The region ends after the token at the column; the line is ASCII, so UTF-16 and byte columns agree.
  EXPECT_EQ(result.at("locations").at(0).at("physicalLocation").at("region"),
            json({{"startLine", added.at("line")}, {"startColumn", 18}, {"endLine", added.at("line")}, {"endColumn", 29},
                  {"snippet", {{"text", "static_cast"}}}}));
  EXPECT_EQ(result.at("locations").at(0).at("physicalLocation").at("contextRegion"),
            json({{"startLine", added.at("line").get<int>() - 2}, {"endLine", added.at("line").get<int>() + 2},
                  {"snippet", {{"text", added.at("excerpt").at("lines")[0].get<std::string>() + "\n" +
                                            added.at("excerpt").at("lines")[1].get<std::string>() + "\n" + new_line + "\n" +
                                            added.at("excerpt").at("lines")[3].get<std::string>() + "\n" +
                                            added.at("excerpt").at("lines")[4].get<std::string>()}}}}));
  const json& rule = run.at("tool").at("driver").at("rules").at(0);
  EXPECT_EQ(rule.at("helpUri"), "https://clang.llvm.org/extra/clang-tidy/checks/bugprone/integer-division.html");
  EXPECT_EQ(rule.at("properties").at("problem.severity"), "warning");
  EXPECT_EQ(run.at("tool").at("extensions").at(0).at("semanticVersion"), AUTOFIX_GATE_VERSION);

  // gl-code-quality-report.json, for GitLab: the new one, identified as in autofix.sarif.
  EXPECT_EQ(report_file(c, "gl-code-quality-report.json"),
            json::array({{{"description", added.at("message")},
                          {"check_name", "clang-tidy/bugprone-integer-division"},
                          {"fingerprint", result.at("partialFingerprints").at("primaryLocationLineHash")},
                          {"severity", "major"},
                          {"location", {{"path", "mathlib/mathlib.cpp"}, {"lines", {{"begin", added.at("line")}}}}}}}));
  expect_valid_report_formats(c);
}

// 2. A heap overflow that changes no test result: reading one element past a heap copy into a
// volatile. Only the sanitizer build (a second build of the example, with ASan and UBSan) sees it.
TEST(Tiers, HeapOverflowIsRejectedByTheSanitizerTier) {
  Calculator c;
  // Every test of the example carries the label `unit` (gtest_discover_tests(... LABELS unit)).
  commit_files(c,
               {{"autofix-gate.json", R"({"version": 1, "tiers": [{"name": "tests", "kind": "ctest"},
                                          {"name": "asan", "kind": "sanitizers", "labels": ["unit"]}]})"
                                      "\n"}},
               "tiers: tests and a sanitizer build");
  const std::string overflow = "  volatile double past_end = copy.data()[copy.size()];  // one past the heap block";
  std::string fixed = replaced(read_file(c.repo() / "mathlib/mathlib.cpp"), kMean,
                               "  std::vector<double> copy(values);\n" + overflow +
                                   "\n  (void)past_end;\n  return sum(copy) / static_cast<double>(copy.size());\n");
  std::string patch = make_patch(c, {{"mathlib/mathlib.cpp", fixed}}, "heap overflow");
  TreeFingerprint before = source_fingerprint(c.repo());

  runners::ProcessResult r = c.attempt({"--patch", patch});
  expect_rejected_and_restored(c, before, r);
  json report = c.report();
  SCOPED_TRACE(report.dump(2));
  EXPECT_EQ(report.at("verdict"), "rejected");
  EXPECT_EQ(report.at("reason"), "required tier 'asan' (sanitizers) failed: 1 new sanitizer report(s) in 10 test(s)");
  // The normal build sees nothing wrong: the fix fixes, nothing regresses.
  EXPECT_EQ(json_strings(report.at("tests_status").at("FAIL_TO_PASS")), Strings{kFixedTest});
  EXPECT_EQ(report.at("tests_status").at("PASS_TO_FAIL"), json::array());
  EXPECT_EQ(tier_named(report, "tests").at("status"), "passed");

  const json& tier = tier_named(report, "asan");
  EXPECT_EQ(tier.at("kind"), "sanitizers");
  EXPECT_EQ(tier.at("status"), "failed");
  EXPECT_EQ(tier.at("tests").size(), static_cast<size_t>(attempt::kExampleTests));
  ASSERT_EQ(tier.at("findings").size(), 1u);
  const json& f = tier.at("findings").at(0);
  EXPECT_EQ(f.at("rule"), "heap-buffer-overflow");
  EXPECT_EQ(f.at("state"), "new");
  EXPECT_EQ(f.at("file"), "mathlib/mathlib.cpp");
  EXPECT_EQ(f.at("line"), line_of(fixed, overflow));
  EXPECT_TRUE(contains(f.at("message").get<std::string>(), "heap-buffer-overflow")) << f.dump(2);
  EXPECT_TRUE(contains(f.at("message").get<std::string>(), "(in test MathTest.MeanOfThreeValues)")) << f.dump(2);
  // The frames: the access in mean(), then the test that called it.
  Strings frames = lines_of(f.at("detail").get<std::string>());
  ASSERT_GE(frames.size(), 2u) << f.dump(2);
  EXPECT_TRUE(frames[0].starts_with("#0 ")) << frames[0];
  EXPECT_TRUE(contains(frames[0], "calc::mean")) << frames[0];
  EXPECT_TRUE(contains(frames[0], "mathlib/mathlib.cpp:" + std::to_string(line_of(fixed, overflow)))) << frames[0];
  EXPECT_TRUE(frames[1].starts_with("#1 ")) << frames[1];
  EXPECT_TRUE(contains(frames[1], "MathTest_MeanOfThreeValues_Test")) << frames[1];

  json sarif = sarif_of(c);
  const json& run = sarif_run(sarif, "asan");
  ASSERT_EQ(run.at("results").size(), 1u);
  EXPECT_EQ(run.at("results").at(0).at("ruleId"), "heap-buffer-overflow");
  EXPECT_EQ(run.at("results").at(0).at("baselineState"), "new");
  // A security alert on GitHub: tagged, with a security-severity (high).
  const json& rule = run.at("tool").at("driver").at("rules").at(0);
  EXPECT_EQ(rule.at("properties").at("tags"), json({"security", "sanitizer", "memory-safety", "external/cwe/cwe-122"}));
  EXPECT_EQ(rule.at("properties").at("security-severity"), "8.8");
  json quality = report_file(c, "gl-code-quality-report.json");
  ASSERT_EQ(quality.size(), 1u) << quality.dump(2);
  EXPECT_EQ(quality[0].at("check_name"), "sanitizers/heap-buffer-overflow");
  EXPECT_EQ(quality[0].at("severity"), "critical");
  EXPECT_EQ(quality[0].at("location"), json({{"path", "mathlib/mathlib.cpp"}, {"lines", {{"begin", line_of(fixed, overflow)}}}}));
  expect_valid_report_formats(c);

  const std::string summary = read_file(c.reports() / "summary.md");
  EXPECT_TRUE(summary.starts_with(
      "## AutofixGate: Rejected: required tier `asan` found 1 new sanitizer report (`heap-buffer-overflow`)\n\n"))
      << summary;
  EXPECT_EQ(markdown_problems(summary), Strings{}) << summary;
  EXPECT_EQ(json_schema_problems("report.schema.json", c.reports() / "report.json"), "");
}

// 3. An AWS access key id in a comment, with the default configuration. The key is put together at run
// time so that no repository (this one, or the example's copy) ever holds it literally.
TEST(Tiers, AddedAwsKeyIsRejectedByTheSecretsTierAndNeverReportedInFull) {
  Calculator c;
  const std::string key = std::string("AKIA") + "IOSFODNN7EXAMPLE";
  const std::string comment = "  // upload statistics with key " + key;
  std::string fixed = replaced(read_file(c.repo() / "mathlib/mathlib.cpp"), kMean, comment + "\n" + kFixedMean);
  std::string patch = make_patch(c, {{"mathlib/mathlib.cpp", fixed}}, "aws key");
  TreeFingerprint before = source_fingerprint(c.repo());

  runners::ProcessResult r = c.attempt({"--patch", patch});
  expect_rejected_and_restored(c, before, r);
  json report = c.report();
  SCOPED_TRACE(report.dump(2));
  EXPECT_EQ(report.at("verdict"), "rejected");
  EXPECT_EQ(report.at("reason"), "required tier 'secrets' (secrets) failed: 1 secret(s) in the added lines");
  EXPECT_EQ(json_strings(report.at("tests_status").at("FAIL_TO_PASS")), Strings{kFixedTest});
  EXPECT_EQ(tier_names(report), (Strings{"tests", "secrets", "static"})) << "the default tiers";

  const json& tier = tier_named(report, "secrets");
  EXPECT_EQ(tier.at("status"), "failed");
  ASSERT_EQ(tier.at("findings").size(), 1u);
  const json& f = tier.at("findings").at(0);
  EXPECT_EQ(f.at("rule"), "aws-access-key-id");
  EXPECT_EQ(f.at("file"), "mathlib/mathlib.cpp");
  EXPECT_EQ(f.at("line"), line_of(fixed, comment));
  EXPECT_EQ(f.at("column"), static_cast<int>(comment.find(key)) + 1);
  EXPECT_EQ(f.at("state"), "new");
  EXPECT_EQ(f.at("message"), "AWS access key ID added: AKIA\u2026");

  // For GitHub a critical security alert, for GitLab a blocker.
  const json upload = sarif_of(c);
  const json& run = sarif_run(upload, "secrets");
  ASSERT_EQ(run.at("results").size(), 1u);
  EXPECT_EQ(run.at("tool").at("driver").at("rules").at(0).at("properties").at("security-severity"), "9.5");
  json quality = report_file(c, "gl-code-quality-report.json");
  ASSERT_EQ(quality.size(), 1u) << quality.dump(2);
  EXPECT_EQ(quality[0].at("check_name"), "secrets/aws-access-key-id");
  EXPECT_EQ(quality[0].at("severity"), "blocker");
  expect_valid_report_formats(c);

  // Neither the key nor its tail appears in any report or in what the gate printed.
  json readers = junit_readers(c.reports(), c.repo());
  ASSERT_FALSE(readers.is_null());
  EXPECT_EQ(readers["autofix-tiers.xml"]["gitlab"]["counts"],
            json({{"success", 2}, {"failed", 1}, {"skipped", 0}, {"error", 0}, {"total", 3}}));
  for (const char* file : {"report.json", "summary.md", "report.html", "junit.xml", "autofix-tiers.xml", "autofix.sarif",
                           "autofix-full.sarif", "gl-code-quality-report.json"}) {
    std::string text = read_file(c.reports() / file);
    EXPECT_FALSE(contains(text, key)) << file;
    EXPECT_FALSE(contains(text, key.substr(4))) << file;
  }
  // summary.md names the leak in its first line and shows the finding as the report has it, masked.
  const std::string summary = read_file(c.reports() / "summary.md");
  EXPECT_TRUE(summary.starts_with(
      "## AutofixGate: Rejected: required tier `secrets` found 1 leaked secret (`aws-access-key-id`)\n\n"))
      << summary;
  EXPECT_TRUE(contains(summary, "- `aws-access-key-id` (error) at `mathlib/mathlib.cpp:" +
                                    std::to_string(line_of(fixed, comment)) + ":" + std::to_string(comment.find(key) + 1) +
                                    "`: AWS access key ID added: AKIA\u2026\n"))
      << summary;
  EXPECT_EQ(markdown_problems(summary), Strings{}) << summary;
  EXPECT_EQ(json_schema_problems("report.schema.json", c.reports() / "report.json"), "");
  EXPECT_FALSE(contains(r.out + r.err, key.substr(4))) << show(r);
}

// 4. examples/fixes/breaks-other-module.diff fixes mean() and changes formatter.cpp: rejected, the
// formatter's tests break where the fix did not aim, through formatter_test -> formatter -> formatter/formatter.cpp
// (the targets of examples/calculator/formatter/CMakeLists.txt).
TEST(Tiers, BrokenOtherModuleIsTracedAsCascading) {
  Calculator c;
  // The pre-built template's objects name the template's sources in their assertions: a newer
  // formatter_test.cpp has the copy compile it under its own path, as a project's own build would.
  fs::last_write_time(c.repo() / "formatter/formatter_test.cpp", fs::file_time_type::clock::now());
  TreeFingerprint before = source_fingerprint(c.repo());
  runners::ProcessResult r = c.attempt({"--patch", example_fix("breaks-other-module.diff")});
  expect_rejected_and_restored(c, before, r);
  json report = c.report();
  SCOPED_TRACE(report.dump(2));
  EXPECT_EQ(report.at("verdict"), "rejected");
  EXPECT_EQ(report.at("reason"),
            "2 test(s) broken by the fix (2 cascading, outside what the fix aimed at): "
            "FormatterTest.ListInBrackets passed without the fix and fails with it (passed 1 of 1 run without the "
            "fix, failed 5 of 5 runs with it); also FormatterTest.TwoDecimals");
  json expected = json::array();
  json chain = {"formatter_test", "formatter", "formatter/formatter.cpp"};
  for (const char* test : {"FormatterTest.ListInBrackets", "FormatterTest.TwoDecimals"})
    expected.push_back({{"test", test},
                        {"kind", "cascading"},
                        {"changed_file", "formatter/formatter.cpp"},
                        {"chain", chain},
                        {"candidates", {{{"file", "formatter/formatter.cpp"}, {"chain", chain}}}}});
  EXPECT_EQ(report.at("cascading"), expected);

  // Each regression's first failing assertion and where its case is defined, relative to the repository.
  // CTest runs gtest_discover_tests tests without GoogleTest's XML: the definition comes from one
  // --gtest_list_tests of formatter_test.
  const json* two_decimals = nullptr;
  for (const json& t : report.at("tests"))
    if (t.at("name") == "FormatterTest.TwoDecimals") two_decimals = &t;
  ASSERT_NE(two_decimals, nullptr);
  EXPECT_EQ(two_decimals->at("first_failure"),
            json({{"file", "formatter/formatter_test.cpp"},
                  {"line", 5},
                  {"message", "Expected equality of these values:\n  calc::format_number(3.14159)\n"
                              "    Which is: \"3.142\"\n  \"3.14\""}}));
  EXPECT_EQ(two_decimals->at("defined_at"), json({{"file", "formatter/formatter_test.cpp"}, {"line", 5}}));
  // And the lines around its assertion, read from the tree with the fix before the rollback.
  const std::string two_decimals_line =
      "TEST(FormatterTest, TwoDecimals) { EXPECT_EQ(calc::format_number(3.14159), \"3.14\"); }";
  const std::string list_line =
      "TEST(FormatterTest, ListInBrackets) { EXPECT_EQ(calc::format_list({1, 2.5}), \"[1.00, 2.50]\"); }";
  EXPECT_EQ(two_decimals->at("excerpt"),
            json({{"file", "formatter/formatter_test.cpp"},
                  {"line", 5},
                  {"first_line", 3},
                  {"lines", {"#include <gtest/gtest.h>", "", two_decimals_line, "", list_line}},
                  {"cut_lines", json::array()}}));

  // autofix.sarif: each regression a code scanning alert at its failing assertion, in the tests run.
  const json upload = sarif_of(c);
  const json& tests_run = sarif_run(upload, "autofix-gate/tests");
  EXPECT_EQ(tests_run.at("tool").at("driver").at("name"), "autofix-gate tests");
  std::vector<std::tuple<std::string, std::string, int>> placed;
  for (const json& result : tests_run.at("results")) {
    const json& physical = result.at("locations").at(0).at("physicalLocation");
    placed.emplace_back(result.at("properties").at("test"), physical.at("artifactLocation").at("uri"),
                        physical.at("region").at("startLine"));
  }
  EXPECT_EQ(placed, (std::vector<std::tuple<std::string, std::string, int>>{
                        {"FormatterTest.ListInBrackets", "formatter/formatter_test.cpp", 7},
                        {"FormatterTest.TwoDecimals", "formatter/formatter_test.cpp", 5}}));
  ASSERT_EQ(tests_run.at("results").size(), 2u);
  // The whole line of the assertion (a regression has no column), with the excerpt as its context.
  EXPECT_EQ(tests_run.at("results").at(1).at("locations").at(0).at("physicalLocation"),
            json({{"artifactLocation", {{"uri", "formatter/formatter_test.cpp"}, {"uriBaseId", "SRCROOT"}}},
                  {"region", {{"startLine", 5}, {"startColumn", 1}, {"endLine", 5},
                              {"endColumn", static_cast<int>(two_decimals_line.size()) + 1},
                              {"snippet", {{"text", two_decimals_line}}}}},
                  {"contextRegion", {{"startLine", 3}, {"endLine", 7},
                                     {"snippet", {{"text", "#include <gtest/gtest.h>\n\n" + two_decimals_line + "\n\n" + list_line}}}}}}));
  const std::string text = tests_run.at("results").at(1).at("message").at("text");
  EXPECT_TRUE(text.starts_with("FormatterTest.TwoDecimals passed without the fix and fails with it (")) << text;
  EXPECT_TRUE(text.ends_with(")\n" + two_decimals->at("first_failure").at("message").get<std::string>())) << text;
  expect_valid_report_formats(c);

  // The summary names both in its first line, then lists each once: why, its first failing
  // assertion, how it connects.
  std::string summary = read_file(c.reports() / "summary.md");
  const std::string lead =
      "## AutofixGate: Rejected: 2 tests broken by the fix (`FormatterTest.ListInBrackets`, `FormatterTest.TwoDecimals`)"
      "\n\n### Tests broken by the fix\n\n"
      "- `FormatterTest.ListInBrackets` passed without the fix and fails with it (passed 1 of 1 run without the fix, "
      "failed 5 of 5 runs with it)\n";
  EXPECT_TRUE(summary.starts_with(lead)) << summary;
  for (const char* line : {"  - first failing assertion at `formatter/formatter_test.cpp:7`:\n\n    ```\n",
                           "    ```\n\n"
                           "  - cascading: `formatter_test` \u2192 `formatter` \u2192 `formatter/formatter.cpp`\n"
                           "- `FormatterTest.TwoDecimals` passed without the fix and fails with it",
                           "  - first failing assertion at `formatter/formatter_test.cpp:5`:\n\n"
                           "    ```\n    Expected equality of these values:\n      calc::format_number(3.14159)\n"
                           "        Which is: \"3.142\"\n      \"3.14\"\n    ```\n\n"
                           "  - cascading: `formatter_test` \u2192 `formatter` \u2192 `formatter/formatter.cpp`\n\n"})
    EXPECT_TRUE(contains(summary, line)) << line << "\n" << summary;
  EXPECT_EQ(markdown_problems(summary), Strings{}) << summary;

  // report.json is what docs/schemas/report.schema.json says; the same report without its verdict is not.
  EXPECT_EQ(json_schema_problems("report.schema.json", c.reports() / "report.json"), "");
  json without_verdict = report;
  without_verdict.erase("verdict");
  EXPECT_TRUE(contains(json_schema_problems("report.schema.json", without_verdict),
                       ": (the document): 'verdict' is a required property\n"));

  // The fix itself works; no branch; junit.xml shows the rejection and both regressions.
  EXPECT_EQ(json_strings(report.at("tests_status").at("PASS_TO_FAIL")),
            (Strings{"FormatterTest.ListInBrackets", "FormatterTest.TwoDecimals"}));
  EXPECT_EQ(json_strings(report.at("tests_status").at("FAIL_TO_PASS")), Strings{kFixedTest});
  EXPECT_TRUE(report.at("branch").is_null());
  // junit.xml: exactly the two regressions fail, as GoogleTest names them; the tests tier fails in autofix-tiers.xml.
  json readers = junit_readers(c.reports(), c.repo());
  ASSERT_FALSE(readers.is_null());
  EXPECT_EQ(readers["junit.xml"]["gitlab"]["counts"],
            json({{"success", kExampleTests - 2}, {"failed", 2}, {"skipped", 0}, {"error", 0}, {"total", kExampleTests}}));
  EXPECT_EQ(readers["autofix-tiers.xml"]["gitlab"]["counts"],
            json({{"success", 2}, {"failed", 1}, {"skipped", 0}, {"error", 0}, {"total", 3}}));
  Strings failing;
  for (const json& a : readers["junit.xml"]["mikepenz"]["annotations"])
    if (a.at("level") == "failure") failing.push_back(a.at("title").get<std::string>());
  EXPECT_EQ(failing, (Strings{"FormatterTest.ListInBrackets", "FormatterTest.TwoDecimals"}));
  // mikepenz annotates each at its first failing assertion, with the assertion as its message.
  const json& annotation = readers["junit.xml"]["mikepenz"]["annotations"].at(1);
  EXPECT_EQ(annotation.at("path"), "formatter/formatter_test.cpp");
  EXPECT_EQ(annotation.at("line"), 5);
  EXPECT_EQ(annotation.at("message"), two_decimals->at("first_failure").at("message"));
  for (const json& t : readers["junit.xml"]["gitlab"]["cases"]) {
    if (t.at("status") != "failed") continue;
    EXPECT_EQ(t.at("file"), "formatter/formatter_test.cpp") << t.dump();
  }
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file((c.reports() / "junit.xml").c_str()));
  pugi::xml_node two = doc.child("testsuite").find_child_by_attribute("testcase", "name", "TwoDecimals");
  EXPECT_STREQ(two.attribute("classname").value(), "FormatterTest");
  EXPECT_EQ(std::string(two.child("failure").attribute("type").value()), "PASS_TO_FAIL");
  // Failed in all 5 runs with the fix: the failure and a rerunFailure per re-run.
  EXPECT_EQ(std::distance(two.children("rerunFailure").begin(), two.children("rerunFailure").end()), 4);

  // report.html: the verdict, both regressions and their chain. tests/browser/report_html_test.py opens
  // this very page in Chromium: it runs this test with AUTOFIX_GATE_KEEP_REPORTS set to a directory, where
  // the report set is copied.
  std::string html = read_file(c.reports() / "report.html");
  EXPECT_TRUE(contains(html, "<h1 class=\"headline\">AutofixGate: Rejected</h1>")) << html;
  for (std::string test : {"FormatterTest.ListInBrackets", "FormatterTest.TwoDecimals"})
    EXPECT_TRUE(contains(html, "<code class=\"test-name\">" + test + "</code>")) << test;
  EXPECT_TRUE(contains(html, "<span class=\"node file\">formatter/formatter.cpp</span><span class=\"arrow\">\u2192</span>"
                             "<span class=\"node target\">formatter</span>"))
      << html;
  // Under the assertion, the source around it with its line marked.
  EXPECT_TRUE(contains(html, "<table class=\"excerpt\"><caption>formatter/formatter_test.cpp:5</caption><tbody>"
                             "<tr><td class=\"ln\">3</td><td class=\"src\">#include &lt;gtest/gtest.h&gt;</td></tr>"
                             "<tr><td class=\"ln\">4</td><td class=\"src\"></td></tr>"
                             "<tr class=\"hit\"><td class=\"ln\">5</td><td class=\"src\">" + two_decimals_line + "</td></tr>"))
      << html;
  if (const char* keep = std::getenv("AUTOFIX_GATE_KEEP_REPORTS"); keep && *keep) {
    fs::create_directories(keep);
    for (const fs::directory_entry& e : fs::directory_iterator(c.reports()))
      if (e.is_regular_file()) fs::copy_file(e.path(), fs::path(keep) / e.path().filename(), fs::copy_options::overwrite_existing);
  }
}

// 5. The fix repairs mean() and renames a passing test to DISABLED_: a weakened test needs a person
// (docs/tiers.md, "Tampered tests"): exit 3, the fix on autofix/review/<id>, the checkout as it was.
// Regression (fixed): the gate rejected it (exit 1). gtest_discover_tests registers the renamed test
// under its old name with the DISABLED property, so it is "skipped" with the fix, which classify()
// counts as PASS_TO_FAIL; a test that did not run and that a tampering finding names is now a weakened
// test, not a regression (AttemptResult::regressions()). Before that, the re-run of the disabled test
// alone made ctest exit 8 ("No tests were found!!!"): an error, exit 4.
TEST(Tiers, TestRenamedToDisabledNeedsReview) {
  Calculator c;
  const std::string renamed = "TEST(MathTest, DISABLED_ClampKeepsValuesInRange) {";
  std::string test_source =
      replaced(read_file(c.repo() / "mathlib/mathlib_test.cpp"), "TEST(MathTest, ClampKeepsValuesInRange) {", renamed);
  std::string patch = make_patch(c,
                                 {{"mathlib/mathlib.cpp", replaced(read_file(c.repo() / "mathlib/mathlib.cpp"), kMean, kFixedMean)},
                                  {"mathlib/mathlib_test.cpp", test_source}},
                                 "disables a test");
  TreeFingerprint before = source_fingerprint(c.repo());

  runners::ProcessResult r = c.attempt({"--patch", patch});
  EXPECT_EQ(r.exit_code, 3) << show(r);
  expect_checkout_restored(c, before, r);
  json report = c.report();
  SCOPED_TRACE(report.dump(2));
  EXPECT_EQ(report.at("verdict"), "needs_review");
  EXPECT_TRUE(report.at("reason").get<std::string>().starts_with("the fix weakens tests")) << report.at("reason");
  json disabled = json::array();
  for (const json& f : report.at("tampering"))
    if (f.at("kind") == "disabled") disabled.push_back(f);
  ASSERT_FALSE(disabled.empty());
  bool at_the_rename = std::any_of(disabled.begin(), disabled.end(), [&](const json& f) {
    return f.at("file") == "mathlib/mathlib_test.cpp" && f.at("line") == line_of(test_source, renamed) &&
           f.at("test") == "MathTest.ClampKeepsValuesInRange" && !f.at("downgraded").get<bool>();
  });
  EXPECT_TRUE(at_the_rename) << "no `disabled` finding at mathlib/mathlib_test.cpp:" << line_of(test_source, renamed);

  // The fix waits on a review branch: one commit on the original HEAD, holding exactly the patch.
  std::string id = report.at("attempt_id").get<std::string>();
  std::string branch = "autofix/review/" + id;
  EXPECT_EQ(report.at("branch"), branch);
  EXPECT_EQ(refs_under(c.repo(), "refs/heads/autofix/"), Strings{"refs/heads/" + branch});
  EXPECT_EQ(c.git_out({"rev-parse", branch + "~1"}), c.original_head());
  EXPECT_EQ(c.git_out({"diff", "--name-only", c.original_head(), branch}), "mathlib/mathlib.cpp\nmathlib/mathlib_test.cpp");
  EXPECT_EQ(git(c.repo(), {"show", branch + ":mathlib/mathlib_test.cpp"}), test_source);

  const std::string summary = read_file(c.reports() / "summary.md");
  const std::string first_line = summary.substr(0, summary.find('\n'));
  EXPECT_TRUE(first_line.starts_with("## AutofixGate: Needs review: ")) << summary;
  EXPECT_TRUE(contains(first_line, "disabled `MathTest.ClampKeepsValuesInRange`")) << summary;
  EXPECT_EQ(markdown_problems(summary), Strings{}) << summary;
  EXPECT_EQ(json_schema_problems("report.schema.json", c.reports() / "report.json"), "");
}

}  // namespace
}  // namespace autofix::testing
