// SPDX-License-Identifier: MIT
// External state hooks end to end (docs/state-hooks.md): an ignored data file (the `file` kind) and a
// command hook saved before the fixer runs and put back with the tree on rejection and by `recover`
// after kill -9; kept when the fix is accepted; a save that fails, cannot start or times out ends the
// attempt with exit 4 before anything changes. A compiler-less project, so each attempt takes a second.
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "tests/e2e/e2e_helpers.h"

namespace autofix::testing {
namespace {

using Strings = std::vector<std::string>;

std::string read_file_or_empty(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The pids of running processes whose command line holds `text`.
std::vector<int> commands_naming(const std::string& text) {
  std::vector<int> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    std::string cmdline = read_file_or_empty(e.path() / "cmdline");
    std::string stat = read_file_or_empty(e.path() / "stat");
    bool zombie = stat.find(") Z") != std::string::npos;
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (!zombie && cmdline.find(text) != std::string::npos) out.push_back(std::stoi(name));
  }
  return out;
}

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
    expect_state_kept_with_the_snapshot();
  }
  // The saved state stays with the operation's snapshot (for `restore ID`), complete.
  void expect_state_kept_with_the_snapshot() const {
    std::vector<std::string> ids;
    for (const fs::directory_entry& e : fs::directory_iterator(repo_ / ".git" / "autofix" / "state"))
      ids.push_back(e.path().filename().string());
    ASSERT_EQ(ids.size(), 1u);
    const std::vector<std::string> snapshots = listed_snapshot_ids(repo_);
    EXPECT_NE(std::find(snapshots.begin(), snapshots.end(), ids[0]), snapshots.end()) << ids[0];
    EXPECT_TRUE(fs::exists(repo_ / ".git" / "autofix" / "state" / ids[0] / ".saved.json"));
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
  expect_state_kept_with_the_snapshot();
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

TEST_F(StateHooksE2e, AFailingRestoreKeepsTheJournalAndRecoverFinishesItOnceTheCauseIsFixed) {
  const fs::path allow = tmp_ / "database is up";
  make_project(R"([{"name": "db", "save": ["sh", "-c", "cp data/app.db \"$1/\"", "save", "{dir}"],
      "restore": ["sh", "-c", "test -f \"$2\" || { echo database is locked >&2; exit 5; }; cp \"$1/app.db\" data/",
                  "restore", "{dir}", ")" + allow.string() + R"("]}])");
  runners::ProcessResult r = attempt("echo migrated > data/app.db; echo bad > value.conf");
  ASSERT_EQ(r.exit_code, 4) << show(r);
  EXPECT_NE(r.err.find("failed (exit code 5); the last lines of its output:\n  database is locked\n"), std::string::npos)
      << show(r);
  EXPECT_NE(r.err.find("then run `autofix-gate recover`"), std::string::npos) << show(r);
  EXPECT_EQ(read_file(repo_ / "value.conf"), "ok\n");  // the tree came back first
  EXPECT_EQ(read_file(repo_ / "data" / "app.db"), "migrated\n");
  EXPECT_TRUE(fs::exists(repo_ / ".git" / "autofix" / "journal.json"));
  runners::ProcessResult refused = attempt("true");
  EXPECT_EQ(refused.exit_code, 2) << show(refused);  // the journal waits for recover

  runners::ProcessResult still = run({gate_binary().string(), "recover"}, repo_, {}, std::chrono::minutes(1));
  EXPECT_EQ(still.exit_code, 4) << show(still);
  EXPECT_TRUE(fs::exists(repo_ / ".git" / "autofix" / "journal.json"));
  write_file(allow, "");
  runners::ProcessResult rec = run({gate_binary().string(), "recover"}, repo_, {}, std::chrono::minutes(1));
  ASSERT_EQ(rec.exit_code, 0) << show(rec);
  EXPECT_EQ(read_file(repo_ / "data" / "app.db"), kData);
  EXPECT_FALSE(fs::exists(repo_ / ".git" / "autofix" / "journal.json"));
  expect_state_kept_with_the_snapshot();
}

