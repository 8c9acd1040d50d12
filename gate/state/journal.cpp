// SPDX-License-Identifier: MIT
#include "gate/state/journal.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <system_error>
#include <thread>
#include <nlohmann/json.hpp>

#include "gate/util/atomic_file.h"
#include "gate/util/byte_names.h"
#include "gate/util/error.h"
#include "gate/util/io_errors.h"
#include "gate/util/trace.h"

namespace autofix {

namespace {

// File names are bytes and JSON strings UTF-8: a name that is not UTF-8 is {"bytes": hex}.
nlohmann::json paths_json(const std::vector<std::string>& paths) {
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& p : paths) out.push_back(is_utf8(p) ? nlohmann::json(p) : nlohmann::json{{"bytes", hex_bytes(p)}});
  return out;
}

std::vector<std::string> paths_from_json(const nlohmann::json& j) {
  std::vector<std::string> out;
  for (const nlohmann::json& p : j) {
    if (p.is_string()) {
      out.push_back(p.get<std::string>());
      continue;
    }
    std::optional<std::string> bytes = bytes_from_hex(p.at("bytes").get<std::string>());
    if (!bytes) throw nlohmann::json::other_error::create(501, "a path's 'bytes' is not hexadecimal", &p);
    out.push_back(std::move(*bytes));
  }
  return out;
}

std::optional<JournalEntry> parse(const std::string& text, const std::filesystem::path& path) {
  auto fail = [&](const std::string& why) -> Error {
    return Error(ErrorKind::internal, "the journal '" + path.string() + "' is unreadable: " + why,
                 "an earlier gate was interrupted; inspect the file, restore a snapshot with "
                 "`autofix-gate restore ID` (see `autofix-gate snapshots list`), then delete the file");
  };
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw fail("not a JSON object");
  try {
    JournalEntry e;
    e.operation = j.at("operation").get<std::string>();
    if (!j.at("snapshot").is_null()) e.snapshot = j.at("snapshot").get<std::string>();
    e.pid = j.at("pid").get<int>();
    if (!j.at("process_group").is_null()) e.process_group = j.at("process_group").get<int>();
    e.started = j.at("started").get<std::string>();
    e.phase = j.at("phase").get<std::string>();
    if (j.contains("snapshot_commit") && !j.at("snapshot_commit").is_null())
      e.snapshot_commit = j.at("snapshot_commit").get<std::string>();
    if (j.contains("pending_writes") && !j.at("pending_writes").is_null()) {
      const nlohmann::json& p = j.at("pending_writes");
      e.pending_writes = PendingWrites{p.at("pid").get<int>(), paths_from_json(p.at("paths"))};
    }
    if (j.contains("kept_refs")) e.kept_refs = j.at("kept_refs").get<std::vector<std::string>>();
    auto optional_string = [&](const char* key) -> std::optional<std::string> {
      if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
      return j.at(key).get<std::string>();
    };
    e.process_marker = optional_string("process_marker");
    e.gate_changes = optional_string("gate_changes").value_or("unknown");
    e.changes_before = optional_string("changes_before");
    e.changes_after = optional_string("changes_after");
    if (j.contains("saved_state")) e.saved_state = j.at("saved_state").get<std::vector<std::string>>();
    return e;
  } catch (const nlohmann::json::exception& ex) {
    throw fail(ex.what());
  }
}

// A state directory replaced by a file (ENOTDIR) holds no journal either.
std::optional<std::string> read_if_present(const std::filesystem::path& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0 && (errno == ENOENT || errno == ENOTDIR)) return std::nullopt;
  return read_file_if_exists(path);
}

// Runs `first` and `second` at the same time (each must not throw), and returns when both have ended.
// The journal and its mirror are fsynced this way: their flushes join one commit of the file system's
// log instead of waiting for two in turn, and both are on disk when this returns, as when run in turn.
template <typename First, typename Second>
void both_at_once(First first, Second second) {
  std::optional<std::thread> other;
  try {
    other.emplace(second);
  } catch (const std::system_error&) {
    // No thread to be had: one after the other.
  }
  first();
  if (other) other->join();
  else second();
}

