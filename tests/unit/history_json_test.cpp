// SPDX-License-Identifier: MIT
#include "reporters/history_json.h"

#include <gtest/gtest.h>

#include "gate/util/error.h"
#include "tests/support/json_schema_check.h"

namespace autofix::reporters {
namespace {

HistoryRecord full_record() {
  HistoryRecord r;
  r.id = "20261207T221522Z-3f9a1c2b";
  r.started = "2026-12-07T22:15:22Z";
  r.ended = "2026-12-07T22:16:01Z";
  r.command = "attempt";
  r.args = {"--patch", "fix one.diff", "--on-accept", "branch"};
  r.who = {"Ada Lovelace", "ada@example.com", "ci-runner-7", "https://github.com/o/r/actions/runs/42"};
  r.fix = {std::string(64, 'a'), "fix one.diff", {"fixer", "--flag", "a b"}};
  r.base = std::string(40, '1');
  r.head = std::string(40, '2');
  r.lane = "standard";
  r.risk = "high";
  r.verdict = "rejected";
  r.reason = "1 test regressed: \"q\"\n";
  r.failure = {"test_regression", "regressed: math.adds <N>"};
  r.tests = {12, 10, {"math.fixed"}, {"math.adds", "io.reads"}, {"net.retries"}};
  r.phase_ms = {{"baseline", 1200}, {"build", 300}, {"tests", 4500}};
  r.snapshot = "20261207T221522Z-3f9a1c";
  r.branch = "autofix/20261207T221522Z-3f9a1c";
  r.commit = std::string(40, '3');
  r.gate_version = "0.1.0";
  r.breaker_key = "repo\nmain\nany";
  return r;
}

TEST(HistoryJson, EveryFieldRoundTripsInAFixedOrder) {
  const HistoryRecord r = full_record();
  const std::string text = history_record_text(r);
  EXPECT_EQ(read_history_record(text, "r.json"), r);
  std::vector<std::string> keys;
  const nlohmann::ordered_json j = history_record_json(r);
  for (const auto& [key, value] : j.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"format", "id", "started", "ended", "command", "args", "who", "fix", "base",
                                            "head", "lane", "risk", "verdict", "reason", "failure", "tests", "phase_ms",
                                            "snapshot", "branch", "commit", "gate_version", "breaker_key"}));
  EXPECT_TRUE(text.ends_with("}\n"));
  // One line for jsonl reads the same.
  EXPECT_EQ(read_history_record(history_record_json(r).dump(), "line 1"), r);
  HistoryRecord empty;
  empty.id = "20261207T221522Z-3f9a1c";
  empty.command = "verify";
  empty.verdict = "accepted";
  EXPECT_EQ(read_history_record(history_record_text(empty), "e.json"), empty);
}

TEST(HistoryJson, ARecordWrittenBeforeFlakyTestsWereRecordedReadsWithNone) {
  const HistoryRecord r = full_record();
  nlohmann::ordered_json j = history_record_json(r);
  EXPECT_EQ(j.at("tests").at("flaky"), (nlohmann::ordered_json{"net.retries"}));
  j["tests"].erase("flaky");
  HistoryRecord expected = r;
  expected.tests.flaky.clear();
  EXPECT_EQ(read_history_record(j.dump(), "old.json"), expected);
}

TEST(HistoryJson, ADamagedRecordIsAnErrorNamingWhatIsWrong) {
  auto message = [](const std::string& text) -> std::string {
    try {
      read_history_record(text, "r.json");
    } catch (const Error& e) {
      return e.what();
    }
    return "read";
  };
  nlohmann::ordered_json j = history_record_json(full_record());
  EXPECT_TRUE(message("{\"id\": ").starts_with("r.json: not valid JSON: ")) << message("{\"id\": ");
  nlohmann::ordered_json bad = j;
  bad["tests"]["run"] = -1;
  EXPECT_EQ(message(bad.dump()), "r.json: tests.run: must be between 0 and 18446744073709551615, got -1");
  bad = j;
  bad["id"] = "yesterday";
  EXPECT_EQ(message(bad.dump()), "r.json: id: not a history id: 'yesterday'");
  bad = j;
  bad.erase("verdict");
  EXPECT_EQ(message(bad.dump()), "r.json: verdict: missing (expected the verdict)");
  bad = j;
  bad["format"] = 2;
  EXPECT_EQ(message(bad.dump()), "r.json: format: format 2 is newer than this gate reads (1)");
  // A field of a newer gate passes.
  bad = j;
  bad["added_later"] = true;
  EXPECT_EQ(read_history_record(bad.dump(), "r.json"), full_record());
}

// docs/schemas/history-record.schema.json describes what the gate writes: a full record, an empty one, a
// newer gate's extra field; a record the reader would skip as damaged fails it.
TEST(HistoryJson, IsValidAgainstItsSchema) {
  HistoryRecord empty;
  empty.id = "20261207T221522Z-3f9a1c";
  empty.command = "verify";
  empty.verdict = "accepted";
  nlohmann::ordered_json newer = history_record_json(full_record());
  newer["added_later"] = true;
  for (const nlohmann::ordered_json& j : {history_record_json(full_record()), history_record_json(empty), newer})
    EXPECT_EQ(testing::json_schema_problems("history-record.schema.json", nlohmann::json::parse(j.dump())), "") << j.dump(2);

  nlohmann::json bad = nlohmann::json::parse(history_record_json(full_record()).dump());
  bad.erase("verdict");
  bad["id"] = "yesterday";
  bad["tests"]["run"] = -1;
  bad["phase_ms"]["build"] = "300";
  bad["fix"]["patch_sha256"] = "ABC";
  const std::string problems = testing::json_schema_problems("history-record.schema.json", bad);
  EXPECT_TRUE(problems.contains(": (the document): 'verdict' is a required property\n")) << problems;
  EXPECT_TRUE(problems.contains(": id: 'yesterday' does not match ")) << problems;
  EXPECT_TRUE(problems.contains(": tests.run: -1 is less than the minimum of 0\n")) << problems;
  EXPECT_TRUE(problems.contains(": phase_ms.build: '300' is not of type 'integer'\n")) << problems;
  EXPECT_TRUE(problems.contains(": fix.patch_sha256: 'ABC' does not match ")) << problems;
}

TEST(HistoryId, TimeSortableIdsWithARealDate) {
  EXPECT_TRUE(is_history_id("20261207T221522Z-3f9a1c2b"));
  EXPECT_TRUE(is_history_id("20261207T221522Z-3f9a1c"));
  EXPECT_FALSE(is_history_id("20261207T221522Z-3f9a1"));
  EXPECT_FALSE(is_history_id("20261207T221522Z-3F9A1C2B"));
  EXPECT_FALSE(is_history_id("20261307T221522Z-3f9a1c2b"));
  EXPECT_FALSE(is_history_id("20261200T221522Z-3f9a1c2b"));
  EXPECT_FALSE(is_history_id("../../x"));
  const std::string id = new_history_id(parse_iso8601_utc("2026-12-07T22:15:22Z"));
  EXPECT_TRUE(id.starts_with("20261207T221522Z-")) << id;
  EXPECT_EQ(id.size(), 25u);
  EXPECT_TRUE(is_history_id(id));
}

}  // namespace
}  // namespace autofix::reporters
