// SPDX-License-Identifier: MIT
// The built-in postgres kind of state hooks end to end (docs/state-hooks.md), against a real PostgreSQL
// server the test starts itself: Debian's server binaries (/usr/lib/postgresql/<version>/bin, the newest),
// initdb + pg_ctl in a temporary directory on a free port, TCP on 127.0.0.1 with trust authentication, as
// the `postgres` system user when the tests run as root (initdb refuses root). One server for the whole
// run of this suite (ctest runs the suite as one test, e2e.postgres), stopped at its end whatever happened;
// skipped only where the server binaries are not installed. A fixer runs a migration with psql (adds a
// column and a table, deletes rows) on a throwaway repository whose only test reads a file; `restore ID`
// brings back the database saved by `snapshot`.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "tests/e2e/e2e_helpers.h"

namespace autofix::testing {
namespace {

using Strings = std::vector<std::string>;

// The newest /usr/lib/postgresql/<version>/bin that holds initdb, pg_ctl and pg_dump; empty when none does.
fs::path server_binaries() {
  fs::path best;
  int best_version = -1;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const fs::path bin = e.path() / "bin";
    if (!fs::exists(bin / "initdb") || !fs::exists(bin / "pg_ctl") || !fs::exists(bin / "pg_dump")) continue;
    const int version = std::atoi(e.path().filename().c_str());
    if (version > best_version) best_version = version, best = bin;
  }
  return best;
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof a;
  int port = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &size) == 0)
    port = ntohs(a.sin_port);
  if (fd >= 0) ::close(fd);
  return port;
}

// A PostgreSQL server of its own in a temporary directory; stopped (immediately) by the destructor.
class PostgresServer {
 public:
  explicit PostgresServer(fs::path bin) : bin_(std::move(bin)) {
    const auto started = std::chrono::steady_clock::now();
    if (::geteuid() == 0) {  // initdb refuses root: the server runs as the package's `postgres` user
      const passwd* pw = ::getpwnam("postgres");
      if (!pw) throw std::runtime_error("running as root and there is no `postgres` user to run the server as");
      if (::chown(tmp_.path().c_str(), pw->pw_uid, pw->pw_gid) != 0)
        throw std::runtime_error("cannot hand " + tmp_.path().string() + " to the postgres user");
      as_ = {"runuser", "-u", "postgres", "--"};
    }
    port_ = free_port();
    must({(bin_ / "initdb").string(), "-D", data().string(), "-A", "trust", "-U", "postgres", "-E", "UTF8",
          "--locale=C", "--no-sync"});
    must({(bin_ / "pg_ctl").string(), "-D", data().string(), "-l", (tmp_ / "server.log").string(), "-w", "-t", "60",
          "-o", "-p " + std::to_string(port_) + " -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off",
          "start"});
    running_ = true;
    start_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
  ~PostgresServer() {
    if (running_) run_as({(bin_ / "pg_ctl").string(), "-D", data().string(), "-m", "immediate", "-w", "stop"});
  }
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  std::string url(const std::string& database) const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
  }
  const fs::path& bin() const noexcept { return bin_; }
  double start_seconds() const noexcept { return start_seconds_; }

 private:
  fs::path data() const { return tmp_ / "data"; }
  runners::ProcessResult run_as(Strings argv) const {
    Strings all = as_;
    all.insert(all.end(), argv.begin(), argv.end());
    return run(all, tmp_.path(), {}, std::chrono::minutes(2));
  }
  void must(Strings argv) const {
    runners::ProcessResult r = run_as(argv);
    if (r.exit_code != 0) throw std::runtime_error("`" + argv[0] + "` failed: " + show(r));
  }

  fs::path bin_;
  TempDir tmp_;
  Strings as_;
  int port_ = 0;
  bool running_ = false;
  double start_seconds_ = 0;
};

constexpr const char* kCMake =
    "cmake_minimum_required(VERSION 3.20)\n"
    "project(state LANGUAGES NONE)\n"
    "enable_testing()\n"
    "add_test(NAME value_is_ok COMMAND grep -qx ok \"${CMAKE_CURRENT_SOURCE_DIR}/value.conf\")\n";

constexpr const char* kMigration =
    "ALTER TABLE users ADD COLUMN email text; DELETE FROM users WHERE id = 2; CREATE TABLE audit(at text);";

