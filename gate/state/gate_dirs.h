// SPDX-License-Identifier: MIT
#pragma once
// The gate's own directories: the build directory and the report directory. Inside the work tree they
// are left out of every snapshot (the gate and the build write there while an attempt runs), so a
// rollback never saves or restores what they hold. They must therefore never hold the user's files:
// a fix could change or delete those for good.
#include <filesystem>
#include <string>
#include <vector>

#include "gate/state/layout.h"

namespace autofix {

// Marks a report directory inside the work tree as the gate's (written by claim_report_directory).
inline constexpr const char* kReportDirMarker = ".autofix-gate-reports";

// Before anything changes (reads only): the build and the report directory are directories, or can be
// created (no file stands in their place or in the place of a parent). Throws Error(usage) naming the path.
void require_gate_directories_usable(const Layout& l);

// What stops a directory of the gate inside the work tree from being left out of the snapshot.
struct UserFiles {
  std::vector<std::string> tracked;    // index entries under it (relative to the root, as git names them)
  std::vector<std::string> untracked;  // untracked files under it that git's ignore rules do not ignore
  bool empty() const noexcept { return tracked.empty() && untracked.empty(); }
};

// The user's files under `dir` (relative to the work tree root, no trailing '/'): every tracked path but
// a `.gitignore` or `.gitkeep` right in it (the idiom that keeps an ignored build directory in the
// repository; no build writes them), and, unless `untracked_are_the_gates`, every untracked file that
// git's ignore rules do not ignore (a nested repository counts as one).
UserFiles user_files_under(const git::Repository& repo, const std::string& dir, bool untracked_are_the_gates);

// Before anything changes (reads only): a build or report directory inside the work tree holds none of the
// user's files. Untracked files are the gate's in a configured build tree (it has a CMakeCache.txt: the
// project check made sure it is this project's) and below it, and in a report directory the gate claimed
// (it holds kReportDirMarker). Throws Error(usage) naming the files.
void require_no_user_files_in_gate_directories(const Layout& l);

// Creates the report directory and, when it is inside the work tree, marks it as the gate's, so that the
// files the gate leaves there do not count as the user's on the next run. Called once the operation has
// begun (never by a dry run, which changes nothing).
void claim_report_directory(const Layout& l);

}  // namespace autofix
