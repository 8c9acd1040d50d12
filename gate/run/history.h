// SPDX-License-Identifier: MIT
#pragma once
// `autofix-gate history`: the gate's history read back (docs/history.md): a listing with filters, one
// record, an export for compliance, and the sync with a remote that keeps it across CI's fresh clones.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate/git/file_log.h"
#include "gate/git/repository.h"
#include "gate/policy/breaker.h"
#include "gate/policy/history_stats.h"
#include "gate/results/history_dashboard.h"
#include "gate/results/history_record.h"
#include "gate/util/clock.h"

namespace autofix {

struct HistoryFilter {
  std::optional<SystemTime> since;  // records that started at or after
  std::optional<SystemTime> until;  // records that started before
  std::optional<std::string> verdict;
  std::optional<std::string> command;
  std::size_t limit = 20;
};

// A time for --since/--until: a date (YYYY-MM-DD, midnight UTC), a time as the records write it
// (2026-12-07T22:15:22Z), or a duration before `now` (90s, 30m, 12h, 7d, 2w). Error(usage) naming
// `option` and the forms for anything else.
SystemTime parse_history_time(std::string_view text, SystemTime now, std::string_view option);
// When a record's run started, from its id (which every record has in a valid form).
SystemTime history_time(const HistoryRecord& r);
bool matches(const HistoryRecord& r, const HistoryFilter& filter);

struct HistoryListing {
  std::vector<HistoryRecord> records;  // newest first
  std::vector<std::string> damaged;    // "<id>: what is wrong", for records skipped
};
HistoryListing list_history(const git::Repository& repo, const HistoryFilter& filter);
// The record `id` (nullopt when there is none); damaged records are named in `damaged`.
std::optional<HistoryRecord> find_history(const git::Repository& repo, std::string_view id,
                                          std::vector<std::string>& damaged);

enum class HistoryExportFormat { jsonl, csv };
// Writes every record, oldest first, to `out` (atomically): one JSON object per line, or CSV with the
// header. Returns the listing written (its damaged records were skipped).
HistoryListing export_history(const git::Repository& repo, HistoryExportFormat format, const std::filesystem::path& out);

// `history stats`: over every record that passes `filter` (its limit ignored), and this clone's flake
// store (.git/autofix/flaky.json: every test seen flaking, whatever the window).
HistoryStats stats_of_history(const git::Repository& repo, const HistoryFilter& filter, std::vector<std::string>& damaged);
// The flake store's counts of `repo` (a damaged or missing store: none).
std::vector<FlakyTestCount> flaky_tests_of(const git::Repository& repo);

// `history html`: the dashboard of every record that passes `filter` (its limit ignored), every breaker
// key's state at `now` (`config`: the configuration's breaker section) and the flake store's counts.
HistoryDashboard dashboard_of_history(const git::Repository& repo, const HistoryFilter& filter,
                                      const BreakerConfig& config, SystemTime now);
// Writes the dashboard's page to `out` (atomically).
void write_history_html(const HistoryDashboard& dashboard, const std::filesystem::path& out);
nlohmann::ordered_json history_stats_json(const HistoryStats& stats);
std::string history_stats_text(const HistoryStats& stats);

// Fetches, merges and pushes refs/autofix/history with `remote`.
git::LogSync sync_history(const git::Repository& repo, const std::string& remote);

}  // namespace autofix
