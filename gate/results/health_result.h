// SPDX-License-Identifier: MIT
#pragma once
// The results model of a post-accept health check (`autofix-gate health`, docs/rollback.md#health): each
// autofix commit that landed in the window, judged on the branch as it is now.
#include <optional>
#include <string>
#include <vector>

#include "gate/util/enum_table.h"

namespace autofix {

// healthy: the branch with the fix is at least as green as the branch without it; unhealthy: a test
// that passes without it fails with it; entangled: later work builds on it, so it cannot be taken out
// alone (its revert does not apply); error: the check could not judge.
enum class FixHealth { healthy, unhealthy, entangled, error };
inline constexpr auto kFixHealths = enum_table<FixHealth>({{FixHealth::healthy, "healthy"},
                                                           {FixHealth::unhealthy, "unhealthy"},
                                                           {FixHealth::entangled, "entangled"},
                                                           {FixHealth::error, "error"}});
inline const char* to_string(FixHealth h) noexcept { return kFixHealths.c_name_of(h); }

struct CheckedFix {
  std::string commit;   // hex
  std::string summary;
  FixHealth health = FixHealth::error;
  std::string reason;
  std::vector<std::string> broken;  // tests that pass without the fix and fail with it
  std::string report_dir;           // the check's own report set (a verify)
  bool reverted = false;
  bool operator==(const CheckedFix&) const = default;
};

struct HealthResult {
  std::string id;
  std::string started;
  std::string branch;        // "HEAD" when detached
  std::string head;          // hex, the branch when the check began
  std::string since;         // the window as given
  std::vector<CheckedFix> fixes;  // newest first
  bool revert = false;       // --revert
  // With --revert and an unhealthy fix: the rollback that reverted them (docs/rollback.md).
  std::string rollback_id;
  std::string head_after;
  std::string rollback_check;  // the rollback's check verdict
  bool operator==(const HealthResult&) const = default;
};

}  // namespace autofix
