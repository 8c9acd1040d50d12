// SPDX-License-Identifier: MIT
#include "gate/git/tracked_paths.h"

#include <string_view>

#include "gate/util/byte_names.h"

namespace autofix::git {

namespace {

using StatusListPtr = std::unique_ptr<git_status_list, Deleter<git_status_list_free>>;

}  // namespace

std::vector<std::string> tracked_paths_under(const Repository& repo, const std::string& dir) {
  const std::string prefix = dir + "/";
  IndexPtr index;
  check(git_repository_index(out(index), repo.get()), "cannot open the index");
  check(git_index_read(index.get(), 0), "cannot read the index");
  std::vector<std::string> paths;
  size_t n = git_index_entrycount(index.get());
  for (size_t i = 0; i < n; ++i) {
    std::string_view path = git_index_get_byindex(index.get(), i)->path;
    if (!path.starts_with(prefix)) continue;
    if (paths.empty() || paths.back() != path) paths.emplace_back(path);  // stages of one path once
  }
  return paths;
}

std::vector<std::string> untracked_paths_under(const Repository& repo, const std::string& dir) {
  const std::string prefix = dir + "/";
  git_status_options opts = GIT_STATUS_OPTIONS_INIT;
  opts.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
  opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
               GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
  char* spec = const_cast<char*>(dir.c_str());
  opts.pathspec = {&spec, 1};
  StatusListPtr status;
  check(git_status_list_new(out(status), repo.get(), &opts),
        "cannot list the untracked files in '" + quoted_name(dir) + "'");
  std::vector<std::string> paths;
  size_t m = git_status_list_entrycount(status.get());
  for (size_t i = 0; i < m; ++i) {
    const git_status_entry* e = git_status_byindex(status.get(), i);
    if (!(e->status & GIT_STATUS_WT_NEW) || !e->index_to_workdir) continue;
    std::string path = e->index_to_workdir->new_file.path;
    if (path.starts_with(prefix)) paths.push_back(std::move(path));
  }
  return paths;
}

}  // namespace autofix::git