class PostgresStateE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const fs::path bin = server_binaries();
    if (bin.empty()) return;
    server_ = std::make_unique<PostgresServer>(bin);
    // The gate's pg_dump, dropdb and pg_restore, and the fixer's psql, are the server's own version.
    const char* path = std::getenv("PATH");
    path_ = path ? path : "/usr/bin:/bin";
    ::setenv("PATH", (bin.string() + ":" + path_).c_str(), 1);
    std::fprintf(stderr, "[postgres] server %s started in %.2f s\n", bin.string().c_str(), server_->start_seconds());
  }
  static void TearDownTestSuite() {
    if (server_) ::setenv("PATH", path_.c_str(), 1);
    server_.reset();
  }

  void SetUp() override {
    if (!server_) GTEST_SKIP() << "PostgreSQL's server binaries are not installed (/usr/lib/postgresql/*/bin/initdb): "
                                  "scripts/install-deps.sh installs Debian's postgresql";
    database_ = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : database_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    sql("postgres", "CREATE DATABASE " + database_);
    sql(database_, "CREATE TABLE users(id serial PRIMARY KEY, name text NOT NULL); CREATE INDEX users_name ON users(name); "
                   "INSERT INTO users(name) VALUES ('ada'), ('grace'), ('linus');");
    make_fileread_project(repo_, kCMake, {{"value.conf", "ok\n"}, {"notes.md", "notes\n"}});
    write_file(repo_ / ".gitignore", "build/\n");
    write_file(repo_ / "autofix-gate.json", R"({"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}],
        "state": [{"name": "db", "kind": "postgres", "url": ")" + url() + R"(", "timeout": 60}]})");
    git(repo_, {"commit", "-q", "-am", "a postgres state hook"});
    schema_ = schema();
    rows_ = rows();
    ASSERT_EQ(rows_, "1|ada\n2|grace\n3|linus\n");
  }

  std::string url() const { return server_->url(database_); }
  std::string sql(const std::string& database, const std::string& statements) const {
    runners::ProcessResult r = run({(server_->bin() / "psql").string(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                                    "-d", server_->url(database), "-c", statements},
                                   repo_.parent_path(), {}, std::chrono::minutes(1));
    EXPECT_EQ(r.exit_code, 0) << show(r);
    return r.out;
  }
  // The schema as pg_dump writes it, without the \restrict lines (a random key each run).
  std::string schema() const {
    runners::ProcessResult r = run({(server_->bin() / "pg_dump").string(), "--schema-only", "-d", url()},
                                   repo_.parent_path(), {}, std::chrono::minutes(1));
    EXPECT_EQ(r.exit_code, 0) << show(r);
    return without_lines_containing(without_lines_containing(r.out, "\\restrict "), "\\unrestrict ");
  }
  std::string rows() const { return sql(database_, "SELECT * FROM users ORDER BY id"); }
  std::string fixer(const std::string& then) const {
    return "psql -X -q -v ON_ERROR_STOP=1 -d '" + url() + "' -c '" + kMigration + "' && " + then;
  }
  void expect_database_as_saved() const {
    EXPECT_EQ(schema(), schema_);
    EXPECT_EQ(rows(), rows_);
    EXPECT_EQ(sql(database_, "SELECT count(*) FROM pg_tables WHERE tablename = 'audit'"), "0\n");
    EXPECT_EQ(sql(database_, "SELECT nextval('users_id_seq')"), "4\n");  // the sequence too
  }

  // The dump stays with the attempt's snapshot (`restore ID`).
  void expect_dump_kept_with_the_snapshot() const {
    const std::vector<std::string> ids = listed_snapshot_ids(repo_);
    ASSERT_EQ(ids.size(), 1u);
    EXPECT_TRUE(fs::exists(repo_ / ".git" / "autofix" / "state" / ids[0] / "db" / "database.dump"));
  }

  static inline std::unique_ptr<PostgresServer> server_;
  static inline std::string path_;  // PATH before the suite
  std::string database_;
  std::string schema_, rows_;
  TempDir tmp_;
  fs::path repo_ = tmp_ / "postgres repo";
};

TEST_F(PostgresStateE2e, ARejectedMigrationLeavesSchemaAndRowsExactlyAsBefore) {
  runners::ProcessResult r = run({gate_binary().string(), "attempt", "-j", "2", "--flaky-reruns", "0", "--", "sh", "-c",
                                  fixer("echo bad > value.conf")},
                                 repo_, {}, std::chrono::minutes(3));
  ASSERT_EQ(r.exit_code, 1) << show(r);
  EXPECT_NE(r.err.find("[state] restoring 'db'"), std::string::npos) << show(r);
  expect_database_as_saved();
  expect_dump_kept_with_the_snapshot();
}

TEST_F(PostgresStateE2e, RecoverAfterKill9RestoresTheDatabase) {
  const fs::path marker = tmp_ / "fixer ran";
  runners::ProcessResult r = run_and_signal(
      {gate_binary().string(), "attempt", "-j", "2", "--", "sh", "-c",
       fixer("echo bad > value.conf; touch '" + marker.string() + "'; sleep 60")},
      repo_, [&] { return fs::exists(marker); }, std::chrono::microseconds(0), SIGKILL);
  ASSERT_EQ(r.signal, SIGKILL) << show(r);
  EXPECT_EQ(rows(), "1|ada|\n3|linus|\n");  // migrated
  runners::ProcessResult rec = run({gate_binary().string(), "recover"}, repo_, {}, std::chrono::minutes(1));
  ASSERT_EQ(rec.exit_code, 0) << show(rec);
  EXPECT_NE(rec.err.find("[state] restoring 'db'"), std::string::npos) << show(rec);
  expect_database_as_saved();
  EXPECT_EQ(read_file(repo_ / "value.conf"), "ok\n");
}

TEST_F(PostgresStateE2e, AnAcceptedFixKeepsTheMigratedDatabase) {
  runners::ProcessResult r = run({gate_binary().string(), "attempt", "-j", "2", "--flaky-reruns", "0", "--", "sh", "-c",
                                  fixer("echo more notes >> notes.md")},
                                 repo_, {}, std::chrono::minutes(3));
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(rows(), "1|ada|\n3|linus|\n");
  EXPECT_NE(schema().find("email text"), std::string::npos);
  EXPECT_EQ(sql(database_, "SELECT count(*) FROM pg_tables WHERE tablename = 'audit'"), "1\n");
  expect_dump_kept_with_the_snapshot();
}

// `snapshot` dumps the database with the tree; after a migration, `restore ID` brings both back.
TEST_F(PostgresStateE2e, RestoreIdBringsBackTheDatabaseSavedWithTheSnapshot) {
  const std::string id = make_snapshot(repo_, "before the migration");
  sql(database_, kMigration);
  write_file(repo_ / "value.conf", "bad\n");
  runners::ProcessResult r = gate(repo_, {"restore", id});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(read_file(repo_ / "value.conf"), "ok\n");
  expect_database_as_saved();
}

}  // namespace
}  // namespace autofix::testing
