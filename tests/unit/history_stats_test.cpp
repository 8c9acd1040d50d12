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

TEST(HistoryStats, ABreakerRefusalIsNoNewFailureButCountsAsNotAccepted) {
  // Three rejections opened the breaker; the two runs it refused carry the same signature again.
  std::vector<HistoryRecord> records;
  for (int n = 0; n < 2; ++n) records.push_back(run(20 - n, "attempt", kRefusedBreakerOpen, {}, "regressed: math.add"));
  for (int n = 0; n < 3; ++n) records.push_back(run(10 - n, "attempt", "rejected", {"math.add"}, "regressed: math.add"));
  records.push_back(run(5, "breaker-reset", "reset"));
  HistoryStats s = history_stats(records);
  EXPECT_EQ(s.signatures, (std::vector<NamedCount>{{"regressed: math.add", 3, "20261207T100000Z-0000000a"}}));
  EXPECT_EQ(s.by_command, (std::vector<AcceptanceRate>{{"attempt", 5, 0}, {"breaker-reset", 1, 0}}));
  // The recent rejected runs are the three judged ones, not the refusals.
  EXPECT_EQ(s.recommendations[0], "test math.add broke 3 of the last 3 rejected runs: look at it before the next run");
  EXPECT_EQ(s.recommendations[1],
            "3 rejected runs failed the same way (regressed: math.add, last in 20261207T100000Z-0000000a): retrying the "
            "same fix will not help; change the approach");
}

TEST(HistoryStats, FlakyTestsComeFromTheRecordsAndTheStoreOnlyForTestsNoRecordNames) {
  HistoryRecord a = run(1, "attempt", "accepted"), b = run(2, "verify", "rejected"), c = run(3, "attempt", "accepted");
  a.ended = "2026-12-07T01:00:00Z";
  b.ended = "2026-12-07T02:00:00Z";
  c.ended = "2026-12-07T03:00:00Z";
  a.tests.flaky = {"io.read", "net.retry"};
  b.tests.flaky = {"io.read"};
  // Newest first, as the store lists records; the store's own count of io.read is older and smaller.
  std::vector<FlakyTestCount> store{{"io.read", 1, "2026-11-30T00:00:00Z"}, {"db.lock", 5, "2026-11-01T00:00:00Z"}};
  EXPECT_EQ(flaky_tests_in({c, b, a}, store), (std::vector<FlakyTestCount>{{"db.lock", 5, "2026-11-01T00:00:00Z"},
                                                                          {"io.read", 2, "2026-12-07T02:00:00Z"},
                                                                          {"net.retry", 1, "2026-12-07T01:00:00Z"}}));
  EXPECT_EQ(flaky_tests_in({}, {}), std::vector<FlakyTestCount>{});
}

TEST(HistoryStats, FlakyTestsMostFlakesFirstWithARecommendationFromThree) {
  std::vector<FlakyTestCount> flaky{{"net.retry", 1, "2026-12-01T10:00:00Z"},
                                    {"io.read", 4, "2026-12-07T10:00:00Z"},
                                    {"db.lock", 4, ""},
                                    {"a.b", 2, "2026-12-02T10:00:00Z"}};
  HistoryStats s = history_stats({run(1, "attempt", "accepted")}, flaky);
  EXPECT_EQ(s.flaky_tests, (std::vector<FlakyTestCount>{{"db.lock", 4, ""},
                                                        {"io.read", 4, "2026-12-07T10:00:00Z"},
                                                        {"a.b", 2, "2026-12-02T10:00:00Z"},
                                                        {"net.retry", 1, "2026-12-01T10:00:00Z"}}));
  EXPECT_EQ(s.recommendations,
            (std::vector<std::string>{
                "test db.lock flaked 4 times: fix or quarantine it, its failures cost re-runs and hide regressions",
                "test io.read flaked 4 times (last 2026-12-07T10:00:00Z): fix or quarantine it, its failures cost "
                "re-runs and hide regressions"}));
  std::vector<FlakyTestCount> many;
  for (int n = 0; n < 15; ++n) many.push_back({"t" + std::to_string(n), 1, ""});
  EXPECT_EQ(history_stats({}, many).flaky_tests.size(), kTopCount);
}

}  // namespace
}  // namespace autofix
