// SPDX-License-Identifier: MIT
#include "gate/state/analysis_store.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include "gate/util/atomic_file.h"
#include "gate/util/clock.h"
#include "gate/util/error.h"
#include "gate/util/hex_id.h"
#include "gate/util/json_reader.h"

namespace autofix {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Format 1: findings without fingerprints; include lists with the files interned once.
constexpr int kFormat = 1;
constexpr auto kTemporaryAge = std::chrono::hours(1);

// Keys are ours (git blob ids in hex), never a path: anything else is a bug.
void require_key(const std::string& key) {
  if (!is_hex_object_id(key)) throw Error(ErrorKind::internal, "'" + key + "' is not a key of the analysis store");
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"; }

// The file's text, or nullopt when there is none; a file that cannot be read is a problem, not an error:
// the analysis is run again.
std::optional<std::string> read_entry(const fs::path& path, std::string& problem) {
  try {
    return read_file_if_exists(path);
  } catch (const Error& e) {
    problem = e.what();
    return std::nullopt;
  }
}

// Marks a file used (its modification time is what retention orders by). Best effort: a file that
// cannot be touched is only evicted sooner.
void mark_used(const fs::path& path) {
  std::error_code ec;
  fs::last_write_time(path, fs::file_time_type::clock::now(), ec);
}

// Keeps `dir` within `max_files` entries and `max_bytes`, removing the least recently used first, and
// removes temporaries older than an hour (a writer that died). `keep` is never removed.
void evict(const fs::path& dir, std::size_t max_files, std::uintmax_t max_bytes, const fs::path& keep) {
  struct Entry {
    fs::file_time_type used;
    std::uintmax_t size;
    fs::path path;
  };
  std::vector<Entry> entries;
  std::uintmax_t total = 0;
  const auto now = fs::file_time_type::clock::now();
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code e;
    if (!it->is_regular_file(e)) continue;
    const std::string name = it->path().filename().string();
    fs::file_time_type used = it->last_write_time(e);
    if (e) continue;
    if (name.find(".tmp-") != std::string::npos) {
      if (now - used > kTemporaryAge) fs::remove(it->path(), e);
      continue;
    }
    // Entries only: "<key>.json" (tools.json is not one).
    if (name.size() != 45 || !name.ends_with(".json") || name.find_first_not_of("0123456789abcdef") != 40) continue;
    std::uintmax_t size = it->file_size(e);
    if (e) continue;
    entries.push_back({used, size, it->path()});
    total += size;
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.used < b.used; });
  std::size_t count = entries.size();
  for (const Entry& e : entries) {
    if (count <= max_files && total <= max_bytes) break;
    if (e.path == keep) continue;
    std::error_code removed;
    if (!fs::remove(e.path, removed) || removed) continue;
    --count;
    total -= e.size;
  }
}

void create_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(ErrorKind::io, "cannot create '" + dir.string() + "': " + ec.message());
}

json finding_to_json(const Finding& f) {
  return {{"rule", f.rule},         {"file", f.file},       {"line", f.line},    {"column", f.column},
          {"severity", f.severity}, {"message", f.message}, {"detail", f.detail}};
}

Finding finding_from_json(const JsonValue& v) {
  v.allow_only({"rule", "file", "line", "column", "severity", "message", "detail"});
  Finding f;
  f.rule = v.string("rule");
  f.file = v.string("file");
  f.line = static_cast<int>(v.integer("line", 0, std::numeric_limits<int>::max()));
  f.column = static_cast<int>(v.integer("column", 0, std::numeric_limits<int>::max()));
  f.severity = v.string("severity");
  f.message = v.string("message");
  f.detail = v.string("detail");
  return f;
}

// Checks what every stored file starts with: its format and the key it was stored under.
void require_header(const JsonValue& root, const std::string& key) {
  if (root.integer("format", 0, std::numeric_limits<int>::max()) != kFormat) root.fail("another format than " + std::to_string(kFormat));
  if (root.string("key") != key) root.fail("stored under another key");
}

}  // namespace

StoreLookup<std::vector<Finding>> AnalysisStore::findings(const std::string& key, const std::string& analyzer,
                                                          const std::string& unit) const {
  require_key(key);
  StoreLookup<std::vector<Finding>> out;
  const fs::path path = findings_path(key);
  std::optional<std::string> text = read_entry(path, out.problem);
  if (!text) return out;
  try {
    JsonSource source{"stored analysis " + path.string(), ErrorKind::internal, ""};
    JsonDocument doc = parse_json_strictly(*text, source, "");
    JsonValue root(doc, source);
    root.object().allow_only({"format", "key", "analyzer", "unit", "created", "findings"});
    require_header(root, key);
    if (root.string("analyzer") != analyzer) root.fail("an analysis by " + root.string("analyzer") + ", not " + analyzer);
    if (root.string("unit") != unit) root.fail("an analysis of '" + root.string("unit") + "', not '" + unit + "'");
    root.string("created");
    std::vector<Finding> findings;
    for (const JsonValue& f : root.objects("findings")) findings.push_back(finding_from_json(f));
    out.value = std::move(findings);
  } catch (const Error& e) {
    out.problem = e.what();
    return out;
  }
  mark_used(path);
  return out;
}

