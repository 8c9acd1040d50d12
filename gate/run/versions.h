// SPDX-License-Identifier: MIT
#pragma once
// `autofix-gate versions`: the known-good points of the current branch (docs/rollback.md#versions), read
// from its first-parent history, its tags and the history's verify, health and rollback records.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "gate/git/repository.h"
#include "gate/policy/known_good.h"

namespace autofix {

// The newest `limit` commits of HEAD's first-parent line, newest first, with what judged them. Throws
// Error(usage) when HEAD has no commit.
std::vector<KnownVersion> read_versions(const git::Repository& repo, std::size_t limit);

// What `--to last-green` means: the newest commit of the branch (within `limit` commits) a check judged
// green. Throws Error(usage) saying how to make one when there is none.
std::string last_green_commit(const git::Repository& repo, std::size_t limit = 1000);

}  // namespace autofix
