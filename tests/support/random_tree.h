// SPDX-License-Identifier: MIT
#pragma once
// The restore property over random trees: for any tree (files, directories, symbolic links, executable
// bits; committed, staged, untracked and ignored paths) and any mutations after a snapshot (content,
// deletion, mode, file <-> directory, link retargeting, git add / git rm --cached, commits, branch
// switches, ignore rules), a restore brings back exactly the snapshot's bytes, modes, links, index,
// status and HEAD, while ignored files stay as the mutations left them.
//
// One generator, two drivers: tests/unit/restore_property_test.cpp snapshots and restores through the
// library, for many seeds; tests/e2e/property_test.cpp through the autofix-gate binary, for a few.
// Seeds are fixed; a failure names its seed. AUTOFIX_PROPERTY_SEED=<n> runs that one seed (in shard 0);
// each shard details its first three failures, all of them with AUTOFIX_PROPERTY_VERBOSE=1.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/test_support.h"

namespace autofix::testing {

// How an iteration snapshots and restores.
struct RestoreDriver {
  // Takes a snapshot of `repo` and returns its id; throws when it fails.
  std::function<std::string(const fs::path& repo)> snapshot;
  // Restores snapshot `id` in `repo`: whether it succeeded, and what it said (its output or its error).
  std::function<std::pair<bool, std::string>(const fs::path& repo, const std::string& id)> restore;
  // After a failed restore: `recover`, to tell a failing verification from a wrong tree; says how it ended.
  std::function<std::string(const fs::path& repo)> recover;
};

// One iteration in a new repository under `root`; returns what went wrong (with the history of the
// mutations), empty when the property held.
std::string check_restore_property(const fs::path& root, unsigned seed, const RestoreDriver& driver);

// The seeds of `shard`: `per_shard` consecutive seeds from `first + shard * per_shard`; or, with
// AUTOFIX_PROPERTY_SEED set, that one seed in shard 0 and none in the others.
std::vector<unsigned> property_seeds(unsigned first, int shard, int per_shard);

// check_restore_property for each seed; every failure is a GoogleTest failure naming its seed.
void expect_restore_property(const fs::path& root, const std::vector<unsigned>& seeds, const RestoreDriver& driver);

}  // namespace autofix::testing
