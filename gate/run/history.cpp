// SPDX-License-Identifier: MIT
#include "gate/run/history.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "gate/policy/history_dashboard.h"
#include "gate/run/breaker.h"
#include "gate/state/flake_store.h"
#include "gate/state/history_store.h"
#include "gate/util/atomic_file.h"
#include "gate/util/error.h"
#include "reporters/history_html.h"
#include "reporters/history_json.h"
#include "reporters/history_table.h"

namespace autofix {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

SystemTime parse_history_time(std::string_view text, SystemTime now, std::string_view option) {
  const std::string s(text);
  auto refuse = [&]() -> SystemTime {
    throw Error(ErrorKind::usage, std::string(option) + ": '" + s + "' is neither a date nor a duration",
                "give a date (2026-12-07), a time (2026-12-07T22:15:00Z) or a duration before now (90s, 30m, 12h, 7d, 2w)");
  };
  if (s.size() == 10 && s[4] == '-' && s[7] == '-' && all_digits(s.substr(0, 4)) && all_digits(s.substr(5, 2)) &&
      all_digits(s.substr(8, 2))) {
    try {
      return parse_iso8601_utc(s + "T00:00:00Z");
    } catch (const Error&) {
      return refuse();
    }
  }
  if (s.size() == 20 && s[10] == 'T') {
    try {
      return parse_iso8601_utc(s);
    } catch (const Error&) {
      return refuse();
    }
  }
  if (s.size() >= 2 && all_digits(s.substr(0, s.size() - 1))) {
    long long n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size() - 1, n);
    if (ec != std::errc() || n > 100LL * 366 * 24 * 3600) return refuse();
    long long unit = 0;
    switch (s.back()) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      case 'w': unit = 7 * 86400; break;
      default: return refuse();
    }
    if (n > 100LL * 366 * 86400 / unit) return refuse();
    return now - std::chrono::seconds(n * unit);
  }
  return refuse();
}

SystemTime history_time(const HistoryRecord& r) {
  const std::string& id = r.id;  // YYYYMMDDTHHMMSSZ-...
  return parse_iso8601_utc(id.substr(0, 4) + "-" + id.substr(4, 2) + "-" + id.substr(6, 2) + "T" + id.substr(9, 2) +
                           ":" + id.substr(11, 2) + ":" + id.substr(13, 2) + "Z");
}

bool matches(const HistoryRecord& r, const HistoryFilter& f) {
  if (f.verdict && r.verdict != *f.verdict) return false;
  if (f.command && r.command != *f.command) return false;
  if (f.since || f.until) {
    const SystemTime t = history_time(r);
    if (f.since && t < *f.since) return false;
    if (f.until && t >= *f.until) return false;
  }
  return true;
}

HistoryListing list_history(const git::Repository& repo, const HistoryFilter& filter) {
  HistoryStore store(repo);
  HistoryListing listing;
  HistoryWindow window;
  if (filter.since) window.since = format_compact_utc(*filter.since);
  if (filter.until) window.until = format_compact_utc(*filter.until);
  listing.records = store.newest(filter.limit, [&](const HistoryRecord& r) { return matches(r, filter); }, window);
  listing.damaged = store.damaged();
  return listing;
}

std::optional<HistoryRecord> find_history(const git::Repository& repo, std::string_view id,
                                          std::vector<std::string>& damaged) {
  HistoryStore store(repo);
  std::optional<HistoryRecord> r = store.find(id);
  damaged = store.damaged();
  return r;
}

HistoryListing export_history(const git::Repository& repo, HistoryExportFormat format, const std::filesystem::path& out) {
  HistoryStore store(repo);
  HistoryListing listing;
  listing.records = store.newest(std::numeric_limits<std::size_t>::max());
  std::reverse(listing.records.begin(), listing.records.end());
  listing.damaged = store.damaged();
  std::string text;
  if (format == HistoryExportFormat::csv) text = reporters::history_csv_header();
  for (const HistoryRecord& r : listing.records)
    text += format == HistoryExportFormat::csv
                ? reporters::history_csv_row(r)
                : reporters::history_record_json(r).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  write_file_atomically(out, text);
  return listing;
}

HistoryStats stats_of_history(const git::Repository& repo, const HistoryFilter& filter, std::vector<std::string>& damaged) {
  HistoryFilter all = filter;
  all.limit = std::numeric_limits<std::size_t>::max();
  HistoryListing listing = list_history(repo, all);
  damaged = listing.damaged;
  return history_stats(listing.records, flaky_tests_in(listing.records, flaky_tests_of(repo)));
}

std::vector<FlakyTestCount> flaky_tests_of(const git::Repository& repo) {
  std::vector<FlakyTestCount> out;
  for (const auto& [name, entry] : FlakeStore(repo.state_dir()).load())
    if (entry.flakes > 0) out.push_back({name, static_cast<std::size_t>(entry.flakes), entry.last_seen});
  return out;
}

