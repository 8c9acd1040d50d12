// SPDX-License-Identifier: MIT
// `autofix-gate attempt` end to end, on a copy of examples/calculator (one real bug: mean() divides by
// n - 1, so MathTest.MeanOfThreeValues fails) with each example fix and fixer (breaks-other-module.diff
// is in tiers_test.cpp, with its cascading failures): every verdict and exit code, what accepting does
// (a branch, the work tree, the current branch), what a rejection leaves (exactly the tree it found),
// the user's uncommitted work, the reports, and the baseline cache.
#include <gtest/gtest.h>

#include <map>
#include <pugixml.hpp>
#include <regex>
#include <set>

#include "runners/tool_version.h"
#include "tests/e2e/attempt_data/calculator_repo.h"
#include "tests/support/json_schema_check.h"

namespace autofix::testing {
namespace {

using attempt::Calculator;
using attempt::example_fix;
using attempt::example_fixer;
using attempt::json_strings;
using attempt::kExampleTests;
using attempt::kFixedTest;
using attempt::lines_of;
using attempt::refs_under;
using attempt::source_fingerprint;

using Strings = std::vector<std::string>;

// A rejected (or dry-run) attempt must leave the tree exactly as it found it: files (build/ aside, it
// is ignored and rebuilt on purpose), index, status and HEAD; no journal and no autofix branch.
void expect_restored(const Calculator& c, const TreeFingerprint& before, const runners::ProcessResult& r) {
  TreeFingerprint after = source_fingerprint(c.repo());
  EXPECT_TRUE(after == before) << "the tree differs after the attempt:\n"
                               << describe_difference(before, after) << show(r);
  EXPECT_FALSE(fs::exists(c.journal())) << "the journal was left behind\n" << show(r);
  EXPECT_EQ(refs_under(c.repo(), "refs/heads/autofix/"), Strings{}) << show(r);
}

// "Key: value" trailers of a commit's message.
std::map<std::string, std::string> trailers_of(const Calculator& c, const std::string& rev) {
  std::map<std::string, std::string> out;
  for (const std::string& line : lines_of(git(c.repo(), {"log", "-1", "--format=%(trailers:only,unfold)", rev}))) {
    size_t colon = line.find(": ");
    if (colon != std::string::npos) out[line.substr(0, colon)] = line.substr(colon + 2);
  }
  return out;
}

// The tree `patch` gives when applied on its own to `rev`, computed by git itself in a scratch index.
std::string tree_with_patch(const Calculator& c, const std::string& rev, const std::string& patch) {
  std::vector<std::pair<std::string, std::string>> env = {{"GIT_INDEX_FILE", (c.tmp() / "scratch index").string()}};
  for (Strings args : {Strings{"read-tree", rev}, Strings{"apply", "--cached", patch}}) {
    args.insert(args.begin(), "git");
    runners::ProcessResult r = run(args, c.repo(), env);
    if (!r.succeeded()) throw std::runtime_error("git " + args[1] + " failed: " + show(r));
  }
  runners::ProcessResult tree = run({"git", "write-tree"}, c.repo(), env);
  if (!tree.succeeded()) throw std::runtime_error("git write-tree failed: " + show(tree));
  fs::remove(c.tmp() / "scratch index");
  return Calculator::trimmed(tree.out);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// What `program --version` says: its first line with a digit (as report.json's tool_versions keeps it).
std::string version_of(const std::string& program) {
  runners::ProcessResult r = run({program, "--version"}, fs::current_path());
  for (const std::string& line : lines_of(r.out))
    if (line.find_first_of("0123456789") != std::string::npos) return line.substr(line.find_first_not_of(' '));
  return "(no version from " + program + ")";
}

TEST(Attempt, CorrectFixIsCommittedOnABranchAndTheCheckoutIsUntouched) {
  Calculator c;
  TreeFingerprint before = source_fingerprint(c.repo());
  runners::ProcessResult r = c.attempt({"--patch", example_fix("correct-fix.diff")});
  ASSERT_EQ(r.exit_code, 0) << show(r);

  nlohmann::json report = c.report();
  std::string id = report.at("attempt_id").get<std::string>();
  std::string branch = "autofix/" + id;
  EXPECT_EQ(report.at("verdict"), std::string("accepted"));
  EXPECT_EQ(report.at("branch"), branch);
  EXPECT_TRUE(contains(r.out, "verdict: accepted")) << show(r);
  EXPECT_TRUE(contains(r.out, "branch: " + branch)) << show(r);
  EXPECT_EQ(refs_under(c.repo(), "refs/heads/autofix/"), Strings{"refs/heads/" + branch});

  // One commit on top of the original HEAD, holding exactly the fix.
  std::string commit = c.git_out({"rev-parse", "--verify", branch});
  EXPECT_EQ(report.at("commit"), commit);
  EXPECT_EQ(c.git_out({"rev-list", "--parents", "-n", "1", branch}), commit + " " + c.original_head())
      << "the fix commit must have exactly one parent: the HEAD the attempt started from";
  EXPECT_EQ(c.git_out({"diff", "--name-status", c.original_head(), branch}), "M\tmathlib/mathlib.cpp");
  EXPECT_EQ(c.git_out({"rev-parse", branch + "^{tree}"}),
            tree_with_patch(c, c.original_head(), example_fix("correct-fix.diff")))
      << "git diff parent..branch is not exactly the fix:\n"
      << git(c.repo(), {"diff", c.original_head(), branch});

  std::map<std::string, std::string> t = trailers_of(c, branch);
  EXPECT_EQ(t["Autofix-Attempt"], id);
  EXPECT_EQ(t["Tests-Run"], std::to_string(kExampleTests));
  EXPECT_EQ(t["Tests-Passed"], std::to_string(kExampleTests));
  EXPECT_EQ(t["Fixed-Tests"], kFixedTest);
  EXPECT_EQ(t["Verification"], "automated");
  EXPECT_EQ(t.size(), 5u) << git(c.repo(), {"log", "-1", "--format=%B", branch});

  // The user's checkout: as it was, still on main at the original HEAD, the bug still there.
  TreeFingerprint after = source_fingerprint(c.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);
  EXPECT_EQ(c.git_out({"symbolic-ref", "HEAD"}), "refs/heads/main");
  EXPECT_FALSE(fs::exists(c.journal()));
}

TEST(Attempt, PatchThatDoesNotApplyIsRejectedNamingTheHunk) {
  Calculator c;
  TreeFingerprint before = source_fingerprint(c.repo());
  runners::ProcessResult r = c.attempt({"--patch", example_fix("does-not-apply.diff")});
  EXPECT_EQ(r.exit_code, 1) << show(r);
  expect_restored(c, before, r);

  std::string reason = c.report().at("reason").get<std::string>();
  EXPECT_TRUE(contains(reason, "hunk @@ -10,7 +10,7 @@")) << reason;
  EXPECT_TRUE(contains(reason, "mathlib/mathlib.cpp")) << reason;
  EXPECT_TRUE(contains(r.out, "verdict: rejected: the patch was refused")) << show(r);
  // Refused before anything changed: no snapshot was needed; only the history has a record of it.
  EXPECT_EQ(refs_under(c.repo(), "refs/autofix/"), Strings{"refs/autofix/history"});
}

TEST(Attempt, FixThatDeletesTheFailingTestNeedsReview) {
  Calculator c;
  TreeFingerprint before = source_fingerprint(c.repo());
  runners::ProcessResult r = c.attempt({"--patch", example_fix("deletes-failing-test.diff")});
  EXPECT_EQ(r.exit_code, 3) << show(r);
  TreeFingerprint after = source_fingerprint(c.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after) << show(r);

  nlohmann::json report = c.report();
  EXPECT_EQ(report.at("verdict"), std::string("needs_review"));
  EXPECT_EQ(refs_under(c.repo(), "refs/heads/autofix/"), Strings{"refs/heads/" + report.at("branch").get<std::string>()});
  // Kept for the reviewer on a branch of its own; the checkout is as it was.
  std::string branch = report.at("branch").get<std::string>();
  EXPECT_TRUE(branch.starts_with("autofix/review/")) << branch;
  EXPECT_EQ(git(c.repo(), {"diff", "--name-only", "HEAD", branch}), "mathlib/mathlib_test.cpp\n");
  std::set<std::string> kinds;
  for (const auto& f : report.at("tampering")) {
    EXPECT_EQ(f.at("file"), "mathlib/mathlib_test.cpp") << f.dump();
    kinds.insert(f.at("kind").get<std::string>());
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"test_source_edited", "unregistered"})) << report.at("tampering").dump(2);
  EXPECT_EQ(json_strings(report.at("tests_status").at("MISSING")), Strings{kFixedTest}) << report.dump(2);
  EXPECT_EQ(json_strings(report.at("tests_status").at("PASS_TO_FAIL")), Strings{}) << report.dump(2);
  EXPECT_EQ(report.at("tests_passed"), kExampleTests - 1) << report.dump(2);
  // The deleted test did not run with the fix: it is no test case (report.json lists it as MISSING).
  nlohmann::json readers = junit_readers(c.reports(), c.repo());
  ASSERT_FALSE(readers.is_null());
  EXPECT_EQ(readers["junit.xml"]["gitlab"]["counts"],
            nlohmann::json({{"success", kExampleTests - 1}, {"failed", 0}, {"skipped", 0}, {"error", 0},
                            {"total", kExampleTests - 1}}));
}

TEST(Attempt, HangingFixerIsStoppedByTheTimeout) {
  Calculator c;
  // The baseline first, without the short limit: --timeout also bounds its build and tests.
  runners::ProcessResult b = gate(c.repo(), {"baseline", "-j", "2", "--json"});
  ASSERT_EQ(b.exit_code, 0) << show(b);
  TreeFingerprint before = source_fingerprint(c.repo());
  runners::ProcessResult r = c.attempt({"--timeout", "1", "--", example_fixer("hanging-fixer.sh")});
  EXPECT_EQ(r.exit_code, 1) << show(r);
  expect_restored(c, before, r);

  nlohmann::json report = c.report();
  EXPECT_EQ(report.at("verdict"), std::string("rejected"));
  EXPECT_EQ(report.at("fixer").at("result"), std::string("timed out after 1 s")) << report.dump(2);
  EXPECT_TRUE(contains(report.at("reason").get<std::string>(), "timed out")) << report.dump(2);
  EXPECT_FALSE(report.at("build").at("ran").get<bool>()) << report.dump(2);
  EXPECT_LT(r.duration, std::chrono::seconds(30)) << show(r);
  // Its `sleep 3600 &` went with it.
  EXPECT_TRUE(eventually([&] { return attempt::processes_in(c.repo()).empty(); }, std::chrono::seconds(10)))
      << "still running in the repository: " << attempt::describe_processes(attempt::processes_in(c.repo()));
}

TEST(Attempt, FixerWithOnAcceptKeepLeavesTheFixInTheWorkTree) {
  Calculator c;
  std::string original = read_file(c.repo() / "mathlib/mathlib.cpp");
  runners::ProcessResult r = c.attempt({"--on-accept", "keep", "--", example_fixer("sed-fix.sh")});
  ASSERT_EQ(r.exit_code, 0) << show(r);

  std::string fixed = read_file(c.repo() / "mathlib/mathlib.cpp");
  EXPECT_TRUE(contains(fixed, "sum(values) / static_cast<double>(values.size());")) << fixed;
  EXPECT_FALSE(contains(fixed, "values.size() - 1")) << fixed;
  EXPECT_EQ(c.git_out({"status", "--porcelain"}), " M mathlib/mathlib.cpp");
  EXPECT_EQ(c.git_out({"rev-parse", "HEAD"}), c.original_head());
  EXPECT_EQ(refs_under(c.repo(), "refs/heads/autofix/"), Strings{});
  EXPECT_FALSE(fs::exists(c.journal()));
  nlohmann::json report = c.report();
  EXPECT_EQ(report.at("on_accept"), std::string("keep"));
  EXPECT_TRUE(report.at("branch").is_null());
  EXPECT_TRUE(report.at("commit").is_null());
  EXPECT_EQ(report.at("fixer").at("result"), std::string("exit code 0"));
  EXPECT_EQ(json_strings(report.at("tests_status").at("FAIL_TO_PASS")), Strings{kFixedTest});
  EXPECT_NE(original, fixed);
}

TEST(Attempt, OnAcceptCommitCommitsOnTheCurrentBranch) {
  Calculator c;
  runners::ProcessResult r = c.attempt({"--on-accept", "commit", "--patch", example_fix("correct-fix.diff")});
  ASSERT_EQ(r.exit_code, 0) << show(r);

  EXPECT_EQ(c.git_out({"symbolic-ref", "HEAD"}), "refs/heads/main");
  EXPECT_EQ(c.git_out({"rev-list", "--count", c.original_head() + "..HEAD"}), "1");
  EXPECT_EQ(c.git_out({"rev-parse", "HEAD~1"}), c.original_head());
  EXPECT_EQ(c.git_out({"status", "--porcelain", "--", "mathlib/mathlib.cpp"}), "");
  EXPECT_EQ(c.git_out({"status", "--porcelain"}), "") << "the fix is committed: nothing else should show";
  EXPECT_EQ(c.git_out({"diff", "--name-only", "HEAD~1", "HEAD"}), "mathlib/mathlib.cpp");
  nlohmann::json report = c.report();
  EXPECT_EQ(report.at("commit"), c.git_out({"rev-parse", "HEAD"}));
  EXPECT_TRUE(report.at("branch").is_null());
  EXPECT_EQ(refs_under(c.repo(), "refs/heads/autofix/"), Strings{});
  EXPECT_EQ(trailers_of(c, "HEAD")["Fixed-Tests"], kFixedTest);
  EXPECT_FALSE(fs::exists(c.journal()));
}

TEST(Attempt, DryRunWithAPatchChangesNothing) {
  Calculator c;
  TreeFingerprint before = exact_fingerprint(c.repo());  // build/ included: nothing at all may change
  runners::ProcessResult r = c.attempt({"--dry-run", "--patch", example_fix("correct-fix.diff")});
  EXPECT_EQ(r.exit_code, 5) << show(r);
  TreeFingerprint after = exact_fingerprint(c.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);
  EXPECT_EQ(refs_under(c.repo(), "refs/autofix/"), Strings{}) << "a dry run with a patch takes no snapshot";
  EXPECT_EQ(refs_under(c.repo(), "refs/heads/autofix/"), Strings{});
  EXPECT_FALSE(fs::exists(c.repo() / ".git" / "autofix" / "journal.json"));
  EXPECT_TRUE(contains(r.out, "dry run: the patch applies cleanly")) << show(r);
  EXPECT_TRUE(contains(r.out, "plan: snapshot the work tree")) << show(r);
  EXPECT_TRUE(contains(r.out, "verdict: planned: ")) << show(r);
}

// A dry run never runs the fixer (it could change anything) nor builds: it prints what would run.
TEST(Attempt, DryRunWithAFixerRunsNothing) {
  Calculator c;
  TreeFingerprint before = exact_fingerprint(c.repo());  // build/ included: nothing is built
  runners::ProcessResult r = c.attempt({"--dry-run", "--", example_fixer("sed-fix.sh")});
  EXPECT_EQ(r.exit_code, 5) << show(r);
  TreeFingerprint after = exact_fingerprint(c.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);
  EXPECT_EQ(refs_under(c.repo(), "refs/autofix/"), Strings{}) << "a dry run takes no snapshot";
  EXPECT_FALSE(contains(r.out, "sed-fix: patched")) << show(r);
  EXPECT_TRUE(contains(r.out, "dry run: the fixer would run from " + c.repo().string())) << show(r);
  EXPECT_TRUE(contains(r.out, "verdict: planned: dry run: the fixer was not run; nothing was built or judged\n"))
      << show(r);
}

TEST(Attempt, UncommittedWorkSurvivesAndStaysOutOfTheFixCommit) {
  Calculator c;
  const fs::path& repo = c.repo();
  const std::string notes = "TODO: document mean()\n";
  const std::string main_cpp = read_file(repo / "app/main.cpp") + "// the user's unfinished edit\n";
  const char scratch_bytes[] = "scratch bytes\0\x01\xff no newline";
  const std::string scratch(scratch_bytes, sizeof scratch_bytes - 1);
  write_file(repo / "NOTES.md", notes);
  git(repo, {"add", "NOTES.md"});
  write_file(repo / "app/main.cpp", main_cpp);
  write_file(repo / "scratch.txt", scratch);
  ASSERT_EQ(c.git_out({"status", "--porcelain"}), "A  NOTES.md\n M app/main.cpp\n?? scratch.txt");
  TreeFingerprint before = source_fingerprint(repo);
  auto expect_work_intact = [&](const std::string& when) {
    TreeFingerprint after = source_fingerprint(repo);
    EXPECT_TRUE(after == before) << when << ":\n" << describe_difference(before, after);
    EXPECT_EQ(read_file(repo / "NOTES.md"), notes) << when;
    EXPECT_EQ(read_file(repo / "app/main.cpp"), main_cpp) << when;
    EXPECT_EQ(read_file(repo / "scratch.txt"), scratch) << when;
    EXPECT_EQ(c.git_out({"status", "--porcelain"}), "A  NOTES.md\n M app/main.cpp\n?? scratch.txt") << when;
  };

  runners::ProcessResult accepted = c.attempt({"--patch", example_fix("correct-fix.diff")});
  ASSERT_EQ(accepted.exit_code, 0) << show(accepted);
  expect_work_intact("after the accepted attempt");
  std::string branch = c.report().at("branch").get<std::string>();
  EXPECT_EQ(c.git_out({"diff", "--name-only", c.original_head(), branch}), "mathlib/mathlib.cpp")
      << "the fix commit must hold the fix alone";
  Strings files = lines_of(git(repo, {"ls-tree", "-r", "--name-only", branch}));
  EXPECT_EQ(std::count(files.begin(), files.end(), "NOTES.md"), 0);
  EXPECT_EQ(std::count(files.begin(), files.end(), "scratch.txt"), 0);
  EXPECT_EQ(git(repo, {"show", branch + ":app/main.cpp"}), git(repo, {"show", c.original_head() + ":app/main.cpp"}));

  runners::ProcessResult rejected = c.attempt({"--patch", example_fix("breaks-other-module.diff")});
  EXPECT_EQ(rejected.exit_code, 1) << show(rejected);
  expect_work_intact("after the rejected attempt");
  EXPECT_FALSE(fs::exists(c.journal()));
}

TEST(Attempt, ReportsDescribeTheAttempt) {
  Calculator c(attempt::StoredBaseline::none);  // the report of an attempt that computes its baseline
  runners::ProcessResult r =
      c.attempt({"--require-fixed", kFixedTest, "--patch", example_fix("correct-fix.diff")});
  ASSERT_EQ(r.exit_code, 0) << show(r);

  // report.json
  nlohmann::json j = c.report();
  SCOPED_TRACE(j.dump(2));
  EXPECT_EQ(j.at("verdict"), std::string("accepted"));
  EXPECT_FALSE(j.at("reason").get<std::string>().empty());
  std::string id = j.at("attempt_id").get<std::string>();
  EXPECT_TRUE(std::regex_match(id, std::regex(R"(\d{8}T\d{6}Z-[0-9a-f]{6})"))) << id;
  EXPECT_EQ(j.at("snapshot"), id);
  EXPECT_TRUE(std::regex_match(j.at("started").get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*Z)")));
  EXPECT_FALSE(j.at("dry_run").get<bool>());
  EXPECT_EQ(j.at("on_accept"), std::string("branch"));
  EXPECT_TRUE(j.at("patch_applied").get<bool>());
  EXPECT_EQ(j.at("files_changed"), nlohmann::json::parse(R"([{"path": "mathlib/mathlib.cpp", "status": "modified"}])"));
  EXPECT_TRUE(j.at("build").at("ran").get<bool>());
  EXPECT_TRUE(j.at("build").at("ok").get<bool>());
  EXPECT_EQ(j.at("build").at("errors"), nlohmann::json::array());
  EXPECT_FALSE(j.at("baseline").at("key").get<std::string>().empty());
  EXPECT_FALSE(j.at("baseline").at("cached").get<bool>());
  EXPECT_EQ(j.at("baseline").at("runs"), 1);
  EXPECT_TRUE(j.at("baseline").at("build_ok").get<bool>());
  EXPECT_EQ(json_strings(j.at("tests_status").at("FAIL_TO_PASS")), Strings{kFixedTest});
  EXPECT_EQ(j.at("tests_status").at("PASS_TO_PASS").size(), static_cast<size_t>(kExampleTests - 1));
  for (const char* t : {"PASS_TO_FAIL", "FAIL_TO_FAIL", "MISSING", "NEW"})
    EXPECT_EQ(j.at("tests_status").at(t), nlohmann::json::array()) << t;
  EXPECT_EQ(j.at("tests_run"), kExampleTests);
  EXPECT_EQ(j.at("tests_passed"), kExampleTests);
  EXPECT_EQ(json_strings(j.at("require_fixed")), Strings{kFixedTest});
  ASSERT_EQ(j.at("tests").size(), static_cast<size_t>(kExampleTests));
  for (const auto& t : j.at("tests")) {
    bool fixed = t.at("name") == kFixedTest;
    EXPECT_EQ(t.at("transition"), std::string(fixed ? "FAIL_TO_PASS" : "PASS_TO_PASS")) << t.dump();
    EXPECT_EQ(t.at("baseline").at("status"), std::string(fixed ? "failed" : "passed")) << t.dump();
    EXPECT_EQ(t.at("after").at("status"), std::string("passed")) << t.dump();
  }
  for (const char* phase : {"baseline", "apply", "build", "test", "accept", "rollback"})
    EXPECT_TRUE(j.at("durations").contains(phase)) << phase;
  EXPECT_EQ(j.at("branch"), "autofix/" + id);
  EXPECT_EQ(j.at("commit"), c.git_out({"rev-parse", "autofix/" + id}));
  EXPECT_FALSE(j.contains("fixer"));
  // Its shape, its writer and the tools this run used: the static tier is cppcheck, so clang-tidy is absent.
  EXPECT_EQ(j.at("format_version"), 1);
  EXPECT_EQ(j.at("gate_version"), AUTOFIX_GATE_VERSION);
  std::optional<std::string> compiler =
      runners::cmake_cache_entry(read_file(c.build() / "CMakeCache.txt"), "CMAKE_CXX_COMPILER");
  ASSERT_TRUE(compiler);
  EXPECT_EQ(j.at("tool_versions"), nlohmann::json({{"cmake", version_of("cmake")},
                                                   {"ctest", version_of("ctest")},
                                                   {"cxx_compiler", version_of(*compiler)},
                                                   {"cppcheck", version_of("cppcheck")}}));
  EXPECT_TRUE(j.at("tool_versions").at("cmake").get<std::string>().starts_with("cmake version "));
  EXPECT_EQ(json_schema_problems("report.schema.json", c.reports() / "report.json"), "");

  // junit.xml: one case per test, nothing else; autofix-tiers.xml: one per tier. Both valid against both
  // schemas, and GitLab's and mikepenz's readers count what report.json says.
  nlohmann::json readers = junit_readers(c.reports(), c.repo());
  ASSERT_FALSE(readers.is_null());
  EXPECT_EQ(readers["junit.xml"]["gitlab"]["counts"],
            nlohmann::json({{"success", kExampleTests}, {"failed", 0}, {"skipped", 0}, {"error", 0}, {"total", kExampleTests}}));
  EXPECT_EQ(readers["autofix-tiers.xml"]["gitlab"]["counts"],
            nlohmann::json({{"success", 3}, {"failed", 0}, {"skipped", 0}, {"error", 0}, {"total", 3}}));
  EXPECT_EQ(readers["junit.xml"]["mikepenz"]["annotations"], nlohmann::json::array());
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_file((c.reports() / "junit.xml").c_str());
  ASSERT_TRUE(parsed) << parsed.description();
  pugi::xml_node suite = doc.child("testsuite");
  EXPECT_STREQ(suite.attribute("name").value(), "autofix-gate tests");
  EXPECT_STREQ(suite.child("properties").find_child_by_attribute("property", "name", "autofix.verdict")
                   .attribute("value").value(),
               "accepted");
  pugi::xml_node fixed = suite.find_child_by_attribute("testcase", "name", "MeanOfThreeValues");
  ASSERT_TRUE(fixed);
  EXPECT_STREQ(fixed.attribute("classname").value(), "MathTest");
  EXPECT_FALSE(fixed.first_child());
  pugi::xml_document tiers;
  ASSERT_TRUE(tiers.load_file((c.reports() / "autofix-tiers.xml").c_str()));
  Strings tier_cases;
  for (pugi::xml_node t : tiers.child("testsuite").children("testcase"))
    tier_cases.push_back(std::string(t.attribute("classname").value()) + " " + t.attribute("name").value());
  // The default tiers (docs/configuration.md): every test, secrets, and cppcheck (installed by install-deps.sh).
  EXPECT_EQ(tier_cases, (Strings{"autofix.tier.ctest tests", "autofix.tier.secrets secrets", "autofix.tier.cppcheck static"}));

  // summary.md
  std::string summary = read_file(c.reports() / "summary.md");
  EXPECT_TRUE(summary.starts_with("## AutofixGate: Accepted")) << summary;
  EXPECT_TRUE(contains(summary, kFixedTest)) << summary;
}

TEST(Attempt, BaselineIsComputedOnceForATree) {
  Calculator c(attempt::StoredBaseline::none);
  const TreeFingerprint before = source_fingerprint(c.repo());
  std::set<std::string> keys;
  struct Step {
    const char* fix;
    int exit_code;
    bool cached;
  };
  for (const Step& s : {Step{"breaks-other-module.diff", 1, false}, Step{"deletes-failing-test.diff", 3, true},
                        Step{"correct-fix.diff", 0, true}}) {
    runners::ProcessResult r = c.attempt({"--patch", example_fix(s.fix)});
    EXPECT_EQ(r.exit_code, s.exit_code) << s.fix << "\n" << show(r);
    nlohmann::json baseline = c.report().at("baseline");
    EXPECT_EQ(baseline.at("runs"), 1) << s.fix << ": the baseline suite ran again\n" << baseline.dump(2);
    EXPECT_EQ(baseline.at("cached").get<bool>(), s.cached) << s.fix << "\n" << baseline.dump(2);
    EXPECT_EQ(contains(r.err, "reusing the stored baseline"), s.cached) << s.fix << "\n" << show(r);
    keys.insert(baseline.at("key").get<std::string>());
    TreeFingerprint after = source_fingerprint(c.repo());  // rejected, or accepted on a branch: as it was
    EXPECT_TRUE(after == before) << s.fix << "\n" << describe_difference(before, after);
  }
  EXPECT_EQ(keys.size(), 1u) << "three attempts against one tree used different baseline keys";
}

// Regression (fixed): one unreadable per-binary GoogleTest XML file makes the whole attempt an error (exit 4), although
// every CTest test passed. The gate runs `ctest -j N` with GTEST_OUTPUT=xml:<dir>/; runs of one binary
// that overlap can pick the same "unique" file name (GoogleTest checks the name is free, then opens it),
// and both write it: the shorter report followed by the tail of the longer one. The runner already
// expects overlapping runs to clobber each other's files (it warns when a file is missing), but
// runners/ctest_runner.cpp read_binary_cases() throws on a malformed one instead of leaving it out with
// a warning. Seen with the unmodified example under `-j 2` on a loaded machine:
//   verdict: error: cannot read .../build/autofix/tests/gtest/parser_test_1.xml: malformed XML
//   (Start-end tags mismatch at byte 596)
// Here a CMake test leaves exactly such a file, so the failure is deterministic.
// Expected: exit 0, accepted (the file left out with a warning). Actual: exit 4, verdict error.
TEST(Attempt, DamagedGtestXmlIsAWarningNotAnError) {
  Calculator c;
  std::string cmake = read_file(c.repo() / "CMakeLists.txt");
  cmake += "\nadd_test(NAME OverlappingXml COMMAND sh \"" +
           (attempt::data_dir() / "overlapping-gtest-xml.sh").string() + "\" $<TARGET_FILE:parser_test>)\n";
  write_file(c.repo() / "CMakeLists.txt", cmake);
  git(c.repo(), {"commit", "-q", "-am", "a test that leaves what two overlapping runs of parser_test leave"});
  TreeFingerprint before = source_fingerprint(c.repo());
  runners::ProcessResult r = c.attempt({"--patch", example_fix("correct-fix.diff")});
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(c.report().at("verdict"), std::string("accepted")) << c.report().dump(2);
  TreeFingerprint after = source_fingerprint(c.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);
}

}  // namespace
}  // namespace autofix::testing
