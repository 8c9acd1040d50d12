// SPDX-License-Identifier: MIT
#include "gate/git/commit_walk.h"

#include "gate/util/error.h"

namespace autofix::git {

namespace {

using RevwalkPtr = std::unique_ptr<git_revwalk, Deleter<git_revwalk_free>>;

// libgit2's trailer list, freed with its own function.
struct Trailers {
  git_message_trailer_array array{};
  ~Trailers() { git_message_trailer_array_free(&array); }
};

std::vector<std::pair<std::string, std::string>> trailers_of(const char* message) {
  Trailers t;
  if (git_message_trailers(&t.array, message) < 0) {  // a message git cannot parse has no trailers
    git_error_clear();
    return {};
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t i = 0; i < t.array.count; ++i) out.emplace_back(t.array.trailers[i].key, t.array.trailers[i].value);
  return out;
}

}  // namespace

bool is_ancestor(const Repository& repo, const git_oid& ancestor, const git_oid& descendant) {
  if (git_oid_equal(&ancestor, &descendant)) return true;
  int rc = git_graph_descendant_of(repo.get(), &descendant, &ancestor);
  check(rc < 0 ? rc : 0, "cannot tell whether " + to_hex(ancestor) + " is an ancestor of " + to_hex(descendant));
  return rc == 1;
}

WalkedCommit read_walked_commit(const Repository& repo, const git_oid& id) {
  CommitPtr c;
  check(git_commit_lookup(out(c), repo.get(), &id), "cannot read commit " + to_hex(id));
  WalkedCommit w;
  w.id = id;
  w.tree = *git_commit_tree_id(c.get());
  w.parents = git_commit_parentcount(c.get());
  if (w.parents > 0) w.first_parent = *git_commit_parent_id(c.get(), 0);
  const char* summary = git_commit_summary(c.get());
  w.summary = summary ? summary : "";
  const char* message = git_commit_message(c.get());
  w.message = message ? message : "";
  w.trailers = trailers_of(message);
  w.time = static_cast<std::int64_t>(git_commit_time(c.get()));
  return w;
}

std::vector<WalkedCommit> first_parent_commits_since(const Repository& repo, const git_oid& since, const git_oid& head) {
  RevwalkPtr walk;
  check(git_revwalk_new(out(walk), repo.get()), "cannot walk the history");
  git_revwalk_simplify_first_parent(walk.get());
  check(git_revwalk_push(walk.get(), &head), "cannot walk from " + to_hex(head));
  std::vector<WalkedCommit> out_commits;
  git_oid id;
  for (int rc; (rc = git_revwalk_next(&id, walk.get())) == 0;) {
    if (git_oid_equal(&id, &since)) return out_commits;
    out_commits.push_back(read_walked_commit(repo, id));
  }
  git_error_clear();
  throw Error(ErrorKind::usage,
              "commit " + to_hex(since) + " is not on the first-parent line of " + to_hex(head),
              "pick a commit of this branch's own history (`git log --first-parent`)");
}

}  // namespace autofix::git
