// SPDX-License-Identifier: MIT
#include "gate/state/state_hooks.h"

#include <sys/stat.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using autofix::testing::read_file;
using autofix::testing::TempDir;
using autofix::testing::write_file;
using namespace std::chrono_literals;

mode_t mode_of(const fs::path& p) {
  struct stat st;
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

TEST(StateHookFiles, RoundTripIsByteExactKeepsTheModeAndRemovesWhatDidNotExist) {
  TempDir tmp;
  const fs::path root = tmp / "repo with spaces";
  const fs::path dir = tmp / "state" / "data";
  fs::create_directories(dir);
  const std::string bytes("binary\0\xff\x01 data\r\n", 17);
  write_file(root / "data" / "app.db", bytes);
  fs::permissions(root / "data" / "app.db", static_cast<fs::perms>(0640));
  write_file(root / "run.sh", "#!/bin/sh\n");
  fs::permissions(root / "run.sh", static_cast<fs::perms>(0755));

  save_files(root, {"data/app.db", "run.sh", "later/new.conf"}, dir);
  // What a fixer does: rewrites one, deletes the other (its directory too), creates the missing one.
  write_file(root / "data" / "app.db", "migrated");
  fs::remove_all(root / "run.sh");
  write_file(root / "later" / "new.conf", "created by the fix");

  restore_files(root, dir);
  EXPECT_EQ(read_file(root / "data" / "app.db"), bytes);
  EXPECT_EQ(mode_of(root / "data" / "app.db"), 0640u);
  EXPECT_EQ(read_file(root / "run.sh"), "#!/bin/sh\n");
  EXPECT_EQ(mode_of(root / "run.sh"), 0755u);
  EXPECT_FALSE(fs::exists(root / "later" / "new.conf"));
  EXPECT_FALSE(fs::exists(root / "data" / "app.db.autofix-state-tmp"));

  fs::remove_all(root / "data");  // a deleted directory is created again
  restore_files(root, dir);
  EXPECT_EQ(read_file(root / "data" / "app.db"), bytes);
}

TEST(StateHookFiles, RefusesWhatIsNotARegularFile) {
  TempDir tmp;
  fs::create_directories(tmp / "root" / "data");
  fs::create_directories(tmp / "dir");
  try {
    save_files(tmp / "root", {"data"}, tmp / "dir");
    FAIL() << "a directory was saved";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kStateHookError);
    EXPECT_EQ(std::string(e.what()), "cannot save '" + (tmp / "root" / "data").string() + "': not a regular file");
  }
}

TEST(StateHookFiles, ARecordThatIsGoneIsAnError) {
  TempDir tmp;
  try {
    restore_files(tmp / "root", tmp / "dir");
    FAIL() << "restored from nothing";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kStateHookError);
    EXPECT_EQ(std::string(e.what()), "the saved files are gone: '" + (tmp / "dir" / "saved.json").string() + "' is missing");
  }
}

TEST(StateHooks, DirPlaceholderIsReplacedInEveryArgument) {
  EXPECT_EQ(with_dir({"save.sh", "{dir}", "--out={dir}/dump", "{dir}{dir}", "plain"}, "/s t"),
            (std::vector<std::string>{"save.sh", "/s t", "--out=/s t/dump", "/s t/s t", "plain"}));
  EXPECT_EQ(state_hooks_dir("/r/.git/autofix", "20261207T000000Z-abc"), fs::path("/r/.git/autofix/state/20261207T000000Z-abc"));
}

StateHookSpec command_hook(const std::string& name, const std::string& save, const std::string& restore,
                           const std::string& check = {}) {
  StateHookSpec h{name, StateHookKind::command, {"sh", "-c", save, "hook", "{dir}"}, {"sh", "-c", restore, "hook", "{dir}"}};
  if (!check.empty()) h.check = {"sh", "-c", check, "hook", "{dir}"};
  return h;
}

// Every command appends to log.txt in the root: the order they ran in.
struct Hooked {
  TempDir tmp;
  fs::path root = tmp / "root";
  fs::path dir = tmp / "state" / "snap";
  std::vector<std::string> saved;
  std::vector<std::string> said;
  StateHookEvents events() {
    StateHookEvents e;
    e.say = [this](const std::string& m) { said.push_back(m); };
    e.saved = [this](const std::string& name) { saved.push_back(name); };
    return e;
  }
  std::string log() { return fs::exists(root / "log.txt") ? read_file(root / "log.txt") : ""; }
};

