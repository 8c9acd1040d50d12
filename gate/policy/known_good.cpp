// SPDX-License-Identifier: MIT
#include "gate/policy/known_good.h"

#include <map>

namespace autofix {

bool is_green_verdict(const std::string& verdict) { return verdict == "accepted" || verdict == "identical"; }

std::vector<KnownVersion> known_versions(const std::vector<BranchCommit>& newest_first, const std::vector<Judgment>& judgments) {
  // The newest judgment per commit decides (ISO 8601 UTC times order as text): a commit found green and
  // later found unhealthy is not green any more.
  std::map<std::string, Judgment> latest;
  for (const Judgment& j : judgments) {
    auto it = latest.find(j.commit);
    if (it == latest.end() || it->second.when < j.when) latest[j.commit] = j;
  }
  std::vector<KnownVersion> out;
  std::size_t autofix_seen = 0;
  for (const BranchCommit& c : newest_first) {
    KnownVersion v;
    v.commit = c;
    if (auto it = latest.find(c.id); it != latest.end()) {
      v.latest = it->second;
      if (is_green_verdict(it->second.verdict)) v.green = it->second;
    }
    v.autofix_after = autofix_seen;
    if (c.autofix) ++autofix_seen;
    out.push_back(std::move(v));
  }
  return out;
}

std::optional<KnownVersion> last_green(const std::vector<KnownVersion>& versions) {
  for (const KnownVersion& v : versions)
    if (v.green) return v;
  return std::nullopt;
}

}  // namespace autofix
