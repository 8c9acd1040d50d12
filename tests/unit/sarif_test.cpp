#include "reporters/sarif.h"

#include <gtest/gtest.h>

namespace autofix::reporters {
namespace {

using nlohmann::json;

Finding finding(std::string rule, std::string file, int line, int column, std::string severity, std::string message,
                std::string fingerprint, FindingState state) {
  Finding f;
  f.rule = std::move(rule);
  f.file = std::move(file);
  f.line = line;
  f.column = column;
  f.severity = std::move(severity);
  f.message = std::move(message);
  f.fingerprint = std::move(fingerprint);
  f.state = state;
  return f;
}

std::vector<TierResult> sample() {
  TierResult tidy;
  tidy.name = "static";
  tidy.kind = TierKind::clang_tidy;
  tidy.status = TierStatus::failed;
  tidy.findings = {
      finding("bugprone-integer-division", "src/calc.cpp", 4, 10, "warning", "integer division", "fp1", FindingState::new_),
      finding("clang-analyzer-core.NullDereference", "src/my file.cpp", 14, 0, "error", "null", "fp2", FindingState::unchanged),
      finding("bugprone-integer-division", "include/calc.h", 2, 36, "warning", "integer division", "fp3", FindingState::absent),
  };
  tidy.findings[1].detail = "src/my file.cpp:13:3: note: 'p' initialized to a null pointer value\n";
  tidy.findings[2].blocking = false;
  TierResult tests;  // no findings, not an analysis: no run
  tests.name = "unit";
  tests.kind = TierKind::ctest;
  tests.status = TierStatus::passed;
  TierResult check;  // clean, but an analysis: an empty run
  check.name = "cppcheck";
  check.kind = TierKind::cppcheck;
  check.status = TierStatus::passed;
  check.findings = {finding("shadowFunction", "src/a.cpp", 3, 7, "style", "shadows", "fp4", FindingState::new_)};
  check.findings[0].blocking = false;
  TierResult secrets;
  secrets.name = "secrets";
  secrets.kind = TierKind::secrets;
  secrets.status = TierStatus::error;
  secrets.reason = "cannot read the allow-list";
  secrets.findings = {finding("", "", 0, 0, "fatal", "", "", FindingState::new_)};
  return {tidy, tests, check, secrets};
}

TEST(Sarif, WritesTheExactLog) {
  json expected = json::parse(R"({
    "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
    "version": "2.1.0",
    "runs": [
      {
        "tool": {"driver": {
          "name": "clang-tidy",
          "informationUri": "https://clang.llvm.org/extra/clang-tidy/",
          "rules": [
            {"id": "bugprone-integer-division", "shortDescription": {"text": "bugprone-integer-division"}},
            {"id": "clang-analyzer-core.NullDereference",
             "shortDescription": {"text": "clang-analyzer-core.NullDereference"}}
          ]}},
        "automationDetails": {"id": "static/"},
        "invocations": [{"executionSuccessful": true}],
        "results": [
          {"ruleId": "bugprone-integer-division", "ruleIndex": 0, "level": "warning",
           "message": {"text": "integer division"},
           "locations": [{"physicalLocation": {
             "artifactLocation": {"uri": "src/calc.cpp", "uriBaseId": "SRCROOT"},
             "region": {"startLine": 4, "startColumn": 10}}}],
           "partialFingerprints": {"autofixGate/v1": "fp1"},
           "baselineState": "new",
           "properties": {"severity": "warning", "blocking": true}},
          {"ruleId": "clang-analyzer-core.NullDereference", "ruleIndex": 1, "level": "error",
           "message": {"text": "null"},
           "locations": [{"physicalLocation": {
             "artifactLocation": {"uri": "src/my%20file.cpp", "uriBaseId": "SRCROOT"},
             "region": {"startLine": 14}}}],
           "partialFingerprints": {"autofixGate/v1": "fp2"},
           "baselineState": "unchanged",
           "properties": {"severity": "error", "blocking": true,
                          "detail": "src/my file.cpp:13:3: note: 'p' initialized to a null pointer value\n"}},
          {"ruleId": "bugprone-integer-division", "ruleIndex": 0, "level": "warning",
           "message": {"text": "integer division"},
           "locations": [{"physicalLocation": {
             "artifactLocation": {"uri": "include/calc.h", "uriBaseId": "SRCROOT"},
             "region": {"startLine": 2, "startColumn": 36}}}],
           "partialFingerprints": {"autofixGate/v1": "fp3"},
           "baselineState": "absent",
           "properties": {"severity": "warning", "blocking": false}}
        ]
      },
      {
        "tool": {"driver": {"name": "cppcheck", "informationUri": "https://cppcheck.sourceforge.io/",
                            "rules": [{"id": "shadowFunction", "shortDescription": {"text": "shadowFunction"}}]}},
        "automationDetails": {"id": "cppcheck/"},
        "invocations": [{"executionSuccessful": true}],
        "results": [
          {"ruleId": "shadowFunction", "ruleIndex": 0, "level": "warning",
           "message": {"text": "shadows"},
           "locations": [{"physicalLocation": {
             "artifactLocation": {"uri": "src/a.cpp", "uriBaseId": "SRCROOT"},
             "region": {"startLine": 3, "startColumn": 7}}}],
           "partialFingerprints": {"autofixGate/v1": "fp4"},
           "baselineState": "new",
           "properties": {"severity": "style", "blocking": false}}
        ]
      },
      {
        "tool": {"driver": {"name": "autofix-gate secrets", "rules": []}},
        "automationDetails": {"id": "secrets/"},
        "invocations": [{"executionSuccessful": false, "toolExecutionNotifications": [
          {"level": "error", "message": {"text": "cannot read the allow-list"}}]}],
        "results": [
          {"level": "error", "message": {"text": "finding"}, "baselineState": "new",
           "properties": {"severity": "fatal", "blocking": true}}
        ]
      }
    ]
  })");
  json actual = sarif_log(sample());
  EXPECT_EQ(actual, expected) << actual.dump(2);
}

TEST(Sarif, ResultsCarryStateAndFingerprint) {
  const auto tiers = sample();
  json log = sarif_log(tiers);
  const json& results = log["runs"][0]["results"];
  ASSERT_EQ(results.size(), tiers[0].findings.size());
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i]["baselineState"], tiers[0].findings[i].state);
    EXPECT_EQ(results[i]["partialFingerprints"]["autofixGate/v1"], tiers[0].findings[i].fingerprint);
    const json& rules = log["runs"][0]["tool"]["driver"]["rules"];
    EXPECT_EQ(rules[results[i]["ruleIndex"].get<size_t>()]["id"], results[i]["ruleId"]);
  }
}

TEST(Sarif, NoTiersIsAnEmptyLog) {
  EXPECT_EQ(sarif_log({}), json::parse(R"({"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
                                           "version": "2.1.0", "runs": []})"));
}

TEST(Sarif, EncodesUris) {
  EXPECT_EQ(sarif_uri("src/a-b_c.d~e/F9.cpp"), "src/a-b_c.d~e/F9.cpp");
  EXPECT_EQ(sarif_uri("a b/#x%y?z.cpp"), "a%20b/%23x%25y%3Fz.cpp");
  EXPECT_EQ(sarif_uri("\xC3\xA9.cpp"), "%C3%A9.cpp");
}

}  // namespace
}  // namespace autofix::reporters
