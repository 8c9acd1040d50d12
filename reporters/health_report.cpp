// SPDX-License-Identifier: MIT
#include "reporters/health_report.h"

#include <sstream>

namespace autofix::reporters {

using nlohmann::json;

json health_json(const HealthResult& r) {
  json fixes = json::array();
  for (const CheckedFix& f : r.fixes)
    fixes.push_back({{"commit", f.commit},
                     {"summary", f.summary},
                     {"health", to_string(f.health)},
                     {"reason", f.reason},
                     {"broken", f.broken},
                     {"report_dir", f.report_dir.empty() ? json(nullptr) : json(f.report_dir)},
                     {"reverted", f.reverted}});
  return {{"kind", "health"},
          {"id", r.id},
          {"started", r.started},
          {"branch", r.branch},
          {"head", r.head},
          {"since", r.since},
          {"revert", r.revert},
          {"fixes", fixes},
          {"rollback", r.rollback_id.empty() ? json(nullptr)
                                             : json{{"id", r.rollback_id}, {"head_after", r.head_after},
                                                    {"check", r.rollback_check}}}};
}

std::string health_text(const HealthResult& r) {
  std::ostringstream out;
  out << "health of " << r.branch << " at " << r.head.substr(0, 12) << ": " << r.fixes.size()
      << " autofix commit(s) since " << r.since << "\n";
  for (const CheckedFix& f : r.fixes) {
    out << "  " << f.commit.substr(0, 12) << "  " << to_string(f.health) << (f.reverted ? " (reverted)" : "") << "  "
        << f.summary << "\n";
    for (const std::string& t : f.broken) out << "      broken: " << t << "\n";
    if (f.health == FixHealth::entangled || f.health == FixHealth::error) out << "      " << f.reason << "\n";
  }
  if (!r.rollback_id.empty())
    out << "reverted by rollback " << r.rollback_id << ": HEAD now " << r.head_after.substr(0, 12) << ", check "
        << r.rollback_check << "\n";
  return out.str();
}

}  // namespace autofix::reporters
