// SPDX-License-Identifier: MIT
#include "gate/policy/history_stats.h"

#include <gtest/gtest.h>

namespace autofix {
namespace {

HistoryRecord run(int n, const std::string& command, const std::string& verdict, std::vector<std::string> broken = {},
                  const std::string& signature = {}) {
  HistoryRecord r;
  char id[32];
  std::snprintf(id, sizeof id, "20261207T%02d0000Z-%08x", n, n);
  r.id = id;
  r.command = command;
  r.verdict = verdict;
  r.tests.broken = std::move(broken);
  r.failure.signature = signature;
  return r;
}

TEST(HistoryStats, RatesSignaturesBrokenTestsAndPhases) {
  std::vector<HistoryRecord> records;  // newest first
  HistoryRecord a = run(9, "attempt", "rejected", {"math.add", "io.read"}, "regressed: math.add");
  a.fix.fixer = {"bot", "--fix"};
  a.phase_ms = {{"build", 6000}, {"tests", 2000}};
  HistoryRecord b = run(8, "attempt", "rejected", {"math.add"}, "regressed: math.add");
  b.fix.fixer = {"bot"};
  b.phase_ms = {{"build", 4000}, {"tests", 1000}};
  HistoryRecord c = run(7, "verify", "accepted");
  c.phase_ms = {{"build", 1000}, {"tests", 1000}, {"static", 1000}};
  HistoryRecord d = run(6, "attempt", "accepted");
  d.fix.patch_file = "p.diff";
  HistoryRecord e = run(5, "attempt", "rejected", {"math.add"}, "regressed: math.add");
  e.fix.patch_file = "q.diff";
  HistoryRecord f = run(4, "batch", "rejected", {"io.read"});
  f.phase_ms = {{"batch", 999999}};
  records = {a, b, c, d, e, f};

  HistoryStats s = history_stats(records);
  EXPECT_EQ(s.records, 6u);
  EXPECT_EQ(s.by_command, (std::vector<AcceptanceRate>{{"attempt", 4, 1}, {"batch", 1, 0}, {"verify", 1, 1}}));
  EXPECT_EQ(s.by_fix_source, (std::vector<AcceptanceRate>{{"fixer", 2, 0}, {"none", 2, 1}, {"patch", 2, 1}}));
  EXPECT_EQ(s.signatures, (std::vector<NamedCount>{{"regressed: math.add", 3, "20261207T090000Z-00000009"}}));
  EXPECT_EQ(s.broken_tests, (std::vector<NamedCount>{{"math.add", 3, "20261207T090000Z-00000009"},
                                                     {"io.read", 2, "20261207T090000Z-00000009"}}));
  EXPECT_EQ(s.phases, (std::vector<PhaseTime>{{"build", 3, 4000, 11000, 68}, {"tests", 3, 1000, 4000, 25},
                                              {"static", 1, 1000, 1000, 6}}));
  EXPECT_EQ(s.recommendations,
            (std::vector<std::string>{
                "test math.add broke 3 of the last 3 rejected runs: look at it before the next run",
                "3 rejected runs failed the same way (regressed: math.add, last in 20261207T090000Z-00000009): retrying "
                "the same fix will not help; change the approach",
                "the build phase took 68% of gate time (11.0 s of 16.0 s over 3 runs, median 4.0 s)"}));
}

TEST(HistoryStats, AMostlyRejectedFixSourceAndNothingToSay) {
  std::vector<HistoryRecord> records;
  for (int n = 0; n < 5; ++n) {
    HistoryRecord r = run(10 - n, "attempt", n == 0 ? "accepted" : "rejected", {"t" + std::to_string(n)});
    r.fix.patch_file = "p.diff";
    records.push_back(r);
  }
  HistoryStats s = history_stats(records);
  EXPECT_EQ(s.recommendations,
            std::vector<std::string>{"fixes from a patch were accepted in 1 of 5 runs (20%): look at the rejections "
                                     "before sending more"});
  EXPECT_TRUE(history_stats({}).recommendations.empty());
  EXPECT_EQ(history_stats({}).records, 0u);
  EXPECT_EQ(fix_source(records[0]), "patch");
}

}  // namespace
}  // namespace autofix