TEST(StateHooks, SavesInOrderRestoresInReverseThenChecksAndLoadsWhatItSaved) {
  Hooked t;
  fs::create_directories(t.root);
  std::vector<StateHookSpec> hooks = {
      command_hook("db", "echo save db >> log.txt; echo dump > \"$1/db.dump\"", "echo restore db $(cat \"$1/db.dump\") >> log.txt",
                   "echo check db >> log.txt"),
      command_hook("cfg", "echo save cfg >> log.txt", "echo restore cfg >> log.txt")};
  StateHooks(t.root, t.dir, hooks).save_all(t.events());
  EXPECT_EQ(t.saved, (std::vector<std::string>{"db", "cfg"}));
  EXPECT_EQ(t.log(), "save db\nsave cfg\n");
  EXPECT_EQ(StateHooks::saved_in(t.dir), (std::vector<std::string>{"db", "cfg"}));  // for `restore ID`
  EXPECT_EQ(StateHooks::saved_in(t.tmp / "nothing saved"), std::nullopt);

  StateHooks loaded = StateHooks::load(t.root, t.dir);
  EXPECT_EQ(loaded.hooks(), hooks);
  loaded.restore(t.saved, t.events());
  EXPECT_EQ(t.log(), "save db\nsave cfg\nrestore cfg\nrestore db dump\ncheck db\n");
  loaded.restore({"db"}, t.events());  // only what the journal says was saved
  EXPECT_EQ(t.log(), "save db\nsave cfg\nrestore cfg\nrestore db dump\ncheck db\nrestore db dump\ncheck db\n");

  loaded.remove(nullptr);
  EXPECT_FALSE(fs::exists(t.dir));
  EXPECT_FALSE(fs::exists(t.dir.parent_path()));
}

TEST(StateHooks, AFailingSaveRestoresTheSavesDoneAndNamesTheHookItsExitAndItsOutput) {
  Hooked t;
  fs::create_directories(t.root);
  std::vector<StateHookSpec> hooks = {command_hook("db", "echo save db >> log.txt", "echo restore db >> log.txt"),
                                      command_hook("cfg", "echo line1; echo line2 >&2; exit 3", "echo restore cfg >> log.txt")};
  try {
    StateHooks(t.root, t.dir, hooks).save_all(t.events());
    FAIL() << "a failing save went through";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kStateHookError);
    EXPECT_EQ(std::string(e.what()), "state hook 'cfg': save `sh -c echo line1; echo line2 >&2; exit 3 hook " +
                                         (t.dir / "cfg").string() +
                                         "` failed (exit code 3); the last lines of its output:\n  line1\n  line2 (the "
                                         "state hooks saved before it were restored)");
    EXPECT_EQ(e.hint(), "fix the hook or its command (docs/state-hooks.md); nothing was changed");
  }
  EXPECT_EQ(t.saved, (std::vector<std::string>{"db"}));
  EXPECT_EQ(t.log(), "save db\nrestore db\n");
  EXPECT_EQ(StateHooks::saved_in(t.dir), std::nullopt);  // an incomplete save is nothing `restore ID` could use
}

TEST(StateHooks, AMissingProgramOrATimeoutIsAClearError) {
  Hooked t;
  fs::create_directories(t.root);
  StateHookSpec missing{"db", StateHookKind::command, {"no-such-db-save-tool", "{dir}"}, {"true"}};
  try {
    StateHooks(t.root, t.dir, {missing}).save_all(t.events());
    FAIL() << "a missing program ran";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kStateHookError);
    EXPECT_EQ(std::string(e.what()).rfind("state hook 'db': save `no-such-db-save-tool " + (t.dir / "db").string() +
                                              "` could not run: ",
                                          0),
              0u)
        << e.what();
  }
  StateHookSpec slow = command_hook("slow", "sleep 30", "true");
  slow.timeout = 1s;
  try {
    StateHooks(t.root, t.dir, {slow}).save_all(t.events());
    FAIL() << "a hanging save went through";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "state hook 'slow': save `sh -c sleep 30 hook " + (t.dir / "slow").string() +
                                         "` failed (timed out after 1 s) (no output)");
  }
  EXPECT_TRUE(t.saved.empty());
}

TEST(StateHooks, AFailingRestoreSaysToRunRecover) {
  Hooked t;
  fs::create_directories(t.root);
  StateHooks hooks(t.root, t.dir, {command_hook("db", "true", "echo cannot connect >&2; exit 1")});
  hooks.save_all(t.events());
  try {
    hooks.restore(t.saved, t.events());
    FAIL() << "a failing restore went through";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "state hook 'db': restore `sh -c echo cannot connect >&2; exit 1 hook " +
                                         (t.dir / "db").string() +
                                         "` failed (exit code 1); the last lines of its output:\n  cannot connect");
    EXPECT_NE(e.hint().find("run `autofix-gate recover`"), std::string::npos) << e.hint();
  }
}

