// SPDX-License-Identifier: MIT
#pragma once
// What the history says, as numbers a reporter draws (docs/history.md#stats, #dashboard): counts per
// name, acceptance rates, phase times (history_stats, gate/policy/history_stats.h), and the dashboard's
// whole model (history_dashboard, gate/policy/history_dashboard.h; drawn by reporters/history_html.h).
// Pure data: reporters read it, the policy layer computes it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace autofix {

struct AcceptanceRate {
  std::string name;  // a command, or a fix source: patch, fixer, none (verify judges a commit)
  std::size_t runs = 0;
  std::size_t accepted = 0;
  bool operator==(const AcceptanceRate&) const = default;
};

struct NamedCount {
  std::string name;
  std::size_t count = 0;
  std::string last_id;  // the newest record it comes from
  bool operator==(const NamedCount&) const = default;
};

struct PhaseTime {
  std::string phase;
  std::size_t runs = 0;          // records that have the phase
  std::uint64_t median_ms = 0;
  std::uint64_t total_ms = 0;
  unsigned percent = 0;          // of the total of every phase, rounded down
  bool operator==(const PhaseTime&) const = default;
};

// A test that flaked: how often, and when last (ISO 8601 UTC; empty when unknown).
struct FlakyTestCount {
  std::string name;
  std::size_t flakes = 0;
  std::string last_seen;
  bool operator==(const FlakyTestCount&) const = default;
};

// One UTC day of the dashboard's chart: how many runs ended in each verdict (counts[i] for verdicts[i]
// of the dashboard).
struct DashboardDay {
  std::string day;  // "2026-12-07"
  std::vector<std::size_t> counts;
  std::size_t total = 0;
  bool operator==(const DashboardDay&) const = default;
};

struct DashboardSignature {
  std::string signature;
  std::size_t count = 0;
  std::string last_id;    // the newest record that failed this way
  std::string last_seen;  // when it ended (ISO 8601 UTC, as the record has it)
  bool operator==(const DashboardSignature&) const = default;
};

struct DashboardBreaker {
  std::string key;
  std::string status;  // closed, open, half_open
  unsigned consecutive_rejections = 0;
  std::string opened_at;      // ISO 8601 UTC; empty while closed
  std::string half_opens_at;  // the same
  std::string last_signature;
  bool operator==(const DashboardBreaker&) const = default;
};

struct HistoryDashboard {
  std::string generated_at;  // ISO 8601 UTC
  std::string since;         // the window shown (ISO 8601 UTC); empty: unbounded
  std::string until;
  std::size_t records = 0;
  std::vector<std::string> verdicts;  // every verdict the records have, known ones first (accepted, rejected, ...)
  std::vector<DashboardDay> days;     // oldest first, every day from the first record's to the last's
  std::vector<AcceptanceRate> by_fix_source;
  std::vector<DashboardSignature> signatures;  // most frequent first
  std::vector<DashboardBreaker> breakers;      // open first, then half-open, then closed; by key
  std::vector<FlakyTestCount> flaky_tests;     // most flakes first, then by name
  std::vector<PhaseTime> phases;               // most total time first
  std::vector<std::string> damaged;            // records skipped: "<id>: what is wrong"
};

}  // namespace autofix
