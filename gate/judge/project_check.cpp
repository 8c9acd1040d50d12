// SPDX-License-Identifier: MIT
#include "gate/judge/project_check.h"

#include <sstream>

#include "gate/util/atomic_file.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

// Symbolic links resolved where they exist, so that /tmp/x and /private/tmp/x compare equal.
fs::path resolved(const fs::path& p) {
  std::error_code ec;
  fs::path r = fs::weakly_canonical(p, ec);
  r = (ec ? p : r).lexically_normal();
  if (!r.has_filename() && r != r.root_path()) r = r.parent_path();
  return r;
}

bool inside(const fs::path& path, const fs::path& dir) {
  fs::path rel = resolved(path).lexically_relative(resolved(dir));
  return !rel.empty() && *rel.begin() != "..";
}

std::string in_quotes(const fs::path& p) { return "'" + p.string() + "'"; }

// Where to point the user: relative to the repository root when the directory is inside it.
std::string source_dir_hint(const Layout& l, const fs::path& candidate) {
  std::string hint = "pass --build-dir with a build directory of this project (or a new one: the gate configures it)";
  if (inside(candidate, l.root) && resolved(candidate) != resolved(l.source_dir)) {
    fs::path rel = resolved(candidate).lexically_relative(resolved(l.root));
    hint += ", or --source-dir (\"source_dir\": \"" + rel.generic_string() +
            "\" in autofix-gate.json) if that is the project's top level";
  }
  return hint;
}

}  // namespace

std::optional<std::string> cmake_home_directory(std::string_view cache_text) {
  std::istringstream lines{std::string(cache_text)};
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    constexpr std::string_view kKey = "CMAKE_HOME_DIRECTORY:";
    if (!line.starts_with(kKey)) continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    return line.substr(eq + 1);
  }
  return std::nullopt;
}

std::vector<std::string> foreign_tests(const std::vector<runners::DiscoveredTest>& tests, const fs::path& root,
                                       const fs::path& build_dir) {
  std::vector<std::string> out;
  for (const runners::DiscoveredTest& t : tests) {
    if (t.backtrace_files.empty()) continue;
    bool ours = false;
    for (const std::string& file : t.backtrace_files) {
      fs::path p = fs::path(file).is_absolute() ? fs::path(file) : build_dir / file;
      if (inside(p, root) || inside(p, build_dir)) {
        ours = true;
        break;
      }
    }
    if (!ours) out.push_back("'" + t.name + "' (registered in '" + t.backtrace_files.front() + "')");
  }
  return out;
}

void require_own_tests(const Layout& l, const std::vector<runners::DiscoveredTest>& tests) {
  std::vector<std::string> foreign = foreign_tests(tests, l.root, l.build_dir);
  if (foreign.empty()) return;
  std::string list;
  for (size_t i = 0; i < foreign.size() && i < 3; ++i) list += (i ? ", " : "") + foreign[i];
  if (foreign.size() > 3) list += " and " + std::to_string(foreign.size() - 3) + " more";
  throw Error(ErrorKind::usage,
              "the build directory " + in_quotes(l.build_dir) + " is not this project's: " +
                  std::to_string(foreign.size()) + " of its " + std::to_string(tests.size()) +
                  " test(s) come from outside the repository " + in_quotes(l.root) + ": " + list,
              "the gate judges a fix by this repository's tests only; pass --build-dir with a build directory "
              "of this project, or register those tests from inside the repository");
}

void check_project_layout(const Layout& l) {
  std::error_code ec;
  if (!fs::is_directory(l.source_dir, ec))
    throw Error(ErrorKind::usage, "the source directory " + in_quotes(l.source_dir) + " does not exist",
                "pass --source-dir DIR (relative to the current directory) or set \"source_dir\" in "
                "autofix-gate.json (relative to the repository root)");
  if (!inside(l.source_dir, l.root))
    throw Error(ErrorKind::usage,
                "the source directory " + in_quotes(l.source_dir) + " is outside the repository " + in_quotes(l.root) +
                    " (through a symbolic link)",
                "the gate snapshots and restores the repository: the CMake project it builds must be inside it");
  if (!fs::is_regular_file(l.source_dir / "CMakeLists.txt", ec))
    throw Error(ErrorKind::usage,
                "no CMakeLists.txt in " + in_quotes(l.source_dir) + ": the gate builds and tests a CMake project",
                "if the project's top-level CMakeLists.txt is in a subdirectory, pass --source-dir DIR (relative "
                "to the current directory) or set \"source_dir\" in autofix-gate.json (relative to the repository "
                "root)");
  std::optional<std::string> cache = read_file_if_exists(l.build_dir / "CMakeCache.txt");
  if (!cache) return;  // not configured yet: the gate configures it from the source directory
  std::optional<std::string> home = cmake_home_directory(*cache);
  if (!home)
    throw Error(ErrorKind::usage,
                "the build directory " + in_quotes(l.build_dir) +
                    " has a CMakeCache.txt that names no source directory (no CMAKE_HOME_DIRECTORY)",
                "pass --build-dir with a build directory of this project, or remove the damaged one");
  if (resolved(*home) != resolved(l.source_dir))
    throw Error(ErrorKind::usage,
                "the build directory " + in_quotes(l.build_dir) + " belongs to another CMake project: it was configured "
                    "from " + in_quotes(*home) + ", not from this project's source directory " + in_quotes(l.source_dir),
                source_dir_hint(l, *home));
  // Where the tests come from is not looked at here: even `ctest --show-only` writes into the build
  // directory (Testing/Temporary/LastTest.log). require_own_tests runs on every discovery instead.
}

}  // namespace autofix
