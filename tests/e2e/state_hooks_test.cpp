// External state hooks end to end (docs/state-hooks.md): an ignored data file (the `file` kind) and a
// command hook saved before the fixer runs and put back with the tree on rejection and by `recover`
// after kill -9; kept when the fix is accepted; a save that fails, cannot start or times out ends the
// attempt with exit 4 before anything changes. A compiler-less project, so each attempt takes a second.
#include <gtest/gtest.h>

#include <signal.h>

#include "tests/e2e/e2e_helpers.h"

namespace autofix::testing {
namespace {

using Strings = std::vector<std::string>;

constexpr const char* kCMake =
    "cmake_minimum_required(VERSION 3.20)\n"
    "project(state LANGUAGES NONE)\n"
    "enable_testing()\n"
    "add_test(NAME value_is_ok COMMAND grep -qx ok \"${CMAKE_CURRENT_SOURCE_DIR}/value.conf\")\n";

const std::string kData("rows: 1 2 3\n\0binary\xff", 20);

class StateHooksE2e : public ::testing::Test {
 protected:
  // `state`: the configuration's "state" array.
  void make_project(const std::string& state) {
    make_fileread_project(repo_, kCMake, {{"value.conf", "ok\n"}, {"notes.md", "notes\n"}});
    write_file(repo_ / ".gitignore", "build/\ndata/\n");
    write_file(repo_ / "autofix-gate.json",
               R"({"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}], "state": )" + state + "}");
    git(repo_, {"commit", "-q", "-am", "state hooks"});
    write_file(repo_ / "data" / "app.db", kData);
    write_file(repo_ / "data" / "cache.txt", "cache v1\n");
  }
  // The file kind for app.db, a command hook (cp into {dir} and back) for cache.txt.
  void make_default_project() {
    make_project(R"([{"name": "db", "kind": "file", "paths": ["data/app.db", "data/created.db"]},
        {"name": "cache", "save": ["sh", "-c", "cp data/cache.txt \"$1/\"", "save", "{dir}"],
         "restore": ["sh", "-c", "cp \"$1/cache.txt\" data/", "restore", "{dir}"],
         "check": ["grep", "-q", "v1", "data/cache.txt"]}])");
  }
  runners::ProcessResult attempt(const std::string& fixer_script) const {
    return run({gate_binary().string(), "attempt", "-j", "2", "--flaky-reruns", "0", "--", "sh", "-c", fixer_script},
               repo_, {}, std::chrono::minutes(3));
  }
  // The work tree as git sees it (the ignored build directory the gate creates aside).
  std::string status() const { return git(repo_, {"status", "--porcelain", "--untracked-files=all"}); }
  void expect_state_as_saved() const {
    EXPECT_EQ(read_file(repo_ / "data" / "app.db"), kData);
    EXPECT_EQ(read_file(repo_ / "data" / "cache.txt"), "cache v1\n");
    EXPECT_FALSE(fs::exists(repo_ / "data" / "created.db"));
    EXPECT_EQ(read_file(repo_ / "value.conf"), "ok\n");
    EXPECT_FALSE(fs::exists(repo_ / ".git" / "autofix" / "state"));
  }
  // What each fixer does to the state: rewrites app.db and cache.txt, creates created.db.
  static constexpr const char* kMigrate =
      "echo migrated > data/app.db; echo cache v2 > data/cache.txt; echo new > data/created.db; ";

  TempDir tmp_;
  fs::path repo_ = tmp_ / "state repo";
};

TEST_F(StateHooksE2e, ARejectedFixGetsTheStateBackByteForByte) {
  make_default_project();
  runners::ProcessResult r = attempt(std::string(kMigrate) + "echo bad > value.conf");
  ASSERT_EQ(r.exit_code, 1) << show(r);
  expect_state_as_saved();
  EXPECT_NE(r.err.find("[state] restoring 'cache'"), std::string::npos) << show(r);
}

