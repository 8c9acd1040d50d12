// SPDX-License-Identifier: MIT
#include "gate/results/batch_result.h"

#include <algorithm>

namespace autofix {

std::size_t BatchResult::count(FixVerdict v) const {
  return static_cast<std::size_t>(std::ranges::count_if(fixes, [v](const BatchFixResult& f) { return f.verdict == v; }));
}

}  // namespace autofix