void remove_file(const std::filesystem::path& path) {
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return;
    throw_errno("cannot remove journal", path.string(), errno);
  }
  fsync_directory(path.parent_path());
}

}  // namespace

std::optional<JournalEntry> Journal::read() const {
  if (std::optional<std::string> text = read_if_present(path_)) return parse(*text, path_);
  if (!mirror_) return std::nullopt;
  if (std::optional<std::string> text = read_if_present(*mirror_)) return parse(*text, *mirror_);
  return std::nullopt;
}

bool Journal::exists() const {
  struct stat st;
  return ::lstat(path_.c_str(), &st) == 0 || (mirror_ && ::lstat(mirror_->c_str(), &st) == 0);
}

void Journal::write(const JournalEntry& e, bool durable) const {
  TraceScope trace(durable ? "journal (fsync)" : "journal");
  nlohmann::json j = {
      {"format", 1},
      {"operation", e.operation},
      {"snapshot", e.snapshot ? nlohmann::json(*e.snapshot) : nlohmann::json(nullptr)},
      {"pid", e.pid},
      {"process_group", e.process_group ? nlohmann::json(*e.process_group) : nlohmann::json(nullptr)},
      {"started", e.started},
      {"phase", e.phase},
      {"snapshot_commit", e.snapshot_commit ? nlohmann::json(*e.snapshot_commit) : nlohmann::json(nullptr)},
  };
  if (!e.kept_refs.empty()) j["kept_refs"] = e.kept_refs;
  if (e.pending_writes) j["pending_writes"] = {{"pid", e.pending_writes->pid}, {"paths", paths_json(e.pending_writes->paths)}};
  auto optional_string = [](const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  j["process_marker"] = optional_string(e.process_marker);
  j["gate_changes"] = e.gate_changes;
  j["changes_before"] = optional_string(e.changes_before);
  j["changes_after"] = optional_string(e.changes_after);
  if (!e.saved_state.empty()) j["saved_state"] = e.saved_state;
  std::string text = j.dump(2) + "\n";
  Durability how = durable ? Durability::durable : Durability::cache;
  struct Outcome {
    bool written = false;
    std::optional<Error> failure;
  };
  auto write_one = [&](const std::filesystem::path& path, bool parents, Outcome& out) {
    try {
      std::filesystem::path dir = path.parent_path();
      std::error_code ec;
      if (parents) std::filesystem::create_directories(dir, ec);
      else if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) throw_errno("cannot create directory", dir.string(), errno);
      if (ec) throw Error(ErrorKind::io, "cannot create directory '" + dir.string() + "': " + ec.message());
      write_file_atomically(path, text, 0644, how);
      out.written = true;
    } catch (const Error& err) {
      out.failure = err;
    } catch (const std::exception& err) {
      out.failure = Error(ErrorKind::io, "cannot write the journal '" + path.string() + "': " + err.what());
    }
  };
  Outcome own;
  Outcome mirrored;
  if (mirror_ && durable) {
    both_at_once([&] { write_one(path_, false, own); }, [&] { write_one(*mirror_, true, mirrored); });
  } else {
    write_one(path_, false, own);
    if (mirror_) write_one(*mirror_, true, mirrored);
  }
  if (!own.written && !mirrored.written) throw own.failure ? *own.failure : *mirrored.failure;
}

void Journal::clear() const {
  if (!mirror_) {
    remove_file(path_);
    return;
  }
  std::optional<Error> own;
  std::optional<Error> mirrored;
  auto remove_one = [](const std::filesystem::path& path, std::optional<Error>& failure) {
    try {
      remove_file(path);
    } catch (const Error& err) {
      failure = err;
    } catch (const std::exception& err) {
      failure = Error(ErrorKind::io, "cannot remove the journal '" + path.string() + "': " + err.what());
    }
  };
  both_at_once([&] { remove_one(path_, own); }, [&] { remove_one(*mirror_, mirrored); });
  if (own) throw *own;
  if (mirrored) throw *mirrored;
}

}  // namespace autofix
