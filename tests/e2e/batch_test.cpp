// SPDX-License-Identifier: MIT
// `autofix-gate batch` end to end. The batch's decisions are the compiler's business nowhere, so most
// tests run on the compiler-free stand-in of examples/calculator (tests/e2e/script_project.h: real cmake,
// ninja and ctest; its "build" copies text files, its tests grep them): eight fixes, two of them breaking
// different tests, one depending on a breaking one, one that does not apply after another. best_effort
// and all_or_nothing give their exact accepted sets, the branch holds one commit per accepted fix in order,
// the skipped reasons are said, and the user's uncommitted work is intact; a bad batch file changes
// nothing. One test (OnAcceptCommit...) lands real C++ fixes on a copy of examples/calculator, built.
#include <gtest/gtest.h>

#include <signal.h>

#include <map>

#include "tests/e2e/attempt_data/calculator_repo.h"
#include "tests/e2e/script_project.h"
#include "tests/support/json_schema_check.h"

namespace autofix::testing {
namespace {

using attempt::Calculator;
using attempt::example_fix;
using attempt::lines_of;
using attempt::make_patch;
using attempt::refs_under;
using attempt::replaced;
using attempt::source_fingerprint;

using Strings = std::vector<std::string>;

// The eight fixes as patches beside a batch file in the test's scratch directory; returns the batch file.
fs::path write_batch(const ScriptProject& c, const std::string& strategy) {
  const fs::path dir = c.tmp() / "batch dir";
  c.mean_fix(dir, "mean");  // fixes mathlib.mean_of_three
  c.patch(dir, "sum-note", "mathlib/mathlib.src", "total = 0\n", "total = 0  # added in order\n");
  c.patch(dir, "list-sep", "formatter/formatter.src", "sep = \", \"", "sep = \",\"");  // breaks list_in_brackets
  c.patch(dir, "parse-plus", "parser/parser.src", "push value", "push value + 1");  // breaks parses_a_list
  c.patch(dir, "list-doc", "formatter/formatter.doc", "# \"[1.00, 2.50]\"", "# \"[1.00,2.50]\"");
  c.patch(dir, "sum-zero", "mathlib/mathlib.src", "total = 0\n", "total = 0.0\n");  // not after sum-note
  c.patch(dir, "main-note", "app/app.src", "# calc \"1, 2, 6\"", "# usage: calc \"1, 2, 6\"");
  c.patch(dir, "parser-doc", "parser/parser.doc", "# Parses \"1.5, 2, -3\"", "# Parses a list such as \"1.5, 2, -3\"");
  std::string text = R"({"version": 1, "strategy": ")" + strategy + R"(", "fixes": [
    {"id": "mean", "patch": "mean.diff"},
    {"id": "sum-note", "patch": "sum-note.diff"},
    {"id": "list-sep", "patch": "list-sep.diff"},
    {"id": "parse-plus", "patch": "parse-plus.diff"},
    {"id": "list-doc", "patch": "list-doc.diff", "depends_on": ["list-sep"]},
    {"id": "sum-zero", "patch": "sum-zero.diff"},
    {"id": "main-note", "patch": "main-note.diff"},
    {"id": "parser-doc", "patch": "parser-doc.diff"}]})";
  write_file(dir / "batch.json", text);
  return dir / "batch.json";
}

// The user's uncommitted work: an edit of a tracked file no fix touches, and an untracked file.
void edit_as_the_user(const ScriptProject& c) {
  write_file(c.repo() / "mathlib" / "mathlib.doc", c.read("mathlib/mathlib.doc") + "# my note, not committed\n");
  write_file(c.repo() / "my notes.txt", "remember the milk\n");
}
void edit_as_the_user(const Calculator& c) {
  write_file(c.repo() / "mathlib" / "mathlib.h", read_file(c.repo() / "mathlib" / "mathlib.h") + "// my note, not committed\n");
  write_file(c.repo() / "my notes.txt", "remember the milk\n");
}

