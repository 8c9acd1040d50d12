#include "gate/journal.h"

#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "gate/util/atomic_file.h"
#include "gate/util/error.h"

namespace autofix {

std::optional<JournalEntry> Journal::read() const {
  std::optional<std::string> text = read_file_if_exists(path_);
  if (!text) return std::nullopt;
  auto fail = [&](const std::string& why) -> Error {
    return Error(ErrorKind::internal, "the journal '" + path_.string() + "' is unreadable: " + why,
                 "an earlier gate was interrupted; inspect the file, restore a snapshot with "
                 "`autofix-gate restore ID` (see `autofix-gate snapshots list`), then delete the file");
  };
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw fail("not a JSON object");
  try {
    JournalEntry e;
    e.operation = j.at("operation").get<std::string>();
    if (!j.at("snapshot").is_null()) e.snapshot = j.at("snapshot").get<std::string>();
    e.pid = j.at("pid").get<int>();
    if (!j.at("process_group").is_null()) e.process_group = j.at("process_group").get<int>();
    e.started = j.at("started").get<std::string>();
    e.phase = j.at("phase").get<std::string>();
    auto optional_string = [&](const char* key) -> std::optional<std::string> {
      if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
      return j.at(key).get<std::string>();
    };
    e.process_marker = optional_string("process_marker");
    e.gate_changes = optional_string("gate_changes").value_or("unknown");
    e.changes_before = optional_string("changes_before");
    e.changes_after = optional_string("changes_after");
    return e;
  } catch (const nlohmann::json::exception& ex) {
    throw fail(ex.what());
  }
}

void Journal::write(const JournalEntry& e, bool durable) const {
  nlohmann::json j = {
      {"format", 1},
      {"operation", e.operation},
      {"snapshot", e.snapshot ? nlohmann::json(*e.snapshot) : nlohmann::json(nullptr)},
      {"pid", e.pid},
      {"process_group", e.process_group ? nlohmann::json(*e.process_group) : nlohmann::json(nullptr)},
      {"started", e.started},
      {"phase", e.phase},
  };
  auto optional_string = [](const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  j["process_marker"] = optional_string(e.process_marker);
  j["gate_changes"] = e.gate_changes;
  j["changes_before"] = optional_string(e.changes_before);
  j["changes_after"] = optional_string(e.changes_after);
  write_file_atomically(path_, j.dump(2) + "\n", 0644, durable ? Durability::durable : Durability::cache);
}

void Journal::clear() const {
  if (::unlink(path_.c_str()) != 0 && errno != ENOENT) throw_errno("cannot remove journal", path_.string(), errno);
  fsync_directory(path_.parent_path());
}

}  // namespace autofix
