// SPDX-License-Identifier: MIT
#pragma once
// A batch's checkpoints as refs (docs/batch.md#checkpoints): recorded when a batch verified them, then
// listed, shown, validated, restored and cleaned up by `autofix-gate checkpoints ...`.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate/git/repository.h"
#include "gate/git/signature.h"
#include "gate/policy/batch_file.h"
#include "gate/policy/batch_plan.h"
#include "gate/policy/checkpoint_manifest.h"
#include "gate/results/attempt_result.h"
#include "gate/results/batch_result.h"
#include "gate/state/batch_record.h"
#include "gate/state/operation.h"

namespace autofix {

// Each checkpoint of `plan` as a commit (the snapshot's tree with the checkpoint's fixes applied in order,
// parent the snapshot's HEAD, the manifest as its message) under refs/autofix/checkpoints/<batch id>/<n>,
// created only where no such ref exists and kept by `op`'s rollback; a valid checkpoint of the same fixes
// and tree already there (a resumed batch killed after writing it) is kept as it is. `steps` are the
// batch's steps, in order. Throws Error(git) when a commit or ref cannot be written.
std::vector<BatchCheckpointResult> record_checkpoints(const git::Repository& repo, Operation& op, const std::string& batch_id,
                                                      const BatchFile& batch, const BatchPlan& plan,
                                                      const std::vector<BatchRecordStep>& steps,
                                                      const git::CommitIdentity& identity);

// A checkpoint as found under its ref.
struct CheckpointEntry {
  CheckpointId id;
  std::optional<std::string> commit;         // nullopt: the ref could not be read
  std::optional<CheckpointManifest> manifest;  // nullopt: the commit or its manifest could not be read
  std::vector<std::string> problems;         // empty: valid (as far as it was checked)
  bool valid() const { return problems.empty(); }
};

// Every checkpoint (of `batch` only, when given), ordered by batch id then number; the manifest hash and
// tree are checked, the objects are not (see inspect_checkpoint).
std::vector<CheckpointEntry> list_checkpoints(const git::Repository& repo, const std::optional<std::string>& batch);

// One checkpoint, fully checked: its commit and every object of its tree exist, its manifest reads, its
// recorded hash matches its fields, its tree is the commit's. Throws Error(usage) when there is no such ref.
CheckpointEntry inspect_checkpoint(const git::Repository& repo, const CheckpointId& id);

struct CheckpointRestore {
  std::string snapshot_id;          // the work tree before the restore: `autofix-gate restore <id>` undoes it
  std::vector<std::string> paths;   // the paths written or removed
};

// Makes the work tree equal to the checkpoint's tree: under the lock and journal, a snapshot first (an
// Operation, as attempt takes one), then only the paths that differ are written or removed (a file the
// checkpoint lacks is removed, untracked ones included; ignored files and the manifest's excluded
// directories are not touched; HEAD and the index stay), then the tree is scanned again and compared; a
// mismatch is Error(verification) and the snapshot is put back. A checkpoint that fails inspection is
// refused (Error(verification)) before anything changes.
CheckpointRestore restore_checkpoint(const git::Repository& repo, const CheckpointId& id, const std::string& command_line,
                                     const MessageSink& say);

// `checkpoints cleanup`: removes (unless `dry_run`) the refs of the checkpoints beyond the `keep` newest and
// (when given) older than `older_than`, under the lock; returns their ids, oldest first. Throws
// Error(usage) when neither limit is given.
std::vector<std::string> cleanup_checkpoints(const git::Repository& repo, std::optional<std::size_t> keep,
                                             std::optional<std::chrono::system_clock::duration> older_than,
                                             bool dry_run, const std::string& command_line, const MessageSink& say);

// `--json` of list and show: {id, ref, commit, valid, problems, and the manifest's fields or null}.
nlohmann::json checkpoint_json(const CheckpointEntry& e);
// One line for `list`: "<id>  <fixes>  <tests>  <created>" (or the problem).
std::string checkpoint_line(const CheckpointEntry& e);

}  // namespace autofix
