// SPDX-License-Identifier: MIT
#include "runners/cmake_file_api.h"

#include <cerrno>
#include <fstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "gate/util/error.h"
#include "gate/util/io_errors.h"

namespace autofix::runners {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr size_t kMaxReplyFileBytes = 64 * 1024 * 1024;
constexpr const char* kReplyHint = "re-run cmake on the build directory so it writes its File API reply again";

fs::path api_dir(const fs::path& build_dir) { return build_dir / ".cmake" / "api" / "v1"; }

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

[[noreturn]] void malformed(const fs::path& file, const std::string& what) {
  throw Error(ErrorKind::io, "malformed CMake File API reply " + quoted(file) + ": " + what, kReplyHint);
}

json read_json(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw_errno("cannot open CMake File API reply", file.string(), errno);
  std::string text;
  char buffer[64 * 1024];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxReplyFileBytes)
      throw Error(ErrorKind::io,
                  "cannot read CMake File API reply " + quoted(file) + ": it is larger than the limit of " +
                      std::to_string(kMaxReplyFileBytes) + " bytes",
                  kReplyHint);
  }
  if (in.bad()) throw_errno("cannot read CMake File API reply", file.string(), errno);
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) malformed(file, "not JSON");
  if (!j.is_object()) malformed(file, "not a JSON object");
  return j;
}

const json& object_at(const json& j, const char* key, const fs::path& file) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_object()) malformed(file, std::string("\"") + key + "\" is missing or not an object");
  return *it;
}

const json& array_at(const json& j, const char* key, const fs::path& file) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) malformed(file, std::string("\"") + key + "\" is missing or not an array");
  return *it;
}

std::string string_at(const json& j, const char* key, const fs::path& file) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) malformed(file, std::string("\"") + key + "\" is missing or not a string");
  return it->get<std::string>();
}

// The member when it is a string, else "" (for optional members compared against a known value).
std::string string_or_empty(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A missing member is an empty array; anything else that is not an array is malformed.
const json& optional_array_at(const json& j, const char* key, const fs::path& file) {
  static const json empty = json::array();
  auto it = j.find(key);
  if (it == j.end()) return empty;
  if (!it->is_array()) malformed(file, std::string("\"") + key + "\" is not an array");
  return *it;
}

// The reply directory's file a jsonFile names. Untrusted: only a plain file name is accepted.
fs::path reply_file(const fs::path& reply_dir, const std::string& name, const fs::path& named_in) {
  if (name.empty() || name.find('/') != std::string::npos || name.find('\\') != std::string::npos ||
      name.find("..") != std::string::npos || name.find('\0') != std::string::npos)
    malformed(named_in, "refusing jsonFile \"" + name + "\": not a plain file name in the reply directory");
  return reply_dir / name;
}

std::string resolved(const fs::path& root, const std::string& path) {
  fs::path p(path);
  return (p.is_absolute() ? p : root / p).lexically_normal().generic_string();
}

// "<directory build path>/CMakeFiles/<name>.dir/", relative to the build directory when inside it.
std::string object_dir_of(const std::string& directory_build, const std::string& name, const fs::path& build_root) {
  fs::path dir(directory_build);
  if (dir.is_absolute()) {
    fs::path relative = dir.lexically_normal().lexically_relative(build_root.lexically_normal());
    if (!relative.empty() && *relative.begin() != "..") dir = relative;
  }
  std::string prefix = dir.lexically_normal().generic_string();
  if (prefix == "." || prefix == "./" || prefix.empty())
    prefix.clear();
  else if (prefix.back() != '/')
    prefix += '/';
  return prefix + "CMakeFiles/" + name + ".dir/";
}

CMakeTarget read_target(const fs::path& file, const fs::path& source_root, const fs::path& build_root) {
  json j = read_json(file);
  CMakeTarget t;
  t.id = string_at(j, "id", file);
  t.name = string_at(j, "name", file);
  t.type = string_at(j, "type", file);
  for (const json& a : optional_array_at(j, "artifacts", file)) {
    if (!a.is_object()) malformed(file, "an artifact is not an object");
    t.artifacts.push_back(resolved(build_root, string_at(a, "path", file)));
  }
  for (const json& s : optional_array_at(j, "sources", file)) {
    if (!s.is_object()) malformed(file, "a source is not an object");
    t.sources.push_back(resolved(source_root, string_at(s, "path", file)));
  }
  for (const json& d : optional_array_at(j, "dependencies", file)) {
    if (!d.is_object()) malformed(file, "a dependency is not an object");
    t.dependencies.push_back(string_at(d, "id", file));
  }
  const json& paths = object_at(j, "paths", file);
  t.object_dir = object_dir_of(string_at(paths, "build", file), t.name, build_root);
  return t;
}

}  // namespace

