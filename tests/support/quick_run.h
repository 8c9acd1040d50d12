// SPDX-License-Identifier: MIT
#pragma once
// A lighter process runner for the hot loops of the randomized and kill tests (about 20 git commands per
// iteration, thousands per test), and the tree fingerprint over it.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace autofix::testing {

// Runs `argv` in `cwd` with git_environment(), like run(), but without run()'s 20 ms polling: a plain
// posix_spawn and a blocking read. No timeout, no process group; never throws for a non-zero exit.
runners::ProcessResult quick_run(const std::vector<std::string>& argv, const fs::path& cwd);
// git() over quick_run(): throws with stderr when git fails.
std::string quick_git(const fs::path& repo, const std::vector<std::string>& args);

// fingerprint(), with git run through quick_run(). Support.FingerprintKeysLinksByTheirOwnNames checks both agree.
TreeFingerprint exact_fingerprint(const fs::path& repo);

// `expected` with every path `ignored` selects replaced by its state in `now` (present or absent):
// restore leaves ignored files exactly as they are, so a changed ignored file stays changed.
TreeFingerprint with_ignored_from(TreeFingerprint expected, const std::map<std::string, std::string>& now,
                                  const std::function<bool(const std::string&)>& ignored);

void make_symlink(const std::string& target, const fs::path& link);
void set_executable(const fs::path& path, bool executable);

}  // namespace autofix::testing
