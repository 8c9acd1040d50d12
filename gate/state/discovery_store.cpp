// SPDX-License-Identifier: MIT
#include "gate/state/discovery_store.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <utility>
#include <vector>

#include "gate/util/atomic_file.h"
#include "gate/util/error.h"
#include "gate/util/hex_id.h"
#include "gate/util/json_reader.h"

namespace autofix {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kFormat = 1;
constexpr auto kTemporaryAge = std::chrono::hours(1);

// Hashes are ours (40 hex digits), never a path: anything else is a bug.
void require_hash(const std::string& hash) {
  if (!is_hex_object_id(hash)) throw Error(ErrorKind::internal, "'" + hash + "' is not a key of the stored test listings");
}

// The root of a stored listing of `kind` under `key`, checked; nullopt (nothing used) for any problem.
template <typename Read>
auto read_listing(const fs::path& path, const std::string& kind, const std::string& key, Read read)
    -> std::optional<decltype(read(std::declval<const JsonValue&>()))> {
  std::optional<std::string> text;
  try {
    text = read_file_if_exists(path);
    if (!text) return std::nullopt;
    JsonSource source{"stored test listing " + path.string(), ErrorKind::internal, ""};
    JsonDocument doc = parse_json_strictly(*text, source, "");
    JsonValue root(doc, source);
    root.object().allow_only({"format", "kind", "key", kind == "ctest" ? "output" : "cases"});
    if (root.integer("format", 0, std::numeric_limits<int>::max()) != kFormat) return std::nullopt;
    if (root.string("kind") != kind || root.string("key") != key) return std::nullopt;
    auto value = read(root);
    std::error_code ec;
    fs::last_write_time(path, fs::file_time_type::clock::now(), ec);  // used: retention keeps it longer
    return value;
  } catch (const Error&) {
    return std::nullopt;  // damaged: listed again, and the file replaced
  }
}

}  // namespace

std::optional<std::string> DiscoveryStore::ctest_listing(const std::string& hash, const std::string& key) const {
  require_hash(hash);
  return read_listing(ctest_path(hash), "ctest", key, [](const JsonValue& root) { return root.string("output"); });
}

void DiscoveryStore::store_ctest_listing(const std::string& hash, const std::string& key,
                                         const std::string& output) const {
  require_hash(hash);
  json j = {{"format", kFormat}, {"kind", "ctest"}, {"key", key}, {"output", output}};
  // Output that is not UTF-8 cannot be stored faithfully: then nothing is stored.
  std::string text;
  try {
    text = j.dump(-1, ' ', false, json::error_handler_t::strict) + "\n";
  } catch (const json::exception&) {
    return;
  }
  publish(ctest_path(hash), text);
}

std::optional<std::map<std::string, SourceLocation>> DiscoveryStore::gtest_listing(const std::string& hash,
                                                                                   const std::string& key) const {
  require_hash(hash);
  return read_listing(gtest_path(hash), "gtest", key, [](const JsonValue& root) {
    std::map<std::string, SourceLocation> cases;
    for (const auto& [name, where] : root.object("cases").members()) {
      where.allow_only({"file", "line"});
      cases.emplace(name, SourceLocation{where.string("file"),
                                         static_cast<int>(where.integer("line", 0, std::numeric_limits<int>::max()))});
    }
    return cases;
  });
}

void DiscoveryStore::store_gtest_listing(const std::string& hash, const std::string& key,
                                         const std::map<std::string, SourceLocation>& cases) const {
  require_hash(hash);
  json list = json::object();
  for (const auto& [name, where] : cases) list[name] = {{"file", where.file}, {"line", where.line}};
  json j = {{"format", kFormat}, {"kind", "gtest"}, {"key", key}, {"cases", list}};
  // Names and paths that are not UTF-8 cannot be stored faithfully: then nothing is stored.
  std::string text;
  try {
    text = j.dump(-1, ' ', false, json::error_handler_t::strict) + "\n";
  } catch (const json::exception&) {
    return;
  }
  publish(gtest_path(hash), text);
}

void DiscoveryStore::publish(const fs::path& path, const std::string& text) const {
  if (text.size() > kMaxStoredListingBytes) return;
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw Error(ErrorKind::io, "cannot create '" + dir_.string() + "': " + ec.message());
  write_file_atomically(path, text, 0644, Durability::cache);
  // Retention: the least recently used listings beyond max_files_ go, and temporaries of a writer
  // that died an hour ago.
  struct Entry {
    fs::file_time_type used;
    fs::path path;
  };
  std::vector<Entry> entries;
  const auto now = fs::file_time_type::clock::now();
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code e;
    fs::file_time_type used = it->last_write_time(e);
    if (e || !it->is_regular_file(e)) continue;
    if (it->path().filename().string().find(".tmp-") != std::string::npos) {
      if (now - used > kTemporaryAge) fs::remove(it->path(), e);
      continue;
    }
    if (it->path() != path) entries.push_back({used, it->path()});
  }
  if (entries.size() + 1 <= max_files_) return;
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.used < b.used; });
  for (std::size_t i = 0; i + max_files_ < entries.size() + 1; ++i) {
    std::error_code e;
    fs::remove(entries[i].path, e);
  }
}

}  // namespace autofix
