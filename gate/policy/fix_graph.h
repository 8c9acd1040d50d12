// SPDX-License-Identifier: MIT
#pragma once
// The dependencies between the fixes of a batch, by index: fix i depends on the fixes in deps[i]. Pure
// graph rules that the batch file's validation and the batch planning share.
#include <cstddef>
#include <optional>
#include <vector>

namespace autofix {

using FixDeps = std::vector<std::vector<std::size_t>>;

// A dependency cycle, as the indices along it with the first repeated at the end (a -> b -> a), or
// nullopt. The cycle reported is the one reached first from the lowest index.
std::optional<std::vector<std::size_t>> find_cycle(const FixDeps& deps);

// Every index, each after all it depends on; among fixes that are free to go, the lower index first (so
// a batch without dependencies keeps its file order). Expects no cycle (find_cycle).
std::vector<std::size_t> dependency_order(const FixDeps& deps);

// The fixes that depend on `fix`, directly or through others (not `fix` itself), in index order.
std::vector<std::size_t> dependents_of(const FixDeps& deps, std::size_t fix);

// The fixes `fix` depends on, directly or through others (not `fix` itself), in index order.
std::vector<std::size_t> dependencies_of(const FixDeps& deps, std::size_t fix);

}  // namespace autofix