// `snapshot` saves the configured state with the snapshot; `restore ID` puts the tree back, then the state
// (byte for byte), unless --no-state; dropping the snapshot drops its state.
TEST_F(StateHooksE2e, RestoreIdPutsBackTheStateSavedWithTheSnapshotUnlessNoState) {
  make_project(R"([{"name": "db", "kind": "file", "paths": ["data/app.db"]}])");
  const std::string id = make_snapshot(repo_, "before the migration");
  const fs::path saved = repo_ / ".git" / "autofix" / "state" / id;
  ASSERT_TRUE(fs::exists(saved / ".saved.json"));
  write_file(repo_ / "data" / "app.db", "migrated\n");
  write_file(repo_ / "value.conf", "bad\n");

  runners::ProcessResult r = gate(repo_, {"restore", "--no-state", id});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(read_file(repo_ / "value.conf"), "ok\n");
  EXPECT_EQ(read_file(repo_ / "data" / "app.db"), "migrated\n");
  EXPECT_NE(r.err.find("[state] --no-state: the state saved with snapshot " + id + " was not restored (1 hook(s))"),
            std::string::npos) << show(r);

  r = gate(repo_, {"restore", id});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(read_file(repo_ / "data" / "app.db"), kData);
  EXPECT_NE(r.err.find("[state] restoring 'db'"), std::string::npos) << show(r);
  EXPECT_TRUE(fs::exists(saved / ".saved.json"));  // a restore keeps it: the snapshot can be restored again
  EXPECT_FALSE(fs::exists(repo_ / ".git" / "autofix" / "journal.json"));

  const std::string second = make_snapshot(repo_, "second");
  ASSERT_EQ(gate(repo_, {"snapshots", "drop", id}).exit_code, 0);
  EXPECT_FALSE(fs::exists(saved));
  r = gate(repo_, {"snapshot", "--no-state"});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  std::string no_state_id = r.out.substr(0, r.out.find('\n'));
  EXPECT_FALSE(fs::exists(repo_ / ".git" / "autofix" / "state" / no_state_id));
  EXPECT_TRUE(fs::exists(repo_ / ".git" / "autofix" / "state" / second / ".saved.json"));  // only the dropped one went
}

// A `restore ID` killed during its state restore: `recover` ends the hook's command and restores the state.
TEST_F(StateHooksE2e, RecoverFinishesARestoreIdKilledDuringItsStateRestore) {
  const fs::path slow = tmp_ / "restore slowly", started = tmp_ / "restore started";
  make_project(R"([{"name": "cache", "save": ["sh", "-c", "cp data/cache.txt \"$1/\"", "save", "{dir}"],
      "restore": ["sh", "-c", "if test -f \"$2\"; then touch \"$3\"; sleep 60; fi; cp \"$1/cache.txt\" data/",
                  "restore", "{dir}", ")" + slow.string() + R"(", ")" + started.string() + R"("]}])");
  const std::string id = make_snapshot(repo_, "before");
  write_file(repo_ / "data" / "cache.txt", "cache v2\n");
  write_file(slow, "");
  runners::ProcessResult r = run_and_signal({gate_binary().string(), "restore", id}, repo_,
                                            [&] { return fs::exists(started); }, std::chrono::microseconds(0), SIGKILL);
  ASSERT_EQ(r.signal, SIGKILL) << show(r);
  EXPECT_EQ(read_file(repo_ / "data" / "cache.txt"), "cache v2\n");
  EXPECT_EQ(gate(repo_, {"restore", id}).exit_code, 2);  // the journal waits for recover
  fs::remove(slow);
  runners::ProcessResult rec = run({gate_binary().string(), "recover"}, repo_, {}, std::chrono::minutes(1));
  ASSERT_EQ(rec.exit_code, 0) << show(rec);
  // The sleeping restore ended: by its journaled process group, or by the operation's marker when the kill
  // came before the group was journaled.
  EXPECT_TRUE(rec.err.find("ending process group ") != std::string::npos ||
              rec.err.find("process(es) the interrupted gate started") != std::string::npos) << show(rec);
  EXPECT_TRUE(eventually([&] { return commands_naming(started.string()).empty(); }, std::chrono::seconds(5)))
      << "the killed restore's command still runs: pid " << commands_naming(started.string()).front();
  EXPECT_NE(rec.err.find("[state] restoring 'cache'"), std::string::npos) << show(rec);
  EXPECT_EQ(read_file(repo_ / "data" / "cache.txt"), "cache v1\n");
  EXPECT_FALSE(fs::exists(repo_ / ".git" / "autofix" / "journal.json"));
  EXPECT_TRUE(fs::exists(repo_ / ".git" / "autofix" / "state" / id / ".saved.json"));  // still the snapshot's
}

