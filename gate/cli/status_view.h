// SPDX-License-Identifier: MIT
#pragma once
// Text and JSON renderings of the gate's state: snapshots, lock, journal, and what a restore did.
// Pure formatting: no git calls, no file system.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate/state/journal.h"
#include "gate/state/lock.h"
#include "gate/snapshot/manifest.h"
#include "gate/snapshot/restore.h"

namespace autofix::reporters {

// A batch that was interrupted before it ended: `batch --resume ID` continues it (docs/batch.md).
struct ResumableBatch {
  std::string id;
  std::string started;
  std::string source;       // the batch file or patch directory
  std::size_t fixes = 0;
  std::size_t steps_done = 0;
};

struct StatusModel {
  std::string workdir;
  std::optional<LockHolder> lock;                 // who holds the lock, if anyone
  std::optional<JournalEntry> unfinished;         // an interrupted operation waiting for `recover`
  std::optional<std::string> git_operation;       // "merge", "rebase", ... in progress
  std::vector<snapshot::Manifest> snapshots;      // oldest first
  std::vector<ResumableBatch> resumable_batches;  // sorted by id
};

nlohmann::json resumable_batches_json(const std::vector<ResumableBatch>& batches);

nlohmann::json snapshot_summary_json(const snapshot::Manifest& m);
nlohmann::json status_json(const StatusModel& status);
std::string status_text(const StatusModel& status);
std::string snapshot_list_text(const std::vector<snapshot::Manifest>& snapshots);

nlohmann::json restore_json(const std::string& snapshot_id, const snapshot::RestoreReport& report);
std::string restore_text(const std::string& snapshot_id, const snapshot::RestoreReport& report);

}  // namespace autofix::reporters