// The tests tier only: what a batch decides here depends on the tests alone, and the static tier of each
// step (clang-tidy over the changed units) is covered by the tier tests; it would double these tests' time.
template <typename Project>
runners::ProcessResult batch(const Project& c, Strings args) {
  fs::path config = c.tmp() / "tests only.json";
  write_file(config, R"({"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}]})");
  args.insert(args.begin(), {"batch", "-j", "2", "--config", config.string()});
  const auto start = std::chrono::steady_clock::now();
  runners::ProcessResult r = gate(c.repo(), args, std::chrono::minutes(10));
  std::cout << "[ measured ] batch: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count()
            << " ms\n";
  return r;
}

template <typename Project>
nlohmann::json batch_report(const Project& c) { return nlohmann::json::parse(read_file(c.reports() / "report.json")); }

std::map<std::string, std::string> verdicts(const nlohmann::json& report) {
  std::map<std::string, std::string> out;
  for (const auto& f : report.at("fixes")) out[f.at("id").get<std::string>()] = f.at("verdict").get<std::string>();
  return out;
}

std::string reason_of(const nlohmann::json& report, const std::string& id) {
  for (const auto& f : report.at("fixes"))
    if (f.at("id") == id) return f.at("reason").get<std::string>();
  return "(no fix " + id + ")";
}

TEST(Batch, BestEffortLandsTheLargestPassingSetOneCommitPerFixInOrder) {
  ScriptProject c;
  fs::path file = write_batch(c, "best_effort");
  edit_as_the_user(c);
  TreeFingerprint before = source_fingerprint(c.repo());
  runners::ProcessResult r = batch(c, {file.string()});
  ASSERT_EQ(r.exit_code, 1) << show(r);  // some fixes were not accepted

  nlohmann::json report = batch_report(c);
  EXPECT_EQ(verdicts(report), (std::map<std::string, std::string>{{"mean", "accepted"},
                                                                   {"sum-note", "accepted"},
                                                                   {"list-sep", "rejected"},
                                                                   {"parse-plus", "rejected"},
                                                                   {"list-doc", "skipped"},
                                                                   {"sum-zero", "skipped"},
                                                                   {"main-note", "accepted"},
                                                                   {"parser-doc", "accepted"}}))
      << report.dump(2);
  EXPECT_EQ(reason_of(report, "list-doc"), "depends on list-sep, which was rejected");
  EXPECT_TRUE(reason_of(report, "sum-zero").starts_with("does not apply after mean and sum-note")
              || reason_of(report, "sum-zero").starts_with("does not apply after mean, sum-note"))
      << reason_of(report, "sum-zero");
  EXPECT_EQ(json_schema_problems("batch-report.schema.json", report), "");
  EXPECT_EQ(report.at("strategy"), "best_effort");
  EXPECT_EQ(report.at("outcome"), "partial");
  EXPECT_EQ(report.at("totals").at("one_by_one_runs"), 8);
  // sum-zero is skipped before any build; seven fixes with two culprits: all (fails); mean, sum-note,
  // list-sep (fails); mean; sum-note; list-sep alone (confirmed: fails); parse-plus, main-note, parser-doc
  // on the two (fails); parse-plus on them (fails); parse-plus alone (fails); main-note, parser-doc
  // (passes). Within 1 + 2·k·⌈log2 n⌉ = 13.
  EXPECT_EQ(report.at("totals").at("runs"), 9);

  // Each step built and judged has its own report set, as attempt writes one.
  std::size_t step_number = 0;
  for (const auto& step : report.at("steps")) {
    ++step_number;
    if (step.at("verdict") == "not_applied") {
      EXPECT_EQ(step.at("report"), nullptr) << step.dump();
      continue;
    }
    const std::string rel = "steps/" + std::to_string(step_number) + "/report.json";
    ASSERT_EQ(step.at("report"), rel) << step.dump();
    nlohmann::json step_report = nlohmann::json::parse(read_file(c.reports() / rel));
    EXPECT_EQ(json_schema_problems("report.schema.json", step_report), "") << rel;
    EXPECT_EQ(step_report.at("verdict") == "accepted", step.at("verdict") == "passed") << rel;
    EXPECT_TRUE(fs::exists(c.reports() / "steps" / std::to_string(step_number) / "junit.xml")) << rel;
  }

  // One branch, one commit per accepted fix, in the order applied, each with the batch's trailers.
  std::string id = report.at("batch_id").get<std::string>();
  std::string branch = "autofix/batch/" + id;
  EXPECT_EQ(refs_under(c.repo(), "refs/heads/autofix/"), Strings{"refs/heads/" + branch});
  EXPECT_EQ(lines_of(c.git_out({"log", "--reverse", "--format=%s", c.original_head() + ".." + branch})),
            (Strings{"autofix: apply mean.diff", "autofix: apply sum-note.diff", "autofix: apply main-note.diff",
                     "autofix: apply parser-doc.diff"}));
  EXPECT_EQ(lines_of(c.git_out({"log", "--format=%(trailers:key=Autofix-Batch,valueonly)", c.original_head() + ".." + branch})),
            (Strings(4, id)));
  EXPECT_EQ(lines_of(c.git_out({"diff", "--name-only", c.original_head(), branch})),
            (Strings{"app/app.src", "mathlib/mathlib.src", "parser/parser.doc"}));
  for (const auto& f : report.at("fixes"))
    EXPECT_EQ(f.at("commits").size(), f.at("verdict") == "accepted" ? 1u : 0u) << f.dump();

  // The checkout: as the user left it, uncommitted work included.
  TreeFingerprint after = source_fingerprint(c.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);
  EXPECT_EQ(c.git_out({"rev-parse", "HEAD"}), c.original_head());
  EXPECT_FALSE(fs::exists(c.journal()));

  // The other files of the report set.
  std::string junit = read_file(c.reports() / "junit.xml");
  EXPECT_EQ(lines_of(junit).size() > 0, true);
  size_t suites = 0;
  for (size_t at = junit.find("<testsuite "); at != std::string::npos; at = junit.find("<testsuite ", at + 1)) ++suites;
  EXPECT_EQ(suites, 8u);
  EXPECT_NE(read_file(c.reports() / "summary.md").find("| list-sep | rejected |"), std::string::npos);
}

