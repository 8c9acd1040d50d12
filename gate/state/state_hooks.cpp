// SPDX-License-Identifier: MIT
#include "gate/state/state_hooks.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include <memory>
#include <thread>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "gate/util/atomic_file.h"
#include "gate/util/error.h"
#include "gate/util/json_reader.h"
#include "runners/process.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

constexpr const char* kHooksFile = ".hooks.json";
constexpr const char* kAllSavedFile = ".saved.json";
constexpr const char* kSavedFile = "saved.json";
constexpr size_t kOutputLines = 10;

const char* const kRecoverHint =
    "fix the cause (the hook's command, the state it restores), then run `autofix-gate recover`: it restores "
    "the tree and the saved state again; the journal is kept until then";

Error hook_error(const std::string& what, std::string hint = kRecoverHint) {
  return Error(kStateHookError, what, std::move(hint));
}

std::string joined(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

// The last lines of what a command wrote (stdout, then stderr), indented, for the error message.
std::string last_lines(const runners::ProcessResult& r) {
  std::string text = r.out;
  if (!text.empty() && text.back() != '\n') text += '\n';
  text += r.err;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  if (text.empty()) return " (no output)";
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  size_t first = lines.size() > kOutputLines ? lines.size() - kOutputLines : 0;
  std::string out = "; the last lines of its output:";
  for (size_t i = first; i < lines.size(); ++i) out += "\n  " + lines[i];
  return out;
}

// The command as messages show it: a postgres hook's url without its password.
std::string shown_command(const StateHookSpec& hook, const std::vector<std::string>& argv) {
  std::string text = joined(argv);
  if (hook.kind != StateHookKind::postgres || hook.url.empty()) return text;
  const std::optional<PostgresUrl> url = parse_postgres_url(hook.url);
  for (const std::string& secret : {hook.url, url ? url->maintenance_url : hook.url}) {
    const std::string shown = redacted_url(secret);
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + shown.size()))
      text.replace(at, secret.size(), shown);
  }
  return text;
}

// Runs one of a hook's commands; throws Error(kStateHookError) unless it succeeded.
void run_command(const fs::path& root, const StateHookSpec& hook, const char* step, const std::vector<std::string>& argv,
                 const fs::path& dir, bool stop_on_interrupt, const StateHookEvents& events, const std::string& hint) {
  runners::ProcessSpec spec;
  spec.argv = with_dir(argv, dir);
  spec.working_directory = root;
  spec.environment = {{"AUTOFIX_GATE_STATE_DIR", dir.string()}};
  spec.timeout = hook.timeout;
  spec.stop_on_interrupt = stop_on_interrupt;
  if (events.process_group) spec.on_started = [&](int group) { events.process_group(group); };
  const std::string what = "state hook '" + hook.name + "': " + step + " `" + shown_command(hook, spec.argv) + "`";
  runners::ProcessResult r;
  try {
    r = runners::run_process(spec);
  } catch (const Error& e) {
    if (events.process_group) events.process_group(std::nullopt);
    throw hook_error(what + " could not run: " + e.what(), hint);
  }
  if (events.process_group) events.process_group(std::nullopt);
  if (!r.succeeded()) throw hook_error(what + " failed (" + r.describe() + ")" + last_lines(r), hint);
}

void make_fresh_dir(const fs::path& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (!ec) fs::create_directories(dir, ec);
  if (ec) throw hook_error("cannot create the state directory '" + dir.string() + "': " + ec.message(),
                           "free space or fix the permissions of .git/autofix; nothing was changed");
}

// ---- the sqlite kind ---------------------------------------------------------------------------------

