// SPDX-License-Identifier: MIT
#pragma once
// What the history says (docs/history.md#stats): acceptance per command and per fix source, the most
// frequent failure signatures, the tests most often broken, the median time of each phase, and
// recommendations that name the numbers they come from. Pure: records in, numbers out.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gate/results/history_dashboard.h"
#include "gate/results/history_record.h"

namespace autofix {

struct HistoryStats {
  std::size_t records = 0;
  std::vector<AcceptanceRate> by_command;     // by name
  std::vector<AcceptanceRate> by_fix_source;  // by name
  std::vector<NamedCount> signatures;         // most frequent first (then by name), at most kTopCount
  std::vector<NamedCount> broken_tests;       // the same
  std::vector<PhaseTime> phases;              // most total time first (then by name)
  std::vector<FlakyTestCount> flaky_tests;    // most flakes first (then by name), at most kTopCount
  std::vector<std::string> recommendations;   // most pressing first
};

inline constexpr std::size_t kTopCount = 10;
// How many of the newest rejected runs a test's breakages are counted over for a recommendation.
inline constexpr std::size_t kRecentRejections = 10;
// How many flakes of one test make a recommendation.
inline constexpr std::size_t kFlakyRecommendation = 3;

// `records` newest first (as HistoryStore::newest gives them). A batch's own record counts for acceptance
// but not for phases (its steps carry their own). A run the circuit breaker refused counts for acceptance
// (it was not accepted) but is no new failure: its signature (the one that opened the breaker, again) is
// not counted, and it is not one of the recent rejected runs. `flaky` (the flake store's counts, in any
// order): the tests seen flaking, most flakes first.
HistoryStats history_stats(const std::vector<HistoryRecord>& records, const std::vector<FlakyTestCount>& flaky = {});

// The flaky tests of `records`: each record that judged a test flaky is one flake of it, last seen when the
// newest such record ended. Records travel with `history sync`, so every clone of a CI sees the same. Tests
// no record names come from `store` (this clone's flake store: flakes seen before records carried them).
std::vector<FlakyTestCount> flaky_tests_in(const std::vector<HistoryRecord>& records,
                                           const std::vector<FlakyTestCount>& store);

// `flaky` most flakes first, then by name; at most `limit`.
std::vector<FlakyTestCount> most_flaky(std::vector<FlakyTestCount> flaky, std::size_t limit);

// Where a record's fix came from: patch, fixer or none.
std::string fix_source(const HistoryRecord& r);

}  // namespace autofix