TEST(StateHooks, FileKindThroughTheHooks) {
  Hooked t;
  write_file(t.root / "data.db", "v1");
  StateHooks hooks(t.root, t.dir, {StateHookSpec{"data", StateHookKind::file, {}, {}, {}, {"data.db", "new.db"}}});
  hooks.save_all(t.events());
  write_file(t.root / "data.db", "v2");
  write_file(t.root / "new.db", "x");
  StateHooks::load(t.root, t.dir).restore(t.saved, t.events());
  EXPECT_EQ(read_file(t.root / "data.db"), "v1");
  EXPECT_FALSE(fs::exists(t.root / "new.db"));
}

// Runs `sql` on the database at `path`; returns every row of its last statement, one line per row.
std::string sql(const fs::path& path, const std::string& statements) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string out;
  char* error = nullptr;
  int rc = sqlite3_exec(
      db, statements.c_str(),
      [](void* text, int n, char** values, char**) {
        std::string& o = *static_cast<std::string*>(text);
        for (int i = 0; i < n; ++i) o += (i ? "|" : "") + std::string(values[i] ? values[i] : "NULL");
        o += "\n";
        return 0;
      },
      &out, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
  return out;
}

TEST(StateHookSqlite, AMigrationIsUndoneSchemaAndRowsExactlyAsBefore) {
  Hooked t;
  const fs::path db = t.root / "data" / "app.sqlite";
  fs::create_directories(db.parent_path());
  sql(db, "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
          "CREATE INDEX users_name ON users(name);"
          "INSERT INTO users(name) VALUES ('ada'), ('grace'), ('linus');");
  const std::string schema = sql(db, "SELECT type || ' ' || name || ': ' || sql FROM sqlite_master ORDER BY name;");
  const std::string rows = sql(db, "SELECT * FROM users ORDER BY id;");
  ASSERT_EQ(rows, "1|ada\n2|grace\n3|linus\n");

  StateHookSpec hook{"app", StateHookKind::sqlite};
  hook.path = "data/app.sqlite";
  StateHooks hooks(t.root, t.dir, {hook});
  hooks.save_all(t.events());
  EXPECT_EQ(t.saved, std::vector<std::string>{"app"});
  // The fix's migration: a column added, rows deleted, a table created.
  sql(db, "ALTER TABLE users ADD COLUMN email TEXT; DELETE FROM users WHERE id > 1; CREATE TABLE audit(x);");
  ASSERT_NE(sql(db, "SELECT type || ' ' || name || ': ' || sql FROM sqlite_master ORDER BY name;"), schema);

  StateHooks::load(t.root, t.dir).restore(t.saved, t.events());
  EXPECT_EQ(sql(db, "SELECT type || ' ' || name || ': ' || sql FROM sqlite_master ORDER BY name;"), schema);
  EXPECT_EQ(sql(db, "SELECT * FROM users ORDER BY id;"), rows);
  EXPECT_EQ(sql(db, "PRAGMA integrity_check;"), "ok\n");
}

TEST(StateHookSqlite, ADatabaseTheFixCreatedIsRemoved) {
  Hooked t;
  fs::create_directories(t.root);
  StateHookSpec hook{"app", StateHookKind::sqlite};
  hook.path = "app.sqlite";
  StateHooks hooks(t.root, t.dir, {hook});
  hooks.save_all(t.events());
  sql(t.root / "app.sqlite", "CREATE TABLE t(x); INSERT INTO t VALUES (1);");
  hooks.restore(t.saved, t.events());
  EXPECT_FALSE(fs::exists(t.root / "app.sqlite"));
}

TEST(PostgresUrl, NamesTheDatabaseAndTheMaintenanceDatabase) {
  auto parsed = [](const std::string& url) {
    std::optional<PostgresUrl> u = parse_postgres_url(url);
    return u ? u->database + " | " + u->maintenance_url : std::string("none");
  };
  EXPECT_EQ(parsed("postgresql://app:pw@db.local:5433/app?sslmode=require"),
            "app | postgresql://app:pw@db.local:5433/postgres?sslmode=require");
  EXPECT_EQ(parsed("postgres:///my%20db"), "my db | postgres:///postgres");
  EXPECT_EQ(parsed("postgresql://localhost"), "none");
  EXPECT_EQ(parsed("postgresql://localhost/"), "none");
  EXPECT_EQ(parsed("postgresql://localhost?dbname=app"), "none");
  EXPECT_EQ(parsed("postgresql://localhost/a%2"), "none");
  EXPECT_EQ(parsed("mysql://localhost/app"), "none");
  EXPECT_EQ(redacted_url("postgresql://app:s3cret@db:5432/app"), "postgresql://app:***@db:5432/app");
  EXPECT_EQ(redacted_url("postgresql://app@db/app"), "postgresql://app@db/app");
  EXPECT_EQ(redacted_url("postgresql://db:5432/app"), "postgresql://db:5432/app");
}

