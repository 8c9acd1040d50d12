// SPDX-License-Identifier: MIT
#pragma once
// The results model of `autofix-gate batch` (docs/batch.md, docs/reports.md): what reporters/batch_report
// writes as report.json, junit.xml and summary.md.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "gate/results/batch_strategy.h"
#include "gate/results/fix_verdict.h"
#include "gate/results/on_accept.h"

namespace autofix {

struct BatchFixResult {
  std::string id;
  std::string source;  // the patch as the batch file names it
  FixVerdict verdict = FixVerdict::pending;
  std::string reason;
  std::vector<std::string> depends_on;
  std::vector<std::string> commits;       // the commits that landed it (one, or none)
  std::vector<std::string> tests_fixed;   // in the step that decided it: FAIL_TO_PASS
  std::vector<std::string> tests_broken;  // in the step that decided it: its regressions
  std::optional<std::size_t> step;        // the deciding step, 1-based
  std::optional<std::string> partner;     // interaction: the fix it fails together with
};

struct BatchStepResult {
  std::vector<std::string> set;  // fix ids, in the order applied
  std::string purpose;
  std::string verdict;  // passed, failed or not_applied
  std::string reason;
  double seconds = 0;  // apply + build + test
  // The step's own report.json, relative to the batch's report directory ("steps/3/report.json"); none for
  // a step that built nothing (a patch that did not apply) or whose reports could not be written.
  std::optional<std::string> report{};
};

// A verified set kept as a checkpoint: the ref refs/autofix/checkpoints/<batch id>/<number> names a commit
// of the tree with these fixes (docs/batch.md#checkpoints).
struct BatchCheckpointResult {
  std::size_t number = 0;  // 1-based
  std::vector<std::string> fixes;  // the verified set, in order
  std::size_t step = 0;            // the step that verified it, 1-based
  std::string ref;
  std::string commit;
};

// A batch continued by `batch --resume ID` after an interruption (docs/batch.md).
struct BatchResume {
  std::size_t steps_read_back = 0;  // steps whose outcome the record gave, not judged again
  std::size_t steps_judged_now = 0;
};

struct BatchResult {
  std::string batch_id;
  std::string started;  // ISO 8601 UTC
  std::string source;   // the batch file or patch directory
  BatchStrategy strategy = BatchStrategy::best_effort;
  std::size_t checkpoint_every = 3;
  OnAccept on_accept = OnAccept::branch;
  bool dry_run = false;
  // ok (every fix accepted), partial (some fix not accepted), error (the batch could not be judged)
  std::string outcome = "error";
  std::string reason;
  std::vector<BatchFixResult> fixes;  // in the batch file's order
  std::vector<BatchStepResult> steps;
  std::vector<BatchCheckpointResult> checkpoints;  // the verified sets, in order
  std::vector<std::string> branches;                   // written by --on-accept branch
  std::optional<std::string> commit;                   // the last accepted commit (branch or commit)
  std::optional<BatchResume> resumed;                  // set when this run resumed an interrupted batch
  std::size_t runs = 0;
  std::size_t one_by_one_runs = 0;
  double seconds = 0;

  std::size_t count(FixVerdict v) const;
};

}  // namespace autofix