bool AnalysisStore::store_findings(const std::string& key, const std::string& analyzer, const std::string& unit,
                                   const std::vector<Finding>& findings) const {
  require_key(key);
  json list = json::array();
  for (const Finding& f : findings) list.push_back(finding_to_json(f));
  json j = {{"format", kFormat}, {"key", key},  {"analyzer", analyzer}, {"unit", unit},
            {"created", format_iso8601_utc(std::chrono::system_clock::now())}, {"findings", list}};
  std::string text = dump(j);
  if (text.size() > kMaxAnalysisEntryBytes) return false;
  create_dir(dir_);
  write_file_atomically(findings_path(key), text, 0644, Durability::cache);
  evict(dir_, limits_.analyses, limits_.analysis_bytes, findings_path(key));
  return true;
}

StoreLookup<IncludeLists> AnalysisStore::include_lists(const std::string& baseline_key) const {
  require_key(baseline_key);
  StoreLookup<IncludeLists> out;
  const fs::path path = include_lists_path(baseline_key);
  std::optional<std::string> text = read_entry(path, out.problem);
  if (!text) return out;
  try {
    JsonSource source{"stored include lists " + path.string(), ErrorKind::internal, ""};
    JsonDocument doc = parse_json_strictly(*text, source, "");
    JsonValue root(doc, source);
    root.object().allow_only({"format", "key", "created", "files", "units"});
    require_header(root, baseline_key);
    IncludeLists lists;
    lists.key = baseline_key;
    lists.created = root.string("created");
    std::vector<std::string> files;  // index -> path
    for (const JsonValue& f : root.array("files", "[path, hash] pairs")) {
      std::vector<std::string> pair = f.strings();
      if (pair.size() != 2) f.fail("expected [path, hash]");
      if (!lists.hashes.emplace(pair[0], pair[1]).second) f.fail("'" + pair[0] + "' is listed twice");
      files.push_back(pair[0]);
    }
    for (const auto& [unit, value] : root.object("units").members()) {
      value.allow_only({"command", "files"});
      UnitIncludes u;
      u.command_hash = value.string("command");
      for (const JsonValue& index : value.array("files", "indices into files")) {
        std::uint64_t i = index.unsigned_integer();
        if (i >= files.size()) index.fail("no file has the number " + std::to_string(i));
        u.files.push_back(files[i]);
      }
      lists.units.emplace(unit, std::move(u));
    }
    out.value = std::move(lists);
  } catch (const Error& e) {
    out.problem = e.what();
    return out;
  }
  mark_used(path);
  return out;
}

namespace {

// identity -> version; empty when the file is missing or cannot be used (it is only a shortcut).
std::map<std::string, std::string> read_tool_versions(const fs::path& path) {
  std::map<std::string, std::string> out;
  std::string problem;
  std::optional<std::string> text = read_entry(path, problem);
  if (!text) return out;
  try {
    JsonSource source{"stored tool versions " + path.string(), ErrorKind::internal, ""};
    JsonDocument doc = parse_json_strictly(*text, source, "");
    JsonValue root(doc, source);
    root.object().allow_only({"format", "tools"});
    if (root.integer("format", 0, std::numeric_limits<int>::max()) != kFormat) return {};
    for (const auto& [identity, version] : root.object("tools").members()) out.emplace(identity, version.text());
  } catch (const Error&) {
    return {};
  }
  return out;
}

}  // namespace

std::optional<std::string> AnalysisStore::tool_version(const std::string& identity) const {
  std::map<std::string, std::string> known = read_tool_versions(tools_path());
  auto it = known.find(identity);
  if (it == known.end()) return std::nullopt;
  return it->second;
}

void AnalysisStore::store_tool_version(const std::string& identity, const std::string& version) const {
  std::map<std::string, std::string> known = read_tool_versions(tools_path());
  if (known.size() >= kMaxStoredToolVersions) known.clear();
  known[identity] = version;
  create_dir(dir_);
  write_file_atomically(tools_path(), dump({{"format", kFormat}, {"tools", known}}), 0644, Durability::cache);
}

bool AnalysisStore::store_include_lists(const IncludeLists& lists) const {
  require_key(lists.key);
  json files = json::array();
  std::map<std::string, std::size_t> index;
  for (const auto& [path, hash] : lists.hashes) {
    index.emplace(path, files.size());
    files.push_back({path, hash});
  }
  json units = json::object();
  for (const auto& [unit, u] : lists.units) {
    json ids = json::array();
    for (const std::string& f : u.files) {
      auto it = index.find(f);
      if (it == index.end()) throw Error(ErrorKind::internal, "include lists name '" + f + "' without its hash");
      ids.push_back(it->second);
    }
    units[unit] = {{"command", u.command_hash}, {"files", ids}};
  }
  json j = {{"format", kFormat}, {"key", lists.key}, {"created", lists.created}, {"files", files}, {"units", units}};
  std::string text = dump(j);
  if (text.size() > kMaxIncludeListBytes) return false;
  const fs::path dir = dir_ / "includes";
  create_dir(dir);
  write_file_atomically(include_lists_path(lists.key), text, 0644, Durability::cache);
  evict(dir, limits_.include_lists, static_cast<std::uintmax_t>(-1), include_lists_path(lists.key));
  return true;
}

}  // namespace autofix
