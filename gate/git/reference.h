// SPDX-License-Identifier: MIT
#pragma once
// Listing and removing the references the gate writes as records (snapshots, discarded work trees kept
// under refs/autofix/...).
#include <optional>
#include <string>
#include <vector>

#include "gate/git/repository.h"

namespace autofix::git {

// Deletes the reference `name` (a full name, "refs/...") if there is one. Never fails: for records whose
// survival harms nothing (a reference that cannot be deleted stays).
void remove_reference_if_any(const Repository& repo, const std::string& name) noexcept;

// The names of the references under `prefix` ("refs/autofix/snapshots/"), without the prefix, in no
// particular order. Reads names only, no objects. Throws Error naming the prefix when git cannot list them.
std::vector<std::string> reference_names_under(const Repository& repo, const std::string& prefix);

// Whether the local branch `name` (a full name, "refs/heads/...") tracks a remote branch (branch.<b>.merge
// set): history moved back there would no longer match what others fetched.
bool branch_has_upstream(const Repository& repo, const std::string& name);
// The URL of the remote `name` ("origin"), as configured; nullopt when there is no such remote or it has
// no URL. Reads configuration only.
std::optional<std::string> remote_url(const Repository& repo, const std::string& name);

// The branch HEAD points at, short ("main", "feature/x"), also when it has no commit yet; nullopt when
// HEAD is detached. Throws Error naming HEAD when it cannot be read.
std::optional<std::string> current_branch(const Repository& repo);

}  // namespace autofix::git
