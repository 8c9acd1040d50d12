// SPDX-License-Identifier: MIT
#pragma once
// The clang-tidy and cppcheck tiers: the translation units the change touches, analysed with the change
// and without it (from the stored analyses when every one is stored: gate/judge/stored_analysis.h), and
// judged by the findings whose fingerprints are new (gate/policy/findings.h).
#include "gate/judge/tier_context.h"

namespace autofix {

TierResult run_static_tier(const TierConfig& tier, const TierContext& ctx);

}  // namespace autofix
