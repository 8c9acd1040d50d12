// SPDX-License-Identifier: MIT
#include "gate/state/history_store.h"

#include <algorithm>

#include "gate/git/hash_text.h"
#include "gate/git/signature.h"
#include "gate/util/error.h"
#include "reporters/history_json.h"

namespace autofix {

namespace {

constexpr std::string_view kJson = ".json";

// The id of a record file's name, or empty when the name is no record's.
std::string id_of(const std::string& file) {
  if (file.size() <= kJson.size() || !file.ends_with(kJson)) return {};
  std::string id = file.substr(0, file.size() - kJson.size());
  return is_history_id(id) ? id : std::string();
}

std::vector<git::LogEntry> newest_first(std::vector<git::LogEntry> entries) {
  std::reverse(entries.begin(), entries.end());  // git orders by name; names sort by time
  return entries;
}

}  // namespace

HistoryStore::HistoryStore(const git::Repository& repo) : repo_(repo) {}

std::string HistoryStore::record_path(std::string_view id) {
  if (!is_history_id(id)) throw Error(ErrorKind::internal, "not a history record id: '" + std::string(id) + "'");
  const std::string s(id);
  return "records/" + s.substr(0, 4) + "-" + s.substr(4, 2) + "/" + s.substr(6, 2) + "/" + s + ".json";
}

std::string HistoryStore::breaker_dir(std::string_view key) {
  return "breaker/" + git::to_hex(git::hash_text(key, "a breaker key"));
}

std::string HistoryStore::append(const HistoryRecord& r) {
  const std::string text = reporters::history_record_text(r);
  std::vector<git::LogFile> files{{record_path(r.id), text}};
  if (!r.breaker_key.empty()) files.push_back({breaker_dir(r.breaker_key) + "/" + r.id + ".json", text});
  git::append_to_log(repo_, kHistoryRef, files, "autofix-gate history: " + r.id + " " + r.command + " " + r.verdict + "\n",
                     git::commit_identity_or_fallback(repo_), options_);
  return r.id;
}

std::optional<git_oid> HistoryStore::tree_or_report() const {
  try {
    const std::optional<git_oid> head = git::log_head(repo_, kHistoryRef);
    if (!head) return std::nullopt;
    return git::log_tree(repo_, *head);
  } catch (const Error& e) {
    damaged_.push_back(std::string(kHistoryRef) + ": " + e.what());
    return std::nullopt;
  }
}

std::vector<git::LogEntry> HistoryStore::list(const git_oid& tree, const std::string& dir) const {
  try {
    return git::list_log_directory(repo_, tree, dir);
  } catch (const Error& e) {
    damaged_.push_back(std::string(kHistoryRef) + ":" + dir + ": " + e.what());
    return {};
  }
}

std::optional<HistoryRecord> HistoryStore::read(const git_oid& blob, const std::string& name) const {
  ++records_read_;
  const std::string id = id_of(name.substr(name.rfind('/') + 1));
  std::optional<std::string> text = git::read_log_blob(repo_, blob);
  if (!text) {
    damaged_.push_back(id + ": its object " + git::to_hex(blob) + " is missing from the repository");
    return std::nullopt;
  }
  try {
    HistoryRecord r = reporters::read_history_record(*text, name);
    if (r.id != id) {
      damaged_.push_back(id + ": it holds the record " + r.id);
      return std::nullopt;
    }
    return r;
  } catch (const Error& e) {
    damaged_.push_back(id + ": " + e.what());
    return std::nullopt;
  }
}

std::vector<HistoryRecord> HistoryStore::newest(std::size_t limit, const std::function<bool(const HistoryRecord&)>& keep,
                                                const HistoryWindow& window) const {
  constexpr std::size_t kTime = 16;  // "20261207T221522Z"
  std::vector<HistoryRecord> found;
  if (limit == 0) return found;
  const std::optional<git_oid> root = tree_or_report();
  if (!root) return found;
  const git_oid tree = *root;
  for (const git::LogEntry& month : newest_first(list(tree, "records"))) {
    if (!month.directory) continue;
    const std::string month_dir = "records/" + month.name;
    if (!window.since.empty() && month.name.size() == 7 &&
        month.name.substr(0, 4) + month.name.substr(5, 2) + "31T235959Z" < window.since)
      return found;  // this month and every older one end before the window
    for (const git::LogEntry& day : newest_first(list(tree, month_dir))) {
      if (!day.directory) continue;
      if (!window.since.empty() && month.name.size() == 7 &&
          month.name.substr(0, 4) + month.name.substr(5, 2) + day.name + "T235959Z" < window.since)
        return found;
      const std::string day_dir = month_dir + "/" + day.name;
      for (const git::LogEntry& file : newest_first(list(tree, day_dir))) {
        if (file.directory || id_of(file.name).empty()) continue;
        const std::string time = file.name.substr(0, kTime);
        if (!window.until.empty() && time >= window.until) continue;
        if (!window.since.empty() && time < window.since) return found;
        std::optional<HistoryRecord> r = read(file.id, day_dir + "/" + file.name);
        if (!r || (keep && !keep(*r))) continue;
        found.push_back(std::move(*r));
        if (found.size() == limit) return found;
      }
    }
  }
  return found;
}

std::optional<HistoryRecord> HistoryStore::find(std::string_view id) const {
  if (!is_history_id(id)) return std::nullopt;
  const std::optional<git_oid> tree = tree_or_report();
  if (!tree) return std::nullopt;
  const std::string path = record_path(id);
  const std::string dir = path.substr(0, path.rfind('/'));
  const std::string name = path.substr(path.rfind('/') + 1);
  for (const git::LogEntry& e : list(*tree, dir))
    if (!e.directory && e.name == name) return read(e.id, path);
  return std::nullopt;
}

std::vector<HistoryRecord> HistoryStore::for_breaker_key(std::string_view key) const {
  std::vector<HistoryRecord> found;
  const std::optional<git_oid> tree = tree_or_report();
  if (!tree) return found;
  const std::string dir = breaker_dir(key);
  for (const git::LogEntry& e : list(*tree, dir)) {
    if (e.directory || id_of(e.name).empty()) continue;
    std::optional<HistoryRecord> r = read(e.id, dir + "/" + e.name);
    if (r && r->breaker_key == key) found.push_back(std::move(*r));
  }
  return found;
}

std::vector<std::string> HistoryStore::breaker_keys() const {
  std::vector<std::string> keys;
  const std::optional<git_oid> root = tree_or_report();
  if (!root) return keys;
  const git_oid tree = *root;
  for (const git::LogEntry& dir : list(tree, "breaker")) {
    if (!dir.directory) continue;
    // Any readable record of the folder names its key (a damaged one is skipped for the next).
    for (const git::LogEntry& e : list(tree, "breaker/" + dir.name)) {
      if (e.directory || id_of(e.name).empty()) continue;
      std::optional<HistoryRecord> r = read(e.id, "breaker/" + dir.name + "/" + e.name);
      if (r && !r->breaker_key.empty() && breaker_dir(r->breaker_key) == "breaker/" + dir.name) {
        keys.push_back(r->breaker_key);
        break;
      }
    }
  }
  return keys;
}

git::LogSync HistoryStore::sync(const std::string& remote) {
  git::SyncOptions options;
  options.log = options_;
  return git::sync_log(repo_, kHistoryRef, remote, git::commit_identity_or_fallback(repo_), options);
}

}  // namespace autofix
