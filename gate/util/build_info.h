// SPDX-License-Identifier: MIT
#pragma once
// What this autofix-gate is: its version, the commit it was built from, and the compiler and Boost it was
// built with (`autofix-gate --version`, report.json). libgit2's version is git::libgit2_version().
#include <string>

namespace autofix {

// Generated at build time (cmake/WriteBuildCommit.cmake): the commit's 40 hex digits, or "unknown" when
// the sources were not a git checkout; dirty: tracked files differed from that commit.
const char* build_commit() noexcept;
bool build_dirty() noexcept;

struct BuildInfo {
  std::string version;   // AUTOFIX_GATE_VERSION, "0.1.0"
  std::string commit;    // as build_commit()
  bool dirty = false;
  std::string compiler;  // "GCC 12.2.0"
  std::string boost;     // "1.81"
};

BuildInfo build_info();

}  // namespace autofix
