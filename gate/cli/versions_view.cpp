// SPDX-License-Identifier: MIT
#include "gate/cli/versions_view.h"

#include <sstream>

#include "gate/util/clock.h"

namespace autofix::cli {

using nlohmann::json;

namespace {

std::string date_of(std::int64_t seconds) {
  return format_iso8601_utc(std::chrono::system_clock::time_point(std::chrono::seconds(seconds)));
}

json judgment_json(const std::optional<Judgment>& j) {
  if (!j) return nullptr;
  return {{"command", j->command}, {"record", j->record_id}, {"verdict", j->verdict}, {"when", j->when}};
}

}  // namespace

std::string versions_text(const std::vector<KnownVersion>& versions) {
  std::optional<KnownVersion> green = last_green(versions);
  std::ostringstream out;
  for (const KnownVersion& v : versions) {
    out << v.commit.id.substr(0, 12) << "  " << date_of(v.commit.time) << "  ";
    if (v.green)
      out << "green (" << v.green->command << " " << v.green->record_id << ")";
    else if (v.latest)
      out << v.latest->verdict << " (" << v.latest->command << " " << v.latest->record_id << ")";
    else
      out << "not judged";
    if (v.commit.autofix) out << "  autofix";
    for (const std::string& t : v.commit.tags) out << "  tag " << t;
    if (v.autofix_after) out << "  " << v.autofix_after << " autofix commit(s) after it";
    if (green && green->commit.id == v.commit.id) out << "  <- last-green";
    out << "  " << v.commit.summary << "\n";
  }
  if (!green) out << "no commit here was judged green: `rollback --to last-green` needs one (run verify on a commit you trust)\n";
  return out.str();
}

json versions_json(const std::vector<KnownVersion>& versions) {
  std::optional<KnownVersion> green = last_green(versions);
  json list = json::array();
  for (const KnownVersion& v : versions)
    list.push_back({{"commit", v.commit.id},
                    {"date", date_of(v.commit.time)},
                    {"summary", v.commit.summary},
                    {"autofix", v.commit.autofix},
                    {"tags", v.commit.tags},
                    {"green", judgment_json(v.green)},
                    {"latest_judgment", judgment_json(v.latest)},
                    {"autofix_after", v.autofix_after}});
  return {{"versions", list}, {"last_green", green ? json(green->commit.id) : json(nullptr)}};
}

}  // namespace autofix::cli
