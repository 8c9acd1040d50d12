// SPDX-License-Identifier: MIT
#include "gate/policy/risk.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>

namespace autofix {
namespace {

GateConfig defaults() {
  GateConfig c;
  c.test_paths = default_test_paths();
  return c;
}

std::string level_of(const GateConfig& c, const std::string& path) { return to_string(assess_path_risk(c, path).level); }

using Case = std::tuple<std::string, std::string, std::string>;  // path, level, pattern
class DefaultRisk : public ::testing::TestWithParam<Case> {};

TEST_P(DefaultRisk, DecidesLevelAndPattern) {
  const auto& [path, level, pattern] = GetParam();
  RiskAssessment r = assess_path_risk(defaults(), path);
  EXPECT_EQ(to_string(r.level), level) << path;
  EXPECT_EQ(r.pattern, pattern) << path;
  EXPECT_EQ(r.path, path);
}

INSTANTIATE_TEST_SUITE_P(
    Risk, DefaultRisk,
    ::testing::Values(
        Case{".github/workflows/ci.yml", "critical", ".github/**"}, Case{".GitHub/CODEOWNERS", "critical", ".github/**"},
        Case{".gitlab-ci.yml", "critical", ".gitlab-ci.yml"}, Case{"sub/.gitlab-ci.yml", "critical", ".gitlab-ci.yml"},
        Case{".gitlab/issue_templates/bug.md", "critical", ".gitlab/**"}, Case{".ci/run.sh", "critical", ".ci/**"},
        Case{"autofix-gate.json", "critical", "autofix-gate.json"},
        Case{".autofix-secrets-allow", "critical", ".autofix-secrets-allow"},
        // what decides what a tier sees: analyzer and scanner configuration, CTestCustom files
        Case{".clang-tidy", "critical", ".clang-tidy"}, Case{"src/legacy/.clang-tidy", "critical", ".clang-tidy"},
        Case{".gitleaks.toml", "critical", ".gitleaks.toml"}, Case{".gitleaksignore", "critical", ".gitleaksignore"},
        Case{"CTestCustom.cmake.in", "critical", "CTestCustom*"}, Case{"test/CTestCustom.cmake", "critical", "CTestCustom*"},
        Case{".clang-format", "normal", ""}, Case{"src/clang-tidy-fixes.cpp", "normal", ""},
        // sensitive segments, any case, any depth, file or directory
        Case{"src/auth/token.cpp", "critical", "a path segment containing 'auth'"},
        Case{"src/Auth/token.cpp", "critical", "a path segment containing 'auth'"},
        Case{"lib/AuthManager.h", "critical", "a path segment containing 'auth'"},
        Case{"authn/x.c", "critical", "a path segment containing 'auth'"},
        Case{"src/authz.cpp", "critical", "a path segment containing 'auth'"},
        Case{"src/oauth2/client.cpp", "critical", "a path segment containing 'auth'"},
        Case{"net/preauth.c", "critical", "a path segment containing 'auth'"},
        Case{"src/authorize.cpp", "critical", "a path segment containing 'auth'"},
        Case{"src/Authorization.h", "critical", "a path segment containing 'auth'"},
        Case{"src/unauthorized_error.cpp", "critical", "a path segment containing 'auth'"},
        Case{"pki/cert_authority.cpp", "critical", "a path segment containing 'auth'"},
        Case{"src/authentication.cpp", "critical", "a path segment containing 'auth'"},
        Case{"author_auth.cpp", "critical", "a path segment containing 'auth'"},  // second "auth" counts
        Case{"security.h", "critical", "a path segment containing 'security'"},
        Case{"docs/SECURITY.md", "critical", "a path segment containing 'security'"},
        Case{"src/NetSecurityPolicy.cpp", "critical", "a path segment containing 'security'"},
        Case{"crypto_utils.cpp", "critical", "a path segment containing 'crypt'"},
        Case{"third_party/libcrypto/x.c", "critical", "a path segment containing 'crypt'"},
        Case{"src/encrypt.cpp", "critical", "a path segment containing 'crypt'"},
        Case{"src/Decryptor.h", "critical", "a path segment containing 'crypt'"},
        Case{"cmake/security.cmake", "critical", "a path segment containing 'security'"},  // critical beats high
        // the author family is not sensitive
        Case{"AUTHORS", "normal", ""}, Case{"author.txt", "normal", ""}, Case{"docs/authors.md", "normal", ""},
        Case{"Authors.txt", "normal", ""}, Case{"coauthors.md", "normal", ""}, Case{"src/authored_by.cpp", "normal", ""},
        Case{"authorship/x.cpp", "normal", ""}, Case{"AuthorsList.txt", "normal", ""}, Case{"authoring-guide.md", "normal", ""},
        Case{"authors2.txt", "normal", ""},
        // build configuration is high
        Case{"CMakeLists.txt", "high", "CMakeLists.txt"}, Case{"src/lib/CMakeLists.txt", "high", "CMakeLists.txt"},
        Case{"cmake/Toolchain.cmake", "high", "*.cmake"}, Case{"cmake/config.h.in", "high", "cmake/**"},
        Case{"CMakePresets.json", "high", "CMakePresets.json"}, Case{"CMakeUserPresets.json", "high", "CMakeUserPresets.json"},
        Case{"cmakelists.txt", "high", "CMakeLists.txt"},
        // everything else is normal
        Case{"src/main.cpp", "normal", ""}, Case{"README.md", "normal", ""}, Case{"src/cmake/notes.txt", "normal", ""},
        Case{"github/x.yml", "normal", ""}, Case{"src/au_th.cpp", "normal", ""}, Case{"src/secure.cpp", "normal", ""}));

TEST(Risk, KeywordRulesAreExact) {
  EXPECT_EQ(sensitive_keyword("src/Auth/token.cpp"), "auth");
  EXPECT_EQ(sensitive_keyword("a/b/c"), "");
  EXPECT_EQ(sensitive_keyword(""), "");
  EXPECT_EQ(sensitive_keyword("AUTHORSHIP"), "");
  EXPECT_EQ(sensitive_keyword("AUTHORSLIST"), "auth");  // no word boundary to see: flagged
  EXPECT_EQ(sensitive_keyword("authors/authz"), "auth");
  EXPECT_EQ(sensitive_keyword("security/crypt"), "security");
}

TEST(Risk, UserRulesComeFirstAndTheFirstMatchingRuleWins) {
  GateConfig c = defaults();
  c.protect = {{RiskLevel::normal, {"docs/security-notes.md"}},
               {RiskLevel::critical, {"src/payments/**", "*.sql"}},
               {RiskLevel::high, {"src/payments/legacy/**", "third_party/**"}}};
  RiskAssessment r = assess_path_risk(c, "docs/security-notes.md");
  EXPECT_EQ(r.level, RiskLevel::normal);  // exempted from the default keyword rule
  EXPECT_EQ(r.pattern, "docs/security-notes.md");
  EXPECT_EQ(level_of(c, "docs/security.md"), "critical");  // not exempted
  EXPECT_EQ(level_of(c, "src/payments/legacy/x.cpp"), "critical");  // the earlier rule wins
  r = assess_path_risk(c, "db/schema.sql");
  EXPECT_EQ(r.level, RiskLevel::critical);
  EXPECT_EQ(r.pattern, "*.sql");
  EXPECT_EQ(level_of(c, "third_party/zlib/CMakeLists.txt"), "high");
  EXPECT_EQ(level_of(c, "Src/Payments/x.cpp"), "critical");  // letter case does not help

  c.protect = {{RiskLevel::normal, {".github/**"}}};  // a user rule may also lower a default
  EXPECT_EQ(level_of(c, ".github/workflows/ci.yml"), "normal");
}

TEST(Risk, DefaultsCanBeTurnedOff) {
  GateConfig c = defaults();
  c.protect_defaults = false;
  EXPECT_EQ(level_of(c, ".github/workflows/ci.yml"), "normal");
  EXPECT_EQ(level_of(c, "src/auth/token.cpp"), "normal");
  EXPECT_EQ(level_of(c, "CMakeLists.txt"), "normal");
  c.protect = {{RiskLevel::high, {"src/auth/**"}}};
  EXPECT_EQ(level_of(c, "src/auth/token.cpp"), "high");
}

TEST(Risk, TheConfiguredAllowListIsCritical) {
  GateConfig c = defaults();
  c.secrets_allowlist = "config/secrets-allow.txt";
  RiskAssessment r = assess_path_risk(c, "config/secrets-allow.txt");
  EXPECT_EQ(r.level, RiskLevel::critical);
  EXPECT_EQ(r.pattern, "config/secrets-allow.txt");
  EXPECT_EQ(level_of(c, "other/config/secrets-allow.txt"), "normal");
  c.secrets_allowlist = "cfg/[x]*.txt";  // a path, not a glob
  EXPECT_EQ(level_of(c, "cfg/x1.txt"), "normal");
  EXPECT_EQ(level_of(c, "cfg/[x]*.txt"), "critical");
}

TEST(Risk, TheHighestLevelWinsAndTheFirstPathAtItDecides) {
  GateConfig c = defaults();
  RiskAssessment r = assess_risk(c, {"src/a.cpp", "CMakeLists.txt", "src/auth/x.cpp", ".github/ci.yml"});
  EXPECT_EQ(r.level, RiskLevel::critical);
  EXPECT_EQ(r.path, "src/auth/x.cpp");
  EXPECT_EQ(r.pattern, "a path segment containing 'auth'");

  r = assess_risk(c, {"src/a.cpp", "cmake/x.cmake", "CMakeLists.txt"});
  EXPECT_EQ(r.level, RiskLevel::high);
  EXPECT_EQ(r.path, "cmake/x.cmake");
  EXPECT_EQ(r.pattern, "*.cmake");

  r = assess_risk(c, {"src/a.cpp", "README.md"});
  EXPECT_EQ(r.level, RiskLevel::normal);
  EXPECT_EQ(r.pattern, "");
  EXPECT_EQ(r.path, "");

  r = assess_risk(c, {});
  EXPECT_EQ(r.level, RiskLevel::normal);
  EXPECT_EQ(r.path, "");
}

TEST(Risk, LevelsAreRankedLeastRiskyFirst) {
  EXPECT_LT(RiskLevel::normal, RiskLevel::high);
  EXPECT_LT(RiskLevel::high, RiskLevel::critical);
  EXPECT_EQ(kRiskLevels.alternatives(), "normal, high or critical");
  EXPECT_EQ(kRiskLevels.parse("Critical"), std::nullopt);
}

}  // namespace
}  // namespace autofix
