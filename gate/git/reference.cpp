#include "gate/git/reference.h"

namespace autofix::git {

void remove_reference_if_any(const Repository& repo, const std::string& name) noexcept {
  git_reference_remove(repo.get(), name.c_str());
  git_error_clear();
}

}  // namespace autofix::git
