// SPDX-License-Identifier: MIT
#include "gate/snapshot/outside_changes.h"

#include <algorithm>
#include <map>
#include <set>

#include "gate/git/handles.h"
#include "gate/git/signature.h"
#include "gate/snapshot/manifest.h"
#include "gate/snapshot/worktree_scan.h"
#include "gate/util/byte_names.h"
#include "gate/util/error.h"

namespace autofix {

namespace {

using snapshot::FileState;

git::TreePtr tree_of(const git::Repository& repo, const git_oid& oid, const char* what) {
  git::TreePtr tree;
  git::check(git_tree_lookup(git::out(tree), repo.get(), &oid), std::string("cannot read ") + what);
  return tree;
}

// The file at `path` in `tree`: nullopt when there is none (or a directory, or a submodule stands there).
std::optional<FileState> file_at(git_tree* tree, const std::string& path) {
  git::TreeEntryPtr entry;
  if (git_tree_entry_bypath(git::out(entry), tree, path.c_str()) != 0) {
    git_error_clear();
    return std::nullopt;
  }
  git_filemode_t mode = git_tree_entry_filemode(entry.get());
  if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE && mode != GIT_FILEMODE_LINK) return std::nullopt;
  return FileState{*git_tree_entry_id(entry.get()), static_cast<uint32_t>(mode)};
}

bool same(const std::optional<FileState>& a, const std::optional<FileState>& b) {
  return a.has_value() == b.has_value() && (!a || *a == *b);
}

// Every path a diff of the two trees names (submodules included: the caller skips them).
void add_changed_paths(const git::Repository& repo, git_tree* a, git_tree* b, std::set<std::string>& paths) {
  git::DiffPtr diff;
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  git::check(git_diff_tree_to_tree(git::out(diff), repo.get(), a, b, &opts), "cannot compare the work trees");
  for (size_t i = 0, n = git_diff_num_deltas(diff.get()); i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    paths.insert(d->old_file.path);
    paths.insert(d->new_file.path);
  }
}

bool is_submodule_in(git_tree* tree, const std::string& path) {
  git::TreeEntryPtr entry;
  if (git_tree_entry_bypath(git::out(entry), tree, path.c_str()) != 0) {
    git_error_clear();
    return false;
  }
  return git_tree_entry_filemode(entry.get()) == GIT_FILEMODE_COMMIT;
}

FileStatus change_of(const std::optional<FileState>& snapshot, const std::optional<FileState>& now) {
  if (!snapshot) return FileStatus::added;
  if (!now) return FileStatus::deleted;
  return FileStatus::modified;
}

}  // namespace

const char* to_string(GateChanges::State state) noexcept {
  switch (state) {
    case GateChanges::State::none: return "none";
    case GateChanges::State::unknown: return "unknown";
    case GateChanges::State::known: return "known";
  }
  return "unknown";
}

std::optional<GateChanges::State> gate_changes_state_from(const std::string& text) noexcept {
  for (GateChanges::State s : {GateChanges::State::none, GateChanges::State::unknown, GateChanges::State::known})
    if (text == to_string(s)) return s;
  return std::nullopt;
}

const char* to_string(OutsideChange::Action action) noexcept {
  switch (action) {
    case OutsideChange::Action::kept: return "kept";
    case OutsideChange::Action::set_aside: return "set_aside";
    case OutsideChange::Action::restored: return "restored";
  }
  return "kept";
}

bool is_gate_temporary(std::string_view path, int pid) {
  if (pid <= 0) return false;
  const std::string pid_part = std::to_string(pid) + "-";
  for (std::string_view marker : {".tmp-", ".autofix-tmp-"}) {
    std::string tag = std::string(marker) + pid_part;
    size_t at = path.rfind(tag);
    if (at == std::string_view::npos || at == 0 || path[at - 1] == '/') continue;
    std::string_view digits = path.substr(at + tag.size());
    if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos) return true;
  }
  return false;
}

