// SPDX-License-Identifier: MIT
#include "reporters/rollback_report.h"

#include <gtest/gtest.h>

namespace autofix {
namespace {

TestRecord record(const std::string& name, RunStatus status) {
  TestRecord t;
  t.name = name;
  t.status = status;
  return t;
}

TEST(TestsBefore, PassedAndFailedNamesInRunOrderTimeoutsFailNotRunAndSkippedInNeither) {
  RollbackResult::TestsBefore b = tests_before_of({record("a", RunStatus::passed), record("b", RunStatus::failed),
                                                   record("c", RunStatus::timeout), record("d", RunStatus::not_run),
                                                   record("e", RunStatus::skipped), record("f", RunStatus::passed)},
                                                  true, true);
  EXPECT_EQ(b.passed, (std::vector<std::string>{"a", "f"}));
  EXPECT_EQ(b.failed, (std::vector<std::string>{"b", "c"}));
  EXPECT_TRUE(b.built);
  EXPECT_TRUE(b.stored);
  EXPECT_EQ(b.reason, "");
}

RollbackResult sample() {
  RollbackResult r;
  r.id = "20261208T010000Z-abcdef";
  r.to_commit = std::string(40, 'a');
  r.head_before = std::string(40, 'b');
  r.head_after = std::string(40, 'c');
  return r;
}

TEST(RollbackReport, TestsBeforeIsNullWithoutAJudgmentAndListsNamesWithOne) {
  RollbackResult r = sample();
  EXPECT_TRUE(reporters::rollback_json(r).at("tests_before").is_null());
  EXPECT_EQ(reporters::rollback_markdown(r).find("Before the rollback"), std::string::npos);

  r.tests_before = tests_before_of({record("ok", RunStatus::passed), record("bad", RunStatus::failed)}, true, false);
  nlohmann::json j = reporters::rollback_json(r).at("tests_before");
  EXPECT_EQ(j, nlohmann::json::parse(R"({"built": true, "stored": false, "reason": null, "passed": ["ok"], "failed": ["bad"]})"));
  std::string md = reporters::rollback_markdown(r);
  EXPECT_NE(md.find("Before the rollback (`bbbbbbbbbbbb` as the work tree had it): 1 passed, 1 failed.\n"
                    "- failed before: `bad`\n"),
            std::string::npos)
      << md;
}

TEST(RollbackReport, ATreeThatDidNotBuildSaysWhy) {
  RollbackResult r = sample();
  r.tests_before = tests_before_of({}, false, false);
  r.tests_before->reason = "the tree does not build: x.cpp:1: error";
  EXPECT_EQ(reporters::rollback_json(r).at("tests_before").at("reason"), "the tree does not build: x.cpp:1: error");
  std::string md = reporters::rollback_markdown(r);
  EXPECT_NE(md.find("Before the rollback (`bbbbbbbbbbbb` as the work tree had it): not judged: the tree does not build: "
                    "x.cpp:1: error.\n"),
            std::string::npos)
      << md;
}

}  // namespace
}  // namespace autofix
