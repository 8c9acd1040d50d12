// SPDX-License-Identifier: MIT
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

namespace autofix::git {

std::optional<std::string> remote_url(const Repository& repo, const std::string& name) {
  std::unique_ptr<git_remote, Deleter<git_remote_free>> remote;
  if (git_remote_lookup(out(remote), repo.get(), name.c_str()) < 0) {
    git_error_clear();
    return std::nullopt;
  }
  const char* url = git_remote_url(remote.get());
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

std::optional<std::string> current_branch(const Repository& repo) {
  ReferencePtr head;
  check(git_reference_lookup(out(head), repo.get(), "HEAD"), "cannot read HEAD");
  if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC) return std::nullopt;
  std::string target = git_reference_symbolic_target(head.get());
  constexpr std::string_view kHeads = "refs/heads/";
  return target.starts_with(kHeads) ? target.substr(kHeads.size()) : target;
}

}  // namespace autofix::git
