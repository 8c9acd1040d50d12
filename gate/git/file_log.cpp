// SPDX-License-Identifier: MIT
#include "gate/git/file_log.h"

#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

#include "gate/util/error.h"

namespace autofix::git {

namespace {

using TreeBuilderPtr = std::unique_ptr<git_treebuilder, Deleter<git_treebuilder_free>>;
using RemotePtr = std::unique_ptr<git_remote, Deleter<git_remote_free>>;

void check_log_path(const std::string& path) {
  bool bad = path.empty() || path.front() == '/' || path.back() == '/' || path.find('\0') != std::string::npos;
  for (std::size_t start = 0; !bad && start <= path.size();) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string_view part(path.data() + start, end - start);
    bad = part.empty() || part == "." || part == ".." || part == ".git";
    start = end + 1;
  }
  if (bad) throw Error(ErrorKind::internal, "not a path a log can hold: '" + path + "'");
}

git_oid empty_tree(git_repository* r) {
  TreeBuilderPtr builder;
  check(git_treebuilder_new(out(builder), r, nullptr), "cannot start an empty tree");
  git_oid id;
  check(git_treebuilder_write(&id, builder.get()), "cannot write an empty tree");
  return id;
}

TreePtr lookup_tree(git_repository* r, const git_oid& id) {
  TreePtr tree;
  check(git_tree_lookup(out(tree), r, &id), "cannot read the tree " + to_hex(id));
  return tree;
}

git_oid tree_of_commit(git_repository* r, const git_oid& commit) {
  CommitPtr c;
  check(git_commit_lookup(out(c), r, &commit), "cannot read the commit " + to_hex(commit));
  return *git_commit_tree_id(c.get());
}

git_oid write_commit(git_repository* r, const git_oid& tree, const std::vector<git_oid>& parents,
                     const std::string& message, const CommitIdentity& identity) {
  TreePtr t = lookup_tree(r, tree);
  std::vector<CommitPtr> owned;
  std::vector<const git_commit*> raw;
  for (const git_oid& p : parents) {
    owned.emplace_back();
    check(git_commit_lookup(out(owned.back()), r, &p), "cannot read the commit " + to_hex(p));
    raw.push_back(owned.back().get());
  }
  SignaturePtr author = make_signature(identity.author);
  SignaturePtr committer = make_signature(identity.committer);
  git_oid commit;
  check(git_commit_create(&commit, r, nullptr, author.get(), committer.get(), nullptr, message.c_str(), t.get(),
                          raw.size(), raw.data()),
        "cannot write a commit of the tree " + to_hex(tree));
  return commit;
}

// Moves `ref` from `old` (nullopt: there must be no such ref) to `target`. false when the ref was not at
// `old` any more (another writer won the race); throws for any other failure.
bool move_ref(git_repository* r, const std::string& ref, const std::optional<git_oid>& old, const git_oid& target,
              const std::string& log_message) {
  ReferencePtr created;
  int rc = old ? git_reference_create_matching(out(created), r, ref.c_str(), &target, 1, &*old, log_message.c_str())
               : git_reference_create(out(created), r, ref.c_str(), &target, 0, log_message.c_str());
  if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ELOCKED) {
    git_error_clear();
    return false;
  }
  check(rc, "cannot move the ref " + ref + " to " + to_hex(target));
  return true;
}

[[noreturn]] void give_up_race(const std::string& ref, int attempts) {
  throw Error(ErrorKind::git,
              "the ref " + ref + " kept moving while the gate wrote to it (" + std::to_string(attempts) + " attempts)",
              "another process is writing to it; run the command again");
}

