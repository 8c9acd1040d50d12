// SPDX-License-Identifier: MIT
#pragma once
// What each test builds from: CTest test → the target whose artifact it runs → the targets that one
// depends on → their sources and the headers their objects included. Read from the CMake File API
// (codemodel v2) and the build's dependency information (runners/cmake_file_api.h, runners/build_deps.h).
//
// Files are named repository-relative ('/'-separated) when inside the source directory the graph was
// loaded for, absolute otherwise (system headers, generated files in a build directory outside it).
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runners/build_deps.h"
#include "runners/cmake_file_api.h"
#include "runners/ctest_runner.h"

namespace autofix {

class BuildGraph {
 public:
  // `targets` and `deps` as read_codemodel and read_build_deps give them. An object is attributed to the
  // target whose object_dir is a prefix of its path; objects of no target and dependencies on unknown
  // target ids are left out.
  BuildGraph(const std::filesystem::path& source_dir, const std::vector<runners::CMakeTarget>& targets,
             const runners::ObjectDeps& deps);

  // Reads the codemodel reply of build_dir (`configuration` for multi-config generators, else the
  // first) and its dependency information. nullopt when build_dir has no codemodel reply (see
  // runners::write_codemodel_query). Throws what read_codemodel and read_build_deps throw.
  static std::optional<BuildGraph> load(const std::filesystem::path& source_dir,
                                        const std::filesystem::path& build_dir,
                                        const std::string& configuration = {});

  // The target whose artifact the test runs: command[0], else the first argument that is an artifact
  // (an emulator, a launcher or a script runner given the binary). Relative arguments are resolved against
  // the test's working directory. nullopt for a command of no target (a script, a system program).
  std::optional<std::string> target_for_test(const runners::DiscoveredTest& test) const;

  bool has_target(const std::string& target) const { return by_name_.contains(target); }
  std::vector<std::string> target_names() const;  // sorted

  // The target's own sources, sorted (for tamper checks: a test target's own files). Empty for an unknown target.
  std::vector<std::string> own_sources(const std::string& target) const;
  // Its own sources and every file its objects included, sorted.
  std::vector<std::string> files_of(const std::string& target) const;
  // files_of the target and of every target it depends on, directly or not, sorted.
  std::vector<std::string> closure_files(const std::string& target) const;
  // The targets it depends on, directly or not, sorted; the target itself not included.
  std::vector<std::string> dependencies_of(const std::string& target) const;

  // The shortest chain [from_target, dependency, ..., owning target, changed_file] through the dependency
  // graph to a target that has the file among its sources or included files; [from_target, changed_file]
  // when from_target itself has it. changed_file is repository-relative (or absolute). Among chains of one
  // length, the one whose targets come first by name at each step. nullopt when no target reached has it.
  std::optional<std::vector<std::string>> chain(const std::string& from_target, const std::string& changed_file) const;

 private:
  struct Node {
    std::string name;
    std::vector<int> sources;       // file ids, sorted
    std::vector<int> files;         // file ids of sources and included files, sorted
    std::vector<size_t> dependencies;  // node indices, sorted by name
  };

  int intern(const std::string& absolute_path);
  std::string display_name(const std::string& absolute_path) const;
  std::optional<size_t> node_of(const std::string& target) const;
  std::vector<size_t> reachable(size_t from) const;  // BFS order, from first
  std::vector<std::string> names_of(const std::vector<int>& ids) const;

  std::filesystem::path root_;            // absolute, lexically normal
  std::filesystem::path canonical_root_;  // the same with symbolic links resolved
  std::vector<Node> nodes_;
  std::map<std::string, size_t> by_name_;
  std::map<std::string, size_t> by_artifact_;  // absolute normal path (and its canonical form) → node
  std::vector<std::string> files_;             // id → display name
  std::map<std::string, int> file_ids_;        // display name → id
};

}  // namespace autofix
