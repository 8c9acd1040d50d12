// SPDX-License-Identifier: MIT
#pragma once
// A compiler-free stand-in for examples/calculator, for the batch end-to-end tests where a compiler adds
// nothing (the batch's decisions, records, landing and resumes; one batch test keeps the real calculator).
// A committed CMake project (LANGUAGES NONE) under a path with spaces, shaped like the calculator: four
// modules (mathlib, formatter, parser, app), each a `<module>/<module>.src` text "source" and a
// `<module>/<module>.doc` note. Its build copies every source into the build directory (one
// add_custom_command per module, so an incremental build redoes only the modules that changed); its CTest
// tests grep the built copies, so a step whose build is stale would be judged wrong:
//
//   mathlib.mean_of_three     mathlib.built has the line `mean = total / n` (fails at HEAD: `/ (n - 1)`,
//                             the calculator's bug; kMeanFix fixes it)
//   mathlib.sum_from_zero     mathlib.built has a line starting with `total = 0`
//   formatter.list_in_brackets formatter.built has the line `sep = ", "`
//   parser.parses_a_list      parser.built has the line `  push value`
//   app.prints_usage          app.built mentions `calc`
//
// Its build directory is configured with Ninja (a no-op build in milliseconds). Real cmake, ninja and
// ctest run; no compiler does. A batch step takes a fraction of a second.
#include <map>
#include <string>
#include <vector>

#include "tests/e2e/e2e_helpers.h"

namespace autofix::testing {

class ScriptProject {
 public:
  ScriptProject();
  ScriptProject(const ScriptProject&) = delete;
  ScriptProject& operator=(const ScriptProject&) = delete;

  const fs::path& repo() const { return repo_; }
  const fs::path& tmp() const { return tmp_.path(); }
  // The reports of the newest attempt or batch.
  fs::path reports() const { return repo_ / "build" / "autofix" / "latest"; }
  fs::path journal() const { return repo_ / ".git" / "autofix" / "journal.json"; }
  const std::string& original_head() const { return head_; }
  // `git ARGS` in the repository, without the final newlines.
  std::string git_out(const std::vector<std::string>& args) const { return git_trimmed(repo_, args); }
  std::string read(const std::string& path) const { return read_file(repo_ / path); }

  // A patch changing `path` (its first `from` replaced by `to`), written as `dir`/`name`.diff; the checkout
  // stays as it was. Throws when `from` is not in the file.
  fs::path patch(const fs::path& dir, const std::string& name, const std::string& path, const std::string& from,
                 const std::string& to) const;
  // The fix of mathlib.mean_of_three (`mean = total / (n - 1)` -> `mean = total / n`), as `dir`/`name`.diff.
  fs::path mean_fix(const fs::path& dir, const std::string& name) const;

 private:
  TempDir tmp_;
  fs::path repo_;
  std::string head_;
};

}  // namespace autofix::testing