TEST(Batch, AllOrNothingLandsNothingAndNamesTheCulprits) {
  ScriptProject c;
  fs::path file = write_batch(c, "best_effort");
  edit_as_the_user(c);
  TreeFingerprint before = source_fingerprint(c.repo());
  runners::ProcessResult r = batch(c, {file.string(), "--strategy", "all_or_nothing"});  // the flag wins
  ASSERT_EQ(r.exit_code, 1) << show(r);
  nlohmann::json report = batch_report(c);
  EXPECT_EQ(report.at("strategy"), "all_or_nothing");
  EXPECT_EQ(verdicts(report), (std::map<std::string, std::string>{{"mean", "skipped"},
                                                                   {"sum-note", "skipped"},
                                                                   {"list-sep", "rejected"},
                                                                   {"parse-plus", "rejected"},
                                                                   {"list-doc", "skipped"},
                                                                   {"sum-zero", "skipped"},
                                                                   {"main-note", "skipped"},
                                                                   {"parser-doc", "skipped"}}))
      << report.dump(2);
  EXPECT_EQ(reason_of(report, "mean"), "not landed: the batch is all_or_nothing and list-sep and parse-plus fail");
  EXPECT_EQ(refs_under(c.repo(), "refs/heads/autofix/"), Strings{});
  TreeFingerprint after = source_fingerprint(c.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);
  EXPECT_FALSE(fs::exists(c.journal()));
}

