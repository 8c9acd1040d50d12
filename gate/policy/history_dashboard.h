// SPDX-License-Identifier: MIT
#pragma once
// The history's dashboard (docs/history.md#dashboard) as a model (gate/results/history_dashboard.h) that
// reporters/history_html.h draws: verdicts per day, acceptance per fix source, the most frequent failure
// signatures, the circuit breakers' states, flaky tests and the phases' times. Pure: records, breaker
// states and flake counts in, numbers out.
#include <string>
#include <utility>
#include <vector>

#include "gate/policy/breaker.h"
#include "gate/results/history_dashboard.h"
#include "gate/results/history_record.h"
#include "gate/util/clock.h"

namespace autofix {

// The verdicts' order in the chart: these first (those the records have), then any other by name.
inline constexpr const char* kDashboardVerdictOrder[] = {"accepted", "rejected", "needs_review", "error",
                                                         kRefusedBreakerOpen, "reset"};
// A window of more days than this shows only the days that have records (a chart of empty years helps nobody).
inline constexpr std::size_t kMaxDashboardDays = 366;

struct DashboardInput {
  std::vector<HistoryRecord> records;                            // newest first
  std::vector<std::pair<std::string, BreakerState>> breakers;    // key and state now, any order
  std::vector<FlakyTestCount> flaky;                             // the flake store's counts, any order
  std::vector<std::string> damaged;                              // records skipped, as the store names them
  SystemTime now{};
  std::string since;  // ISO 8601 UTC; empty: unbounded
  std::string until;
};

// Days are the UTC day of each record's id (when its run started). Signatures and phases are
// history_stats' (a breaker refusal is no new failure; a batch's own record has no phases).
HistoryDashboard history_dashboard(const DashboardInput& in);

}  // namespace autofix
