// SPDX-License-Identifier: MIT
// `autofix-gate rollback` end to end on a tiny CMake project without a compiler (its tests read files):
// two autofix commits and the user's own around them; each level gives the expected commits and tree,
// the user's uncommitted work survives byte for byte, a dry run and every refusal change nothing, and a
// result less green than the version fails loudly.
#include <gtest/gtest.h>

#include <sstream>

#include "tests/e2e/e2e_helpers.h"

namespace autofix::testing {
namespace {

using Strings = std::vector<std::string>;

constexpr const char* kCMake =
    "cmake_minimum_required(VERSION 3.20)\n"
    "project(rollbacks LANGUAGES NONE)\n"
    "enable_testing()\n"
    "add_test(NAME value_is_ok COMMAND grep -qx ok \"${CMAKE_CURRENT_SOURCE_DIR}/value.conf\")\n"
    "add_test(NAME other_is_fine COMMAND grep -qx fine \"${CMAKE_CURRENT_SOURCE_DIR}/other.conf\")\n";

Strings lines(const std::string& text) {
  Strings out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class Rollbacks : public ::testing::Test {
 protected:
  void SetUp() override {
    make_fileread_project(repo_, kCMake, {{"value.conf", "ok\n"}, {"other.conf", "fine\n"}, {"user.conf", "v1\n"}});
    version_ = head();
    commit({{"notes/auto.txt", "tidy\n"}}, "autofix: add a note", "Autofix-Attempt: 20261207T000001Z-aaaaaa");
    first_autofix_ = head();
    commit({{"user.conf", "v2\n"}}, "my own work", "");
    user_ = head();
    commit({{"value.conf", "bad\n"}}, "autofix: change the value", "Autofix-Attempt: 20261207T000002Z-bbbbbb");
    second_autofix_ = head();
  }
  void commit(const std::map<std::string, std::string>& files, const std::string& summary, const std::string& trailer) {
    commit_files(repo_, files, summary, trailer);
  }
  std::string head() const { return git_out({"rev-parse", "HEAD"}); }
  std::string git_out(const Strings& args) const { return git_trimmed(repo_, args); }
  runners::ProcessResult gate_with(Strings args) const {
    Strings argv{gate_binary().string(), "rollback", "-j", "2"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, repo_, {}, std::chrono::minutes(3));
  }
  // The user's uncommitted work: a staged edit and an untracked file, in paths no rollback here writes.
  void edit_as_the_user() {
    write_file(repo_ / "user.conf", "v3, not committed\n");
    git(repo_, {"add", "user.conf"});
    write_file(repo_ / "scratch notes.txt", "remember the milk\n");
  }
  void expect_users_work_intact() const {
    EXPECT_EQ(read_file(repo_ / "user.conf"), "v3, not committed\n");
    EXPECT_EQ(read_file(repo_ / "scratch notes.txt"), "remember the milk\n");
    EXPECT_EQ(git_out({"status", "--porcelain"}), "M  user.conf\n?? \"scratch notes.txt\"");
  }
  TempDir tmp_;
  fs::path repo_ = tmp_.path() / "rollback repo";
  std::string version_, first_autofix_, user_, second_autofix_;
};

TEST_F(Rollbacks, AutofixLevelRevertsOnlyTheAutofixCommitsNewestFirstAndChecksTheResult) {
  edit_as_the_user();
  runners::ProcessResult dry = gate_with({"--to", version_, "--dry-run"});
  ASSERT_EQ(dry.exit_code, 5) << show(dry);
  EXPECT_EQ(dry.out, "dry run: rollback of refs/heads/main (autofix, revert) to " + version_.substr(0, 12) + " (" +
                         version_ + ")\n"
                         "  reverts the 2 autofix commit(s) since " + version_.substr(0, 12) +
                         ", newest first, keeping the other 1 commit(s)\n"
                         "  undo " + second_autofix_.substr(0, 12) + " autofix: change the value\n"
                         "  undo " + first_autofix_.substr(0, 12) + " autofix: add a note\n"
                         "  2 file(s) would change:\n"
                         "    notes/auto.txt\n"
                         "    value.conf\n"
                         "nothing was changed\n");
  EXPECT_EQ(head(), second_autofix_);
  expect_users_work_intact();

  // A stored baseline of the tree as it is (with the user's work) is what the rollback reads as the tests before.
  runners::ProcessResult baseline = run({gate_binary().string(), "baseline", "-j", "2"}, repo_, {}, std::chrono::minutes(3));
  ASSERT_EQ(baseline.exit_code, 0) << show(baseline);
  runners::ProcessResult r = gate_with({"--to", version_, "--reason", "value.conf broke production", "--json"});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  nlohmann::json report = nlohmann::json::parse(r.out);
  const std::string id = report.at("id").get<std::string>();
  EXPECT_EQ(lines(git_out({"log", "--format=%s", second_autofix_ + "..HEAD"})),
            (Strings{"Revert \"autofix: add a note\"", "Revert \"autofix: change the value\""}));
  EXPECT_EQ(lines(git_out({"log", "--format=%(trailers:key=Autofix-Rollback-To,valueonly)", second_autofix_ + "..HEAD"})),
            (Strings{version_, "", version_}));
  EXPECT_EQ(lines(git_out({"log", "--format=%(trailers:key=Autofix-Rollback,valueonly)", "-1"})), (Strings{id}));
  // The version's content plus the user's own commit; their uncommitted work untouched.
  EXPECT_EQ(git_out({"diff", "--name-only", version_, "HEAD"}), "user.conf");
  EXPECT_EQ(read_file(repo_ / "value.conf"), "ok\n");
  EXPECT_FALSE(fs::exists(repo_ / "notes" / "auto.txt"));
  expect_users_work_intact();

  EXPECT_EQ(report.at("level"), "autofix");
  EXPECT_EQ(report.at("reason"), "value.conf broke production");
  EXPECT_EQ(report.at("undone").size(), 2u);
  EXPECT_EQ(report.at("since").size(), 3u);
  EXPECT_EQ(report.at("commits_written").size(), 2u);
  EXPECT_EQ(report.at("head_after"), head());
  // The tests of the tree before the rollback (HEAD with the user's work): value.conf was "bad".
  EXPECT_EQ(report.at("tests_before"), nlohmann::json::parse(R"({"built": true, "stored": true, "reason": null,
                                                                 "passed": ["other_is_fine"], "failed": ["value_is_ok"]})"))
      << report.dump(2);
  EXPECT_EQ(report.at("check").at("verdict"), "accepted") << report.dump(2);
  EXPECT_EQ(report.at("check").at("passed_at_version"), 2);
  EXPECT_EQ(report.at("check").at("passed_after"), 2);
  fs::path dir = repo_ / "build" / "autofix" / "rollbacks" / id;
  EXPECT_EQ(nlohmann::json::parse(read_file(dir / "report.json")), report);
  // The history holds the rollback (and the check's verify) as records.
  runners::ProcessResult history = run({gate_binary().string(), "history", "--command", "rollback", "--json"}, repo_);
  ASSERT_EQ(history.exit_code, 0) << show(history);
  nlohmann::json records = nlohmann::json::parse(history.out);
  ASSERT_EQ(records.size(), 1u) << records.dump(2);
  EXPECT_EQ(records[0].at("id"), id);
  EXPECT_EQ(records[0].at("verdict"), "accepted");
  EXPECT_EQ(records[0].at("commit"), head());
  EXPECT_EQ(records[0].at("args").at(0), "-j") << records[0].dump(2);  // after the program and command names
  std::string md = read_file(dir / "rollback-report.md");
  EXPECT_NE(md.find("| why | value.conf broke production |"), std::string::npos) << md;
  EXPECT_NE(md.find("- `" + second_autofix_.substr(0, 12) + "` autofix: change the value (autofix)"), std::string::npos) << md;
  EXPECT_NE(md.find("): 1 passed, 1 failed.\n- failed before: `value_is_ok`\n"), std::string::npos) << md;
}

TEST_F(Rollbacks, PathsAndCompleteLevelsAndEveryRefusalChangesNothing) {
  const std::string before = head();
  auto refused = [&](const Strings& args, const std::string& message) {
    runners::ProcessResult r = gate_with(args);
    EXPECT_EQ(r.exit_code, 2) << show(r);
    EXPECT_NE(r.err.find(message), std::string::npos) << show(r);
    EXPECT_EQ(head(), before);
    EXPECT_EQ(git_out({"status", "--porcelain"}), "");
  };
  refused({"--to", "no-such-ref"}, "cannot resolve 'no-such-ref'");
  git(repo_, {"checkout", "-q", "-b", "side", version_});
  commit({{"side.txt", "x\n"}}, "side work", "");
  const std::string side = head();
  git(repo_, {"checkout", "-q", "main"});
  refused({"--to", side}, "is not on the first-parent line of");
  refused({"--to", version_, "--level", "paths", "--paths", "nothing/**"}, "no file that changed since the version matches nothing/**");
  refused({"--to", user_, "--level", "autofix", "--strategy", "reset"}, "--strategy reset moves the whole branch");
  write_file(repo_ / "value.conf", "mine\n");
  runners::ProcessResult clash = gate_with({"--to", version_, "--level", "paths", "--paths", "v*.conf", "--no-verify"});
  EXPECT_EQ(clash.exit_code, 2) << show(clash);
  EXPECT_NE(clash.err.find("would write over uncommitted work in value.conf"), std::string::npos) << show(clash);
  EXPECT_EQ(read_file(repo_ / "value.conf"), "mine\n");
  EXPECT_EQ(head(), before);
  git(repo_, {"checkout", "--", "value.conf"});

  // The external state is saved before anything changes: a save that fails refuses the rollback.
  fs::create_directories(repo_ / "state dir");
  write_file(tmp_.path() / "state.json", R"({"version": 1, "state": [{"name": "db", "kind": "file", "paths": ["state dir"]}]})");
  runners::ProcessResult unsaved = gate_with({"--to", version_, "--level", "complete", "--no-verify", "--config",
                                              (tmp_.path() / "state.json").string()});
  EXPECT_EQ(unsaved.exit_code, 4) << show(unsaved);
  EXPECT_NE(unsaved.err.find("state dir': not a regular file"), std::string::npos) << show(unsaved);
  EXPECT_EQ(head(), before);
  EXPECT_EQ(git_out({"status", "--porcelain"}), "");
  fs::remove(repo_ / "state dir");

  runners::ProcessResult paths = gate_with({"--to", version_, "--level", "paths", "--paths", "v*.conf", "--no-verify"});
  ASSERT_EQ(paths.exit_code, 0) << show(paths);
  EXPECT_EQ(git_out({"log", "--format=%s", "-1"}), "autofix-gate: roll back 1 path(s) to " + version_.substr(0, 12));
  EXPECT_EQ(git_out({"diff", "--name-only", version_, "HEAD"}), "notes/auto.txt\nuser.conf");
  EXPECT_EQ(git_out({"status", "--porcelain"}), "");

  runners::ProcessResult complete = gate_with({"--to", version_, "--level", "complete"});
  ASSERT_EQ(complete.exit_code, 0) << show(complete);
  EXPECT_NE(complete.out.find("tests before the rollback: 2 passed, 0 failed\n"), std::string::npos) << show(complete);
  EXPECT_NE(complete.out.find("check against " + version_.substr(0, 12) + ": identical"), std::string::npos) << show(complete);
  EXPECT_EQ(git_out({"diff", "--name-only", version_, "HEAD"}), "");
  EXPECT_EQ(git_out({"rev-list", "--count", before + "..HEAD"}), "2");
  EXPECT_EQ(git_out({"status", "--porcelain"}), "");
}

TEST_F(Rollbacks, AResultLessGreenThanTheVersionFailsLoudlyAndKeepsTheCommits) {
  commit({{"other.conf", "broken\n"}}, "my own work breaks other.conf", "");
  const std::string before = head();
  runners::ProcessResult r = gate_with({"--to", version_});
  ASSERT_EQ(r.exit_code, 1) << show(r);
  EXPECT_NE(r.err.find("the rolled-back branch is LESS GREEN than " + version_.substr(0, 12)), std::string::npos) << show(r);
  EXPECT_NE(r.out.find("check against " + version_.substr(0, 12) + ": rejected"), std::string::npos) << show(r);
  EXPECT_EQ(git_out({"rev-list", "--count", before + "..HEAD"}), "2");
  EXPECT_EQ(read_file(repo_ / "other.conf"), "broken\n");
}

TEST_F(Rollbacks, LastGreenIsTheNewestCommitACheckJudgedGreen) {
  runners::ProcessResult none = gate_with({"--to", "last-green"});
  EXPECT_EQ(none.exit_code, 2) << show(none);
  EXPECT_NE(none.err.find("no commit of this branch's last 1000 was judged green"), std::string::npos) << show(none);
  EXPECT_EQ(head(), second_autofix_);

  runners::ProcessResult verified =
      run({gate_binary().string(), "verify", "-j", "2", "--base", version_, "--head", user_}, repo_, {}, std::chrono::minutes(3));
  ASSERT_EQ(verified.exit_code, 0) << show(verified);
  runners::ProcessResult versions = run({gate_binary().string(), "versions", "--json"}, repo_);
  ASSERT_EQ(versions.exit_code, 0) << show(versions);
  nlohmann::json v = nlohmann::json::parse(versions.out);
  EXPECT_EQ(v.at("last_green"), user_) << v.dump(2);
  ASSERT_EQ(v.at("versions").size(), 5u) << v.dump(2);  // the four commits and the README's
  EXPECT_EQ(v.at("versions")[0].at("commit"), second_autofix_);
  EXPECT_EQ(v.at("versions")[0].at("autofix"), true);
  EXPECT_EQ(v.at("versions")[1].at("green").at("command"), "verify");
  EXPECT_EQ(v.at("versions")[1].at("autofix_after"), 1);
  EXPECT_EQ(v.at("versions")[3].at("autofix_after"), 2);
  runners::ProcessResult text = run({gate_binary().string(), "versions"}, repo_);
  EXPECT_NE(text.out.find(user_.substr(0, 12) + "  "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("1 autofix commit(s) after it  <- last-green  my own work\n"), std::string::npos) << text.out;

  runners::ProcessResult r = gate_with({"--to", "last-green", "--no-verify", "--json"});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  nlohmann::json report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report.at("to").at("spec"), "last-green");
  EXPECT_TRUE(report.at("tests_before").is_null()) << report.dump(2);  // --no-verify judges nothing before either
  EXPECT_EQ(report.at("to").at("commit"), user_);
  EXPECT_EQ(git_out({"log", "--format=%s", "-1"}), "Revert \"autofix: change the value\"");
  EXPECT_EQ(git_out({"diff", "--name-only", user_, "HEAD"}), "");
}

// SIGKILL of `rollback` on entering its n-th state-changing system call (tests/e2e/syscall_killer.cpp), then
// `recover`: the repository is either exactly as before the rollback or exactly as after it, the user's
// uncommitted work intact either way, and no journal left.
TEST(RollbackKill, RecoverAfterSigkillAnywhereGivesTheTreeBeforeOrAfterExactly) {
  TempDir tmp;
  struct Repo {
    fs::path path;
    std::string version, before;
  };
  int generation = 0;
  auto make = [&] {
    Repo r{tmp.path() / ("rollback kill repo " + std::to_string(generation++)), "", ""};
    make_fileread_project(r.path, kCMake, {{"value.conf", "ok\n"}, {"other.conf", "fine\n"}, {"user.conf", "v1\n"}});
    r.version = git_trimmed(r.path, {"rev-parse", "HEAD"});
    commit_files(r.path, {{"notes/auto.txt", "tidy\n"}}, "autofix: add a note", "Autofix-Attempt: 20261207T000001Z-aaaaaa");
    commit_files(r.path, {{"user.conf", "v2\n"}}, "my own work");
    commit_files(r.path, {{"value.conf", "bad\n"}}, "autofix: change the value", "Autofix-Attempt: 20261207T000002Z-bbbbbb");
    r.before = git_trimmed(r.path, {"rev-parse", "HEAD"});
    write_file(r.path / "user.conf", "v3, not committed\n");
    git(r.path, {"add", "user.conf"});
    write_file(r.path / "scratch notes.txt", "remember the milk\n");
    return r;
  };
  auto rollback = [&](const Repo& r, long kill_at, const fs::path& report) {
    std::vector<std::string> argv{SYSCALL_KILLER_BINARY, "--mutating", "--report", report.string()};
    if (kill_at > 0) argv.insert(argv.end(), {"--kill-at", std::to_string(kill_at)});
    argv.insert(argv.end(), {"--", gate_binary().string(), "rollback", "--to", r.version, "--no-verify"});
    return run(argv, r.path, {}, std::chrono::minutes(2));
  };
  auto users_work_intact = [](const Repo& r) {
    return read_file(r.path / "user.conf") == "v3, not committed\n" &&
           read_file(r.path / "scratch notes.txt") == "remember the milk\n" &&
           git_trimmed(r.path, {"status", "--porcelain"}) == "M  user.conf\n?? \"scratch notes.txt\"";
  };

  // An uninterrupted run: how many state-changing calls it makes, and what the tree is after it.
  Repo counted = make();
  const fs::path count_report = tmp.path() / "count.json";
  runners::ProcessResult whole = rollback(counted, 0, count_report);
  ASSERT_EQ(whole.exit_code, 0) << show(whole);
  const long calls = nlohmann::json::parse(read_file(count_report)).at("counted").get<long>();
  ASSERT_GT(calls, 20) << read_file(count_report);
  const std::string after_tree = git_trimmed(counted.path, {"rev-parse", "HEAD^{tree}"});
  ASSERT_TRUE(users_work_intact(counted));

  constexpr int kPoints = 8;
  int before_count = 0, after_count = 0;
  for (int p = 0; p < kPoints; ++p) {
    // Up to 90% of the count: a run's count varies by a few calls (an object directory that exists already).
    const long kill_at = 1 + (calls * 9 / 10 - 1) * p / (kPoints - 1);
    const std::string where = "kill at call " + std::to_string(kill_at) + " of " + std::to_string(calls);
    Repo r = make();
    const fs::path report = tmp.path() / ("kill " + std::to_string(p) + ".json");
    runners::ProcessResult killed = rollback(r, kill_at, report);
    ASSERT_TRUE(nlohmann::json::parse(read_file(report)).at("killed").get<bool>()) << where << "\n" << show(killed);
    runners::ProcessResult rec = run({gate_binary().string(), "recover"}, r.path);
    ASSERT_EQ(rec.exit_code, 0) << where << "\n" << show(rec);
    EXPECT_FALSE(fs::exists(r.path / ".git" / "autofix" / "journal.json")) << where;
    EXPECT_TRUE(users_work_intact(r)) << where << "\n" << git_trimmed(r.path, {"status", "--porcelain"});
    const std::string head = git_trimmed(r.path, {"rev-parse", "HEAD"});
    if (head == r.before) {
      ++before_count;
      EXPECT_EQ(read_file(r.path / "value.conf"), "bad\n") << where;
      EXPECT_TRUE(fs::exists(r.path / "notes" / "auto.txt")) << where;
    } else {
      ++after_count;
      EXPECT_EQ(git_trimmed(r.path, {"rev-parse", "HEAD^{tree}"}), after_tree) << where;
      EXPECT_EQ(git_trimmed(r.path, {"rev-list", "--count", r.before + "..HEAD"}), "2") << where;
      EXPECT_EQ(read_file(r.path / "value.conf"), "ok\n") << where;
      EXPECT_FALSE(fs::exists(r.path / "notes" / "auto.txt")) << where;
    }
  }
  EXPECT_GT(before_count, 0) << "no kill landed before the branch moved";
  EXPECT_EQ(before_count + after_count, kPoints);
}

}  // namespace
}  // namespace autofix::testing