TEST_F(StateHooksE2e, AnAcceptedFixKeepsTheChangedState) {
  make_default_project();
  runners::ProcessResult r = attempt(std::string(kMigrate) + "echo more notes >> notes.md");
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(read_file(repo_ / "data" / "app.db"), "migrated\n");
  EXPECT_EQ(read_file(repo_ / "data" / "cache.txt"), "cache v2\n");
  EXPECT_EQ(read_file(repo_ / "data" / "created.db"), "new\n");
  EXPECT_FALSE(fs::exists(repo_ / ".git" / "autofix" / "state"));
}

TEST_F(StateHooksE2e, RecoverAfterKill9RestoresTheState) {
  make_default_project();
  const fs::path marker = tmp_ / "fixer ran";
  runners::ProcessResult r = run_and_signal(
      {gate_binary().string(), "attempt", "-j", "2", "--", "sh", "-c",
       std::string(kMigrate) + "echo bad > value.conf; touch '" + marker.string() + "'; sleep 60"},
      repo_, [&] { return fs::exists(marker); }, std::chrono::microseconds(0), SIGKILL);
  ASSERT_EQ(r.signal, SIGKILL) << show(r);
  EXPECT_EQ(read_file(repo_ / "data" / "app.db"), "migrated\n");
  runners::ProcessResult rec = run({gate_binary().string(), "recover"}, repo_, {}, std::chrono::minutes(1));
  ASSERT_EQ(rec.exit_code, 0) << show(rec);
  expect_state_as_saved();
  EXPECT_NE(rec.err.find("[state] restoring 'db'"), std::string::npos) << show(rec);
}

TEST_F(StateHooksE2e, AFailingSaveEndsTheAttemptWithExit4AndChangesNothing) {
  make_project(R"([{"name": "db", "kind": "file", "paths": ["data/app.db"]},
      {"name": "broken", "save": ["sh", "-c", "echo first line; echo no database here >&2; exit 7"], "restore": ["true"]}])");
  const std::string before = status();
  const fs::path marker = tmp_ / "fixer ran";
  runners::ProcessResult r = attempt("touch '" + marker.string() + "'; echo bad > data/app.db");
  ASSERT_EQ(r.exit_code, 4) << show(r);
  EXPECT_NE(r.err.find("state hook 'broken': save `sh -c echo first line; echo no database here >&2; exit 7` failed "
                       "(exit code 7); the last lines of its output:\n  first line\n  no database here (the state "
                       "hooks saved before it were restored)"),
            std::string::npos)
      << show(r);
  EXPECT_FALSE(fs::exists(marker));
  EXPECT_EQ(status(), before);
  EXPECT_EQ(read_file(repo_ / "data" / "app.db"), kData);
  EXPECT_FALSE(fs::exists(repo_ / ".git" / "autofix" / "journal.json"));
  EXPECT_FALSE(fs::exists(repo_ / ".git" / "autofix" / "state"));
}

TEST_F(StateHooksE2e, AHookThatDoesNotExistOrTimesOutIsAClearErrorAndChangesNothing) {
  make_project(R"([{"name": "db", "save": ["scripts/no-such-save.sh", "{dir}"], "restore": ["true"]}])");
  const std::string before = status();
  runners::ProcessResult r = attempt("echo bad > value.conf");
  ASSERT_EQ(r.exit_code, 4) << show(r);
  EXPECT_NE(r.err.find("state hook 'db': save `scripts/no-such-save.sh "), std::string::npos) << show(r);
  EXPECT_NE(r.err.find("` could not run: "), std::string::npos) << show(r);
  EXPECT_EQ(status(), before);

  write_file(repo_ / "autofix-gate.json", R"({"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}],
      "state": [{"name": "slow", "save": ["sleep", "30"], "restore": ["true"], "timeout": 1}]})");
  git(repo_, {"commit", "-q", "-am", "a slow hook"});
  const std::string before_slow = status();
  r = attempt("echo bad > value.conf");
  ASSERT_EQ(r.exit_code, 4) << show(r);
  EXPECT_NE(r.err.find("state hook 'slow': save `sleep 30` failed (timed out after 1 s) (no output)"), std::string::npos)
      << show(r);
  EXPECT_EQ(status(), before_slow);
  EXPECT_EQ(read_file(repo_ / "value.conf"), "ok\n");
}

}  // namespace
}  // namespace autofix::testing
