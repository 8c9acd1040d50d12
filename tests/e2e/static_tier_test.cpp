// SPDX-License-Identifier: MIT
// The static tier's severity threshold and time limit end to end (docs/tiers.md, "Static findings"), one
// attempt per scenario on a copy of examples/calculator, each fixing mean() in a way cppcheck has an
// opinion about:
//   - a local variable that shadows a function (cppcheck style: shadowFunction) under the default
//     configuration: accepted, the finding reported as new and not blocking ("fail_on": "style" making
//     it block is the unit test VerdictRulesTiers.FailOnStyleMakesAStyleFindingBlock);
//   - a self-assignment (cppcheck warning: selfAssignment) under the default configuration: rejected,
//     the reason naming the rule;
//   - a cppcheck that never finishes, under a one-second tier timeout: verdict error naming the analyzer,
//     the file, the limit and how to raise it;
//   - the same fix twice against one tree: the second attempt runs cppcheck once, over the fixed file,
//     and judges it exactly as the first (the tree without the fix from its stored analysis).
// Each asserts the exit code, the verdict, what report.json and autofix.sarif say, and that the
// checkout is exactly as it was (and, when rejected, that no branch was left).
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "runners/program_lookup.h"
#include "tests/e2e/attempt_data/calculator_repo.h"
#include "tests/support/json_schema_check.h"
#include "tests/support/markdown_check.h"

