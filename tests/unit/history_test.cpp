// SPDX-License-Identifier: MIT
#include "gate/run/history.h"

#include <gtest/gtest.h>

#include "gate/state/history_store.h"
#include "gate/util/error.h"
#include "reporters/history_json.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

const SystemTime kNow = parse_iso8601_utc("2026-12-07T22:00:00Z");

TEST(History, SinceAndUntilTakeDatesTimesAndDurations) {
  EXPECT_EQ(parse_history_time("2026-12-01", kNow, "--since"), parse_iso8601_utc("2026-12-01T00:00:00Z"));
  EXPECT_EQ(parse_history_time("2026-12-01T10:20:30Z", kNow, "--since"), parse_iso8601_utc("2026-12-01T10:20:30Z"));
  EXPECT_EQ(parse_history_time("90s", kNow, "--since"), parse_iso8601_utc("2026-12-07T21:58:30Z"));
  EXPECT_EQ(parse_history_time("30m", kNow, "--since"), parse_iso8601_utc("2026-12-07T21:30:00Z"));
  EXPECT_EQ(parse_history_time("12h", kNow, "--since"), parse_iso8601_utc("2026-12-07T10:00:00Z"));
  EXPECT_EQ(parse_history_time("7d", kNow, "--since"), parse_iso8601_utc("2026-11-30T22:00:00Z"));
  EXPECT_EQ(parse_history_time("2w", kNow, "--until"), parse_iso8601_utc("2026-11-23T22:00:00Z"));
  for (const char* bad : {"", "d", "7", "7y", "-7d", "2026-13-01", "yesterday", "2026-12-01 10:00", "99999999999999999999d"}) {
    try {
      parse_history_time(bad, kNow, "--since");
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::usage);
      EXPECT_EQ(std::string(e.what()), std::string("--since: '") + bad + "' is neither a date nor a duration");
    }
  }
}

HistoryFilter filter(std::optional<SystemTime> since, std::optional<SystemTime> until, std::optional<std::string> verdict,
                     std::optional<std::string> command, std::size_t limit = 20) {
  HistoryFilter f;
  f.since = since;
  f.until = until;
  f.verdict = verdict;
  f.command = command;
  f.limit = limit;
  return f;
}

HistoryRecord record(const std::string& id, const std::string& command, const std::string& verdict) {
  HistoryRecord r;
  r.id = id;
  r.command = command;
  r.verdict = verdict;
  r.reason = "reason of " + id;
  return r;
}

TEST(History, FiltersByTimeVerdictAndCommand) {
  const HistoryRecord r = record("20261207T120000Z-00000001", "verify", "accepted");
  EXPECT_EQ(history_time(r), parse_iso8601_utc("2026-12-07T12:00:00Z"));
  EXPECT_TRUE(matches(r, {}));
  EXPECT_TRUE(matches(r, filter(parse_iso8601_utc("2026-12-07T12:00:00Z"), {}, {}, {})));
  EXPECT_FALSE(matches(r, filter(parse_iso8601_utc("2026-12-07T12:00:01Z"), {}, {}, {})));
  EXPECT_FALSE(matches(r, filter({}, parse_iso8601_utc("2026-12-07T12:00:00Z"), {}, {})));
  EXPECT_TRUE(matches(r, filter({}, parse_iso8601_utc("2026-12-07T12:00:01Z"), {}, {})));
  EXPECT_TRUE(matches(r, filter({}, {}, "accepted", "verify")));
  EXPECT_FALSE(matches(r, filter({}, {}, "rejected", {})));
  EXPECT_FALSE(matches(r, filter({}, {}, {}, "attempt")));
}

