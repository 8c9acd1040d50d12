// SPDX-License-Identifier: MIT
#include "gate/results/tier_kind.h"

#include <gtest/gtest.h>

namespace autofix {
namespace {

std::vector<std::string_view> names_where(bool TierKindRow::*fact) {
  std::vector<std::string_view> out;
  for (const TierKindRow& row : kTierKindRows)
    if (row.*fact) out.push_back(row.name);
  return out;
}

using Names = std::vector<std::string_view>;

TEST(TierKind, EveryKindHasItsRowAndName) {
  EXPECT_EQ(kTierKinds.alternatives(), "ctest, clang-tidy, cppcheck, sanitizers, secrets or command");
  for (TierKind kind : kTierKinds.values()) {
    EXPECT_EQ(row_of(kind).kind, kind);
    EXPECT_EQ(kTierKinds.parse(to_string(kind)), kind);
  }
  EXPECT_STREQ(to_string(TierKind::clang_tidy), "clang-tidy");
  EXPECT_EQ(kTierKinds.parse("clang_tidy"), std::nullopt);
}

// What docs/configuration.md says of each kind.
TEST(TierKind, TheRowsSayWhatTheDocumentationSays) {
  EXPECT_EQ(names_where(&TierKindRow::runs_tests), (Names{"ctest", "sanitizers"}));
  EXPECT_EQ(names_where(&TierKindRow::needs_build), (Names{"ctest", "clang-tidy", "cppcheck", "sanitizers"}));
  EXPECT_EQ(names_where(&TierKindRow::in_docs_lane), (Names{"secrets"}));
  EXPECT_EQ(names_where(&TierKindRow::has_threshold), (Names{"clang-tidy", "cppcheck"}));
  EXPECT_EQ(names_where(&TierKindRow::whole_change), (Names{"clang-tidy", "cppcheck", "secrets"}));
  EXPECT_EQ(names_where(&TierKindRow::is_analysis), (Names{"clang-tidy", "cppcheck", "sanitizers", "secrets"}));
  // The docs lane builds nothing: a kind that needs a build is never in it by default.
  for (const TierKindRow& row : kTierKindRows) EXPECT_FALSE(row.in_docs_lane && row.needs_build) << row.name;
}

}  // namespace
}  // namespace autofix
