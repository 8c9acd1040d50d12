// SPDX-License-Identifier: MIT
#include "reporters/batch_report.h"

#include <pugixml.hpp>

#include <gtest/gtest.h>

#include "tests/support/json_schema_check.h"

namespace autofix::reporters {
namespace {

BatchResult sample() {
  BatchResult r;
  r.batch_id = "20261207T163000Z-abcdef";
  r.started = "2026-12-07T16:30:00Z";
  r.source = "batch.json";
  r.strategy = BatchStrategy::best_effort;
  r.outcome = "partial";
  r.reason = "2 of 3 fixes accepted";
  r.fixes = {
      {"a", "a.diff", FixVerdict::accepted, "passes with the accepted set (step 3)", {}, {"c0ffee"}, {"T.x"}, {}, 3, {}},
      {"b|c", "b.diff", FixVerdict::rejected, "test T.y broke (step 2)", {}, {}, {}, {"T.y"}, 2, {}},
      {"d", "d.diff", FixVerdict::skipped, "depends on b|c, which was rejected", {"b|c"}, {}, {}, {}, 2, {}},
  };
  r.steps = {{{"a", "b|c", "d"}, "all fixes", "failed", "test T.y broke", 1.5},
             {{"b|c"}, "confirm alone", "failed", "test T.y broke", 1.0},
             {{"a"}, "bisect", "passed", "", 0.5}};
  r.branches = {"autofix/batch/20261207T163000Z-abcdef"};
  r.commit = "c0ffee";
  r.runs = 3;
  r.one_by_one_runs = 3;
  return r;
}

TEST(BatchReport, JsonHoldsEveryFixAndTheTotals) {
  nlohmann::json j = batch_report_json(sample());
  EXPECT_EQ(j.at("kind"), "batch");
  EXPECT_EQ(j.at("strategy"), "best_effort");
  EXPECT_EQ(j.at("fixes").at(1).at("verdict"), "rejected");
  EXPECT_EQ(j.at("fixes").at(1).at("tests_broken"), nlohmann::json::array({"T.y"}));
  EXPECT_EQ(j.at("fixes").at(0).at("partner"), nullptr);
  EXPECT_EQ(j.at("totals").at("accepted"), 1);
  EXPECT_EQ(j.at("totals").at("skipped"), 1);
  EXPECT_EQ(j.at("totals").at("runs"), 3);
  EXPECT_EQ(autofix::testing::json_schema_problems("batch-report.schema.json", j), "");
}

TEST(BatchReport, CheckpointsCarryTheirRefAndCommit) {
  BatchResult r = sample();
  r.strategy = BatchStrategy::checkpoint;
  const std::string commit(40, 'c');
  r.checkpoints = {{1, {"a"}, 3, "refs/autofix/checkpoints/20261207T163000Z-abcdef/1", commit}};
  nlohmann::json j = batch_report_json(r);
  EXPECT_EQ(j.at("checkpoints"), nlohmann::json::parse(R"([{"number": 1, "fixes": ["a"], "step": 3, "ref": )"
                                                       R"("refs/autofix/checkpoints/20261207T163000Z-abcdef/1", "commit": ")" +
                                                       commit + R"("}])"));
  EXPECT_EQ(autofix::testing::json_schema_problems("batch-report.schema.json", j), "");
}

TEST(BatchReport, JsonSaysWhetherTheBatchWasResumed) {
  BatchResult r = sample();
  EXPECT_EQ(batch_report_json(r).at("resumed"), nullptr);
  r.resumed = BatchResume{2, 1};
  nlohmann::json j = batch_report_json(r);
  EXPECT_EQ(j.at("resumed"), (nlohmann::json{{"steps_read_back", 2}, {"steps_judged_now", 1}}));
  EXPECT_EQ(autofix::testing::json_schema_problems("batch-report.schema.json", j), "");
}

TEST(BatchReport, JunitHasOneSuitePerFix) {
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(batch_junit(sample()).c_str()));
  pugi::xml_node root = doc.child("testsuites");
  ASSERT_TRUE(root);
  std::vector<std::string> names;
  for (pugi::xml_node s : root.children("testsuite")) names.push_back(s.attribute("name").value());
  EXPECT_EQ(names, (std::vector<std::string>{"autofix-batch.a", "autofix-batch.b|c", "autofix-batch.d"}));
  EXPECT_EQ(std::string(root.find_child_by_attribute("testsuite", "name", "autofix-batch.b|c").attribute("failures").value()), "1");
  EXPECT_EQ(std::string(root.find_child_by_attribute("testsuite", "name", "autofix-batch.d").attribute("skipped").value()), "1");
}

TEST(BatchReport, SummaryHasATableRowPerFix) {
  std::string md = batch_summary(sample());
  EXPECT_NE(md.find("# Autofix batch 20261207T163000Z-abcdef: 1 of 3 fixes accepted"), std::string::npos) << md;
  EXPECT_NE(md.find("| a | accepted | passes with the accepted set (step 3) | c0ffee |"), std::string::npos) << md;
  EXPECT_NE(md.find("| b\\|c | rejected | test T.y broke (step 2) | — |"), std::string::npos) << md;
  EXPECT_NE(md.find("- `d` skipped in step 2: depends on b|c, which was rejected"), std::string::npos) << md;
}

}  // namespace
}  // namespace autofix::reporters