// Two good fixes from a patch directory (the short form), each landing as the mode says.
fs::path two_good_fixes(const ScriptProject& c) {
  const fs::path dir = c.tmp() / "patch dir";
  c.mean_fix(dir, "1-mean");
  c.patch(dir, "2-doc", "parser/parser.doc", "# Parses \"1.5, 2, -3\"", "# Parses a list such as \"1.5, 2, -3\"");
  return dir;
}
// The same on the real calculator: its real mean() fix, compiled.
fs::path two_good_fixes(const Calculator& c) {
  fs::path dir = c.tmp() / "patch dir";
  fs::create_directories(dir);
  fs::copy_file(example_fix("correct-fix.diff"), dir / "1-mean.diff");
  std::string doc = make_patch(c, {{"parser/parser.h", replaced(read_file(c.repo() / "parser/parser.h"), "// Parses \"1.5, 2, -3\"",
                                                                "// Parses a list such as \"1.5, 2, -3\"")}},
                               "doc");
  fs::copy_file(doc, dir / "2-doc.diff");
  return dir;
}

TEST(Batch, OnAcceptKeepLeavesTheFixesInTheTreeBesideTheUsersWork) {
  ScriptProject c;
  fs::path dir = two_good_fixes(c);
  edit_as_the_user(c);
  runners::ProcessResult r = batch(c, {"--patch-dir", dir.string(), "--on-accept", "keep"});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(verdicts(batch_report(c)), (std::map<std::string, std::string>{{"1-mean", "accepted"}, {"2-doc", "accepted"}}));
  EXPECT_NE(c.read("mathlib/mathlib.src").find("\nmean = total / n\n"), std::string::npos);
  EXPECT_NE(c.read("parser/parser.doc").find("# Parses a list such as"), std::string::npos);
  EXPECT_NE(c.read("mathlib/mathlib.doc").find("# my note, not committed"), std::string::npos);
  EXPECT_EQ(read_file(c.repo() / "my notes.txt"), "remember the milk\n");
  EXPECT_EQ(c.git_out({"rev-parse", "HEAD"}), c.original_head());
  EXPECT_EQ(refs_under(c.repo(), "refs/heads/autofix/"), Strings{});
  EXPECT_FALSE(fs::exists(c.journal()));
}

// The one batch test on a real, compiled project: the calculator's real mean() fix lands.
TEST(Batch, OnAcceptCommitPutsOneCommitPerFixOnTheCurrentBranch) {
  Calculator c;
  fs::path dir = two_good_fixes(c);
  edit_as_the_user(c);
  runners::ProcessResult r = batch(c, {"--patch-dir", dir.string(), "--on-accept", "commit"});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(lines_of(c.git_out({"log", "--reverse", "--format=%s", c.original_head() + "..main"})),
            (Strings{"autofix: apply 1-mean.diff", "autofix: apply 2-doc.diff"}));
  EXPECT_EQ(c.git_out({"symbolic-ref", "HEAD"}), "refs/heads/main");
  // The user's edit stays uncommitted; the fixes are committed and in the tree.
  EXPECT_EQ(lines_of(c.git_out({"status", "--porcelain"})), (Strings{" M mathlib/mathlib.h", "?? \"my notes.txt\""}));
  EXPECT_FALSE(fs::exists(c.journal()));
}