namespace autofix::testing {
namespace {

using attempt::Calculator;
using attempt::json_strings;
using attempt::kFixedTest;
using attempt::refs_under;
using attempt::source_fingerprint;

using Strings = std::vector<std::string>;
using Env = std::vector<std::pair<std::string, std::string>>;
using nlohmann::json;

const std::string kBuggyMean = "  return sum(values) / static_cast<double>(values.size() - 1);\n";
// Fixes mean(); cppcheck: "style: Local variable 'sum' shadows outer function [shadowFunction]".
const std::string kShadowingFix =
    "  const double sum = calc::sum(values);\n"
    "  return sum / static_cast<double>(values.size());\n";
// Fixes mean(); cppcheck: "warning: Redundant assignment of 'total' to itself. [selfAssignment]".
const std::string kSelfAssigningFix =
    "  double total = sum(values);\n"
    "  total = total;\n"
    "  return total / static_cast<double>(values.size());\n";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("'" + from + "' not found");
  return text.replace(at, from.size(), to);
}

// A patch that replaces mean()'s buggy line of mathlib/mathlib.cpp with `fix`, written outside the
// repository; the checkout is left as it was.
std::string mean_patch(const Calculator& c, const std::string& fix, const std::string& name) {
  const fs::path source = c.repo() / "mathlib/mathlib.cpp";
  const std::string original = read_file(source);
  write_file(source, replaced(original, kBuggyMean, fix));
  std::string patch = git(c.repo(), {"diff"});
  write_file(source, original);
  if (!c.git_out({"status", "--porcelain"}).empty()) throw std::runtime_error("the checkout is not clean after " + name);
  fs::path file = c.tmp() / (name + ".diff");
  write_file(file, patch);
  return file.string();
}

void commit_config(Calculator& c, const std::string& config) {
  write_file(c.repo() / "autofix-gate.json", config + "\n");
  git(c.repo(), {"add", "autofix-gate.json"});
  git(c.repo(), {"commit", "-q", "-m", "gate configuration"});
}

void expect_restored(const Calculator& c, const TreeFingerprint& before, const runners::ProcessResult& r) {
  TreeFingerprint after = source_fingerprint(c.repo());
  EXPECT_TRUE(after == before) << "the tree differs after the attempt:\n" << describe_difference(before, after) << show(r);
  EXPECT_EQ(c.git_out({"symbolic-ref", "HEAD"}), "refs/heads/main");
  EXPECT_FALSE(fs::exists(c.journal())) << "the journal was left behind\n" << show(r);
}

const json& tier_named(const json& report, const std::string& name) {
  for (const json& t : report.at("tiers"))
    if (t.at("name") == name) return t;
  throw std::runtime_error("no tier '" + name + "' in report.json: " + report.at("tiers").dump(2));
}

// The findings of a tier by rule (each rule appears once in these scenarios).
std::map<std::string, json> findings_by_rule(const json& tier) {
  std::map<std::string, json> out;
  for (const json& f : tier.at("findings")) {
    std::string rule = f.at("rule").get<std::string>();
    if (!out.emplace(rule, f).second) throw std::runtime_error("rule '" + rule + "' appears twice: " + tier.dump(2));
  }
  return out;
}

json report_file(const Calculator& c, const std::string& name) { return json::parse(read_file(c.reports() / name)); }

// The static tier's run in a SARIF log (autofix.sarif: what GitHub gets; autofix-full.sarif: every finding).
const json& static_run(const json& sarif) {
  for (const json& run : sarif.at("runs"))
    if (run.at("automationDetails").at("id") == "static/") return run;
  throw std::runtime_error("no SARIF run of the static tier: " + sarif.dump(2));
}

// The report files hold against the SARIF schema, GitHub's upload rules and GitLab's Code Quality rules.
void expect_valid_report_formats(const Calculator& c) {
  runners::ProcessResult check = check_report_formats(c.reports());
  EXPECT_EQ(check.exit_code, 0) << show(check);
}

// The SARIF result of the static tier's run with this rule id, in autofix.sarif.
json sarif_result(const Calculator& c, const std::string& rule) {
  json sarif = json::parse(read_file(c.reports() / "autofix.sarif"));
  for (const json& run : sarif.at("runs")) {
    if (run.at("automationDetails").at("id") != "static/") continue;
    for (const json& result : run.at("results"))
      if (result.value("ruleId", "") == rule) return result;
  }
  throw std::runtime_error("no SARIF result for '" + rule + "': " + sarif.dump(2));
}

const int kShadowLine = 13;      // `const double sum = calc::sum(values);` in the fixed file
const int kSelfAssignLine = 14;  // `total = total;`

// (a) Regression: the default static tier (cppcheck, picked because it is installed) rejected a correct
// fix on a style finding nobody asked it to enforce. Under the default threshold ('warning') the
// style finding is reported, new and not blocking, and the fix is accepted.
TEST(StaticTier, ANewStyleFindingIsReportedButDoesNotRejectByDefault) {
  Calculator c;  // no autofix-gate.json: the default tiers
  std::string patch = mean_patch(c, kShadowingFix, "shadowing fix");
  TreeFingerprint before = source_fingerprint(c.repo());

  runners::ProcessResult r = c.attempt({"--patch", patch});
  EXPECT_EQ(r.exit_code, 0) << show(r);
  expect_restored(c, before, r);
  EXPECT_EQ(refs_under(c.repo(), "refs/heads/autofix/").size(), 1u) << "the accepted fix is on its branch";
  json report = c.report();
  SCOPED_TRACE(report.dump(2));
  EXPECT_EQ(report.at("verdict"), "accepted");
  EXPECT_EQ(json_strings(report.at("tests_status").at("FAIL_TO_PASS")), Strings{kFixedTest});

  const json& tier = tier_named(report, "static");
  EXPECT_EQ(tier.at("kind"), "cppcheck");
  EXPECT_EQ(tier.at("required"), true);
  EXPECT_EQ(tier.at("status"), "passed");
  EXPECT_EQ(tier.at("reason"),
            "0 new blocking finding(s), 0 fixed, in 1 translation unit(s); 1 new finding(s) below the 'warning' "
            "threshold reported, not blocking (style shadowFunction at mathlib/mathlib.cpp:" +
                std::to_string(kShadowLine) + ")");
  std::map<std::string, json> findings = findings_by_rule(tier);
  ASSERT_TRUE(findings.count("shadowFunction"));
  const json& shadow = findings["shadowFunction"];
  EXPECT_EQ(shadow.at("state"), "new");
  EXPECT_EQ(shadow.at("severity"), "style");
  EXPECT_EQ(shadow.at("blocking"), false);
  EXPECT_EQ(shadow.at("file"), "mathlib/mathlib.cpp");
  EXPECT_EQ(shadow.at("line"), kShadowLine);
  EXPECT_EQ(shadow.at("message"), "Local variable 'sum' shadows outer function");
  for (const auto& [rule, f] : findings) {
    if (rule == "shadowFunction") continue;
    EXPECT_EQ(f.at("state"), "unchanged") << rule << " was there before the fix";
  }

  // autofix.sarif: the finding with cppcheck's level for style, its state, and that it did not block.
  json result = sarif_result(c, "shadowFunction");
  EXPECT_EQ(result.at("level"), "warning");
  EXPECT_EQ(result.at("baselineState"), "new");
  EXPECT_EQ(result.at("properties").at("severity"), "style");
  EXPECT_EQ(result.at("properties").at("blocking"), false);
  EXPECT_EQ(result.at("partialFingerprints").at("autofixGate/v1"), shadow.at("fingerprint"));
  // Only the new finding goes to GitHub; the full log keeps every one with its state.
  const json upload_log = report_file(c, "autofix.sarif"), full_log = report_file(c, "autofix-full.sarif");
  const json& upload = static_run(upload_log);
  EXPECT_EQ(upload.at("results").size(), 1u) << upload.dump(2);
  EXPECT_EQ(upload.at("tool").at("driver").at("rules"),
            json::array({{{"id", "shadowFunction"},
                          {"shortDescription", {{"text", "cppcheck check shadowFunction"}}},
                          {"fullDescription",
                           {{"text", "A finding of cppcheck's check shadowFunction, of severity style: unused or "
                                     "redundant code, a questionable construct."}}},
                          {"help", upload.at("tool").at("driver").at("rules").at(0).at("help")},
                          {"properties",
                           {{"tags", {"cppcheck", "maintainability"}},
                            {"precision", "high"},
                            {"problem.severity", "recommendation"}}}}}))
      << "no helpUri: cppcheck has no page per check";
  const json& full = static_run(full_log);
  ASSERT_EQ(full.at("results").size(), tier.at("findings").size());
  for (size_t i = 0; i < findings.size(); ++i)
    EXPECT_EQ(full.at("results").at(i).at("baselineState"), tier.at("findings").at(i).at("state"));
  // GitLab Code Quality: the new finding, a minor one (cppcheck's style).
  EXPECT_EQ(report_file(c, "gl-code-quality-report.json"),
            json::array({{{"description", "Local variable 'sum' shadows outer function"},
                          {"check_name", "cppcheck/shadowFunction"},
                          {"fingerprint", result.at("partialFingerprints").at("primaryLocationLineHash")},
                          {"severity", "minor"},
                          {"location", {{"path", "mathlib/mathlib.cpp"}, {"lines", {{"begin", kShadowLine}}}}}}}));
  expect_valid_report_formats(c);

  std::string summary = read_file(c.reports() / "summary.md");
  EXPECT_TRUE(summary.contains("- `shadowFunction` (style, not blocking: below the tier's threshold) at `mathlib/mathlib.cpp:" +
                                    std::to_string(kShadowLine) + ":" + std::to_string(shadow.at("column").get<int>()) +
                                    "`: Local variable 'sum' shadows outer function\n"))
      << summary;
  EXPECT_EQ(markdown_problems(summary), std::vector<std::string>{}) << summary;
}

// (b) A warning-level finding is at the default threshold: rejected, and the reason names the rule.
TEST(StaticTier, ANewWarningRejectsByDefaultAndTheReasonNamesTheRule) {
  Calculator c;
  std::string patch = mean_patch(c, kSelfAssigningFix, "self-assigning fix");
  TreeFingerprint before = source_fingerprint(c.repo());

  runners::ProcessResult r = c.attempt({"--patch", patch});
  EXPECT_EQ(r.exit_code, 1) << show(r);
  expect_restored(c, before, r);
  EXPECT_EQ(refs_under(c.repo(), "refs/heads/autofix/"), Strings{}) << show(r);
  json report = c.report();
  SCOPED_TRACE(report.dump(2));
  EXPECT_EQ(report.at("verdict"), "rejected");
  EXPECT_EQ(report.at("reason"),
            "required tier 'static' (cppcheck) failed: 1 new blocking finding(s) (warning selfAssignment at "
            "mathlib/mathlib.cpp:" + std::to_string(kSelfAssignLine) + "), 0 fixed, in 1 translation unit(s)");
  EXPECT_EQ(json_strings(report.at("tests_status").at("FAIL_TO_PASS")), Strings{kFixedTest})
      << "the fix works: only the static tier objects";
  const json& tier = tier_named(report, "static");
  EXPECT_EQ(tier.at("status"), "failed");
  const json self = findings_by_rule(tier).at("selfAssignment");
  EXPECT_EQ(self.at("state"), "new");
  EXPECT_EQ(self.at("severity"), "warning");
  EXPECT_EQ(self.at("blocking"), true);
  EXPECT_EQ(self.at("line"), kSelfAssignLine);
  json result = sarif_result(c, "selfAssignment");
  EXPECT_EQ(result.at("level"), "warning");
  EXPECT_EQ(result.at("baselineState"), "new");
  EXPECT_EQ(result.at("properties").at("blocking"), true);
  json quality = report_file(c, "gl-code-quality-report.json");
  ASSERT_EQ(quality.size(), 1u) << quality.dump(2);
  EXPECT_EQ(quality[0].at("check_name"), "cppcheck/selfAssignment");
  EXPECT_EQ(quality[0].at("severity"), "major") << "cppcheck's warning";
  EXPECT_EQ(quality[0].at("location"), json({{"path", "mathlib/mathlib.cpp"}, {"lines", {{"begin", kSelfAssignLine}}}}));
  expect_valid_report_formats(c);
  const std::string summary = read_file(c.reports() / "summary.md");
  EXPECT_TRUE(summary.starts_with(
      "## AutofixGate: Rejected: required tier `static` found 1 new static finding (`selfAssignment`)\n\n"))
      << summary;
  EXPECT_EQ(json_schema_problems("report.schema.json", c.reports() / "report.json"), "");
}

// (c) An analyzer that outlives the tier's timeout makes the required tier `error` (exit 4), never a
// pass or a skip: the reason names the analyzer, the file, the limit and how to raise it.
TEST(StaticTier, AnAnalyzerThatRunsOutOfTimeIsAnErrorNamingTheLimit) {
  Calculator c;
  commit_config(c, R"({"version": 1, "tiers": [{"name": "tests", "kind": "ctest"},
                       {"name": "static", "kind": "cppcheck", "timeout": 1}]})");
  // A cppcheck that never finishes, first in PATH.
  const fs::path bin = c.tmp() / "slow analyzers";
  write_file(bin / "cppcheck", "#!/bin/sh\nexec sleep 60\n");
  fs::permissions(bin / "cppcheck", fs::perms::owner_all);
  std::string patch = mean_patch(c, kShadowingFix, "shadowing fix");
  TreeFingerprint before = source_fingerprint(c.repo());

  const char* path = std::getenv("PATH");
  auto start = std::chrono::steady_clock::now();
  runners::ProcessResult r = run({gate_binary().string(), "attempt", "-j", "2", "--patch", patch}, c.repo(),
                                 {{"PATH", bin.string() + ":" + (path ? path : "/usr/bin:/bin")}}, std::chrono::minutes(5));
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 4) << show(r);
  EXPECT_LT(seconds, 50) << "the analyzer was stopped at the limit, not waited for";
  expect_restored(c, before, r);
  EXPECT_EQ(refs_under(c.repo(), "refs/heads/autofix/"), Strings{}) << show(r);
  json report = c.report();
  SCOPED_TRACE(report.dump(2));
  EXPECT_EQ(report.at("verdict"), "error");
  const json& tier = tier_named(report, "static");
  EXPECT_EQ(tier.at("status"), "error");
  const std::string reason = tier.at("reason").get<std::string>();
  EXPECT_TRUE(reason.starts_with("analysing the tree with the change: cppcheck did not finish within its time "
                                 "limit of 1 s: it was still analysing 'mathlib/mathlib.cpp'; the command was: "))
      << reason;
  EXPECT_TRUE(reason.ends_with(" (raise the tier's \"timeout\" in autofix-gate.json, in seconds (TIMEOUT of "
                               "autofix_gate_add_tier))"))
      << reason;
  EXPECT_EQ(report.at("reason"), "required tier 'static' could not run: " + reason);
  // A gate error: its reason is the summary's first line. The hanging cppcheck said no version either:
  // it is left out, never "unknown".
  const std::string summary = read_file(c.reports() / "summary.md");
  EXPECT_TRUE(summary.starts_with("## AutofixGate: Error: required tier 'static' could not run: analysing the tree")) << summary;
  EXPECT_EQ(markdown_problems(summary), std::vector<std::string>{}) << summary;
  EXPECT_FALSE(report.at("tool_versions").contains("cppcheck")) << report.at("tool_versions");
  EXPECT_TRUE(report.at("tool_versions").contains("cmake")) << report.at("tool_versions");
  EXPECT_EQ(json_schema_problems("report.schema.json", c.reports() / "report.json"), "");
  // A gate error: the tier that could not run is an <error> in autofix-tiers.xml; the tests still count.
  json readers = junit_readers(c.reports(), c.repo());
  ASSERT_FALSE(readers.is_null());
  EXPECT_EQ(readers["autofix-tiers.xml"]["gitlab"]["counts"],
            json({{"success", 1}, {"failed", 0}, {"skipped", 0}, {"error", 1}, {"total", 2}}));
}

