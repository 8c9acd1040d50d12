// SPDX-License-Identifier: MIT
#include "gate/results/rollback_result.h"

namespace autofix {

RollbackResult::TestsBefore tests_before_of(const std::vector<TestRecord>& tests, bool built, bool stored) {
  RollbackResult::TestsBefore out;
  out.built = built;
  out.stored = stored;
  for (const TestRecord& t : tests) {
    if (t.status == RunStatus::passed) out.passed.push_back(t.name);
    else if (t.status == RunStatus::failed || t.status == RunStatus::timeout) out.failed.push_back(t.name);
  }
  return out;
}

}  // namespace autofix