TEST(History, ListsNewestFirstAndExportsOldestFirst) {
  autofix::testing::TempDir tmp;
  const auto root = tmp / "repo";
  autofix::testing::init_repo(root);
  git::Repository repo = git::Repository::open(root);
  HistoryStore store(repo);
  store.append(record("20261205T120000Z-00000001", "attempt", "rejected"));
  store.append(record("20261206T120000Z-00000002", "verify", "accepted"));
  store.append(record("20261207T120000Z-00000003", "attempt", "accepted"));
  HistoryListing all = list_history(repo, {});
  ASSERT_EQ(all.records.size(), 3u);
  EXPECT_EQ(all.records[0].id, "20261207T120000Z-00000003");
  HistoryListing accepted = list_history(repo, filter({}, {}, "accepted", {}, 1));
  ASSERT_EQ(accepted.records.size(), 1u);
  EXPECT_EQ(accepted.records[0].id, "20261207T120000Z-00000003");
  HistoryListing since = list_history(repo, filter(parse_iso8601_utc("2026-12-06T00:00:00Z"), {}, {}, "verify"));
  ASSERT_EQ(since.records.size(), 1u);
  EXPECT_EQ(since.records[0].id, "20261206T120000Z-00000002");
  std::vector<std::string> damaged;
  EXPECT_EQ(find_history(repo, "20261206T120000Z-00000002", damaged)->verdict, "accepted");
  EXPECT_EQ(find_history(repo, "20261206T120000Z-00000009", damaged), std::nullopt);

  export_history(repo, HistoryExportFormat::jsonl, tmp / "h.jsonl");
  const std::string jsonl = autofix::testing::read_file(tmp / "h.jsonl");
  EXPECT_EQ(jsonl, reporters::history_record_json(record("20261205T120000Z-00000001", "attempt", "rejected")).dump() + "\n" +
                       reporters::history_record_json(record("20261206T120000Z-00000002", "verify", "accepted")).dump() + "\n" +
                       reporters::history_record_json(record("20261207T120000Z-00000003", "attempt", "accepted")).dump() + "\n");
  HistoryListing csv = export_history(repo, HistoryExportFormat::csv, tmp / "h.csv");
  EXPECT_EQ(csv.records.size(), 3u);
  const std::string text = autofix::testing::read_file(tmp / "h.csv");
  EXPECT_TRUE(text.starts_with("id,started,")) << text;
  EXPECT_NE(text.find("\r\n20261205T120000Z-00000001,"), std::string::npos);
}

TEST(History, StatsAsTextAndJson) {
  HistoryStats s;
  s.records = 2;
  s.by_command = {{"attempt", 2, 1}};
  s.by_fix_source = {{"patch", 2, 1}};
  s.signatures = {{"sig", 1, "20261207T120000Z-00000001"}};
  s.broken_tests = {{"t", 1, "20261207T120000Z-00000001"}};
  s.phases = {{"build", 2, 1500, 3000, 75}};
  s.flaky_tests = {{"io.read", 4, "2026-12-07T10:00:00Z"}, {"net", 1, ""}};
  s.recommendations = {"look"};
  EXPECT_EQ(history_stats_text(s),
            "2 record(s)\n"
            "acceptance by command:\n  attempt: 1 of 2 accepted (50%)\n"
            "acceptance by fix source:\n  patch: 1 of 2 accepted (50%)\n"
            "most frequent failure signatures:\n  1x sig\n"
            "tests most often broken:\n  1x t\n"
            "time by phase (median, share of all):\n  build: 1500 ms, 75% (2 runs)\n"
            "flaky tests:\n  4x io.read (last 2026-12-07T10:00:00Z)\n  1x net\n"
            "recommendations:\n  - look\n");
  EXPECT_EQ(history_stats_json(s).dump(),
            R"({"records":2,"by_command":[{"name":"attempt","runs":2,"accepted":1}],)"
            R"("by_fix_source":[{"name":"patch","runs":2,"accepted":1}],)"
            R"("signatures":[{"name":"sig","count":1,"last_id":"20261207T120000Z-00000001"}],)"
            R"("broken_tests":[{"name":"t","count":1,"last_id":"20261207T120000Z-00000001"}],)"
            R"("phases":[{"phase":"build","runs":2,"median_ms":1500,"total_ms":3000,"percent":75}],)"
            R"("flaky_tests":[{"name":"io.read","flakes":4,"last_seen":"2026-12-07T10:00:00Z"},)"
            R"({"name":"net","flakes":1,"last_seen":""}],)"
            R"("recommendations":["look"]})");
  EXPECT_EQ(history_stats_text(HistoryStats{}), "0 record(s)\n");
}

}  // namespace
}  // namespace autofix
