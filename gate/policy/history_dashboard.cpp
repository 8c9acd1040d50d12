// SPDX-License-Identifier: MIT
#include "gate/policy/history_dashboard.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "gate/policy/history_stats.h"

namespace autofix {

namespace {

// "2026-12-07" of an id "20261207T...".
std::string day_of(const std::string& id) { return id.substr(0, 4) + "-" + id.substr(4, 2) + "-" + id.substr(6, 2); }

std::chrono::sys_days parse_day(const std::string& day) {
  const int y = std::stoi(day.substr(0, 4));
  const unsigned m = static_cast<unsigned>(std::stoi(day.substr(5, 2)));
  const unsigned d = static_cast<unsigned>(std::stoi(day.substr(8, 2)));
  return std::chrono::sys_days(std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d));
}

std::string format_day(std::chrono::sys_days day) {
  const std::chrono::year_month_day ymd(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

int status_rank(BreakerStatus s) {
  switch (s) {
    case BreakerStatus::open: return 0;
    case BreakerStatus::half_open: return 1;
    case BreakerStatus::closed: return 2;
  }
  return 2;
}

}  // namespace

HistoryDashboard history_dashboard(const DashboardInput& in) {
  HistoryDashboard d;
  d.generated_at = format_iso8601_utc(in.now);
  d.since = in.since;
  d.until = in.until;
  d.records = in.records.size();
  d.damaged = in.damaged;

  // Verdicts: the known ones the records have, in their order, then the others by name.
  std::set<std::string> present;
  for (const HistoryRecord& r : in.records) present.insert(r.verdict);
  for (const char* v : kDashboardVerdictOrder)
    if (present.erase(v)) d.verdicts.emplace_back(v);
  d.verdicts.insert(d.verdicts.end(), present.begin(), present.end());
  auto index_of = [&](const std::string& verdict) {
    return static_cast<std::size_t>(std::find(d.verdicts.begin(), d.verdicts.end(), verdict) - d.verdicts.begin());
  };

  std::map<std::string, DashboardDay> days;
  for (const HistoryRecord& r : in.records) {
    DashboardDay& day = days[day_of(r.id)];
    if (day.counts.empty()) {
      day.day = day_of(r.id);
      day.counts.assign(d.verdicts.size(), 0);
    }
    ++day.counts[index_of(r.verdict)];
    ++day.total;
  }
  if (!days.empty()) {
    const std::chrono::sys_days first = parse_day(days.begin()->first);
    const std::chrono::sys_days last = parse_day(days.rbegin()->first);
    if (static_cast<std::size_t>((last - first).count()) < kMaxDashboardDays) {
      for (std::chrono::sys_days day = first; day <= last; day += std::chrono::days(1)) {
        auto it = days.find(format_day(day));
        d.days.push_back(it != days.end() ? it->second
                                          : DashboardDay{format_day(day), std::vector<std::size_t>(d.verdicts.size(), 0), 0});
      }
    } else {
      for (auto& [name, day] : days) d.days.push_back(std::move(day));
    }
  }

  const HistoryStats stats = history_stats(in.records, in.flaky);
  d.by_fix_source = stats.by_fix_source;
  d.phases = stats.phases;
  d.flaky_tests = stats.flaky_tests;
  std::map<std::string, std::string> ended;
  for (const HistoryRecord& r : in.records) ended[r.id] = r.ended.empty() ? r.started : r.ended;
  for (const NamedCount& c : stats.signatures) d.signatures.push_back({c.name, c.count, c.last_id, ended[c.last_id]});

  auto breakers = in.breakers;
  std::sort(breakers.begin(), breakers.end(), [](const auto& a, const auto& b) {
    const int ra = status_rank(a.second.status), rb = status_rank(b.second.status);
    return ra != rb ? ra < rb : a.first < b.first;
  });
  for (const auto& [key, state] : breakers) {
    DashboardBreaker b;
    b.key = key;
    b.status = to_string(state.status);
    b.consecutive_rejections = state.consecutive_rejections;
    if (state.opened_at) b.opened_at = format_iso8601_utc(*state.opened_at);
    if (state.half_opens_at) b.half_opens_at = format_iso8601_utc(*state.half_opens_at);
    b.last_signature = state.last_signature;
    d.breakers.push_back(std::move(b));
  }
  return d;
}

}  // namespace autofix
