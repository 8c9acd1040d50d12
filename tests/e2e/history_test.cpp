// SPDX-License-Identifier: MIT
// The history survives CI's fresh clones: two clones of one bare repository each run the gate once and
// `history sync`; a third, fresh clone syncs and sees both records, and `history export --format csv`
// holds every one of them. A tiny CMake project without a compiler (its tests read files).
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "tests/e2e/e2e_helpers.h"
#include "tests/support/json_schema_check.h"

namespace autofix::testing {
namespace {

using Strings = std::vector<std::string>;

constexpr const char* kCMake =
    "cmake_minimum_required(VERSION 3.20)\n"
    "project(history LANGUAGES NONE)\n"
    "enable_testing()\n"
    "add_test(NAME value_is_ok COMMAND grep -qx ok \"${CMAKE_CURRENT_SOURCE_DIR}/value.conf\")\n";

runners::ProcessResult gate_in(const fs::path& dir, const Strings& args) {
  Strings argv{gate_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, dir, {}, std::chrono::minutes(2));
}

// RFC 4180 rows (quoted cells may hold commas, quotes and line breaks).
std::vector<Strings> csv_rows(const std::string& text) {
  std::vector<Strings> rows;
  Strings row;
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') cell += text[++i];
      else if (c == '"') quoted = false;
      else cell += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(cell));
      cell.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
      row.push_back(std::move(cell));
      cell.clear();
      rows.push_back(std::move(row));
      row.clear();
    } else {
      cell += c;
    }
  }
  return rows;
}

TEST(History, TwoClonesSyncThroughABareRepositoryAndAFreshCloneSeesBoth) {
  TempDir tmp;
  const fs::path remote = tmp / "remote repo.git";
  const fs::path one = tmp / "clone one";
  const fs::path two = tmp / "clone two";
  const fs::path three = tmp / "clone three";
  make_fileread_project(one, kCMake, {{"value.conf", "ok\n"}});
  git(tmp.path(), {"init", "-q", "--bare", remote.string()});
  git(one, {"remote", "add", "origin", remote.string()});
  git(one, {"push", "-q", "origin", "main"});
  git(tmp.path(), {"clone", "-q", "-b", "main", remote.string(), two.string()});

  // One: a fix that breaks the test (rejected, a real attempt). Two: a patch that does not apply.
  write_file(tmp / "broken fix.diff",
             "diff --git a/value.conf b/value.conf\n--- a/value.conf\n+++ b/value.conf\n@@ -1 +1 @@\n-ok\n+bad\n");
  write_file(tmp / "stale.diff",
             "diff --git a/value.conf b/value.conf\n--- a/value.conf\n+++ b/value.conf\n@@ -1 +1 @@\n-nothing\n+x\n");
  runners::ProcessResult r = gate_in(one, {"attempt", "--flaky-reruns", "0", "--patch", (tmp / "broken fix.diff").string()});
  ASSERT_EQ(r.exit_code, 1) << show(r);
  r = gate_in(two, {"attempt", "--patch", (tmp / "stale.diff").string()});
  ASSERT_EQ(r.exit_code, 1) << show(r);
  r = gate_in(one, {"history", "sync"});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(r.out, "history synced with origin: it had none, pushed\n");
  r = gate_in(two, {"history", "sync"});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(r.out, "history synced with origin: merged its records, pushed\n");

  git(tmp.path(), {"clone", "-q", "-b", "main", remote.string(), three.string()});
  r = gate_in(three, {"history", "--json"});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(json_of(r), nlohmann::json::array());  // a clone does not fetch refs/autofix/*
  r = gate_in(three, {"history", "sync", remote.string()});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(r.out, "history synced with " + remote.string() + ": took its new records, nothing to push\n");
  nlohmann::json listed = json_of(gate_in(three, {"history", "--json"}));
  ASSERT_EQ(listed.size(), 2u) << listed.dump(2);
  std::map<std::string, nlohmann::json> by_reason;
  for (const nlohmann::json& rec : listed) by_reason[rec.at("failure").at("type").get<std::string>()] = rec;
  ASSERT_EQ(by_reason.count("test_regression"), 1u) << listed.dump(2);
  ASSERT_EQ(by_reason.count("patch_refused"), 1u) << listed.dump(2);
  const nlohmann::json& attempted = by_reason["test_regression"];
  EXPECT_EQ(attempted.at("command"), "attempt");
  EXPECT_EQ(attempted.at("verdict"), "rejected");
  EXPECT_EQ(attempted.at("args"), nlohmann::json(Strings{"--flaky-reruns", "0", "--patch", (tmp / "broken fix.diff").string()}));
  EXPECT_EQ(attempted.at("tests").at("broken"), nlohmann::json(Strings{"value_is_ok"}));
  EXPECT_EQ(attempted.at("fix").at("patch_file"), (tmp / "broken fix.diff").string());
  EXPECT_EQ(attempted.at("fix").at("patch_sha256").get<std::string>().size(), 64u);
  EXPECT_EQ(attempted.at("base"), git(one, {"rev-parse", "HEAD"}).substr(0, 40));
  EXPECT_EQ(by_reason["patch_refused"].at("verdict"), "rejected");
  EXPECT_EQ(by_reason["patch_refused"].at("base"), attempted.at("base"));  // no snapshot: HEAD's commit

  // The export holds every record, oldest first, under the documented header.
  r = gate_in(three, {"history", "export", "--format", "csv", "--out", (tmp / "all history.csv").string()});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(r.out, "exported 2 history record(s) to " + (tmp / "all history.csv").string() + "\n");
  std::vector<Strings> rows = csv_rows(read_file(tmp / "all history.csv"));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].size(), 31u);
  EXPECT_EQ(rows[0].back(), "tests_flaky");
  EXPECT_EQ(rows[0][0], "id");
  std::set<std::string> exported{rows[1][0], rows[2][0]};
  std::set<std::string> ids{listed[0].at("id").get<std::string>(), listed[1].at("id").get<std::string>()};
  EXPECT_EQ(exported, ids);
  EXPECT_LT(rows[1][0], rows[2][0]);
  EXPECT_EQ(rows[1].size(), 31u);
  EXPECT_EQ(rows[2].size(), 31u);

  // Every real record is valid against docs/schemas/history-record.schema.json.
  r = gate_in(three, {"history", "export", "--format", "jsonl", "--out", (tmp / "all history.jsonl").string()});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  std::istringstream lines(read_file(tmp / "all history.jsonl"));
  std::size_t valid = 0;
  for (std::string line; std::getline(lines, line); ++valid)
    EXPECT_EQ(json_schema_problems("history-record.schema.json", nlohmann::json::parse(line)), "") << line;
  EXPECT_EQ(valid, 2u);

  r = gate_in(three, {"history", "show", listed[0].at("id").get<std::string>(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(json_of(r), listed[0]);
  nlohmann::json stats = json_of(gate_in(three, {"history", "stats", "--json"}));
  EXPECT_EQ(stats.at("records"), 2) << stats.dump(2);
  EXPECT_EQ(stats.at("by_command"), nlohmann::json::parse(R"([{"name": "attempt", "runs": 2, "accepted": 0}])"));
  EXPECT_EQ(stats.at("broken_tests"),
            nlohmann::json({{{"name", "value_is_ok"}, {"count", 1}, {"last_id", attempted.at("id")}}}));

  r = gate_in(three, {"history", "show", "20200101T000000Z-000000"});
  EXPECT_EQ(r.exit_code, 2) << show(r);
}

}  // namespace
}  // namespace autofix::testing
