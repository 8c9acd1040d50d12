// SPDX-License-Identifier: MIT
#include "reporters/code_quality.h"

#include <gtest/gtest.h>

#include "reporters/finding_key.h"

namespace autofix::reporters {
namespace {

using nlohmann::json;

Finding finding(std::string rule, std::string file, int line, std::string severity, std::string message,
                std::string fingerprint, FindingState state = FindingState::new_) {
  Finding f;
  f.rule = std::move(rule);
  f.file = std::move(file);
  f.line = line;
  f.column = 3;
  f.severity = std::move(severity);
  f.message = std::move(message);
  f.fingerprint = std::move(fingerprint);
  f.state = state;
  return f;
}

TierResult tier(TierKind kind, std::vector<Finding> findings) {
  TierResult t;
  t.name = to_string(kind);
  t.kind = kind;
  t.status = TierStatus::failed;
  t.findings = std::move(findings);
  return t;
}

TEST(CodeQuality, NewFindingsOfAnalysesWithAFileAndALine) {
  std::vector<TierResult> tiers = {
      tier(TierKind::cppcheck,
           {finding("shadowFunction", "src/my file.cpp", 13, "style", "Local variable 'sum' shadows outer function", "fp1"),
            finding("nullPointer", "src/a.cpp", 4, "error", "Null pointer dereference", "fp2", FindingState::unchanged),
            finding("unusedVariable", "src/a.cpp", 9, "style", "gone", "fp3", FindingState::absent)}),
      tier(TierKind::ctest, {finding("regression", "", 0, "error", "T broke", "T")}),
      tier(TierKind::secrets,
           {finding("aws-access-key-id", "deploy/prod.env", 2, "error", "AWS access key ID added: AKIA...MPLE", "fp4"),
            finding("stripe-key", "deploy/prod.env", 3, "warning", "", "fp5")}),
      tier(TierKind::sanitizers,
           {finding("heap-buffer-overflow", "src/a.cpp", 7, "error", "AddressSanitizer: heap-buffer-overflow", "T|sig"),
            finding("SEGV", "", 0, "error", "AddressSanitizer: SEGV", "T|sig2"),
            finding("SEGV", "src/a.cpp", 0, "error", "AddressSanitizer: SEGV", "T|sig3")}),
      tier(TierKind::command, {finding("exit-code", "", 0, "error", "`make lint` exited with 2", "")}),
      tier(TierKind::clang_tidy, {finding("bugprone-integer-division", "src/\xFF.cpp", 3, "warning", "division", "fp6"),
                                  finding("readability-x", "src/b.cpp", 1, "remark", "x", "fp7")}),
  };
  const auto key = [&](size_t t, size_t f) { return finding_key(tiers[t].kind, tiers[t].findings[f]); };
  json expected = json::array({
      {{"description", "Local variable 'sum' shadows outer function"},
       {"check_name", "cppcheck/shadowFunction"},
       {"fingerprint", key(0, 0)},
       {"severity", "minor"},
       {"location", {{"path", "src/my file.cpp"}, {"lines", {{"begin", 13}}}}}},
      {{"description", "AWS access key ID added: AKIA...MPLE"},
       {"check_name", "secrets/aws-access-key-id"},
       {"fingerprint", key(2, 0)},
       {"severity", "blocker"},
       {"location", {{"path", "deploy/prod.env"}, {"lines", {{"begin", 2}}}}}},
      {{"description", "stripe-key"},
       {"check_name", "secrets/stripe-key"},
       {"fingerprint", key(2, 1)},
       {"severity", "major"},
       {"location", {{"path", "deploy/prod.env"}, {"lines", {{"begin", 3}}}}}},
      {{"description", "AddressSanitizer: heap-buffer-overflow"},
       {"check_name", "sanitizers/heap-buffer-overflow"},
       {"fingerprint", key(3, 0)},
       {"severity", "critical"},
       {"location", {{"path", "src/a.cpp"}, {"lines", {{"begin", 7}}}}}},
      {{"description", "x"},
       {"check_name", "clang-tidy/readability-x"},
       {"fingerprint", key(5, 1)},
       {"severity", "info"},
       {"location", {{"path", "src/b.cpp"}, {"lines", {{"begin", 1}}}}}},
  });
  json actual = code_quality_report(tiers);
  EXPECT_EQ(actual, expected) << actual.dump(2);
}

TEST(CodeQuality, NothingNewIsAnEmptyArray) {
  EXPECT_EQ(code_quality_report({}), json::array());
  EXPECT_EQ(code_quality_report({tier(TierKind::cppcheck, {finding("x", "a.cpp", 1, "error", "m", "f",
                                                                   FindingState::unchanged)})}),
            json::array());
}

// Every severity word against every kind, written out so that a change of the scale shows here.
TEST(CodeQuality, SeverityFromTheAnalyzersOwnWord) {
  const std::vector<std::pair<std::string, std::string>> analyzers = {
      {"error", "critical"},      {"fatal error", "critical"}, {"warning", "major"},   {"style", "minor"},
      {"performance", "minor"},   {"portability", "minor"},    {"information", "info"}, {"debug", "info"},
      {"remark", "info"},         {"note", "info"},            {"unheard of", "critical"}};
  for (TierKind kind : {TierKind::clang_tidy, TierKind::cppcheck, TierKind::sanitizers})
    for (const auto& [word, severity] : analyzers)
      EXPECT_STREQ(code_quality_severity(kind, word), severity.c_str()) << to_string(kind) << " " << word;
  EXPECT_STREQ(code_quality_severity(TierKind::secrets, "error"), "blocker");
  EXPECT_STREQ(code_quality_severity(TierKind::secrets, "unheard of"), "blocker");
  EXPECT_STREQ(code_quality_severity(TierKind::secrets, "warning"), "major");
}

}  // namespace
}  // namespace autofix::reporters
