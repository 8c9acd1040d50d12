// SPDX-License-Identifier: MIT
#pragma once
// Scale-out over CI jobs: `verify --shard K/N` runs a deterministic share of the tests, and `merge`
// turns the N partial results into one report and verdict.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gate/results/attempt_result.h"

namespace autofix {

struct ShardSpec {
  int index = 1;  // K, 1-based
  int count = 1;  // N
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
};

// "K/N" with 1 <= K <= N <= 1000; Error(usage) otherwise.
ShardSpec parse_shard(const std::string& text);

// Which shard (1-based) runs each test. With durations (seconds, from an earlier report) the known tests
// are balanced greedily, longest first; every other test goes by a hash of its name alone, so that the
// assignment of a test never depends on which other tests exist.
class ShardPlan {
 public:
  ShardPlan(int count, std::map<std::string, double> durations);
  int shard_of(const std::string& ctest_name) const;

 private:
  int count_;
  std::map<std::string, int> balanced_;
};

// Test durations (CTest test name → seconds) from a report.json (read by read_report_file): each CTest
// test's run with the change, else its baseline run. Cases are left out: their CTest test carries the time.
std::map<std::string, double> durations_from_report(const std::filesystem::path& report);

// Merges partial results (each a report.json written by `verify --shard K/N`): checks that they are
// shards 1..N of one run (same N, base, head), joins tests, tiers, findings, cascading failures and
// tampering, and decides again. Each test says which shard ran it (TestOutcome::shard: the first, when
// more did), each tier which shards ran it (TierResult::shards). Throws Error(usage) naming the file for anything inconsistent.
AttemptResult merge_partials(const std::vector<std::filesystem::path>& partials);

}  // namespace autofix
