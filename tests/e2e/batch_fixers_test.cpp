// SPDX-License-Identifier: MIT
// Fixers in a batch file, end to end: each fixer runs once, from the tree the batch starts from, and its
// change is judged and landed like a patch; a fixer that fails or changes nothing refuses its fix. A tiny
// CMake project without a compiler (its tests read files), so the batch takes seconds.
#include <gtest/gtest.h>

#include <map>

#include "tests/e2e/e2e_helpers.h"
#include "tests/support/json_schema_check.h"

namespace autofix::testing {
namespace {

using Strings = std::vector<std::string>;

constexpr const char* kCMake =
    "cmake_minimum_required(VERSION 3.20)\n"
    "project(fixers LANGUAGES NONE)\n"
    "enable_testing()\n"
    "add_test(NAME value_is_ok COMMAND grep -qx ok \"${CMAKE_CURRENT_SOURCE_DIR}/value.conf\")\n"
    "add_test(NAME other_is_ok COMMAND grep -qx ok \"${CMAKE_CURRENT_SOURCE_DIR}/other.conf\")\n";

Strings lines(const std::string& text) {
  Strings out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

TEST(BatchFixers, EachFixerRunsOnceAndItsChangeIsJudgedAndLandedLikeAPatch) {
  TempDir tmp;
  const fs::path repo = tmp / "fixer repo";
  // other_is_ok fails without the fixes.
  make_fileread_project(repo, kCMake, {{"value.conf", "ok\n"}, {"other.conf", "bad\n"}, {"README.md", "# fixers\n"}});
  const std::string head = lines(git(repo, {"rev-parse", "HEAD"})).front();
  write_file(repo / "notes.txt", "mine, not committed\n");  // the user's work

  // Each fixer appends its name to a log outside the repository: how often it ran.
  const fs::path runs = tmp / "fixer runs.log";
  auto fixer = [&](const std::string& name, const std::string& script) {
    return "[\"sh\", \"-c\", \"echo " + name + " >> '" + runs.string() + "'; " + script + "\"]";
  };
  write_file(tmp / "doc.diff", "diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1 +1,2 @@\n"
                               " # fixers\n+Reads value.conf and other.conf.\n");
  write_file(tmp / "batch.json", R"({"version": 1, "strategy": "best_effort", "fixes": [
    {"id": "other", "fixer": )" + fixer("other", "echo ok > other.conf") + R"(},
    {"id": "breaks", "fixer": )" + fixer("breaks", "echo bad > value.conf") + R"(},
    {"id": "noop", "fixer": )" + fixer("noop", "true") + R"(},
    {"id": "fails", "fixer": )" + fixer("fails", "exit 3") + R"(, "timeout": 60},
    {"id": "doc", "patch": "doc.diff"}]})");

  runners::ProcessResult r = run({gate_binary().string(), "batch", "-j", "2", (tmp / "batch.json").string()}, repo, {},
                                 std::chrono::minutes(5));
  ASSERT_EQ(r.exit_code, 1) << show(r);  // some fixes were not accepted
  nlohmann::json report = nlohmann::json::parse(read_file(repo / "build" / "autofix" / "latest" / "report.json"));
  std::map<std::string, std::string> verdicts, reasons, sources;
  for (const auto& f : report.at("fixes")) {
    verdicts[f.at("id")] = f.at("verdict");
    reasons[f.at("id")] = f.at("reason");
    sources[f.at("id")] = f.at("source");
  }
  EXPECT_EQ(verdicts, (std::map<std::string, std::string>{
                          {"other", "accepted"}, {"breaks", "rejected"}, {"noop", "refused"}, {"fails", "refused"},
                          {"doc", "accepted"}}))
      << report.dump(2);
  EXPECT_EQ(reasons["noop"], "the fixer changed nothing") << report.dump(2);
  EXPECT_EQ(reasons["fails"], "the fixer failed (exit code 3)") << report.dump(2);
  EXPECT_EQ(sources["doc"], "doc.diff");
  EXPECT_TRUE(sources["other"].starts_with("fixer: sh -c ")) << sources["other"];
  EXPECT_EQ(json_schema_problems("batch-report.schema.json", report), "");

  // Once each, in the file's order, before any step: the bisection reused their patches.
  EXPECT_EQ(lines(read_file(runs)), (Strings{"other", "breaks", "noop", "fails"}));

  // One commit per accepted fix, in order, on the batch's branch; the checkout as the user left it.
  const std::string branch = "autofix/batch/" + report.at("batch_id").get<std::string>();
  EXPECT_EQ(lines(git(repo, {"log", "--reverse", "--format=%s", head + ".." + branch})),
            (Strings{"autofix: apply the change of fixer other", "autofix: apply doc.diff"}));
  EXPECT_EQ(git(repo, {"show", branch + ":other.conf"}), "ok\n");
  EXPECT_EQ(git(repo, {"show", branch + ":value.conf"}), "ok\n");
  EXPECT_EQ(read_file(repo / "other.conf"), "bad\n");
  EXPECT_EQ(read_file(repo / "value.conf"), "ok\n");
  EXPECT_EQ(read_file(repo / "notes.txt"), "mine, not committed\n");
  EXPECT_EQ(git(repo, {"rev-parse", "HEAD"}), head + "\n");
  EXPECT_EQ(git(repo, {"status", "--porcelain"}), "?? notes.txt\n");

  // The history has the batch and one record per step it judged (docs/history.md).
  runners::ProcessResult h = run({gate_binary().string(), "history", "--json", "--limit", "100"}, repo);
  ASSERT_EQ(h.exit_code, 0) << show(h);
  nlohmann::json history = nlohmann::json::parse(h.out);
  std::size_t steps = 0, batches = 0;
  for (const auto& rec : history) {
    if (rec.at("command") == "batch-step") ++steps;
    if (rec.at("command") != "batch") continue;
    ++batches;
    EXPECT_EQ(rec.at("verdict"), "rejected") << rec.dump(2);
    EXPECT_EQ(rec.at("reason"), report.at("reason")) << rec.dump(2);
    EXPECT_EQ(rec.at("branch"), branch) << rec.dump(2);
  }
  EXPECT_EQ(batches, 1u) << history.dump(2);
  EXPECT_EQ(steps, report.at("steps").size()) << history.dump(2);
}

}  // namespace
}  // namespace autofix::testing
