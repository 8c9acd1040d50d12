// SPDX-License-Identifier: MIT
#include "gate/run/versions.h"

#include <map>

#include "gate/git/commit_walk.h"
#include "gate/git/handles.h"
#include "gate/git/reference.h"
#include "gate/git/revision.h"
#include "gate/policy/rollback_scope.h"
#include "gate/state/history_store.h"
#include "gate/util/error.h"

namespace autofix {

namespace {

// Tag names by the commit they name (annotated tags peeled).
std::map<std::string, std::vector<std::string>> tags_by_commit(const git::Repository& repo) {
  std::map<std::string, std::vector<std::string>> out;
  for (const std::string& name : git::reference_names_under(repo, "refs/tags/")) {
    git::RevisionLookup found = git::lookup_commit(repo, "refs/tags/" + name);
    if (found.outcome == git::RevisionLookup::Outcome::commit) out[git::to_hex(found.commit.id)].push_back(name);
  }
  return out;
}

// The records that judged a commit as it is: verify (its head), health, a rollback's check.
std::vector<Judgment> judgments(const git::Repository& repo) {
  HistoryStore store(repo);
  std::vector<Judgment> out;
  const auto judging = [](const HistoryRecord& r) {
    return (r.command == "verify" || r.command == "health" || r.command == "rollback") && !r.head.empty();
  };
  for (const HistoryRecord& r : store.newest(static_cast<std::size_t>(-1), judging))
    out.push_back({.commit = r.head, .command = r.command, .record_id = r.id, .verdict = r.verdict, .when = r.ended});
  return out;
}

}  // namespace

std::vector<KnownVersion> read_versions(const git::Repository& repo, std::size_t limit) {
  git::RevisionLookup head = git::lookup_commit(repo, "HEAD");
  if (head.outcome != git::RevisionLookup::Outcome::commit)
    throw Error(ErrorKind::usage, "HEAD names no commit yet: there are no versions");
  const auto tags = tags_by_commit(repo);
  std::vector<BranchCommit> commits;
  std::optional<git_oid> at = head.commit.id;
  while (at && commits.size() < limit) {
    git::WalkedCommit w = git::read_walked_commit(repo, *at);
    BranchCommit c{.id = git::to_hex(w.id), .time = w.time, .summary = w.summary,
                   .autofix = is_autofix_commit(w.trailers), .tags = {}};
    if (auto it = tags.find(c.id); it != tags.end()) c.tags = it->second;
    commits.push_back(std::move(c));
    at = w.first_parent;
  }
  return known_versions(commits, judgments(repo));
}

std::string last_green_commit(const git::Repository& repo, std::size_t limit) {
  std::optional<KnownVersion> green = last_green(read_versions(repo, limit));
  if (!green)
    throw Error(ErrorKind::usage,
                "no commit of this branch's last " + std::to_string(limit) + " was judged green (verify, health or a rollback's check)",
                "run `autofix-gate verify --base <older> --head <commit>` on a commit you trust, or pass --to REF");
  return green->commit.id;
}

}  // namespace autofix