struct SqliteClose {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteClose>;

SqliteHandle open_database(const fs::path& path, int flags, const std::string& doing) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  SqliteHandle handle(db);
  if (rc != SQLITE_OK)
    throw hook_error("cannot open the SQLite database '" + path.string() + "' to " + doing + ": " +
                     (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
  return handle;
}

// Copies the whole database `from` into `to` (schema, rows, page size) through the online backup API,
// waiting up to `timeout` while another connection holds a lock.
void backup(sqlite3* from, sqlite3* to, std::chrono::seconds timeout, const std::string& what) {
  sqlite3_backup* b = sqlite3_backup_init(to, "main", from, "main");
  if (!b) throw hook_error("cannot " + what + ": " + sqlite3_errmsg(to));
  const auto until = std::chrono::steady_clock::now() + timeout;
  int rc;
  while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    if (std::chrono::steady_clock::now() >= until) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE)
    throw hook_error("cannot " + what + ": " + sqlite3_errstr(rc) +
                     (rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? " (still locked after " + std::to_string(timeout.count()) + " s)" : ""));
}

constexpr const char* kBackupFile = "database.sqlite";

void save_sqlite(const fs::path& root, const StateHookSpec& h, const fs::path& dir) {
  const fs::path db = root / h.path;
  struct stat st;
  const bool exists = ::lstat(db.c_str(), &st) == 0;
  if (!exists && errno != ENOENT && errno != ENOTDIR)
    throw hook_error("cannot save '" + db.string() + "': " + std::strerror(errno), "nothing was changed");
  if (exists) {
    if (!S_ISREG(st.st_mode)) throw hook_error("cannot save '" + db.string() + "': not a regular file", "nothing was changed");
    SqliteHandle from = open_database(db, SQLITE_OPEN_READONLY, "save it");
    SqliteHandle to = open_database(dir / kBackupFile, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "save into it");
    backup(from.get(), to.get(), h.timeout, "save the SQLite database '" + db.string() + "'");
  }
  write_file_atomically(dir / kSavedFile, nlohmann::json{{"path", h.path}, {"exists", exists}}.dump(2) + "\n");
}

void restore_sqlite(const fs::path& root, const StateHookSpec& h, const fs::path& dir) {
  const fs::path record = dir / kSavedFile;
  std::optional<std::string> text = read_file_if_exists(record);
  if (!text) throw hook_error("the saved database is gone: '" + record.string() + "' is missing");
  const JsonSource source{"the saved database's record " + record.string(), kStateHookError, kRecoverHint};
  const JsonDocument doc = parse_json_strictly(*text, source, "the file was damaged");
  const fs::path db = root / h.path;
  if (!JsonValue(doc, source).boolean("exists")) {
    // No database before the fix: what the fix created goes, with its journal files.
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
      const fs::path p = db.string() + suffix;
      if (::unlink(p.c_str()) != 0 && errno != ENOENT)
        throw hook_error("cannot remove '" + p.string() + "', which did not exist when saved: " + std::strerror(errno));
    }
    return;
  }
  std::error_code ec;
  fs::create_directories(db.parent_path(), ec);
  SqliteHandle from = open_database(dir / kBackupFile, SQLITE_OPEN_READONLY, "restore from it");
  SqliteHandle to = open_database(db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "restore it");
  backup(from.get(), to.get(), h.timeout, "restore the SQLite database '" + db.string() + "'");
}

// ---- the postgres kind -------------------------------------------------------------------------------

const char* const kPostgresSaveHint =
    "check that the server is up and that the url reaches the database (`psql URL`), and that pg_dump "
    "(Debian: postgresql-client) is on PATH; nothing was changed";

PostgresUrl postgres_url(const StateHookSpec& h) {
  std::optional<PostgresUrl> url = parse_postgres_url(h.url);
  if (!url)
    throw hook_error("state hook '" + h.name + "': '" + redacted_url(h.url) + "' is not a postgresql:// URL that names a database");
  return *url;
}

nlohmann::json hook_json(const StateHookSpec& h) {
  nlohmann::json j = {{"name", h.name}, {"kind", to_string(h.kind)}, {"timeout", h.timeout.count()}};
  if (h.kind == StateHookKind::file) j["paths"] = h.paths;
  else if (h.kind == StateHookKind::sqlite) j["path"] = h.path;
  else if (h.kind == StateHookKind::postgres) j.update({{"url", h.url}, {"check", h.check}});
  else j.update({{"save", h.save}, {"restore", h.restore}, {"check", h.check}});
  return j;
}

StateHookSpec hook_from(const JsonValue& v) {
  StateHookSpec h;
  h.name = v.string("name");
  h.kind = v.one_of("kind", kStateHookKinds, "state kind");
  h.timeout = std::chrono::seconds(v.integer("timeout", 1, 7 * 24 * 3600));
  if (h.kind == StateHookKind::file) {
    h.paths = v.strings("paths");
  } else if (h.kind == StateHookKind::sqlite) {
    h.path = v.string("path");
  } else if (h.kind == StateHookKind::postgres) {
    h.url = v.string("url");
    h.check = v.strings("check");
  } else {
    h.save = v.strings("save");
    h.restore = v.strings("restore");
    h.check = v.strings("check");
  }
  return h;
}

}  // namespace

fs::path state_hooks_dir(const fs::path& state_dir, const std::string& snapshot_id) {
  return state_dir / "state" / snapshot_id;
}

