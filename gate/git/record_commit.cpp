// SPDX-License-Identifier: MIT
#include "gate/git/record_commit.h"

#include "gate/util/error.h"

namespace autofix::git {

namespace {

void collect_missing(git_repository* r, git_odb* odb, const git_oid& tree, const std::string& path,
                     std::size_t limit, std::vector<std::string>& missing) {
  if (missing.size() >= limit) return;
  TreePtr t;
  if (!git_odb_exists(odb, &tree) || git_tree_lookup(out(t), r, &tree) != 0) {
    git_error_clear();
    missing.push_back((path.empty() ? std::string("the tree") : path) + " (" + to_hex(tree) + ")");
    return;
  }
  const std::size_t n = git_tree_entrycount(t.get());
  for (std::size_t i = 0; i < n && missing.size() < limit; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(t.get(), i);
    const std::string child = (path.empty() ? "" : path + "/") + git_tree_entry_name(e);
    const git_oid* id = git_tree_entry_id(e);
    switch (git_tree_entry_type(e)) {
      case GIT_OBJECT_TREE: collect_missing(r, odb, *id, child, limit, missing); break;
      case GIT_OBJECT_COMMIT: break;  // a submodule: its commit lives in another repository
      default:
        if (!git_odb_exists(odb, id)) missing.push_back(child + " (" + to_hex(*id) + ")");
    }
  }
}

}  // namespace

git_oid write_record_commit(const Repository& repo, const git_oid& tree, const std::optional<git_oid>& parent,
                            const std::string& message, const CommitIdentity& identity) {
  git_repository* r = repo.get();
  TreePtr t;
  check(git_tree_lookup(out(t), r, &tree), "cannot read the tree " + to_hex(tree));
  CommitPtr p;
  if (parent) check(git_commit_lookup(out(p), r, &*parent), "cannot read the commit " + to_hex(*parent));
  SignaturePtr author = make_signature(identity.author);
  SignaturePtr committer = make_signature(identity.committer);
  const git_commit* parents[] = {p.get()};
  git_oid commit;
  check(git_commit_create(&commit, r, nullptr, author.get(), committer.get(), nullptr, message.c_str(), t.get(),
                          p ? 1 : 0, parents),
        "cannot write a commit of the tree " + to_hex(tree));
  return commit;
}

void create_new_reference(const Repository& repo, const std::string& name, const git_oid& target,
                          const std::string& log_message) {
  ReferencePtr ref;
  check(git_reference_create(out(ref), repo.get(), name.c_str(), &target, 0, log_message.c_str()),
        "cannot create the ref " + name);
}

std::optional<git_oid> reference_target(const Repository& repo, const std::string& name) {
  ReferencePtr ref;
  int rc = git_reference_lookup(out(ref), repo.get(), name.c_str());
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return std::nullopt;
  }
  check(rc, "cannot read the ref " + name);
  const git_oid* target = git_reference_target(ref.get());
  if (!target) throw Error(ErrorKind::git, "the ref " + name + " is symbolic, not a checkpoint's",
                           "remove it with `git update-ref -d --no-deref " + name + "`");
  return *target;
}

std::optional<RecordCommit> read_record_commit(const Repository& repo, const git_oid& id) {
  CommitPtr c;
  if (git_commit_lookup(out(c), repo.get(), &id) != 0) {
    git_error_clear();
    return std::nullopt;
  }
  const char* raw = git_commit_message_raw(c.get());
  return RecordCommit{*git_commit_tree_id(c.get()), raw ? raw : ""};
}

std::vector<std::string> missing_objects(const Repository& repo, const git_oid& tree, std::size_t limit) {
  OdbPtr odb;
  check(git_repository_odb(out(odb), repo.get()), "cannot open the object database");
  std::vector<std::string> missing;
  collect_missing(repo.get(), odb.get(), tree, "", limit, missing);
  return missing;
}

}  // namespace autofix::git