git_oid union_tree(git_repository* r, const git_oid& ours, const git_oid& theirs, const std::string& prefix,
                   std::vector<std::string>& conflicts) {
  if (equal(ours, theirs)) return ours;
  TreePtr our_tree = lookup_tree(r, ours);
  TreePtr their_tree = lookup_tree(r, theirs);
  TreeBuilderPtr builder;
  check(git_treebuilder_new(out(builder), r, our_tree.get()), "cannot start a tree from " + to_hex(ours));
  bool changed = false;
  const std::size_t n = git_tree_entrycount(their_tree.get());
  for (std::size_t i = 0; i < n; ++i) {
    const git_tree_entry* theirs_entry = git_tree_entry_byindex(their_tree.get(), i);
    const char* name = git_tree_entry_name(theirs_entry);
    const git_tree_entry* ours_entry = git_tree_entry_byname(our_tree.get(), name);
    const std::string path = prefix + name;
    if (!ours_entry) {
      check(git_treebuilder_insert(nullptr, builder.get(), name, git_tree_entry_id(theirs_entry),
                                   git_tree_entry_filemode(theirs_entry)),
            "cannot add " + path + " to a merged tree");
      changed = true;
      continue;
    }
    const git_oid& a = *git_tree_entry_id(ours_entry);
    const git_oid& b = *git_tree_entry_id(theirs_entry);
    if (equal(a, b)) continue;
    if (git_tree_entry_type(ours_entry) == GIT_OBJECT_TREE && git_tree_entry_type(theirs_entry) == GIT_OBJECT_TREE) {
      const git_oid merged = union_tree(r, a, b, path + "/", conflicts);
      if (!equal(merged, a)) {
        check(git_treebuilder_insert(nullptr, builder.get(), name, &merged, GIT_FILEMODE_TREE),
              "cannot add " + path + " to a merged tree");
        changed = true;
      }
      continue;
    }
    conflicts.push_back(path);
  }
  if (!changed) return ours;
  git_oid id;
  check(git_treebuilder_write(&id, builder.get()), "cannot write a merged tree");
  return id;
}

}  // namespace

std::optional<git_oid> log_head(const Repository& repo, const std::string& ref) {
  ReferencePtr r;
  int rc = git_reference_lookup(out(r), repo.get(), ref.c_str());
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return std::nullopt;
  }
  check(rc, "cannot read the ref " + ref);
  const git_oid* target = git_reference_target(r.get());
  if (!target) throw Error(ErrorKind::git, "the ref " + ref + " is symbolic, not a log's",
                           "remove it with `git update-ref -d --no-deref " + ref + "`");
  return *target;
}

git_oid log_tree(const Repository& repo, const git_oid& commit) { return tree_of_commit(repo.get(), commit); }

LogAppend append_to_log(const Repository& repo, const std::string& ref, const std::vector<LogFile>& files,
                        const std::string& message, const CommitIdentity& identity, const LogOptions& options) {
  git_repository* r = repo.get();
  std::map<std::string, const LogFile*> unique;
  for (const LogFile& f : files) {
    check_log_path(f.path);
    auto [it, inserted] = unique.emplace(f.path, &f);
    if (!inserted && it->second->bytes != f.bytes)
      throw Error(ErrorKind::internal, "two different files for " + f.path + " in one append to " + ref);
  }
  for (int attempt = 0; attempt < options.attempts; ++attempt) {
    const std::optional<git_oid> head = log_head(repo, ref);
    const git_oid base_id = head ? tree_of_commit(r, *head) : empty_tree(r);
    TreePtr base = lookup_tree(r, base_id);
    LogAppend result;
    std::vector<git_oid> blobs;
    std::vector<std::string> paths;
    std::set<std::string> seen;
    for (const LogFile& f : files) {
      if (!seen.insert(f.path).second) continue;
      git_oid blob;
      check(git_odb_hash(&blob, f.bytes.data(), f.bytes.size(), GIT_OBJECT_BLOB), "cannot hash " + f.path);
      TreeEntryPtr entry;
      int rc = git_tree_entry_bypath(out(entry), base.get(), f.path.c_str());
      if (rc == 0) {
        if (git_tree_entry_type(entry.get()) == GIT_OBJECT_BLOB && equal(*git_tree_entry_id(entry.get()), blob)) continue;
        throw Error(ErrorKind::git, "the log " + ref + " holds " + f.path + " already, with other content",
                    "records are never rewritten; write this one under a new name");
      }
      if (rc != GIT_ENOTFOUND) check(rc, "cannot look up " + f.path + " in the log " + ref);
      git_error_clear();
      check(git_blob_create_from_buffer(&blob, r, f.bytes.data(), f.bytes.size()), "cannot store " + f.path);
      blobs.push_back(blob);
      paths.push_back(f.path);
    }
    if (paths.empty()) return result;
    std::vector<git_tree_update> updates(paths.size());
    for (std::size_t i = 0; i < paths.size(); ++i)
      updates[i] = git_tree_update{GIT_TREE_UPDATE_UPSERT, blobs[i], GIT_FILEMODE_BLOB, paths[i].c_str()};
    git_oid tree;
    check(git_tree_create_updated(&tree, r, base.get(), updates.size(), updates.data()),
          "cannot add " + paths.front() + " to the log " + ref);
    const git_oid commit = write_commit(r, tree, head ? std::vector<git_oid>{*head} : std::vector<git_oid>{},
                                        message, identity);
    if (options.before_update) options.before_update(ref);
    if (move_ref(r, ref, head, commit, message.substr(0, message.find('\n')))) {
      result.commit = commit;
      result.added = std::move(paths);
      return result;
    }
  }
  give_up_race(ref, options.attempts);
}

