// SPDX-License-Identifier: MIT
#pragma once
// What a batch decided for one of its fixes (docs/batch.md).
#include "gate/util/enum_table.h"

namespace autofix {

enum class FixVerdict {
  pending,      // not decided yet (never in a finished report)
  accepted,     // part of the set that passed, and landed (for all_or_nothing: the whole batch passed)
  rejected,     // breaks the build or a test on its own (the culprit)
  skipped,      // not judged to the end: a dependency was dropped, it does not apply after the fixes
                // before it, or the batch was all_or_nothing and another fix failed
  refused,      // its patch does not apply to the tree at all, or is unsafe
  interaction,  // passes alone, fails together with another fix that was kept (named)
};

inline constexpr auto kFixVerdicts = enum_table<FixVerdict>({{FixVerdict::pending, "pending"},
                                                              {FixVerdict::accepted, "accepted"},
                                                              {FixVerdict::rejected, "rejected"},
                                                              {FixVerdict::skipped, "skipped"},
                                                              {FixVerdict::refused, "refused"},
                                                              {FixVerdict::interaction, "interaction"}});

inline const char* to_string(FixVerdict v) noexcept { return kFixVerdicts.c_name_of(v); }

}  // namespace autofix