std::vector<std::string> postgres_save_command(const StateHookSpec& hook) {
  return {"pg_dump", "--format=custom", "--no-password", "--file={dir}/" + std::string(kPostgresDump), "--dbname=" + hook.url};
}

std::vector<std::vector<std::string>> postgres_restore_commands(const StateHookSpec& hook) {
  const PostgresUrl url = postgres_url(hook);
  return {{"dropdb", "--if-exists", "--force", "--no-password", "--maintenance-db=" + url.maintenance_url, url.database},
          {"pg_restore", "--create", "--exit-on-error", "--no-password", "--dbname=" + url.maintenance_url,
           "{dir}/" + std::string(kPostgresDump)}};
}

std::vector<std::string> with_dir(const std::vector<std::string>& argv, const fs::path& dir) {
  std::vector<std::string> out;
  const std::string d = dir.string();
  for (std::string a : argv) {
    for (size_t at = a.find("{dir}"); at != std::string::npos; at = a.find("{dir}", at + d.size())) a.replace(at, 5, d);
    out.push_back(std::move(a));
  }
  return out;
}

void save_files(const fs::path& root, const std::vector<std::string>& paths, const fs::path& dir) {
  nlohmann::json saved = nlohmann::json::array();
  for (const std::string& p : paths) {
    const fs::path from = root / p;
    struct stat st;
    if (::lstat(from.c_str(), &st) != 0) {
      if (errno != ENOENT && errno != ENOTDIR)
        throw hook_error("cannot save '" + from.string() + "': " + std::strerror(errno), "nothing was changed");
      saved.push_back({{"path", p}, {"exists", false}});
      continue;
    }
    if (!S_ISREG(st.st_mode))
      throw hook_error("cannot save '" + from.string() + "': not a regular file",
                       "a 'file' state hook saves regular files; name the files, not a directory or a link");
    const fs::path to = dir / "files" / p;
    std::error_code ec;
    fs::create_directories(to.parent_path(), ec);
    if (!ec) fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
    if (ec) throw hook_error("cannot save '" + from.string() + "' to '" + to.string() + "': " + ec.message(),
                             "free space in .git/autofix; nothing was changed");
    saved.push_back({{"path", p}, {"exists", true}, {"mode", st.st_mode & 07777}});
  }
  write_file_atomically(dir / kSavedFile, saved.dump(2) + "\n");
}

void restore_files(const fs::path& root, const fs::path& dir) {
  const fs::path record = dir / kSavedFile;
  std::optional<std::string> text = read_file_if_exists(record);
  if (!text) throw hook_error("the saved files are gone: '" + record.string() + "' is missing");
  const JsonSource source{"the saved files' record " + record.string(), kStateHookError, kRecoverHint};
  const JsonDocument doc = parse_json_strictly(*text, source, "the file was damaged");
  for (const JsonValue& item : JsonValue(doc, source).array("files")) {
    const std::string p = item.string("path");
    const fs::path to = root / p;
    std::error_code ec;
    if (!item.boolean("exists")) {
      struct stat st;
      if (::lstat(to.c_str(), &st) != 0) continue;
      if (S_ISDIR(st.st_mode))
        throw hook_error("cannot remove '" + to.string() + "', which did not exist when saved: it is now a directory");
      if (::unlink(to.c_str()) != 0 && errno != ENOENT)
        throw hook_error("cannot remove '" + to.string() + "', which did not exist when saved: " + std::strerror(errno));
      continue;
    }
    const fs::path from = dir / "files" / p;
    const fs::path tmp = to.string() + ".autofix-state-tmp";
    fs::create_directories(to.parent_path(), ec);
    if (!ec) fs::copy_file(from, tmp, fs::copy_options::overwrite_existing, ec);
    if (!ec) fs::permissions(tmp, static_cast<fs::perms>(item.integer("mode", 0, 07777)), ec);
    if (!ec) fs::rename(tmp, to, ec);
    if (ec) {
      std::error_code ignored;
      fs::remove(tmp, ignored);
      throw hook_error("cannot restore '" + to.string() + "' from '" + from.string() + "': " + ec.message());
    }
  }
}

