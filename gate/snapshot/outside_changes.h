// SPDX-License-Identifier: MIT
#pragma once
// A rollback undoes what the gate changed, not what others changed meanwhile. While an attempt runs
// (minutes of building and testing), the user may go on editing; a build or a test may write files
// into the source tree. Restoring the snapshot wholesale would revert or delete that work silently.
// So the operation records what the gate itself changed (the fix: the tree before it and right after
// it), and the rollback compares, path by path, the snapshot (S), the tree before the fix (P), the tree
// right after it (F) and the tree now (C):
//   - a path the fix did not change (P == F there) is left as it is now: a change there since the
//     snapshot was made by someone else, and is kept and reported;
//   - a path the fix changed is put back as it was before the fix (P), which is the snapshot's content
//     unless someone changed it before the fix was applied; if it was changed again after the fix
//     (C differs from F and from P), that version is set aside under refs/autofix/kept/<id> and reported.
// Before any fix ran, nothing in the tree is the gate's: every change is kept. While a fix is being
// applied (a fixer running), its changes and others' cannot be told apart: everything is restored, as
// the snapshot has it (and the tree found is kept under refs/autofix/discarded/<id>).
#include <git2.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/git/repository.h"
#include "gate/snapshot/restore.h"
#include "gate/snapshot/snapshot_store.h"

namespace autofix {

inline constexpr const char* kKeptRefPrefix = "refs/autofix/kept/";

// What the gate itself changed in the work tree, as far as it knows.
struct GateChanges {
  enum class State {
    none,     // nothing yet: every change found is someone else's
    unknown,  // a change is being applied (or the caller never said): restore everything
    known,    // the gate changed the tree from `before` to `after`
  };
  State state = State::unknown;
  git_oid before{};
  git_oid after{};
  // The gate process whose temporary files (write_file_atomically's "<file>.tmp-<pid>-<n>", a restore's
  // "<file>.autofix-tmp-<pid>-<n>") a kill may have left: never someone else's change. 0: none known.
  int gate_pid = 0;
};

// Whether `path` names a temporary file that process `pid` writes beside a file before renaming it.
bool is_gate_temporary(std::string_view path, int pid);
const char* to_string(GateChanges::State state) noexcept;
// nullopt for anything else.
std::optional<GateChanges::State> gate_changes_state_from(const std::string& text) noexcept;

// A path that changed during the operation without being the gate's change.
struct OutsideChange {
  enum class Action {
    kept,       // left as it is now
    set_aside,  // the fix had changed it too: the fix is undone there, the version found is under the kept ref
    restored,   // the fix had changed it and it was deleted afterwards: put back as before the fix
  };
  std::string path;
  FileStatus change = FileStatus::modified;  // the path now, against the snapshot
  Action action = Action::kept;
  bool operator==(const OutsideChange&) const = default;
};
const char* to_string(OutsideChange::Action action) noexcept;

struct RollbackPlan {
  snapshot::Manifest target;             // the snapshot, with what others changed taken as it is now
  std::vector<OutsideChange> outside;    // sorted by path
  std::vector<snapshot::Change> aside;   // the versions to set aside: path and state now
};

// Compares the snapshot's work tree, the tree now (`now`, see worktree_tree_now) and the gate's
// change (above). All trees must be in the object store with their blobs.
RollbackPlan plan_rollback(const git::Repository& repo, const snapshot::Manifest& snapshot, const git_oid& now,
                           const GateChanges& gate);

// The work tree now, as a tree object (blobs stored), scanned against the current index; `excluded`
// paths (the gate's build and report directories) are left out as if ignored.
git_oid worktree_tree_now(const git::Repository& repo, const std::vector<std::string>& excluded);

// Commits `aside` (their states, under their paths) and points refs/autofix/kept/<id> at it.
// Returns the ref's name.
std::string set_aside(const git::Repository& repo, const std::string& id, const std::vector<snapshot::Change>& aside);

struct Rollback {
  snapshot::RestoreReport restore;
  std::vector<OutsideChange> outside;
  std::optional<std::string> kept_ref;  // when something was set aside
};

// Restores `snapshot` as plan_rollback() says for `gate` (everything, when the state is unknown),
// and verifies it.
Rollback roll_back_to(const git::Repository& repo, const snapshot::StoredSnapshot& snapshot, const GateChanges& gate,
                      const snapshot::RestoreOptions& options = {});

// One line for people: "2 path(s) changed during the attempt by someone else were kept: 'a' (modified), ...".
// Empty when there is nothing to say.
std::string describe_outside_changes(const std::vector<OutsideChange>& outside, const std::optional<std::string>& kept_ref);

}  // namespace autofix
