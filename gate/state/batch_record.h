// SPDX-License-Identifier: MIT
#pragma once
// The durable record of a batch (`autofix-gate batch`, docs/batch.md), from which `batch --resume ID`
// continues an interrupted batch: <git_dir>/autofix/batches/<batch id>/
//   batch.json    the batch as it was loaded (ids, dependencies, strategy, options, the tree and HEAD it
//                 started from), written once, durably, before the first step
//   patches/N.diff  each fix's patch, byte for byte
//   steps.jsonl   one line per finished step, appended and fsynced as each step ends
//   finished.json written when the batch ended (its fixes decided and landed): it cannot be resumed
// A kill while a line is appended leaves a damaged last line: it is ignored (that step is judged again).
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gate/results/batch_strategy.h"
#include "gate/results/on_accept.h"
#include "gate/results/suspect_group.h"

namespace autofix {

inline constexpr int kBatchRecordVersion = 1;

struct BatchRecordFix {
  std::string id;
  std::string source;  // the patch as the batch file names it
  std::string patch_text;
  std::vector<std::string> depends_on;
  std::optional<std::string> refused;  // why it was refused before any step
  bool operator==(const BatchRecordFix&) const = default;
};

struct BatchRecord {
  std::string batch_id;
  std::string started;  // ISO 8601 UTC
  std::string source;   // the batch file or patch directory
  BatchStrategy strategy = BatchStrategy::best_effort;
  std::size_t checkpoint_every = 3;
  OnAccept on_accept = OnAccept::branch;
  std::string base_tree;            // the snapshot's work tree (hex): a resumed batch starts from it
  std::optional<std::string> head;  // HEAD's commit then (hex); nullopt: unborn
  std::vector<BatchRecordFix> fixes;
  bool operator==(const BatchRecord&) const = default;
};

// A finished step: what the plan needs to replay it, and what the report and the commits say of it.
struct BatchRecordStep {
  std::vector<std::size_t> set;  // fix indices, in the order applied
  std::string verdict;           // passed, failed or not_applied
  std::size_t fix = 0;           // not_applied: the fix that did not apply
  std::string reason;
  double seconds = 0;
  std::vector<std::string> tests_fixed;   // FAIL_TO_PASS
  std::vector<std::string> tests_broken;  // regressions
  std::size_t tests_run = 0;
  std::size_t tests_passed = 0;
  // failed: the suspects of each broken test (gate/policy/bisection.h), which a resumed plan replays.
  std::optional<std::vector<SuspectGroup>> suspects{};
  bool operator==(const BatchRecordStep&) const = default;
};

struct BatchRecordSteps {
  std::vector<BatchRecordStep> steps;
  std::optional<std::string> damaged;  // what was wrong with the last line, which was ignored
};

class BatchRecordStore {
 public:
  // `state_dir`: <git_dir>/autofix.
  explicit BatchRecordStore(const std::filesystem::path& state_dir) : root_(state_dir / "batches") {}

  // Writes batch.json and the patches durably, and an empty steps.jsonl. Throws Error(io).
  void create(const BatchRecord& record) const;
  // Appends one step and fsyncs it. Throws Error(io).
  void append_step(const std::string& batch_id, const BatchRecordStep& step) const;
  // Replaces steps.jsonl by `steps` (after a damaged last line was read, before anything is appended).
  void rewrite_steps(const std::string& batch_id, const std::vector<BatchRecordStep>& steps) const;
  void mark_finished(const std::string& batch_id, const std::string& outcome, const std::string& when) const;

  // Throws Error(usage) naming the file for a record that is unreadable, damaged (but for the last step
  // line) or of another version.
  BatchRecord read(const std::string& batch_id) const;
  BatchRecordSteps read_steps(const std::string& batch_id) const;
  bool exists(const std::string& batch_id) const;
  bool finished(const std::string& batch_id) const;
  // Ids of the records that have not finished, sorted.
  std::vector<std::string> unfinished() const;
  // Ids of every record, finished or not, sorted.
  std::vector<std::string> all() const;
  // Removes a record and its patches (retention). Throws Error(io) naming what could not be removed.
  void remove(const std::string& batch_id) const;

  std::filesystem::path dir(const std::string& batch_id) const { return root_ / batch_id; }
  const std::filesystem::path& root() const noexcept { return root_; }

 private:
  std::filesystem::path root_;
};

}  // namespace autofix
