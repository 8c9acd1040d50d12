// SPDX-License-Identifier: MIT
#include "runners/compile_database.h"

#include <algorithm>
#include <map>

#include "gate/util/atomic_file.h"
#include "gate/util/error.h"

namespace autofix::runners {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

// Absolute, normalised, without a trailing separator.
fs::path normal_absolute(const fs::path& p) {
  fs::path n = fs::absolute(p).lexically_normal();
  if (!n.has_filename() && n.has_parent_path() && n != n.root_path()) n = n.parent_path();
  return n;
}

std::optional<std::string> inside(const fs::path& file, const fs::path& root) {
  fs::path rel = file.lexically_relative(root);
  if (rel.empty() || rel == ".") return std::nullopt;
  auto first = *rel.begin();
  if (first == "..") return std::nullopt;
  return rel.generic_string();
}

}  // namespace

fs::path compile_database_path(const fs::path& build_dir) { return build_dir / "compile_commands.json"; }

std::optional<std::string> relative_to_root(const fs::path& file, const fs::path& root) {
  const fs::path abs_root = normal_absolute(root);
  const fs::path abs_file = (file.is_absolute() ? file : abs_root / file).lexically_normal();
  if (auto rel = inside(abs_file, abs_root)) return rel;
  std::error_code ec1, ec2;
  fs::path real_root = fs::weakly_canonical(abs_root, ec1);
  fs::path real_file = fs::weakly_canonical(abs_file, ec2);
  if (ec1 || ec2) return std::nullopt;
  return inside(real_file.lexically_normal(), normal_absolute(real_root));
}

std::vector<CompileEntry> read_compile_database(const fs::path& build_dir, const fs::path& source_dir) {
  const fs::path db = compile_database_path(build_dir);
  std::error_code ec;
  if (!fs::is_regular_file(db, ec))
    throw Error(ErrorKind::usage, "no compile database at " + quoted(db),
                "configure the project with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON (or set CMAKE_EXPORT_COMPILE_COMMANDS "
                "in its CMakeLists.txt), then build it once");
  auto bad = [&](const std::string& what) {
    return Error(ErrorKind::usage, quoted(db) + " is not a compile database: " + what,
                 "configure the project again with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON");
  };
  json doc;
  try {
    doc = json::parse(read_file(db));
  } catch (const json::exception& e) {
    throw bad(std::string("malformed JSON (") + e.what() + ")");
  }
  if (!doc.is_array()) throw bad("not a JSON array");
  std::vector<CompileEntry> entries;
  for (json& e : doc) {
    if (!e.is_object()) throw bad("an entry is not an object");
    auto file = e.find("file");
    auto directory = e.find("directory");
    if (file == e.end() || !file->is_string() || directory == e.end() || !directory->is_string())
      throw bad("an entry has no \"file\" or \"directory\" string");
    fs::path path = file->get<std::string>();
    if (path.is_relative()) path = fs::path(directory->get<std::string>()) / path;
    path = path.lexically_normal();
    std::optional<std::string> rel = relative_to_root(path, source_dir);
    if (!rel) continue;
    entries.push_back({std::move(*rel), std::move(path), std::move(e)});
  }
  return entries;
}

std::vector<CompileUnit> compile_units(const fs::path& build_dir, const fs::path& source_dir) {
  std::map<std::string, std::string> commands;
  for (const CompileEntry& e : read_compile_database(build_dir, source_dir))
    commands[e.rel] += e.entry.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  std::vector<CompileUnit> units;
  for (auto& [file, command] : commands) units.push_back({file, std::move(command)});
  return units;
}

std::vector<std::string> translation_units_in_database(const fs::path& build_dir, const fs::path& source_dir) {
  std::vector<std::string> files;
  for (const CompileEntry& e : read_compile_database(build_dir, source_dir)) files.push_back(e.rel);
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

}  // namespace autofix::runners
