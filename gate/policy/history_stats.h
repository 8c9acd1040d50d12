// SPDX-License-Identifier: MIT
#pragma once
// What the history says (docs/history.md#stats): acceptance per command and per fix source, the most
// frequent failure signatures, the tests most often broken, the median time of each phase, and
// recommendations that name the numbers they come from. Pure: records in, numbers out.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gate/results/history_record.h"

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

struct HistoryStats {
  std::size_t records = 0;
  std::vector<AcceptanceRate> by_command;     // by name
  std::vector<AcceptanceRate> by_fix_source;  // by name
  std::vector<NamedCount> signatures;         // most frequent first (then by name), at most kTopCount
  std::vector<NamedCount> broken_tests;       // the same
  std::vector<PhaseTime> phases;              // most total time first (then by name)
  std::vector<std::string> recommendations;   // most pressing first
};

inline constexpr std::size_t kTopCount = 10;
// How many of the newest rejected runs a test's breakages are counted over for a recommendation.
inline constexpr std::size_t kRecentRejections = 10;

// `records` newest first (as HistoryStore::newest gives them). A batch's own record counts for acceptance
// but not for phases (its steps carry their own).
HistoryStats history_stats(const std::vector<HistoryRecord>& records);

// Where a record's fix came from: patch, fixer or none.
std::string fix_source(const HistoryRecord& r);

}  // namespace autofix
