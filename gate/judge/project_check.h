// SPDX-License-Identifier: MIT
#pragma once
// Whether the source and build directories are this repository's CMake project, checked before the
// snapshot: a build tree configured from another project would be built and tested in place of this one,
// and its passing tests would accept a fix that was never tested.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/state/layout.h"
#include "gate/util/error.h"
#include "runners/ctest_runner.h"

namespace autofix {

// Before anything changes (it only reads; nothing is created, no process is started):
// - the source directory is a directory inside the repository holding a CMakeLists.txt;
// - a configured build directory (it has a CMakeCache.txt) was configured from that source directory
//   (CMAKE_HOME_DIRECTORY).
// Throws Error(usage) naming the directories, with a hint. Where the tests come from is checked on every
// discovery, under the operation (require_own_tests).
void check_project_layout(const Layout& l);

// CMAKE_HOME_DIRECTORY of a CMakeCache.txt, or nullopt when the text has none.
std::optional<std::string> cmake_home_directory(std::string_view cache_text);

// The tests none of whose registering files (DiscoveredTest::backtrace_files) lies inside `root` or
// `build_dir` (generated CTestTestfile scripts live there), as "'name' (registered in FILE)". A test
// CTest knows no backtrace for is not counted: nothing says where it came from.
std::vector<std::string> foreign_tests(const std::vector<runners::DiscoveredTest>& tests,
                                       const std::filesystem::path& root, const std::filesystem::path& build_dir);

// Throws Error(usage) when foreign_tests() finds any: the build tree is not this project's, whatever its
// tests say. Called on every discovery (baseline and after the fix), so such a tree is never accepted:
// `attempt` and `verify` turn it into the verdict error and roll back.
void require_own_tests(const Layout& l, const std::vector<runners::DiscoveredTest>& tests);

}  // namespace autofix
