// SPDX-License-Identifier: MIT
#pragma once
// Judging a change that is already in the work tree: lane and risk from the changed paths, then the
// build, the tests (affected ones first, re-runs for flakes), every tier in its configured order,
// tampered tests, cascading failures, and the verdict. Shared by `attempt` and `verify`.
#include <string>
#include <vector>

#include "gate/git/handles.h"
#include "gate/results/attempt_result.h"
#include "gate/state/baseline.h"
#include "gate/policy/config.h"
#include "gate/judge/phases.h"
#include "gate/judge/test_runs.h"
#include "gate/judge/toolchain.h"
#include "gate/state/layout.h"

namespace autofix {

struct JudgeInput {
  Toolchain* toolchain = nullptr;  // builds, runs the tests and the tiers' programs
  const git::Repository* repo = nullptr;
  const Layout* layout = nullptr;
  const GateConfig* config = nullptr;
  RunSettings settings;
  Phases* phases = nullptr;
  const BaselineRecord* baseline = nullptr;
  git_oid before_tree{};  // the tree without the change
  git_oid after_tree{};   // the tree with it (what the work tree holds now)
  std::vector<std::string> require_fixed;
  bool fail_fast = false;
  bool allow_test_edits = false;
  bool run_file_tiers = true;  // static and secrets tiers (a shard other than the first leaves them out)
};

// The common part of a JudgeInput, from what attempt and verify both hold.
JudgeInput judge_input(Toolchain& toolchain, const git::Repository& repo, const Layout& layout, const GateConfig& config,
                       const RunSettings& settings, Phases& phases, const BaselineRecord& baseline,
                       const git_oid& before_tree, const git_oid& after_tree);

// Fills result.lane, risk, build, tests, tiers, tampering, cascading, verdict and reason, and the source
// excerpts of regressions and findings (gate/judge/source_excerpts.h). Expects
// result.files_changed to be set. Leaves the work tree holding the change.
void judge_change(const JudgeInput& in, AttemptResult& result);

}  // namespace autofix
