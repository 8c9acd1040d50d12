// SPDX-License-Identifier: MIT
#pragma once
// The baseline: the build and test results of the tree without the change, computed once per tree and
// configuration and stored (gate/state/baseline.h), with re-runs of its failing tests and its sanitizer reports.
#include <string>

#include "gate/git/repository.h"
#include "gate/judge/phases.h"
#include "gate/judge/toolchain.h"
#include "gate/policy/config.h"
#include "gate/state/baseline.h"
#include "gate/state/layout.h"

namespace autofix {

// The tests (and per-test sanitizer reports) of the tree without the change, stored under its key.
BaselineRecord ensure_baseline(Toolchain& toolchain, const git::Repository& repo, const Layout& l, const std::string& tree,
                               const RunSettings& s, const GateConfig& config, Phases& phases, BaselineInfo& info,
                               const std::string& key_extra = {});

}  // namespace autofix