std::vector<LogEntry> list_log_directory(const Repository& repo, const git_oid& tree, const std::string& dir) {
  git_repository* r = repo.get();
  TreePtr root = lookup_tree(r, tree);
  TreePtr sub;
  git_tree* t = root.get();
  if (!dir.empty()) {
    TreeEntryPtr entry;
    int rc = git_tree_entry_bypath(out(entry), root.get(), dir.c_str());
    if (rc == GIT_ENOTFOUND) {
      git_error_clear();
      return {};
    }
    check(rc, "cannot look up " + dir + " in the tree " + to_hex(tree));
    if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) return {};
    sub = lookup_tree(r, *git_tree_entry_id(entry.get()));
    t = sub.get();
  }
  std::vector<LogEntry> entries;
  const std::size_t n = git_tree_entrycount(t);
  entries.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(t, i);
    if (git_tree_entry_type(e) != GIT_OBJECT_TREE && git_tree_entry_type(e) != GIT_OBJECT_BLOB) continue;
    entries.push_back(LogEntry{git_tree_entry_name(e), git_tree_entry_type(e) == GIT_OBJECT_TREE, *git_tree_entry_id(e)});
  }
  return entries;
}

std::optional<std::string> read_log_blob(const Repository& repo, const git_oid& id) {
  BlobPtr blob;
  if (git_blob_lookup(out(blob), repo.get(), &id) != 0) {
    git_error_clear();
    return std::nullopt;
  }
  const char* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
  return std::string(data, static_cast<std::size_t>(git_blob_rawsize(blob.get())));
}

std::optional<std::string> read_log_file(const Repository& repo, const git_oid& tree, const std::string& path) {
  TreePtr root = lookup_tree(repo.get(), tree);
  TreeEntryPtr entry;
  if (git_tree_entry_bypath(out(entry), root.get(), path.c_str()) != 0) {
    git_error_clear();
    return std::nullopt;
  }
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) return std::nullopt;
  return read_log_blob(repo, *git_tree_entry_id(entry.get()));
}

LogMerge merge_into_log(const Repository& repo, const std::string& ref, const git_oid& other,
                        const std::string& message, const CommitIdentity& identity, const LogOptions& options) {
  git_repository* r = repo.get();
  const std::string reflog = message.substr(0, message.find('\n'));
  for (int attempt = 0; attempt < options.attempts; ++attempt) {
    LogMerge result;
    const std::optional<git_oid> head = log_head(repo, ref);
    if (head && equal(*head, other)) return result;
    if (head) {
      int rc = git_graph_descendant_of(r, &*head, &other);
      check(rc, "cannot compare " + ref + " with " + to_hex(other));
      if (rc == 1) return result;
      rc = git_graph_descendant_of(r, &other, &*head);
      check(rc, "cannot compare " + ref + " with " + to_hex(other));
      result.fast_forward = rc == 1;
    } else {
      result.fast_forward = true;
    }
    git_oid target = other;
    if (!result.fast_forward) {
      const git_oid tree = union_tree(r, tree_of_commit(r, *head), tree_of_commit(r, other), "", result.conflicts);
      target = write_commit(r, tree, {*head, other}, message, identity);
    }
    if (options.before_update) options.before_update(ref);
    if (move_ref(r, ref, head, target, reflog)) {
      result.commit = target;
      return result;
    }
  }
  give_up_race(ref, options.attempts);
}