// (d) The analysis of the tree without the fix is paid once: the same fix again runs cppcheck over the
// fixed translation unit only, and reaches the same verdict for the same reason. A wrapper first in PATH
// logs every cppcheck process the gate starts.
TEST(StaticTier, ASecondAttemptAgainstTheSameTreeAnalysesOnlyTheFixedTree) {
  std::optional<fs::path> cppcheck = runners::find_program("cppcheck");
  ASSERT_TRUE(cppcheck) << "cppcheck is not installed";
  Calculator c;
  commit_config(c, R"({"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}, {"name": "static", "kind": "cppcheck"}]})");
  const fs::path bin = c.tmp() / "logging analyzers";
  const fs::path log = c.tmp() / "cppcheck runs.log";
  write_file(bin / "cppcheck", "#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in --project=*) echo analyse >> '" + log.string() +
                                   "';; esac; done\nexec '" + cppcheck->string() + "' \"$@\"\n");
  fs::permissions(bin / "cppcheck", fs::perms::owner_all);
  const char* path = std::getenv("PATH");
  const Env env{{"PATH", bin.string() + ":" + (path ? path : "/usr/bin:/bin")}};
  std::string patch = mean_patch(c, kSelfAssigningFix, "self-assigning fix");
  TreeFingerprint before = source_fingerprint(c.repo());
  auto analyses = [&]() -> long {
    if (!fs::exists(log)) return 0;
    const std::string text = read_file(log);
    return std::count(text.begin(), text.end(), '\n');
  };

  std::vector<std::string> reasons;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const long analysed_before = analyses();
    runners::ProcessResult r = run({gate_binary().string(), "attempt", "-j", "2", "--patch", patch}, c.repo(), env,
                                   std::chrono::minutes(5));
    EXPECT_EQ(r.exit_code, 1) << show(r);
    expect_restored(c, before, r);
    json report = c.report();
    EXPECT_EQ(report.at("baseline").at("cached"), attempt == 1);
    reasons.push_back(report.at("reason").get<std::string>());
    EXPECT_EQ(analyses() - analysed_before, attempt == 0 ? 2 : 1) << "attempt " << attempt << "\n" << show(r);
    if (attempt == 1) {
      EXPECT_TRUE(r.err.contains("autofix-gate: [static] without the change: the stored analyses of 1 translation unit(s)"))
          << show(r);
    }
  }
  EXPECT_EQ(reasons[0], "required tier 'static' (cppcheck) failed: 1 new blocking finding(s) (warning selfAssignment at "
                        "mathlib/mathlib.cpp:" + std::to_string(kSelfAssignLine) + "), 0 fixed, in 1 translation unit(s)");
  EXPECT_EQ(reasons[1], reasons[0]);
}

}  // namespace
}  // namespace autofix::testing
