// SPDX-License-Identifier: MIT
#include "reporters/sarif_rules.h"

#include <gtest/gtest.h>

namespace autofix::reporters {
namespace {

using nlohmann::json;

const std::string kStaticNote =
    "autofix-gate analyses the files a change touches twice, with the change and without it; a result whose "
    "baselineState is \"new\" appears only with the change (docs/tiers.md).";

TEST(SarifRules, AClangTidyCheckWithItsDocumentation) {
  const std::string uri = "https://clang.llvm.org/extra/clang-tidy/checks/bugprone/integer-division.html";
  const std::string about =
      "A finding of the clang-tidy check bugprone-integer-division, of the bugprone group: code constructs that are "
      "likely bugs.";
  json expected = {
      {"id", "bugprone-integer-division"},
      {"shortDescription", {{"text", "clang-tidy check bugprone-integer-division"}}},
      {"fullDescription", {{"text", about}}},
      {"help",
       {{"text", about + " Documentation: " + uri + ".\n\n" + kStaticNote},
        {"markdown", about + " See [the documentation of `bugprone-integer-division`](" + uri + ").\n\n" + kStaticNote}}},
      {"helpUri", uri},
      {"properties", {{"tags", {"clang-tidy", "bugprone", "correctness"}}, {"precision", "high"}, {"problem.severity", "warning"}}}};
  EXPECT_EQ(sarif_rule(TierKind::clang_tidy, "bugprone-integer-division", "warning"), expected);
}

TEST(SarifRules, ClangTidyDocumentationAddresses) {
  EXPECT_EQ(clang_tidy_help_uri("clang-analyzer-core.NullDereference"),
            "https://clang.llvm.org/extra/clang-tidy/checks/clang-analyzer/core.NullDereference.html");
  EXPECT_EQ(clang_tidy_help_uri("cppcoreguidelines-pro-type-member-init"),
            "https://clang.llvm.org/extra/clang-tidy/checks/cppcoreguidelines/pro-type-member-init.html");
  EXPECT_EQ(clang_tidy_help_uri("readability-identifier-naming"),
            "https://clang.llvm.org/extra/clang-tidy/checks/readability/identifier-naming.html");
  EXPECT_EQ(clang_tidy_help_uri("clang-diagnostic-unused-variable"),
            "https://clang.llvm.org/docs/DiagnosticsReference.html#wunused-variable");
  EXPECT_EQ(clang_tidy_help_uri("clang-diagnostic-error"), std::nullopt) << "a compile error has no page";
  EXPECT_EQ(clang_tidy_help_uri("acme-no-raw-new"), std::nullopt) << "a plugin's group";
  EXPECT_EQ(clang_tidy_help_uri("bugprone-"), std::nullopt);
  EXPECT_EQ(clang_tidy_help_uri("bugprone-x/../../evil"), std::nullopt) << "not a check's characters";
  EXPECT_EQ(clang_tidy_help_uri("bugprone-a b"), std::nullopt);
}

TEST(SarifRules, ClangTidyPrecisionAndTagsByGroup) {
  auto props = [](const std::string& id, const std::string& severity = "warning") {
    return sarif_rule(TierKind::clang_tidy, id, severity).at("properties");
  };
  EXPECT_EQ(props("clang-analyzer-core.NullDereference").at("precision"), "medium");
  EXPECT_EQ(props("clang-diagnostic-unused-variable").at("precision"), "very-high");
  EXPECT_EQ(props("clang-diagnostic-unused-variable").at("tags"), json({"clang-tidy", "clang-diagnostic", "correctness"}));
  EXPECT_EQ(props("performance-unnecessary-copy-initialization").at("tags"),
            json({"clang-tidy", "performance"})) << "tags are unique";
  EXPECT_EQ(props("acme-no-raw-new").at("tags"), json({"clang-tidy", "correctness"}));
  EXPECT_EQ(props("clang-diagnostic-error", "error").at("problem.severity"), "error");
  EXPECT_EQ(props("readability-braces-around-statements", "remark").at("problem.severity"), "recommendation");
  json error = sarif_rule(TierKind::clang_tidy, "clang-diagnostic-error", "error");
  EXPECT_EQ(error.at("shortDescription").at("text"), "Compile error (clang-tidy)");
  EXPECT_FALSE(error.contains("helpUri"));
  EXPECT_EQ(sarif_rule(TierKind::clang_tidy, "clang-diagnostic-shadow", "warning").at("shortDescription").at("text"),
            "Compiler warning -Wshadow");
}

TEST(SarifRules, ACppcheckCheckHasNoDocumentationAddress) {
  const std::string full =
      "A finding of cppcheck's check shadowFunction, of severity style: unused or redundant code, a questionable "
      "construct.";
  json expected = {
      {"id", "shadowFunction"},
      {"shortDescription", {{"text", "cppcheck check shadowFunction"}}},
      {"fullDescription", {{"text", full}}},
      {"help",
       {{"text", full + " `cppcheck --errorlist` lists every check with its message.\n\n" + kStaticNote},
        {"markdown",
         "A finding of cppcheck's check `shadowFunction`, of severity `style`: unused or redundant code, a "
         "questionable construct. `cppcheck --errorlist` lists every check with its message.\n\n" + kStaticNote}}},
      {"properties", {{"tags", {"cppcheck", "maintainability"}}, {"precision", "high"}, {"problem.severity", "recommendation"}}}};
  EXPECT_EQ(sarif_rule(TierKind::cppcheck, "shadowFunction", "style"), expected);
  EXPECT_EQ(sarif_rule(TierKind::cppcheck, "nullPointer", "error").at("properties").at("tags"),
            json({"cppcheck", "correctness"}));
  EXPECT_EQ(sarif_rule(TierKind::cppcheck, "passedByValue", "performance").at("properties").at("tags"),
            json({"cppcheck", "performance"}));
}

TEST(SarifRules, ASecretIsASecurityRuleWithItsSeverity) {
  json rule = sarif_rule(TierKind::secrets, "aws-access-key-id", "error");
  EXPECT_EQ(rule.at("shortDescription").at("text"), "Secret added: aws-access-key-id");
  EXPECT_EQ(rule.at("properties"), json({{"tags", {"security", "secrets", "external/cwe/cwe-798"}},
                                         {"precision", "high"},
                                         {"problem.severity", "error"},
                                         {"security-severity", "9.5"}}));
  EXPECT_FALSE(rule.contains("helpUri"));
  EXPECT_NE(rule.at("help").at("markdown").get<std::string>().find("`aws-access-key-id`"), std::string::npos);
  EXPECT_EQ(sarif_rule(TierKind::secrets, "stripe-key", "warning").at("properties").at("security-severity"), "5.0");
  EXPECT_EQ(sarif_rule(TierKind::secrets, "high-entropy-literal", "error").at("properties").at("precision"), "medium");
  EXPECT_EQ(sarif_rule(TierKind::secrets, "secret-assignment", "error").at("properties").at("precision"), "medium");
}

TEST(SarifRules, ASanitizerReportIsASecurityRuleOfItsSanitizer) {
  json rule = sarif_rule(TierKind::sanitizers, "heap-buffer-overflow", "error");
  EXPECT_EQ(rule.at("shortDescription").at("text"), "AddressSanitizer: heap-buffer-overflow");
  EXPECT_EQ(rule.at("helpUri"), "https://clang.llvm.org/docs/AddressSanitizer.html");
  EXPECT_EQ(rule.at("properties"), json({{"tags", {"security", "sanitizer", "memory-safety", "external/cwe/cwe-122"}},
                                         {"precision", "very-high"},
                                         {"problem.severity", "error"},
                                         {"security-severity", "8.8"}}));
  json leak = sarif_rule(TierKind::sanitizers, "memory leak", "error");
  EXPECT_EQ(leak.at("helpUri"), "https://clang.llvm.org/docs/LeakSanitizer.html");
  EXPECT_EQ(leak.at("properties").at("security-severity"), "3.5");
  EXPECT_EQ(leak.at("properties").at("tags"), json({"security", "sanitizer", "memory-leak", "external/cwe/cwe-401"}));
  json ub = sarif_rule(TierKind::sanitizers, "signed-integer-overflow", "error");
  EXPECT_EQ(ub.at("shortDescription").at("text"), "UndefinedBehaviorSanitizer: signed-integer-overflow");
  EXPECT_EQ(ub.at("properties").at("security-severity"), "5.5");
  json unknown = sarif_rule(TierKind::sanitizers, "something new", "error");
  EXPECT_EQ(unknown.at("shortDescription").at("text"), "A sanitizer: something new");
  EXPECT_FALSE(unknown.contains("helpUri"));
  EXPECT_EQ(unknown.at("properties").at("tags"), json({"security", "sanitizer"}));
}

TEST(SarifRules, OnlySecretsAndSanitizersHaveASecuritySeverity) {
  EXPECT_EQ(security_severity(TierKind::clang_tidy, "cert-err33-c", "error"), std::nullopt);
  EXPECT_EQ(security_severity(TierKind::cppcheck, "nullPointer", "error"), std::nullopt);
  EXPECT_EQ(security_severity(TierKind::ctest, "regression", "error"), std::nullopt);
  EXPECT_EQ(security_severity(TierKind::secrets, "jwt", "a word nobody knows"), "9.5") << "unknown counts as error";
  EXPECT_FALSE(sarif_rule(TierKind::command, "exit-code", "error").at("properties").contains("security-severity"));
}

TEST(SarifRules, TestAndCommandRulesSayWhatFailed) {
  EXPECT_EQ(sarif_rule(TierKind::ctest, "regression", "error").at("shortDescription").at("text"), "A test the change broke");
  EXPECT_EQ(sarif_rule(TierKind::command, "exit-code", "error").at("shortDescription").at("text"), "The tier's command failed");
  EXPECT_EQ(sarif_rule(TierKind::command, "odd", "error").at("shortDescription").at("text"), "Finding of a command tier: odd");
  EXPECT_EQ(rule_id_of(TierKind::secrets, ""), "secrets");
  EXPECT_EQ(rule_id_of(TierKind::secrets, "jwt"), "jwt");
}

// The tests run's one rule: every field GitHub shows, and no security severity (a broken test is no
// vulnerability).
TEST(SarifRules, TheTestRegressionRule) {
  const std::string full =
      "A test that passed without the change and fails with it, a test the change added that fails, or a failing test "
      "that fails in new ways with the change. The result is placed at the test's first failing assertion, else where "
      "the test is defined.";
  const std::string about_result =
      " The message names the test, how its runs went with and without the change, and the first failing assertion as "
      "the test printed it; properties.detail holds the test's output.";
  const std::string note =
      "autofix-gate runs the project's tests (each CTest test, and each case of a GoogleTest, Catch2 or doctest binary "
      "whose results it can read) on the tree without the change and on the tree with it, and runs a test whose result "
      "moved again, one at a time, so that a flaky test is not taken for a broken one (docs/tiers.md).";
  json expected = {
      {"id", "test-regression"},
      {"shortDescription", {{"text", "A test the change broke"}}},
      {"fullDescription", {{"text", full}}},
      {"help",
       {{"text", full + about_result + "\n\n" + note},
        {"markdown", "A test that **passed without the change and fails with it**, a test the change added that fails, or "
                     "a failing test that fails in new ways with the change. The result is placed at the test's first "
                     "failing assertion, else where the test is defined." + about_result + "\n\n" + note}}},
      {"properties", {{"tags", {"tests", "regression", "correctness"}}, {"precision", "high"}, {"problem.severity", "error"}}}};
  EXPECT_EQ(sarif_test_regression_rule(), expected);
  EXPECT_EQ(std::string(kTestRegressionRule), "test-regression");
}

// Rule ids come from strangers: descriptions stay within GitHub's 1024 characters and valid UTF-8, and a
// backtick cannot break out of a Markdown code span.
TEST(SarifRules, StrangeRuleIdsStayWithinTheLimits) {
  std::string long_id = std::string(300, 'a') + "\xC3\xA9" + std::string(900, 'b');
  for (TierKind kind : kTierKinds.values()) {
    for (const std::string& id : {long_id, std::string(199, 'x') + "\xC3\xA9" + "y", std::string("a`b``c`")}) {
      json rule = sarif_rule(kind, id, "error");
      EXPECT_EQ(rule.at("id"), id);
      for (const char* key : {"shortDescription", "fullDescription"})
        EXPECT_LE(rule.at(key).at("text").get<std::string>().size(), 1024u) << to_string(kind) << " " << key;
      EXPECT_NO_THROW((void)rule.dump()) << "valid UTF-8";
    }
  }
  std::string md = sarif_rule(TierKind::secrets, "a`b``c`", "error").at("help").at("markdown");
  EXPECT_NE(md.find("``` a`b``c` ```"), std::string::npos) << md;
}

}  // namespace
}  // namespace autofix::reporters
