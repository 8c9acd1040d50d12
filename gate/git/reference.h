#pragma once
// Removing a reference the gate wrote as a record (a discarded work tree kept under refs/autofix/...).
#include <string>

#include "gate/git/repository.h"

namespace autofix::git {

// Deletes the reference `name` (a full name, "refs/...") if there is one. Never fails: for records whose
// survival harms nothing (a reference that cannot be deleted stays).
void remove_reference_if_any(const Repository& repo, const std::string& name) noexcept;

}  // namespace autofix::git