// The sqlite kind: a fixer runs a migration (a column added, rows deleted) and breaks a test; the
// rejected fix leaves the database's schema and rows exactly as before.
TEST_F(StateHooksE2e, ARejectedMigrationLeavesTheSqliteDatabaseAsItWas) {
  make_project(R"([{"name": "app", "kind": "sqlite", "path": "data/app.sqlite"}])");
  const std::string py = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit(); "
                         "print('\\n'.join(repr(r) for q in sys.argv[3:] for r in c.execute(q)))";
  auto sql = [&](const std::string& script, const std::string& query = {}) {
    Strings argv{"python3", "-c", py, (repo_ / "data" / "app.sqlite").string(), script};
    if (!query.empty()) argv.push_back(query);
    runners::ProcessResult r = run(argv, repo_, {}, std::chrono::minutes(1));
    EXPECT_EQ(r.exit_code, 0) << show(r);
    return r.out;
  };
  const std::string dump_queries = "SELECT type, name, sql FROM sqlite_master ORDER BY name";
  sql("CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users(name) VALUES ('ada'), ('grace');");
  const std::string schema = sql("", dump_queries);
  const std::string rows = sql("", "SELECT * FROM users ORDER BY id");
  ASSERT_EQ(rows, "(1, 'ada')\n(2, 'grace')\n");

  runners::ProcessResult r = attempt(
      "python3 -c \"import sqlite3; c = sqlite3.connect('data/app.sqlite'); "
      "c.executescript('ALTER TABLE users ADD COLUMN email TEXT; DELETE FROM users WHERE id = 2;'); c.commit()\" && "
      "echo bad > value.conf");
  ASSERT_EQ(r.exit_code, 1) << show(r);
  EXPECT_EQ(sql("", dump_queries), schema);
  EXPECT_EQ(sql("", "SELECT * FROM users ORDER BY id"), rows);
}

// A batch saves once; every fixer starts from the saved state (what the one before did to it is undone
// with the tree), and the batch's end puts the state back.
TEST_F(StateHooksE2e, ABatchSavesOnceAndEveryFixerStartsFromTheSavedState) {
  make_default_project();
  const fs::path seen = tmp_ / "what the fixers saw.log";
  auto fixer = [&](const std::string& script) {
    return "[\"sh\", \"-c\", \"cat data/cache.txt >> '" + seen.string() + "'; " + kMigrate + script + "\"]";
  };
  write_file(tmp_ / "batch.json", R"({"version": 1, "strategy": "best_effort", "fixes": [
    {"id": "notes", "fixer": )" + fixer("echo more >> notes.md") + R"(},
    {"id": "breaks", "fixer": )" + fixer("echo bad > value.conf") + R"(}]})");
  runners::ProcessResult r =
      run({gate_binary().string(), "batch", "-j", "2", (tmp_ / "batch.json").string()}, repo_, {}, std::chrono::minutes(3));
  ASSERT_EQ(r.exit_code, 1) << show(r);  // one fix rejected
  EXPECT_EQ(read_file(seen), "cache v1\ncache v1\n");
  std::size_t saves = 0;
  for (std::size_t at = r.err.find("[state] saving 'cache'"); at != std::string::npos; at = r.err.find("[state] saving 'cache'", at + 1))
    ++saves;
  EXPECT_EQ(saves, 1u) << show(r);
  expect_state_as_saved();
}

TEST_F(StateHooksE2e, AnInterruptedAttemptRestoresTheStateBeforeExiting) {
  make_default_project();
  const fs::path marker = tmp_ / "fixer ran";
  runners::ProcessResult r = run_and_signal(
      {gate_binary().string(), "attempt", "-j", "2", "--", "sh", "-c",
       std::string(kMigrate) + "touch '" + marker.string() + "'; sleep 60"},
      repo_, [&] { return fs::exists(marker); }, std::chrono::microseconds(0), SIGTERM);
  ASSERT_EQ(r.exit_code, 143) << show(r);
  expect_state_as_saved();
  EXPECT_FALSE(fs::exists(repo_ / ".git" / "autofix" / "journal.json"));
}

TEST_F(StateHooksE2e, AnInterruptDuringASaveExits143AndChangesNothing) {
  const fs::path marker = tmp_ / "saving";
  make_project(R"([{"name": "db", "kind": "file", "paths": ["data/app.db"]},
      {"name": "slow", "save": ["sh", "-c", "touch \"$1\"; sleep 30", "save", ")" + marker.string() + R"("],
       "restore": ["true"]}])");
  const std::string before = status();
  runners::ProcessResult r = run_and_signal(
      {gate_binary().string(), "attempt", "-j", "2", "--", "sh", "-c", "echo bad > value.conf"}, repo_,
      [&] { return fs::exists(marker); }, std::chrono::microseconds(0), SIGTERM);
  ASSERT_EQ(r.exit_code, 143) << show(r);
  EXPECT_EQ(status(), before);
  EXPECT_EQ(read_file(repo_ / "data" / "app.db"), kData);
  EXPECT_FALSE(fs::exists(repo_ / ".git" / "autofix" / "journal.json"));
  EXPECT_FALSE(fs::exists(repo_ / ".git" / "autofix" / "state"));
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