namespace {

RemotePtr open_remote(git_repository* r, const std::string& remote) {
  RemotePtr handle;
  int rc = git_remote_lookup(out(handle), r, remote.c_str());
  if (rc == 0) return handle;
  if (rc != GIT_ENOTFOUND && rc != GIT_EINVALIDSPEC) check(rc, "cannot read the remote " + remote);
  git_error_clear();
  check(git_remote_create_anonymous(out(handle), r, remote.c_str()),
        "'" + remote + "' is neither a configured remote nor a path or URL git can reach");
  return handle;
}

struct PushStatus {
  std::vector<std::string> rejected;  // "<ref>: <why>"
};

int on_push_update(const char* refname, const char* status, void* payload) {
  if (status) static_cast<PushStatus*>(payload)->rejected.push_back(std::string(refname) + ": " + status);
  return 0;
}

}  // namespace

LogSync sync_log(const Repository& repo, const std::string& ref, const std::string& remote,
                 const CommitIdentity& identity, const SyncOptions& options) {
  git_repository* r = repo.get();
  const std::string temporary = "refs/autofix/sync/" + std::to_string(::getpid()) + ref.substr(ref.rfind('/'));
  LogSync result;
  for (int round = 0; round < options.attempts; ++round) {
    git_reference_remove(r, temporary.c_str());
    git_error_clear();
    {
      RemotePtr handle = open_remote(r, remote);
      const std::string spec = "+" + ref + ":" + temporary;
      char* specs[] = {const_cast<char*>(spec.c_str())};
      const git_strarray refspecs{specs, 1};
      git_fetch_options fetch = GIT_FETCH_OPTIONS_INIT;
      fetch.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
      fetch.update_fetchhead = 0;
      check(git_remote_fetch(handle.get(), &refspecs, &fetch, "autofix-gate sync"),
            "cannot fetch " + ref + " from " + remote);
    }
    std::optional<git_oid> theirs = log_head(repo, temporary);
    git_reference_remove(r, temporary.c_str());
    git_error_clear();
    if (theirs) {
      result.fetched = true;
      LogMerge merge = merge_into_log(repo, ref, *theirs, "autofix-gate: merge " + ref + " from " + remote + "\n",
                                      identity, options.log);
      result.conflicts.insert(result.conflicts.end(), merge.conflicts.begin(), merge.conflicts.end());
      if (merge.commit) result.merge = std::move(merge);
    }
    const std::optional<git_oid> ours = log_head(repo, ref);
    if (!ours || (theirs && equal(*ours, *theirs))) return result;
    if (options.before_push) options.before_push(round);
    RemotePtr handle = open_remote(r, remote);
    const std::string spec = ref + ":" + ref;
    char* specs[] = {const_cast<char*>(spec.c_str())};
    const git_strarray refspecs{specs, 1};
    PushStatus status;
    git_push_options push = GIT_PUSH_OPTIONS_INIT;
    push.callbacks.push_update_reference = on_push_update;
    push.callbacks.payload = &status;
    int rc = git_remote_push(handle.get(), &refspecs, &push);
    if (rc == GIT_ENONFASTFORWARD || (rc == 0 && !status.rejected.empty())) {
      git_error_clear();
      ++result.rejected_pushes;
      continue;
    }
    check(rc, "cannot push " + ref + " to " + remote);
    result.pushed = true;
    return result;
  }
  throw Error(ErrorKind::git,
              "cannot push " + ref + " to " + remote + ": it moved " + std::to_string(result.rejected_pushes) +
                  " times while the gate merged it",
              "others are pushing to it; run `autofix-gate history sync` again");
}

}  // namespace autofix::git
