// SPDX-License-Identifier: MIT
#pragma once
// Automatic retention (docs/configuration.md#retention): what an attempt or verify removes of the gate's
// history when it ends, under the repository's lock, by the rule of gate/policy/retention.h.
#include <cstddef>
#include <optional>
#include <string>

#include "gate/git/repository.h"
#include "gate/policy/retention.h"

namespace autofix {

struct RetentionOutcome {
  std::size_t snapshots = 0;  // refs/autofix/snapshots/* removed
  std::size_t discarded = 0;  // refs/autofix/discarded/* removed
  std::size_t saved_state = 0;  // .git/autofix/state/<id>/ of snapshots that are gone, removed
  std::size_t baselines = 0;  // .git/autofix/baselines/*.json removed
  std::size_t batch_records = 0;       // .git/autofix/batches/<id>/ removed
  std::size_t checkpoint_batches = 0;  // batches whose refs/autofix/checkpoints/<id>/* were removed
};

// Removes the snapshots (with their saved state), discarded work trees and stored baselines beyond `rule`, never the snapshot an
// unfinished operation's journal names, nor `snapshot_in_use` (this run's), nor `baseline_in_use` (marked
// as just used first). Call it
// with the repository's lock held. Nothing when the rule is turned off. Throws Error when a ref or a file
// cannot be listed or removed (the caller says so as a warning: the run's outcome stands).
// Batch records (`batch --resume`) and a batch's checkpoints go by the snapshots' rule, by the time in the
// batch's id, never `batch_in_use`'s.
RetentionOutcome apply_retention(const git::Repository& repo, const RetentionConfig& rule,
                                 const std::optional<std::string>& snapshot_in_use,
                                 const std::optional<std::string>& baseline_in_use,
                                 const std::optional<std::string>& batch_in_use = std::nullopt);

}  // namespace autofix
