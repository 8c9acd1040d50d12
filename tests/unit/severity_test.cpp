// SPDX-License-Identifier: MIT
#include "gate/results/severity.h"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace autofix {
namespace {

const std::vector<FailOn> kThresholds = {FailOn::error, FailOn::warning, FailOn::style, FailOn::any};

// Every severity either analyzer prints, against every threshold: which ones fail a tier. Written out
// in full, so that a change to the scale shows up here line by line.
TEST(Severity, EachSeverityAgainstEachThreshold) {
  // severity -> blocks at {error, warning, style, any}
  const std::map<std::string, std::vector<bool>> expected = {
      {"error", {true, true, true, true}},          // cppcheck, clang-tidy (compile errors, WarningsAsErrors)
      {"fatal error", {true, true, true, true}},    // clang
      {"warning", {false, true, true, true}},       // cppcheck, clang-tidy checks and clang-diagnostic-*
      {"style", {false, false, true, true}},        // cppcheck
      {"performance", {false, false, true, true}},  // cppcheck
      {"portability", {false, false, true, true}},  // cppcheck
      {"information", {false, false, false, true}},  // cppcheck
      {"debug", {false, false, false, true}},        // cppcheck
      {"remark", {false, false, false, true}},       // clang
      {"note", {false, false, false, true}},
  };
  for (const auto& [severity, blocks] : expected)
    for (size_t i = 0; i < kThresholds.size(); ++i)
      EXPECT_EQ(blocks_at(severity, kThresholds[i]), blocks[i])
          << "severity '" << severity << "' at threshold '" << to_string(kThresholds[i]) << "'";
}

TEST(Severity, AnUnknownWordBlocksAtEveryThreshold) {
  // Fail closed: a finding nobody knows how to weigh (another tier's, a future analyzer's) is never waved through.
  for (const char* severity : {"", "fatal", "Warning", "STYLE", "critical", "secret"}) {
    EXPECT_EQ(severity_class(severity), FailOn::error) << severity;
    for (FailOn threshold : kThresholds) EXPECT_TRUE(blocks_at(severity, threshold)) << severity;
  }
}

TEST(Severity, ThresholdNamesRoundTrip) {
  for (FailOn threshold : kThresholds) EXPECT_EQ(fail_on_from_string(to_string(threshold)), threshold);
  EXPECT_STREQ(to_string(FailOn::error), "error");
  EXPECT_STREQ(to_string(FailOn::warning), "warning");
  EXPECT_STREQ(to_string(FailOn::style), "style");
  EXPECT_STREQ(to_string(FailOn::any), "any");
  for (const char* text : {"", "Error", "warnings", "performance", "information", "none", "all"})
    EXPECT_EQ(fail_on_from_string(text), std::nullopt) << text;
}

TEST(Severity, TheDefaultRejectsOnStyleOnlyWhenTheUserChoseTheChecks) {
  EXPECT_EQ(default_fail_on(false), FailOn::warning);
  EXPECT_EQ(default_fail_on(true), FailOn::style);
  EXPECT_FALSE(blocks_at("style", default_fail_on(false)));
  EXPECT_TRUE(blocks_at("warning", default_fail_on(false)));
  EXPECT_TRUE(blocks_at("style", default_fail_on(true)));
  EXPECT_FALSE(blocks_at("information", default_fail_on(true)));
}

TEST(Severity, SarifLevels) {
  EXPECT_STREQ(sarif_level("error"), "error");
  EXPECT_STREQ(sarif_level("fatal error"), "error");
  EXPECT_STREQ(sarif_level("warning"), "warning");
  EXPECT_STREQ(sarif_level("style"), "warning");
  EXPECT_STREQ(sarif_level("performance"), "warning");
  EXPECT_STREQ(sarif_level("portability"), "warning");
  EXPECT_STREQ(sarif_level("information"), "note");
  EXPECT_STREQ(sarif_level("remark"), "note");
  EXPECT_STREQ(sarif_level("something else"), "error");
}

}  // namespace
}  // namespace autofix
