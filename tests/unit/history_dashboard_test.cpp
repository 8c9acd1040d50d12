// SPDX-License-Identifier: MIT
// The history's dashboard: its model from synthetic records (exact counts per day and verdict, every day
// between the first and the last, breakers and flaky tests in order), and its page (the bars' counts as
// data attributes, a hostile test name and signature escaped, an empty history that says so).
#include "gate/policy/history_dashboard.h"

#include <gtest/gtest.h>

#include <regex>

#include "reporters/history_html.h"

namespace autofix {
namespace {

HistoryRecord run(const std::string& day, int n, const std::string& verdict, const std::string& signature = {}) {
  HistoryRecord r;
  char id[40];
  std::snprintf(id, sizeof id, "%sT%02d0000Z-%08x", day.c_str(), n, n);
  r.id = id;
  r.command = "attempt";
  r.verdict = verdict;
  r.started = day.substr(0, 4) + "-" + day.substr(4, 2) + "-" + day.substr(6, 2) + "T" + (n < 10 ? "0" : "") +
              std::to_string(n) + ":00:00Z";
  r.ended = r.started.substr(0, 14) + "30:00Z";
  r.failure.signature = signature;
  r.fix.patch_file = "fix.diff";
  return r;
}

DashboardInput input() {
  DashboardInput in;
  // Newest first: two days with runs and an empty day between them.
  in.records = {run("20261207", 12, "accepted"),
                run("20261207", 11, kRefusedBreakerOpen, "regressed: math.add"),
                run("20261207", 10, "rejected", "regressed: math.add"),
                run("20261205", 9, "rejected", "regressed: math.add"),
                run("20261205", 8, "needs_review"),
                run("20261205", 7, "accepted"),
                run("20261205", 6, "weird_new_verdict")};
  in.records[0].fix = {};
  in.records[0].fix.fixer = {"bot"};
  in.records[0].phase_ms = {{"build", 3000}, {"tests", 1000}};
  in.records[2].phase_ms = {{"build", 1000}, {"tests", 1000}};
  BreakerState open;
  open.status = BreakerStatus::open;
  open.consecutive_rejections = 3;
  open.opened_at = parse_iso8601_utc("2026-12-07T10:30:00Z");
  open.half_opens_at = parse_iso8601_utc("2026-12-08T10:30:00Z");
  open.last_signature = "regressed: math.add";
  BreakerState closed;
  in.breakers = {{"repo|main|any", closed}, {"repo|main|ISSUE-1", open}, {"repo|dev|any", closed}};
  in.flaky = {{"io.read", 2, "2026-12-06T01:00:00Z"}, {"net.retry", 5, "2026-12-07T01:00:00Z"}};
  in.now = parse_iso8601_utc("2026-12-08T00:00:00Z");
  in.since = "2026-12-01T00:00:00Z";
  return in;
}

TEST(HistoryDashboard, CountsPerDayAndVerdictWithEveryDayBetween) {
  HistoryDashboard d = history_dashboard(input());
  EXPECT_EQ(d.records, 7u);
  EXPECT_EQ(d.generated_at, "2026-12-08T00:00:00Z");
  EXPECT_EQ(d.since, "2026-12-01T00:00:00Z");
  EXPECT_EQ(d.until, "");
  EXPECT_EQ(d.verdicts, (std::vector<std::string>{"accepted", "rejected", "needs_review", kRefusedBreakerOpen,
                                                  "weird_new_verdict"}));
  EXPECT_EQ(d.days, (std::vector<DashboardDay>{{"2026-12-05", {1, 1, 1, 0, 1}, 4},
                                               {"2026-12-06", {0, 0, 0, 0, 0}, 0},
                                               {"2026-12-07", {1, 1, 0, 1, 0}, 3}}));
}

TEST(HistoryDashboard, SourcesSignaturesBreakersFlakyTestsAndPhases) {
  HistoryDashboard d = history_dashboard(input());
  EXPECT_EQ(d.by_fix_source, (std::vector<AcceptanceRate>{{"fixer", 1, 1}, {"patch", 6, 1}}));
  // The breaker's refusal carries the signature again: not counted (2, not 3).
  EXPECT_EQ(d.signatures, (std::vector<DashboardSignature>{
                              {"regressed: math.add", 2, "20261207T100000Z-0000000a", "2026-12-07T10:30:00Z"}}));
  ASSERT_EQ(d.breakers.size(), 3u);
  EXPECT_EQ(d.breakers[0], (DashboardBreaker{"repo|main|ISSUE-1", "open", 3, "2026-12-07T10:30:00Z",
                                             "2026-12-08T10:30:00Z", "regressed: math.add"}));
  EXPECT_EQ(d.breakers[1].key, "repo|dev|any");
  EXPECT_EQ(d.breakers[1].status, "closed");
  EXPECT_EQ(d.breakers[2].key, "repo|main|any");
  EXPECT_EQ(d.flaky_tests, (std::vector<FlakyTestCount>{{"net.retry", 5, "2026-12-07T01:00:00Z"},
                                                        {"io.read", 2, "2026-12-06T01:00:00Z"}}));
  EXPECT_EQ(d.phases, (std::vector<PhaseTime>{{"build", 2, 2000, 4000, 66}, {"tests", 2, 1000, 2000, 33}}));
}

TEST(HistoryDashboard, AWindowOfYearsShowsOnlyTheDaysWithRuns) {
  DashboardInput in;
  in.records = {run("20261207", 1, "accepted"), run("20240101", 1, "rejected")};
  HistoryDashboard d = history_dashboard(in);
  EXPECT_EQ(d.days, (std::vector<DashboardDay>{{"2024-01-01", {0, 1}, 1}, {"2026-12-07", {1, 0}, 1}}));
  EXPECT_TRUE(history_dashboard({}).days.empty());
}

// Every (day, verdict, count) of the chart's bars, from their data attributes.
std::vector<std::string> bars(const std::string& page) {
  std::vector<std::string> out;
  std::regex rect(
      R"re(<rect class="[^"]*" x="[^"]*" y="[^"]*" width="[^"]*" height="[^"]*" data-day="([^"]*)" data-verdict="([^"]*)" data-count="(\d+)")re");
  for (auto it = std::sregex_iterator(page.begin(), page.end(), rect); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1].str() + " " + (*it)[2].str() + " " + (*it)[3].str());
  return out;
}

TEST(HistoryHtml, TheBarsCarryTheirCountsAndTheLegendTheTotals) {
  const std::string page = reporters::history_html(history_dashboard(input()));
  EXPECT_EQ(bars(page), (std::vector<std::string>{"2026-12-05 accepted 1", "2026-12-05 rejected 1",
                                                  "2026-12-05 needs_review 1", "2026-12-05 weird_new_verdict 1",
                                                  "2026-12-07 accepted 1", "2026-12-07 rejected 1",
                                                  "2026-12-07 refused_breaker_open 1"}));
  EXPECT_NE(page.find(R"(<li data-verdict="accepted" data-count="2"><span class="swatch v-accepted"></span>accepted 2</li>)"),
            std::string::npos);
  EXPECT_NE(page.find(R"(<li data-verdict="weird_new_verdict" data-count="1"><span class="swatch v-other"></span>)"),
            std::string::npos);
  EXPECT_NE(page.find(R"(<g data-day="2026-12-06" data-total="0"></g>)"), std::string::npos);
  EXPECT_NE(page.find(R"(data-source="patch" data-runs="6" data-accepted="1")"), std::string::npos);
  EXPECT_NE(page.find(R"(<tr data-state="open"><td><code>repo|main|ISSUE-1</code></td><td><span class="badge open">open</span></td><td class="n">3</td>)"),
            std::string::npos);
  EXPECT_NE(page.find(R"(<code class="test-name">net.retry</code></td><td class="n">5</td>)"), std::string::npos);
  EXPECT_NE(page.find(R"(data-phase="build" data-percent="66" data-median-ms="2000")"), std::string::npos);
  EXPECT_NE(page.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u);
}

TEST(HistoryHtml, AHostileTestNameAndSignatureAreText) {
  DashboardInput in = input();
  const std::string hostile = "suite::<script>alert(\"x\")</script>&'" + std::string(300, 'n') + std::string("\x01", 1);
  in.records[2].failure.signature = "regressed: " + hostile;
  in.records[3].failure.signature = "regressed: " + hostile;
  in.flaky = {{hostile, 3, "<b>"}};
  in.breakers = {{"repo|main|tests:" + hostile, BreakerState{}}};
  const std::string page = reporters::history_html(history_dashboard(in));
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<b>"), std::string::npos);
  const std::string escaped = "suite::&lt;script&gt;alert(\"x\")&lt;/script&gt;&amp;'" + std::string(300, 'n') + "\\x01";
  EXPECT_NE(page.find("<code class=\"test-name\">" + escaped + "</code>"), std::string::npos);
  EXPECT_NE(page.find("<code>regressed: " + escaped + "</code>"), std::string::npos);
  EXPECT_NE(page.find("<code>repo|main|tests:" + escaped + "</code>"), std::string::npos);
  EXPECT_NE(page.find("<td>&lt;b&gt;</td>"), std::string::npos);
}

TEST(HistoryHtml, AnEmptyHistorySaysSo) {
  DashboardInput in;
  in.now = parse_iso8601_utc("2026-12-08T00:00:00Z");
  const std::string page = reporters::history_html(history_dashboard(in));
  EXPECT_NE(page.find("<p class=\"empty\">The history has no records yet: every attempt, verify, batch and breaker "
                      "reset adds one"),
            std::string::npos);
  EXPECT_NE(page.find("0 run(s): all records · written 2026-12-08T00:00:00Z"), std::string::npos);
  EXPECT_EQ(page.find("<svg"), std::string::npos);
  in.since = "2026-12-01T00:00:00Z";
  EXPECT_NE(reporters::history_html(history_dashboard(in)).find("No record of the history started in this window."),
            std::string::npos);
}

}  // namespace
}  // namespace autofix
