// SPDX-License-Identifier: MIT
#include "runners/unit_dependencies.h"

#include <algorithm>
#include <set>

#include "runners/cmake_file_api.h"

namespace autofix::runners {

namespace fs = std::filesystem;

UnitDependencies match_unit_dependencies(const std::vector<CompileEntry>& database, const ObjectDeps& deps,
                                         const fs::path& source_dir) {
  std::set<std::string> units;
  for (const CompileEntry& e : database) units.insert(e.rel);
  std::map<std::string, std::set<std::string>> found;
  for (const auto& [object, files] : deps) {
    if (files.empty()) continue;
    std::optional<std::string> unit = relative_to_root(files.front(), source_dir);
    if (!unit || !units.contains(*unit)) continue;
    found[*unit].insert(files.begin(), files.end());
  }
  UnitDependencies out;
  for (auto& [unit, files] : found) out.emplace(unit, std::vector<std::string>(files.begin(), files.end()));
  return out;
}

UnitDependencies read_unit_dependencies(const fs::path& build_dir, const fs::path& source_dir) {
  std::vector<CompileEntry> database = read_compile_database(build_dir, source_dir);
  std::vector<std::string> object_dirs;
  std::error_code ec;
  // Ninja keeps every object's dependencies in one log; depfiles are found through the targets' directories.
  if (!fs::is_regular_file(build_dir / "build.ninja", ec))
    if (std::optional<std::vector<CMakeTarget>> targets = read_codemodel(build_dir))
      for (const CMakeTarget& t : *targets) object_dirs.push_back(t.object_dir);
  return match_unit_dependencies(database, read_build_deps(build_dir, object_dirs), source_dir);
}

}  // namespace autofix::runners