void write_codemodel_query(const fs::path& build_dir) {
  fs::path query_dir = api_dir(build_dir) / "query";
  fs::path query = query_dir / "codemodel-v2";
  std::error_code ec;
  fs::create_directories(query_dir, ec);
  if (ec)
    throw Error(ErrorKind::io, "cannot create " + quoted(query_dir) + ": " + ec.message(),
                "check that the build directory is writable");
  if (fs::exists(query, ec)) return;
  std::ofstream out(query, std::ios::binary);
  out.close();
  if (!out) throw_errno("cannot write CMake File API query", query.string(), errno);
}

std::optional<std::vector<CMakeTarget>> read_codemodel(const fs::path& build_dir, std::string_view configuration) {
  fs::path reply_dir = api_dir(build_dir) / "reply";
  std::error_code ec;
  if (!fs::is_directory(reply_dir, ec)) return std::nullopt;
  // The current index is the one with the largest name (cmake-file-api(7)).
  std::string newest;
  for (fs::directory_iterator it(reply_dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.starts_with("index-") && name.ends_with(".json") && name > newest) newest = name;
  }
  if (ec) throw Error(ErrorKind::io, "cannot list " + quoted(reply_dir) + ": " + ec.message(), kReplyHint);
  if (newest.empty()) return std::nullopt;

  fs::path index_file = reply_dir / newest;
  json index = read_json(index_file);
  // A stateless query is answered under reply["codemodel-v2"]; a client's under reply["client-..."], so
  // fall back to the list of objects.
  const json* entry = nullptr;
  if (auto reply = index.find("reply"); reply != index.end() && reply->is_object()) {
    if (auto it = reply->find("codemodel-v2"); it != reply->end() && it->is_object()) {
      if (it->contains("error")) return std::nullopt;
      entry = &*it;
    }
  }
  if (!entry) {
    for (const json& o : optional_array_at(index, "objects", index_file)) {
      if (!o.is_object()) malformed(index_file, "an object is not an object");
      auto version = o.find("version");
      if (string_or_empty(o, "kind") == "codemodel" && version != o.end() && version->is_object() &&
          version->contains("major") && (*version)["major"] == 2) {
        entry = &o;
        break;
      }
    }
  }
  if (!entry) return std::nullopt;

  fs::path codemodel_file = reply_file(reply_dir, string_at(*entry, "jsonFile", index_file), index_file);
  json codemodel = read_json(codemodel_file);
  if (string_or_empty(codemodel, "kind") != "codemodel") malformed(codemodel_file, "\"kind\" is not \"codemodel\"");
  const json& paths = object_at(codemodel, "paths", codemodel_file);
  fs::path source_root = fs::path(string_at(paths, "source", codemodel_file)).lexically_normal();
  fs::path build_root = fs::path(string_at(paths, "build", codemodel_file)).lexically_normal();
  if (!source_root.is_absolute() || !build_root.is_absolute())
    malformed(codemodel_file, "\"paths\" are not absolute");

  const json* chosen = nullptr;
  for (const json& c : array_at(codemodel, "configurations", codemodel_file)) {
    if (!c.is_object()) malformed(codemodel_file, "a configuration is not an object");
    if (configuration.empty() || string_at(c, "name", codemodel_file) == configuration) {
      chosen = &c;
      break;
    }
  }
  if (!chosen) return std::nullopt;

  std::vector<CMakeTarget> targets;
  for (const json& t : array_at(*chosen, "targets", codemodel_file)) {
    if (!t.is_object()) malformed(codemodel_file, "a target is not an object");
    fs::path target_file = reply_file(reply_dir, string_at(t, "jsonFile", codemodel_file), codemodel_file);
    targets.push_back(read_target(target_file, source_root, build_root));
  }
  return targets;
}

}  // namespace autofix::runners
