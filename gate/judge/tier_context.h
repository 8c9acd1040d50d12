// SPDX-License-Identifier: MIT
#pragma once
// What every tier's run function gets (gate/judge/tiers.h, gate/judge/static_tier.h): the toolchain, where
// things are, the configuration, the baseline, both trees and what differs between them.
#include <vector>

#include "gate/git/diff_lines.h"
#include "gate/git/handles.h"
#include "gate/judge/phases.h"
#include "gate/judge/toolchain.h"
#include "gate/policy/config.h"
#include "gate/results/attempt_result.h"
#include "gate/state/baseline.h"
#include "gate/state/layout.h"

namespace autofix {

class BuildGraph;

struct TierContext {
  Toolchain* toolchain = nullptr;
  const git::Repository* repo = nullptr;
  const Layout* layout = nullptr;
  const GateConfig* config = nullptr;
  const RunSettings* settings = nullptr;
  Phases* phases = nullptr;
  const BaselineRecord* baseline = nullptr;
  git_oid before_tree{};
  git_oid after_tree{};
  const std::vector<git::FileDiff>* diff = nullptr;
  const std::vector<FileChange>* files = nullptr;
  const BuildGraph* graph = nullptr;  // null when the build has no File API reply
};

// A result of `tier` (its name, kind and whether it is required) that has not run yet.
inline TierResult begin_tier_result(const TierConfig& tier) {
  TierResult r;
  r.name = tier.name;
  r.kind = tier.kind;
  r.required = tier.required;
  return r;
}

}  // namespace autofix
