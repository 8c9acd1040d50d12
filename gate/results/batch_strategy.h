// SPDX-License-Identifier: MIT
#pragma once
// How a batch of fixes is judged (`autofix-gate batch --strategy`, docs/batch.md).
#include <string_view>

#include "gate/util/enum_table.h"

namespace autofix {

enum class BatchStrategy {
  all_or_nothing,     // all fixes land or none; the culprits are named
  best_effort,        // the largest passing set lands: culprits bisected out, their dependents dropped
  checkpoint,         // groups of N verified in order; a failing group is bisected from the last checkpoint
  continue_on_error,  // each fix judged alone against the baseline
};

inline constexpr auto kBatchStrategies = enum_table<BatchStrategy>({{BatchStrategy::all_or_nothing, "all_or_nothing"},
                                                                    {BatchStrategy::best_effort, "best_effort"},
                                                                    {BatchStrategy::checkpoint, "checkpoint"},
                                                                    {BatchStrategy::continue_on_error, "continue_on_error"}});

inline const char* to_string(BatchStrategy s) noexcept { return kBatchStrategies.c_name_of(s); }

}  // namespace autofix