RollbackPlan plan_rollback(const git::Repository& repo, const snapshot::Manifest& m, const git_oid& now,
                           const GateChanges& gate) {
  RollbackPlan plan;
  plan.target = m;
  if (gate.state == GateChanges::State::unknown) return plan;
  git::TreePtr s = tree_of(repo, m.worktree_tree, "the snapshot's work tree");
  git::TreePtr c = tree_of(repo, now, "the work tree as it is now");
  bool known = gate.state == GateChanges::State::known;
  git::TreePtr p = known ? tree_of(repo, gate.before, "the work tree before the fix") : nullptr;
  git::TreePtr f = known ? tree_of(repo, gate.after, "the work tree right after the fix") : nullptr;

  // Only paths where the snapshot differs from now or from the tree before the fix can differ from
  // the snapshot in the target.
  std::set<std::string> candidates;
  add_changed_paths(repo, s.get(), c.get(), candidates);
  if (known) add_changed_paths(repo, s.get(), p.get(), candidates);

  std::map<std::string, snapshot::Change> overrides;
  for (const std::string& path : candidates) {
    if (is_submodule_in(s.get(), path) || is_submodule_in(c.get(), path)) continue;  // left alone anyway
    std::optional<FileState> in_s = file_at(s.get(), path);
    // The gate's own temporary file, left by a kill between writing and renaming it: removed like
    // anything else the snapshot lacks.
    if (!in_s && is_gate_temporary(path, gate.gate_pid)) continue;
    std::optional<FileState> in_c = file_at(c.get(), path);
    std::optional<FileState> in_p = known ? file_at(p.get(), path) : in_s;
    std::optional<FileState> in_f = known ? file_at(f.get(), path) : in_s;
    bool fix_path = !same(in_p, in_f);
    std::optional<FileState> target = fix_path ? in_p : in_c;
    if (!same(target, in_s)) {
      snapshot::Change change;
      change.path = path;
      change.kind = !target ? snapshot::ChangeKind::deleted : in_s ? snapshot::ChangeKind::modified : snapshot::ChangeKind::added;
      if (target) change.state = *target;
      overrides[path] = change;
      if (!fix_path) plan.outside.push_back({path, change_of(in_s, in_c), OutsideChange::Action::kept});
    }
    if (fix_path && !same(in_c, in_f) && !same(in_c, target)) {
      if (in_c) {
        plan.aside.push_back({path, snapshot::ChangeKind::added, *in_c});
        plan.outside.push_back({path, change_of(in_s, in_c), OutsideChange::Action::set_aside});
      } else {
        plan.outside.push_back({path, FileStatus::deleted, OutsideChange::Action::restored});
      }
    } else if (fix_path && !same(target, in_s)) {
      // Changed by someone else before the fix was applied: the fix is undone, that change stays.
      plan.outside.push_back({path, change_of(in_s, target), OutsideChange::Action::kept});
    }
  }
  std::vector<snapshot::Change>& changes = plan.target.scan.changes;
  std::erase_if(changes, [&](const snapshot::Change& ch) { return overrides.count(ch.path) > 0; });
  for (auto& [path, change] : overrides) changes.push_back(std::move(change));
  std::sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  std::sort(plan.outside.begin(), plan.outside.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return plan;
}

git_oid worktree_tree_now(const git::Repository& repo, const std::vector<std::string>& excluded) {
  git::IndexPtr index;
  git::check(git_repository_index(git::out(index), repo.get()), "cannot open the index");
  git::check(git_index_read(index.get(), 0), "cannot read the index");
  std::optional<snapshot::FileStamp> stamp = snapshot::file_stamp((repo.git_dir() / "index").string());
  snapshot::ScanOptions options{stamp ? stamp->mtime : snapshot::Timestamp{}, true, excluded};
  snapshot::ScanResult scan = snapshot::scan_worktree(repo, index.get(), options);
  return snapshot::write_worktree_tree(repo, index.get(), scan);
}

std::string set_aside(const git::Repository& repo, const std::string& id, const std::vector<snapshot::Change>& aside) {
  git_oid tree_oid = snapshot::apply_changes(repo, nullptr, aside);
  git::TreePtr tree = tree_of(repo, tree_oid, "the tree of the versions set aside");
  git::CommitIdentity identity = git::commit_identity_or_fallback(repo);
  git::SignaturePtr author = git::make_signature(identity.author);
  git::SignaturePtr committer = git::make_signature(identity.committer);
  std::string message = "autofix-gate: versions edited during operation " + id +
                        " in files the fix had changed (the fix was undone there)\n";
  git_oid commit;
  git::check(git_commit_create(&commit, repo.get(), nullptr, author.get(), committer.get(), nullptr, message.c_str(),
                               tree.get(), 0, nullptr),
             "cannot record the versions set aside");
  std::string ref = std::string(kKeptRefPrefix) + id;
  git::ReferencePtr created;
  git::check(git_reference_create(git::out(created), repo.get(), ref.c_str(), &commit, 1, message.c_str()),
             "cannot create " + ref);
  return ref;
}

Rollback roll_back_to(const git::Repository& repo, const snapshot::StoredSnapshot& stored, const GateChanges& gate,
                      const snapshot::RestoreOptions& options) {
  Rollback out;
  if (gate.state == GateChanges::State::unknown) {
    out.restore = snapshot::restore_snapshot(repo, stored, options);
    return out;
  }
  git_oid now = worktree_tree_now(repo, stored.manifest.excluded);
  RollbackPlan plan = plan_rollback(repo, stored.manifest, now, gate);
  // Set aside first: once the restore has run, the edited versions are only in the discarded tree.
  if (!plan.aside.empty()) out.kept_ref = set_aside(repo, stored.manifest.id, plan.aside);
  out.restore = snapshot::restore_snapshot(repo, snapshot::StoredSnapshot{plan.target, stored.commit}, options);
  out.outside = std::move(plan.outside);
  return out;
}

std::string describe_outside_changes(const std::vector<OutsideChange>& outside, const std::optional<std::string>& kept_ref) {
  if (outside.empty()) return {};
  auto list = [&](OutsideChange::Action action) {
    std::string text;
    size_t n = 0;
    for (const OutsideChange& o : outside) {
      if (o.action != action) continue;
      if (n++ == 10) {
        text += ", ...";
        break;
      }
      text += (text.empty() ? "'" : ", '") + quoted_name(o.path) + "' (" + to_string(o.change) + ")";
    }
    return std::make_pair(n, text);
  };
  std::string out;
  if (auto [n, text] = list(OutsideChange::Action::kept); n > 0)
    out += std::to_string(n) + " path(s) changed during the operation by someone other than the fix were kept as they are: " + text;
  if (auto [n, text] = list(OutsideChange::Action::set_aside); n > 0)
    out += std::string(out.empty() ? "" : "; ") + std::to_string(n) +
           " file(s) the fix had changed were edited again afterwards: the fix was undone there and the edited "
           "version kept under " + kept_ref.value_or(kKeptRefPrefix) + " (`git show " + kept_ref.value_or(kKeptRefPrefix) +
           ":PATH`): " + text;
  if (auto [n, text] = list(OutsideChange::Action::restored); n > 0)
    out += std::string(out.empty() ? "" : "; ") + std::to_string(n) +
           " file(s) the fix had changed were deleted afterwards and put back as they were before the fix: " + text;
  return out;
}

}  // namespace autofix