TEST(StateHookPostgres, CommandsDumpThenDropAndRecreateFromTheDump) {
  StateHookSpec h{"pg", StateHookKind::postgres, {}, {}, {}, {}, 60s, {}, "postgresql://u@127.0.0.1:5999/app"};
  EXPECT_EQ(postgres_save_command(h),
            (std::vector<std::string>{"pg_dump", "--format=custom", "--no-password", "--file={dir}/database.dump",
                                      "--dbname=postgresql://u@127.0.0.1:5999/app"}));
  EXPECT_EQ(postgres_restore_commands(h),
            (std::vector<std::vector<std::string>>{
                {"dropdb", "--if-exists", "--force", "--no-password", "--maintenance-db=postgresql://u@127.0.0.1:5999/postgres", "app"},
                {"pg_restore", "--create", "--exit-on-error", "--no-password",
                 "--dbname=postgresql://u@127.0.0.1:5999/postgres", "{dir}/database.dump"}}));
}

// pg_dump, dropdb and pg_restore replaced on PATH by scripts that log their arguments (or fail).
class FakePostgresTools {
 public:
  explicit FakePostgresTools(const fs::path& bin, const std::string& pg_dump_body) : old_path_(std::getenv("PATH")) {
    fs::create_directories(bin);
    for (const auto& [name, body] : std::vector<std::pair<std::string, std::string>>{
             {"pg_dump", pg_dump_body}, {"dropdb", "echo dropdb \"$@\" >> log.txt"}, {"pg_restore", "echo pg_restore \"$@\" >> log.txt"}}) {
      write_file(bin / name, "#!/bin/sh\n" + body + "\n");
      fs::permissions(bin / name, fs::perms::owner_all);
    }
    ::setenv("PATH", (bin.string() + ":" + old_path_).c_str(), 1);
  }
  ~FakePostgresTools() { ::setenv("PATH", old_path_.c_str(), 1); }

 private:
  std::string old_path_;
};

TEST(StateHookPostgres, SavesRestoresAndChecksThroughTheTools) {
  Hooked t;
  fs::create_directories(t.root);
  FakePostgresTools tools(t.tmp / "bin", "echo pg_dump \"$@\" >> log.txt");
  StateHookSpec h{"pg", StateHookKind::postgres, {}, {}, {"sh", "-c", "echo check >> log.txt"}, {}, 60s, {},
                  "postgresql://u@127.0.0.1:5999/app"};
  StateHooks(t.root, t.dir, {h}).save_all(t.events());
  EXPECT_EQ(t.saved, (std::vector<std::string>{"pg"}));
  StateHooks loaded = StateHooks::load(t.root, t.dir);
  ASSERT_EQ(loaded.hooks().size(), 1u);
  EXPECT_EQ(loaded.hooks()[0], h);
  loaded.restore(t.saved, t.events());
  const std::string d = (t.dir / "pg").string();
  EXPECT_EQ(t.log(), "pg_dump --format=custom --no-password --file=" + d + "/database.dump --dbname=postgresql://u@127.0.0.1:5999/app\n"
                     "dropdb --if-exists --force --no-password --maintenance-db=postgresql://u@127.0.0.1:5999/postgres app\n"
                     "pg_restore --create --exit-on-error --no-password --dbname=postgresql://u@127.0.0.1:5999/postgres " + d +
                     "/database.dump\ncheck\n");
}

TEST(StateHookPostgres, AFailingDumpNamesTheHookTheCommandWithoutThePasswordAndWhatToDo) {
  Hooked t;
  fs::create_directories(t.root);
  FakePostgresTools tools(t.tmp / "bin", "echo 'pg_dump: error: connection to server failed' >&2; exit 1");
  StateHookSpec h{"pg", StateHookKind::postgres, {}, {}, {}, {}, 60s, {}, "postgresql://u:s3cret@127.0.0.1:5999/app"};
  try {
    StateHooks(t.root, t.dir, {h}).save_all(t.events());
    FAIL() << "a failing pg_dump went through";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kStateHookError);
    EXPECT_EQ(std::string(e.what()), "state hook 'pg': save `pg_dump --format=custom --no-password --file=" +
                                         (t.dir / "pg").string() +
                                         "/database.dump --dbname=postgresql://u:***@127.0.0.1:5999/app` failed (exit code "
                                         "1); the last lines of its output:\n  pg_dump: error: connection to server failed");
    EXPECT_EQ(e.hint(), "check that the server is up and that the url reaches the database (`psql URL`), and that pg_dump "
                        "(Debian: postgresql-client) is on PATH; nothing was changed");
  }
  EXPECT_TRUE(t.saved.empty());
}

}  // namespace
}  // namespace autofix
