// SPDX-License-Identifier: MIT
#pragma once
// `autofix-gate batch`: a batch of fixes judged against one snapshot and one baseline, by one of the four
// strategies (gate/policy/batch_plan.h); accepted fixes become one commit each, in order (docs/batch.md).
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "gate/results/batch_result.h"
#include "gate/run/session.h"

namespace autofix {

struct BatchOptions : SessionOptions {
  std::optional<std::filesystem::path> batch_file;  // or
  std::optional<std::filesystem::path> patch_dir;
  std::optional<BatchStrategy> strategy;            // unset: the file's, else best_effort
  std::size_t checkpoint_every = 3;
  OnAccept on_accept = OnAccept::branch;
  bool dry_run = false;  // print the plan; change, build and judge nothing (exit 5)
  // Continue the interrupted batch with this id from its record (gate/state/batch_record.h) instead of
  // reading a batch: its fixes, strategy, checkpoint_every and on_accept are the record's.
  std::optional<std::string> resume;
};

struct BatchOutcome {
  BatchResult result;
  std::filesystem::path report_dir;
  int exit_code = 0;
};

// Throws Error for problems found before anything changed (the batch file, usage, repository state,
// lock); everything later is in the result (outcome error, exit 4), except an interrupt, after which
// the snapshot is restored as the exception unwinds.
BatchOutcome run_batch(const BatchOptions& options, reporters::Progress& progress);

}  // namespace autofix
