// SPDX-License-Identifier: MIT
#include "reporters/finding_key.h"

#include <gtest/gtest.h>

namespace autofix::reporters {
namespace {

Finding with(std::string rule, std::string fingerprint, std::string file = "a.cpp", int line = 3,
             std::string message = "m") {
  Finding f;
  f.rule = std::move(rule);
  f.fingerprint = std::move(fingerprint);
  f.file = std::move(file);
  f.line = line;
  f.message = std::move(message);
  return f;
}

// The values Python's uuid.uuid5() gives for the same namespace and names (an independent implementation
// of RFC 4122): a change of the key would change every alert's identity on GitHub and GitLab.
TEST(FindingKey, IsTheVersion5UuidOfKindRuleAndFingerprint) {
  EXPECT_EQ(finding_key(TierKind::cppcheck, with("shadowFunction", "fp4")), "40c68a55f5f750a4b182e8064fde4e34");
  EXPECT_EQ(finding_key(TierKind::clang_tidy, with("bugprone-integer-division", "fp1")),
            "72812179da2f5872874e5cf3b7f76f6f");
  EXPECT_EQ(finding_key(TierKind::secrets, with("", "", "", 0, "")), "fc99f4726a4b5cd09e1d94cfbbb0b3b4");
}

TEST(FindingKey, StableWhereTheFingerprintIsAndDistinctWhereItIsNot) {
  Finding f = with("r", "fp");
  std::string key = finding_key(TierKind::cppcheck, f);
  EXPECT_EQ(key.size(), 32u);
  EXPECT_EQ(key.find_first_not_of("0123456789abcdef"), std::string::npos);
  Finding moved = f;
  moved.line = 40;
  moved.message = "other words";
  EXPECT_EQ(finding_key(TierKind::cppcheck, moved), key) << "a fingerprinted finding keeps its key when it moves";
  EXPECT_NE(finding_key(TierKind::clang_tidy, f), key);
  EXPECT_NE(finding_key(TierKind::cppcheck, with("r2", "fp")), key);
  EXPECT_NE(finding_key(TierKind::cppcheck, with("r", "fp2")), key);
  // Without a fingerprint: file, line and message.
  EXPECT_NE(finding_key(TierKind::command, with("x", "", "a", 1)), finding_key(TierKind::command, with("x", "", "a", 2)));
  // Fields cannot run into each other.
  EXPECT_NE(finding_key(TierKind::command, with("x", "", "a\n1", 2, "m")),
            finding_key(TierKind::command, with("x", "", "a", 1, "2\nm")));
}

// A regression's key is its test's identity: Python's uuid.uuid5() of the same fields gives the same value.
TEST(RegressionKey, IsTheVersion5UuidOfTheTestsIdentity) {
  EXPECT_EQ(regression_key({"formatter_test", "FormatterTest.TwoDecimals"}), "1486e88670f0549bbb929ab53df4c2ad");
  EXPECT_EQ(regression_key({"selfcheck", ""}), "9a33ebfba440500e824206e31fda93ea");
}

TEST(RegressionKey, DistinctPerTestAndFromFindingKeys) {
  std::string key = regression_key({"a::b", "c"});
  EXPECT_EQ(key.size(), 32u);
  EXPECT_NE(regression_key({"a", "b::c"}), key) << "the CTest test and the case are two fields, not one name";
  EXPECT_NE(regression_key({"a::b::c", ""}), key);
  EXPECT_NE(regression_key({"a::b", "d"}), key);
  Finding f = with("regression", "a::b::c");
  EXPECT_NE(finding_key(TierKind::ctest, f), key);
}

}  // namespace
}  // namespace autofix::reporters
