// SPDX-License-Identifier: MIT
#pragma once
// The baseline: the build and test results of the tree without the change, computed once per tree and
// configuration and stored (gate/state/baseline.h), with re-runs of its failing tests and its sanitizer reports.
#include <optional>
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

// The baseline stored for `tree` under the key ensure_baseline would use, without configuring, building or
// running anything: nullopt when the build directory has no CMake cache yet or nothing
// is stored under the key. What the circuit breaker's key is made of before an attempt touches anything.
std::optional<BaselineRecord> stored_baseline(const Layout& l, const git::Repository& repo, const std::string& tree,
                                              const GateConfig& config, const std::string& key_extra = {});

}  // namespace autofix
