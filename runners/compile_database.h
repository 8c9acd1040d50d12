// SPDX-License-Identifier: MIT
#pragma once
// The compile database a CMake build writes (compile_commands.json, CMAKE_EXPORT_COMPILE_COMMANDS): which
// translation units it compiles, and with what command. The analyzers read their flags from it; the static
// tier's stored analyses are keyed by it.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace autofix::runners {

// <build_dir>/compile_commands.json.
std::filesystem::path compile_database_path(const std::filesystem::path& build_dir);

// `file` relative to `root` ('/'-separated), or nullopt when it lies outside. Relative paths are taken
// relative to root. Tries the paths as written first, then with symbolic links resolved (a compile
// database may name the real path of a directory the caller reaches through a link).
std::optional<std::string> relative_to_root(const std::filesystem::path& file, const std::filesystem::path& root);

struct CompileEntry {
  std::string rel;            // relative to the source directory, '/'-separated
  std::filesystem::path abs;  // absolute, lexically normal, as the database names it
  nlohmann::json entry;       // the database's own object
};

// Every entry of the database whose file lies inside source_dir, in the database's order. Throws
// Error(usage) when the database is missing (configure with CMAKE_EXPORT_COMPILE_COMMANDS=ON) or is not a
// compile database.
std::vector<CompileEntry> read_compile_database(const std::filesystem::path& build_dir,
                                                const std::filesystem::path& source_dir);

// A translation unit and how the build compiles it.
struct CompileUnit {
  std::string file;     // relative to the source directory, '/'-separated
  // Every database entry of the file (a file two targets compile has two), each as compact JSON on a line
  // of its own, in the database's order: the text a stored analysis is keyed by.
  std::string command;
  bool operator==(const CompileUnit&) const = default;
};

// The translation units of the database, sorted by file, each once. Throws what read_compile_database throws.
std::vector<CompileUnit> compile_units(const std::filesystem::path& build_dir, const std::filesystem::path& source_dir);

// Their files only (relative to source_dir, sorted, each once).
std::vector<std::string> translation_units_in_database(const std::filesystem::path& build_dir,
                                                       const std::filesystem::path& source_dir);

}  // namespace autofix::runners