// Suspect narrowing on a real build graph (docs/batch.md, "Suspects"): the broken parser test builds from
// parser.cpp alone among the changed files, so the fix that changed it is the one suspect; the set without
// it passes, and the culprit is rejected without bisecting: 2 runs, not the 4 of halving three fixes.
TEST(Batch, AFailedStepsBrokenTestNamesItsOneSuspectAndTheRestIsJudgedWithoutIt) {
  Calculator c;
  fs::path dir = c.tmp() / "patch dir";
  fs::create_directories(dir);
  fs::copy_file(example_fix("correct-fix.diff"), dir / "1-mean.diff");
  auto patch_of = [&](const std::string& path, const std::string& from, const std::string& to, const std::string& name) {
    return make_patch(c, {{path, replaced(read_file(c.repo() / path), from, to)}}, name);
  };
  fs::copy_file(patch_of("formatter/formatter.h", "// \"3.14\" : two decimals, always.",
                         "// \"3.14\": two decimals, always.", "doc"),
                dir / "2-doc.diff");
  fs::copy_file(patch_of("parser/parser.cpp", "out.push_back(value);", "out.push_back(value + 1);", "plus"),
                dir / "3-plus.diff");
  edit_as_the_user(c);
  runners::ProcessResult r = batch(c, {"--patch-dir", dir.string()});
  ASSERT_EQ(r.exit_code, 1) << show(r);
  nlohmann::json report = batch_report(c);
  EXPECT_EQ(verdicts(report), (std::map<std::string, std::string>{
                                  {"1-mean", "accepted"}, {"2-doc", "accepted"}, {"3-plus", "rejected"}}))
      << report.dump(2);
  EXPECT_EQ(report.at("totals").at("runs"), 2) << report.dump(2);
  ASSERT_EQ(report.at("steps").size(), 2u) << report.dump(2);
  EXPECT_EQ(report.at("steps")[0].at("verdict"), "failed");
  EXPECT_EQ(report.at("steps")[1].at("purpose"), "without the suspects");
  EXPECT_EQ(report.at("steps")[1].at("set"), (nlohmann::json{"1-mean", "2-doc"}));
  EXPECT_EQ(report.at("steps")[1].at("verdict"), "passed");
  EXPECT_NE(reason_of(report, "3-plus").find("the set without the suspects passes"), std::string::npos)
      << reason_of(report, "3-plus");
  EXPECT_EQ(json_schema_problems("batch-report.schema.json", report), "");
  EXPECT_EQ(lines_of(c.git_out({"status", "--porcelain"})), (Strings{" M mathlib/mathlib.h", "?? \"my notes.txt\""}));
  EXPECT_FALSE(fs::exists(c.journal()));
}

TEST(Batch, SigtermDuringAStepRestoresTheTreeAndExits143) {
  ScriptProject c;
  fs::path file = write_batch(c, "best_effort");
  edit_as_the_user(c);
  TreeFingerprint before = source_fingerprint(c.repo());
  // In the first step's build (the baseline's phase is "baseline"), the journal polled every 200 µs.
  runners::ProcessResult r = run_and_signal({gate_binary().string(), "batch", "-j", "2", file.string()}, c.repo(),
                                            [&] { return journal_in_phase(c.repo(), "build"); },
                                            std::chrono::microseconds(0), SIGTERM);
  EXPECT_EQ(r.exit_code, 143) << show(r);
  TreeFingerprint after = source_fingerprint(c.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);
  EXPECT_FALSE(fs::exists(c.journal()));
  EXPECT_EQ(refs_under(c.repo(), "refs/heads/autofix/"), Strings{});
}

TEST(Batch, ABadBatchFileChangesNothing) {
  ScriptProject c;
  c.mean_fix(c.tmp(), "a");
  write_file(c.tmp() / "cycle.json", R"({"version": 1, "fixes": [
    {"id": "a", "patch": "a.diff", "depends_on": ["b"]}, {"id": "b", "patch": "a.diff", "depends_on": ["a"]}]})");
  TreeFingerprint before = exact_fingerprint(c.repo());
  runners::ProcessResult r = batch(c, {(c.tmp() / "cycle.json").string()});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_NE(r.err.find("cycle.json: fixes: dependency cycle: a -> b -> a"), std::string::npos) << show(r);
  TreeFingerprint after = exact_fingerprint(c.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);
  EXPECT_EQ(refs_under(c.repo(), "refs/autofix/"), Strings{});
}

TEST(Batch, DryRunPrintsThePlanAndChangesNothing) {
  ScriptProject c;
  fs::path file = write_batch(c, "checkpoint");
  TreeFingerprint before = exact_fingerprint(c.repo());
  runners::ProcessResult r = batch(c, {file.string(), "--dry-run"});
  EXPECT_EQ(r.exit_code, 5) << show(r);
  EXPECT_NE(r.out.find("strategy checkpoint (every 3)"), std::string::npos) << show(r);
  EXPECT_NE(r.out.find("  list-doc (list-doc.diff), after list-sep"), std::string::npos) << show(r);
  TreeFingerprint after = exact_fingerprint(c.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);
}

}  // namespace
}  // namespace autofix::testing