StateHooks StateHooks::load(fs::path root, fs::path dir) {
  const fs::path file = dir / kHooksFile;
  std::optional<std::string> text = read_file_if_exists(file);
  if (!text)
    throw hook_error("the saved state is gone: '" + file.string() + "' is missing",
                     "restore the state by hand; then remove .git/autofix/journal.json and run `autofix-gate recover`");
  const JsonSource source{"the state hooks' record " + file.string(), kStateHookError, kRecoverHint};
  const JsonDocument doc = parse_json_strictly(*text, source, "the file was damaged");
  std::vector<StateHookSpec> hooks;
  for (const JsonValue& item : JsonValue(doc, source).array("state hooks")) hooks.push_back(hook_from(item));
  return StateHooks(std::move(root), std::move(dir), std::move(hooks));
}

const StateHookSpec& StateHooks::hook_named(const std::string& name) const {
  for (const StateHookSpec& h : hooks_)
    if (h.name == name) return h;
  throw hook_error("the journal names the state hook '" + name + "', which '" + (dir_ / kHooksFile).string() +
                   "' does not hold");
}

void StateHooks::save_all(const StateHookEvents& events) const {
  if (hooks_.empty()) return;
  make_fresh_dir(dir_);
  nlohmann::json all = nlohmann::json::array();
  for (const StateHookSpec& h : hooks_) all.push_back(hook_json(h));
  write_file_atomically(dir_ / kHooksFile, all.dump(2) + "\n");
  std::vector<std::string> done;
  for (const StateHookSpec& h : hooks_) {
    const fs::path dir = dir_ / h.name;
    try {
      make_fresh_dir(dir);
      if (events.say) events.say("[state] saving '" + h.name + "'");
      if (h.kind == StateHookKind::file) save_files(root_, h.paths, dir);
      else if (h.kind == StateHookKind::sqlite) save_sqlite(root_, h, dir);
      else if (h.kind == StateHookKind::postgres)
        run_command(root_, h, "save", postgres_save_command(h), dir, true, events, kPostgresSaveHint);
      else run_command(root_, h, "save", h.save, dir, true, events,
                       "fix the hook or its command (docs/state-hooks.md); nothing was changed");
    } catch (const Error& failed) {
      std::string also;
      try {
        restore(done, events);
      } catch (const Error& e) {
        throw Error(kStateHookError,
                    std::string(failed.what()) + "; then restoring the state saved before it failed too: " + e.what(),
                    kRecoverHint);
      }
      if (!done.empty()) also = " (the state hooks saved before it were restored)";
      throw Error(kStateHookError, failed.what() + also, failed.hint());
    }
    done.push_back(h.name);
    if (events.saved) events.saved(h.name);
  }
  write_file_atomically(dir_ / kAllSavedFile, nlohmann::json(done).dump(2) + "\n");
}

std::optional<std::vector<std::string>> StateHooks::saved_in(const fs::path& dir) {
  const fs::path file = dir / kAllSavedFile;
  std::optional<std::string> text = read_file_if_exists(file);
  if (!text) return std::nullopt;
  const JsonSource source{"the saved state's record " + file.string(), kStateHookError,
                          "restore the state by hand, or restore with --no-state"};
  const JsonDocument doc = parse_json_strictly(*text, source, "the file was damaged");
  std::vector<std::string> names;
  for (const JsonValue& item : JsonValue(doc, source).array("saved state hooks")) names.push_back(item.text());
  return names;
}

void StateHooks::restore(const std::vector<std::string>& saved, const StateHookEvents& events) const {
  for (auto it = saved.rbegin(); it != saved.rend(); ++it) {
    const StateHookSpec& h = hook_named(*it);
    const fs::path dir = dir_ / h.name;
    if (events.say) events.say("[state] restoring '" + h.name + "'");
    if (h.kind == StateHookKind::file) restore_files(root_, dir);
    else if (h.kind == StateHookKind::sqlite) restore_sqlite(root_, h, dir);
    else if (h.kind == StateHookKind::postgres) {
      for (const std::vector<std::string>& argv : postgres_restore_commands(h))
        run_command(root_, h, "restore", argv, dir, false, events, kRecoverHint);
    } else {
      run_command(root_, h, "restore", h.restore, dir, false, events, kRecoverHint);
    }
  }
  for (const std::string& name : saved) {
    const StateHookSpec& h = hook_named(name);
    if (h.check.empty()) continue;
    run_command(root_, h, "check", h.check, dir_ / h.name, false, events, kRecoverHint);
  }
}

void StateHooks::remove(const std::function<void(const std::string&)>& say) const {
  std::error_code ec;
  fs::remove_all(dir_, ec);
  if (ec && say) say("warning: cannot remove the saved state '" + dir_.string() + "': " + ec.message());
  // .git/autofix/state itself, once no operation's state is left in it.
  fs::remove(dir_.parent_path(), ec);
}

}  // namespace autofix