HistoryDashboard dashboard_of_history(const git::Repository& repo, const HistoryFilter& filter,
                                      const BreakerConfig& config, SystemTime now) {
  HistoryFilter all = filter;
  all.limit = std::numeric_limits<std::size_t>::max();
  HistoryListing listing = list_history(repo, all);
  DashboardInput in;
  in.records = std::move(listing.records);
  in.damaged = std::move(listing.damaged);
  for (BreakerListing& b : list_breakers(repo, config, now)) in.breakers.emplace_back(std::move(b.key), b.state);
  in.flaky = flaky_tests_in(in.records, flaky_tests_of(repo));
  in.now = now;
  if (filter.since) in.since = format_iso8601_utc(*filter.since);
  if (filter.until) in.until = format_iso8601_utc(*filter.until);
  return history_dashboard(in);
}

void write_history_html(const HistoryDashboard& dashboard, const std::filesystem::path& out) {
  write_file_atomically(out, reporters::history_html(dashboard));
}

namespace {

nlohmann::ordered_json rates_json(const std::vector<AcceptanceRate>& rates) {
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (const AcceptanceRate& r : rates) j.push_back({{"name", r.name}, {"runs", r.runs}, {"accepted", r.accepted}});
  return j;
}

nlohmann::ordered_json counts_json(const std::vector<NamedCount>& counts) {
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (const NamedCount& c : counts) j.push_back({{"name", c.name}, {"count", c.count}, {"last_id", c.last_id}});
  return j;
}

std::string rate_line(const AcceptanceRate& r) {
  return "  " + r.name + ": " + std::to_string(r.accepted) + " of " + std::to_string(r.runs) + " accepted (" +
         std::to_string(r.runs ? r.accepted * 100 / r.runs : 0) + "%)\n";
}

}  // namespace

nlohmann::ordered_json history_stats_json(const HistoryStats& s) {
  nlohmann::ordered_json j;
  j["records"] = s.records;
  j["by_command"] = rates_json(s.by_command);
  j["by_fix_source"] = rates_json(s.by_fix_source);
  j["signatures"] = counts_json(s.signatures);
  j["broken_tests"] = counts_json(s.broken_tests);
  nlohmann::ordered_json phases = nlohmann::ordered_json::array();
  for (const PhaseTime& p : s.phases)
    phases.push_back({{"phase", p.phase}, {"runs", p.runs}, {"median_ms", p.median_ms}, {"total_ms", p.total_ms},
                      {"percent", p.percent}});
  j["phases"] = std::move(phases);
  nlohmann::ordered_json flaky = nlohmann::ordered_json::array();
  for (const FlakyTestCount& f : s.flaky_tests)
    flaky.push_back({{"name", f.name}, {"flakes", f.flakes}, {"last_seen", f.last_seen}});
  j["flaky_tests"] = std::move(flaky);
  j["recommendations"] = s.recommendations;
  return j;
}

std::string history_stats_text(const HistoryStats& s) {
  std::string t = std::to_string(s.records) + " record(s)\n";
  if (s.records == 0) return t;
  t += "acceptance by command:\n";
  for (const AcceptanceRate& r : s.by_command) t += rate_line(r);
  t += "acceptance by fix source:\n";
  for (const AcceptanceRate& r : s.by_fix_source) t += rate_line(r);
  if (!s.signatures.empty()) t += "most frequent failure signatures:\n";
  for (const NamedCount& c : s.signatures) t += "  " + std::to_string(c.count) + "x " + c.name + "\n";
  if (!s.broken_tests.empty()) t += "tests most often broken:\n";
  for (const NamedCount& c : s.broken_tests) t += "  " + std::to_string(c.count) + "x " + c.name + "\n";
  if (!s.phases.empty()) t += "time by phase (median, share of all):\n";
  for (const PhaseTime& p : s.phases)
    t += "  " + p.phase + ": " + std::to_string(p.median_ms) + " ms, " + std::to_string(p.percent) + "% (" +
         std::to_string(p.runs) + " runs)\n";
  if (!s.flaky_tests.empty()) t += "flaky tests:\n";
  for (const FlakyTestCount& f : s.flaky_tests)
    t += "  " + std::to_string(f.flakes) + "x " + f.name + (f.last_seen.empty() ? "" : " (last " + f.last_seen + ")") + "\n";
  if (!s.recommendations.empty()) t += "recommendations:\n";
  for (const std::string& r : s.recommendations) t += "  - " + r + "\n";
  return t;
}

git::LogSync sync_history(const git::Repository& repo, const std::string& remote) {
  HistoryStore store(repo);
  return store.sync(remote);
}

}  // namespace autofix
