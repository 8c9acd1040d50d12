#include "gate/git/reference.h"

#include "gate/git/handles.h"

namespace autofix::git {

void remove_reference_if_any(const Repository& repo, const std::string& name) noexcept {
  git_reference_remove(repo.get(), name.c_str());
  git_error_clear();
}

std::vector<std::string> reference_names_under(const Repository& repo, const std::string& prefix) {
  std::vector<std::string> names;
  ReferenceIteratorPtr it;
  check(git_reference_iterator_glob_new(out(it), repo.get(), (prefix + "*").c_str()), "cannot list the refs " + prefix + "*");
  const char* name = nullptr;
  int rc;
  while ((rc = git_reference_next_name(&name, it.get())) == 0) names.emplace_back(std::string(name).substr(prefix.size()));
  if (rc != GIT_ITEROVER) check(rc, "cannot list the refs " + prefix + "*");
  git_error_clear();
  return names;
}

bool branch_has_upstream(const Repository& repo, const std::string& name) {
  git_buf upstream = GIT_BUF_INIT;
  int rc = git_branch_upstream_name(&upstream, repo.get(), name.c_str());
  git_buf_dispose(&upstream);
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return false;
  }
  check(rc, "cannot read the upstream of " + name);
  return true;
}

}  // namespace autofix::git
