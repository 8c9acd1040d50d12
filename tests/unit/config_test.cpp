// SPDX-License-Identifier: MIT
#include "gate/policy/config.h"

#include <sys/stat.h>

#include <cstdlib>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

using autofix::testing::ScopedEnv;

namespace fs = std::filesystem;
using autofix::testing::TempDir;
using autofix::testing::write_file;
using namespace std::chrono_literals;

// The message of the Error(usage) that parsing `text` throws, or "accepted".
std::string problem(const std::string& text, std::string* hint = nullptr) {
  try {
    parse_config(text, "gate.json");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage) << e.what();
    if (hint) *hint = e.hint();
    return e.what();
  }
  return "accepted";
}

// A version-1 document with `body` (a JSON fragment: keys after "version") in it.
std::string doc(const std::string& body) { return R"({"version": 1)" + (body.empty() ? "" : ", " + body) + "}"; }
std::string tiers(const std::string& tier_objects) { return doc(R"("tiers": [)" + tier_objects + "]"); }


TierConfig tier(std::string name, TierKind kind, std::vector<Lane> lanes) {
  TierConfig t;
  t.name = std::move(name);
  t.kind = kind;
  t.lanes = std::move(lanes);
  return t;
}

// ---- a full file -------------------------------------------------------------------------------------

constexpr const char* kDocumentedExample = R"({
  "version": 1,
  "build_dir": "build",
  "report_dir": "build/autofix",
  "base": "origin/main",
  "flaky_reruns": 4,
  "test_timeout": 120,
  "allow_test_edits": false,
  "test_paths": ["tests/**", "test/**"],
  "secrets_allowlist": ".autofix-secrets-allow",
  "tiers": [
    {"name": "unit", "kind": "ctest", "labels": ["unit"], "required": true, "timeout": 600,
     "lanes": ["standard", "heavy"]},
    {"name": "static", "kind": "clang-tidy", "required": true, "fail_on": "warning"},
    {"name": "asan", "kind": "sanitizers", "labels": ["unit"], "required": true},
    {"name": "secrets", "kind": "secrets"},
    {"name": "lint", "kind": "command", "command": ["scripts/lint.sh"], "junit": "build/lint.xml",
     "required": false}
  ],
  "protect": [
    {"level": "critical", "paths": ["src/auth/**"]},
    {"level": "high", "paths": ["third_party/**"]}
  ],
  "protect_defaults": true
})";

TEST(ParseConfig, ReadsTheDocumentedExample) {
  GateConfig c = parse_config(kDocumentedExample, "autofix-gate.json");
  EXPECT_EQ(c.source, "autofix-gate.json");
  EXPECT_EQ(c.build_dir, "build");
  EXPECT_EQ(c.report_dir, "build/autofix");
  EXPECT_EQ(c.base, "origin/main");
  EXPECT_EQ(c.flaky_reruns, 4);
  EXPECT_EQ(c.test_timeout, 120s);
  EXPECT_FALSE(c.allow_test_edits);
  EXPECT_EQ(c.test_paths, (std::vector<std::string>{"tests/**", "test/**"}));
  EXPECT_EQ(c.secrets_allowlist, ".autofix-secrets-allow");
  EXPECT_TRUE(c.protect_defaults);
  ASSERT_EQ(c.tiers.size(), 5u);

  const TierConfig& unit = c.tiers[0];
  EXPECT_EQ(unit.name, "unit");
  EXPECT_EQ(unit.kind, TierKind::ctest);
  EXPECT_EQ(unit.labels, std::vector<std::string>{"unit"});
  EXPECT_TRUE(unit.required);
  EXPECT_EQ(unit.timeout, 600s);
  EXPECT_EQ(unit.lanes, (std::vector<Lane>{Lane::standard, Lane::heavy}));

  TierConfig static_tier = tier("static", TierKind::clang_tidy, {Lane::standard, Lane::heavy});
  static_tier.fail_on = FailOn::warning;
  EXPECT_EQ(c.tiers[1], static_tier);
  EXPECT_EQ(c.tiers[2].kind, TierKind::sanitizers);
  EXPECT_EQ(c.tiers[2].labels, std::vector<std::string>{"unit"});
  EXPECT_EQ(c.tiers[3], (tier("secrets", TierKind::secrets, {Lane::docs, Lane::standard, Lane::heavy})));

  const TierConfig& lint = c.tiers[4];
  EXPECT_EQ(lint.kind, TierKind::command);
  EXPECT_FALSE(lint.required);
  EXPECT_EQ(lint.command, std::vector<std::string>{"scripts/lint.sh"});
  EXPECT_EQ(lint.junit, "build/lint.xml");
  EXPECT_EQ(lint.lanes, (std::vector<Lane>{Lane::standard, Lane::heavy}));
  EXPECT_TRUE(lint.labels.empty());

  ASSERT_EQ(c.protect.size(), 2u);
  EXPECT_EQ(c.protect[0], (ProtectRule{RiskLevel::critical, {"src/auth/**"}}));
  EXPECT_EQ(c.protect[1], (ProtectRule{RiskLevel::high, {"third_party/**"}}));
}

TEST(ParseConfig, LeftOutKeysGetTheirDefaults) {
  GateConfig c = parse_config(doc(""), "x.json");
  EXPECT_EQ(c.source, "x.json");
  EXPECT_FALSE(c.build_dir);
  EXPECT_FALSE(c.report_dir);
  EXPECT_FALSE(c.base);
  EXPECT_EQ(c.flaky_reruns, 4);
  EXPECT_FALSE(c.jobs) << "the number of cores";
  EXPECT_FALSE(c.allow_test_edits);
  EXPECT_EQ(c.test_paths, (std::vector<std::string>{"test/**", "tests/**", "**/test/**", "**/tests/**", "**/*_test.*",
                                                    "**/*_tests.*", "**/test_*.*", "**/*Test.*", "**/*Tests.*"}));
  EXPECT_EQ(c.test_paths, default_test_paths());
  EXPECT_EQ(c.secrets_allowlist, ".autofix-secrets-allow");
  EXPECT_TRUE(c.tiers.empty());  // "the default tiers": load_config fills them in
  EXPECT_TRUE(c.protect.empty());
  EXPECT_TRUE(c.protect_defaults);
  EXPECT_EQ(c.retention, (RetentionConfig{true, 50, 14, 200, 20}));
  EXPECT_TRUE(parse_config(doc(R"("tiers": [])"), "x.json").tiers.empty());
}

TEST(ParseConfig, ReadsTheBreakerWithResetAfterInSeconds) {
  EXPECT_EQ(parse_config(doc(""), "x").breaker, (BreakerConfig{3, 24h, true}));
  EXPECT_EQ(parse_config(doc(R"("breaker": {"threshold": 5, "reset_after": 1800, "enabled": false})"), "x").breaker,
            (BreakerConfig{5, 30min, false}));
  EXPECT_EQ(parse_config(doc(R"("breaker": {"threshold": 1})"), "x").breaker, (BreakerConfig{1, 24h, true}));
  EXPECT_EQ(parse_config(doc(R"("breaker": {})"), "x").breaker, BreakerConfig{});
  GateConfig c = parse_config(doc(R"("breaker": {"reset_after": 60, "enabled": false})"), "x");
  EXPECT_EQ(to_json(c)["breaker"], nlohmann::json::parse(R"({"threshold": 3, "reset_after": 60, "enabled": false})"));
  EXPECT_EQ(parse_config(to_json(c).dump(), "x"), c);
}

TEST(ParseConfig, RefusesABadBreakerValueNamingTheKey) {
  EXPECT_EQ(problem(doc(R"("breaker": {"threshold": 0})")),
            "gate.json: breaker.threshold: must be between 1 and 1000 consecutive rejections, got 0");
  EXPECT_EQ(problem(doc(R"("breaker": {"threshold": -2})")),
            "gate.json: breaker.threshold: must be between 1 and 1000 consecutive rejections, got -2");
  EXPECT_EQ(problem(doc(R"("breaker": {"reset_after": 0})")),
            "gate.json: breaker.reset_after: must be between 1 and 31536000 seconds, got 0");
  EXPECT_EQ(problem(doc(R"("breaker": {"reset_after": -60})")),
            "gate.json: breaker.reset_after: must be between 1 and 31536000 seconds, got -60");
  EXPECT_EQ(problem(doc(R"("breaker": {"reset_after": "24h"})")),
            "gate.json: breaker.reset_after: expected an integer, got the string \"24h\"");
  EXPECT_EQ(problem(doc(R"("breaker": {"enabled": "yes"})")),
            "gate.json: breaker.enabled: expected true or false, got the string \"yes\"");
  std::string hint;
  EXPECT_EQ(problem(doc(R"("breaker": {"treshold": 3})"), &hint).substr(0, 42), "gate.json: breaker: unknown key 'treshold'");
  EXPECT_EQ(hint, "did you mean 'threshold'?");
  EXPECT_EQ(problem(doc(R"("breaker": true)")), "gate.json: breaker: expected an object, got true");
}

TEST(ParseConfig, ReadsRetentionAsLimitsOrOnOff) {
  EXPECT_EQ(parse_config(doc(R"("retention": {"snapshots": 3, "snapshot_days": 0, "snapshots_at_most": 5, "baselines": 2})"), "x").retention,
            (RetentionConfig{true, 3, 0, 5, 2}));
  EXPECT_EQ(parse_config(doc(R"("retention": {"baselines": 7})"), "x").retention, (RetentionConfig{true, 50, 14, 200, 7}));
  EXPECT_EQ(parse_config(doc(R"("retention": false)"), "x").retention, (RetentionConfig{false, 50, 14, 200, 20}));
  EXPECT_EQ(parse_config(doc(R"("retention": true)"), "x").retention, RetentionConfig{});
  GateConfig off = parse_config(doc(R"("retention": false)"), "x");
  EXPECT_EQ(to_json(off)["retention"], false);
  EXPECT_EQ(parse_config(to_json(off).dump(), "x"), off);
  EXPECT_EQ(problem(doc(R"("retention": {"snapshots": 0})")), "gate.json: retention.snapshots: must be between 1 and 1000000, got 0");
  EXPECT_EQ(problem(doc(R"("retention": {"snapshot": 3})")).substr(0, 44), "gate.json: retention: unknown key 'snapshot'");
  EXPECT_EQ(problem(doc(R"("retention": 3)")), "gate.json: retention: expected an object, got the number 3");
}

TEST(ParseConfig, AcceptsTheEdgesOfTheRanges) {
  EXPECT_EQ(parse_config(doc(R"("flaky_reruns": 0)"), "x").flaky_reruns, 0);
  EXPECT_EQ(parse_config(doc(R"("flaky_reruns": 20)"), "x").flaky_reruns, 20);
  EXPECT_EQ(parse_config(doc(R"("jobs": 1)"), "x").jobs, 1u);
  EXPECT_EQ(parse_config(doc(R"("jobs": 1024)"), "x").jobs, 1024u);
  EXPECT_EQ(parse_config(doc(R"("test_timeout": 1)"), "x").test_timeout, 1s);
  EXPECT_EQ(parse_config(doc(R"("test_timeout": 604800)"), "x").test_timeout, 604800s);
  EXPECT_EQ(parse_config(tiers(R"({"name": "a", "kind": "ctest", "timeout": 1})"), "x").tiers[0].timeout, 1s);
  EXPECT_EQ(parse_config(tiers(R"({"name": "a", "kind": "ctest", "timeout": 604800})"), "x").tiers[0].timeout, 604800s);
  EXPECT_TRUE(parse_config(doc(R"("test_paths": [])"), "x").test_paths.empty());  // only test targets' sources
  EXPECT_EQ(parse_config(tiers(R"({"name": "Az09_.-x", "kind": "secrets"})"), "x").tiers[0].name, "Az09_.-x");
  EXPECT_EQ(parse_config(tiers("{\"name\": \"" + std::string(64, 'n') + "\", \"kind\": \"secrets\"}"), "x").tiers[0].name.size(), 64u);
  EXPECT_EQ(parse_config(tiers(R"({"name": "lint", "kind": "command", "command": ["x"], "lanes": ["docs"]})"), "x").tiers[0].lanes,
            std::vector<Lane>{Lane::docs});
  EXPECT_EQ(parse_config(tiers(R"({"name": "s", "kind": "secrets", "lanes": ["heavy"]})"), "x").tiers[0].lanes,
            std::vector<Lane>{Lane::heavy});
  EXPECT_TRUE(parse_config(tiers(R"({"name": "t", "kind": "ctest", "labels": []})"), "x").tiers[0].labels.empty());
  EXPECT_EQ(parse_config(doc(R"("secrets_allowlist": "config/secrets allow.txt")"), "x").secrets_allowlist,
            "config/secrets allow.txt");
  EXPECT_EQ(parse_config(doc(R"("protect": [{"level": "normal", "paths": ["docs/security.md"]}])"), "x").protect[0].level,
            RiskLevel::normal);
}

TEST(ParseConfig, DefaultLanesFollowTheKind) {
  GateConfig c = parse_config(tiers(R"({"name": "a", "kind": "ctest"}, {"name": "b", "kind": "clang-tidy"},
      {"name": "c", "kind": "cppcheck"}, {"name": "d", "kind": "sanitizers"}, {"name": "e", "kind": "secrets"},
      {"name": "f", "kind": "command", "command": ["x"]})"), "x");
  const std::vector<Lane> standard_heavy{Lane::standard, Lane::heavy};
  for (size_t i : {0, 1, 2, 3, 5}) EXPECT_EQ(c.tiers[i].lanes, standard_heavy) << to_string(c.tiers[i].kind);
  EXPECT_EQ(c.tiers[4].lanes, (std::vector<Lane>{Lane::docs, Lane::standard, Lane::heavy}));
  for (TierKind kind : kTierKinds.values())
    EXPECT_EQ(default_lanes(kind), kind == TierKind::secrets ? c.tiers[4].lanes : standard_heavy) << to_string(kind);
}

// ---- every refusal, exactly --------------------------------------------------------------------------

TEST(ParseConfig, RefusesWhatIsNotAVersion1Object) {
  EXPECT_EQ(problem("{\"version\": 1,}"),
            "gate.json: not valid JSON: parse error at line 1, column 15: syntax error while parsing object key - "
            "unexpected '}'; expected string literal");
  EXPECT_EQ(problem(""),
            "gate.json: not valid JSON: parse error at line 1, column 1: syntax error while parsing value - "
            "unexpected end of input; expected '[', '{', or a literal");
  EXPECT_EQ(problem("{\"version\": 1} // comment").substr(0, 27), "gate.json: not valid JSON: ");
  EXPECT_EQ(problem("[1]"), "gate.json: expected a JSON object, got an array");
  EXPECT_EQ(problem("{}"), "gate.json: version: missing (this gate reads version 1)");
  EXPECT_EQ(problem(R"({"version": "1"})"), "gate.json: version: expected the integer 1, got the string \"1\"");
  EXPECT_EQ(problem(R"({"version": 1.0})"), "gate.json: version: expected the integer 1, got the number 1.0");
  std::string hint;
  EXPECT_EQ(problem(R"({"version": 2, "future": true})", &hint),
            "gate.json: version: unsupported version 2 (this gate reads version 1)");
  EXPECT_EQ(hint, "upgrade the gate, or write the configuration in version 1 (docs/configuration.md)");
}

TEST(ParseConfig, RefusesUnknownKeysWithASuggestion) {
  std::string hint;
  EXPECT_EQ(problem(doc(R"("flaky_rerun": 3)"), &hint),
            "gate.json: unknown key 'flaky_rerun' (expected version, source_dir, build_dir, report_dir, base, "
            "flaky_reruns, jobs, test_timeout, allow_test_edits, test_paths, secrets_allowlist, tiers, protect, "
            "protect_defaults, retention, breaker or state)");
  EXPECT_EQ(hint, "did you mean 'flaky_reruns'?");
  EXPECT_EQ(problem(doc(R"("Tiers": [])"), &hint).substr(0, 32), "gate.json: unknown key 'Tiers' (");
  EXPECT_EQ(hint, "did you mean 'tiers'?");
  EXPECT_EQ(problem(doc(R"("colour": "red")"), &hint).substr(0, 33), "gate.json: unknown key 'colour' (");
  EXPECT_EQ(hint, "docs/configuration.md describes every key and value");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "ctest", "label": ["x"]})"), &hint),
            "gate.json: tiers[0]: unknown key 'label' (expected name, kind, required, timeout, lanes, labels, command, "
            "junit, fail_on or gitleaks)");
  EXPECT_EQ(hint, "did you mean 'labels'?");
  EXPECT_EQ(problem(doc(R"("protect": [{"level": "high", "path": ["x"]}])")),
            "gate.json: protect[0]: unknown key 'path' (expected level or paths)");
}

TEST(ParseConfig, RefusesDuplicateKeys) {
  std::string hint;
  EXPECT_EQ(problem(R"({"version": 1, "tiers": [], "tiers": []})", &hint), "gate.json: duplicate key 'tiers'");
  EXPECT_EQ(hint, "a key may appear once in an object; remove one of them");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "ctest"}, {"name": "b", "kind": "ctest", "name": "c"})")),
            "gate.json: tiers[1]: duplicate key 'name'");
  EXPECT_EQ(problem(doc(R"("protect": [{"level": "high", "paths": ["a"]}, [], {"level": "high", "level": "x"}])")),
            "gate.json: protect[2]: duplicate key 'level'");
  // Equal keys in different objects are fine.
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "ctest"}, {"name": "b", "kind": "ctest"})")), "accepted");
}

TEST(ParseConfig, RefusesWrongTypes) {
  EXPECT_EQ(problem(doc(R"("build_dir": 5)")), "gate.json: build_dir: expected a string, got the number 5");
  EXPECT_EQ(problem(doc(R"("report_dir": null)")), "gate.json: report_dir: expected a string, got null");
  EXPECT_EQ(problem(doc(R"("base": "")")), "gate.json: base: empty");
  EXPECT_EQ(problem(doc(R"("base": "a\u0000b")")), "gate.json: base: holds a NUL character");
  EXPECT_EQ(problem(doc(R"("flaky_reruns": "4")")), "gate.json: flaky_reruns: expected an integer, got the string \"4\"");
  EXPECT_EQ(problem(doc(R"("flaky_reruns": 2.5)")), "gate.json: flaky_reruns: expected an integer, got the number 2.5");
  EXPECT_EQ(problem(doc(R"("allow_test_edits": "yes")")),
            "gate.json: allow_test_edits: expected true or false, got the string \"yes\"");
  EXPECT_EQ(problem(doc(R"("protect_defaults": 0)")), "gate.json: protect_defaults: expected true or false, got the number 0");
  EXPECT_EQ(problem(doc(R"("test_paths": "tests/**")")),
            "gate.json: test_paths: expected an array of strings, got the string \"tests/**\"");
  EXPECT_EQ(problem(doc(R"("test_paths": ["a", ""])")), "gate.json: test_paths[1]: empty");
  EXPECT_EQ(problem(doc(R"("test_paths": ["a", {}])")), "gate.json: test_paths[1]: expected a string, got an object");
  EXPECT_EQ(problem(doc(R"("tiers": {})")), "gate.json: tiers: expected an array of tiers, got an object");
  EXPECT_EQ(problem(doc(R"("tiers": ["unit"])")), "gate.json: tiers[0]: expected an object, got the string \"unit\"");
  EXPECT_EQ(problem(doc(R"("protect": true)")), "gate.json: protect: expected an array of rules, got true");
  EXPECT_EQ(problem(doc(R"("protect": [false])")), "gate.json: protect[0]: expected an object, got false");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "ctest", "required": "false"})")),
            "gate.json: tiers[0].required: expected true or false, got the string \"false\"");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "ctest", "timeout": "60"})")),
            "gate.json: tiers[0].timeout: expected an integer, got the string \"60\"");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "ctest", "lanes": "heavy"})")),
            "gate.json: tiers[0].lanes: expected an array of strings, got the string \"heavy\"");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "ctest", "labels": [1]})")),
            "gate.json: tiers[0].labels[0]: expected a string, got the number 1");
  EXPECT_EQ(problem(tiers(R"({"name": 7, "kind": "ctest"})")), "gate.json: tiers[0].name: expected a string, got the number 7");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": ["ctest"]})")), "gate.json: tiers[0].kind: expected a string, got an array");
  // Long strings are cut in messages.
  EXPECT_EQ(problem(doc("\"base\": 1, \"build_dir\": [], \"report_dir\": \"" + std::string(100, 'x') + "\"")),
            "gate.json: base: expected a string, got the number 1");
  EXPECT_EQ(problem(doc("\"flaky_reruns\": \"" + std::string(100, 'x') + "\"")),
            "gate.json: flaky_reruns: expected an integer, got the string \"" + std::string(55, 'x') + "...\"");
}

TEST(ParseConfig, RefusesBadValues) {
  std::string hint;
  EXPECT_EQ(problem(doc(R"("flaky_reruns": 21)")), "gate.json: flaky_reruns: must be between 0 and 20, got 21");
  EXPECT_EQ(problem(doc(R"("flaky_reruns": -1)")), "gate.json: flaky_reruns: must be between 0 and 20, got -1");
  EXPECT_EQ(problem(doc(R"("flaky_reruns": 18446744073709551615)")),
            "gate.json: flaky_reruns: must be between 0 and 20, got 18446744073709551615");
  EXPECT_EQ(problem(doc(R"("test_timeout": 0)")), "gate.json: test_timeout: must be between 1 and 604800 seconds, got 0");
  EXPECT_EQ(problem(doc(R"("jobs": 0)")), "gate.json: jobs: must be between 1 and 1024, got 0");
  EXPECT_EQ(problem(doc(R"("jobs": -2)")), "gate.json: jobs: must be between 1 and 1024, got -2");
  EXPECT_EQ(problem(doc(R"("jobs": 1025)")), "gate.json: jobs: must be between 1 and 1024, got 1025");
  EXPECT_EQ(problem(doc(R"("jobs": 2.5)")), "gate.json: jobs: expected an integer, got the number 2.5");
  EXPECT_EQ(problem(doc(R"("jobs": "4")")), "gate.json: jobs: expected an integer, got the string \"4\"");
  EXPECT_EQ(problem(doc(R"("test_timeout": "60")")), "gate.json: test_timeout: expected an integer, got the string \"60\"");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "ctest", "timeout": 0})")),
            "gate.json: tiers[0].timeout: must be between 1 and 604800 seconds, got 0");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "ctest", "timeout": -5})")),
            "gate.json: tiers[0].timeout: must be between 1 and 604800 seconds, got -5");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "ctest", "timeout": 604801})")),
            "gate.json: tiers[0].timeout: must be between 1 and 604800 seconds, got 604801");
  EXPECT_EQ(problem(doc(R"("secrets_allowlist": "/etc/allow")"), &hint),
            "gate.json: secrets_allowlist: '/etc/allow' is not a path inside the repository");
  EXPECT_EQ(hint, "give it relative to the repository root, with '/' between directories");
  EXPECT_EQ(problem(doc(R"("secrets_allowlist": "../allow")")),
            "gate.json: secrets_allowlist: '../allow' is not a path inside the repository");
  for (const char* outside : {"/src", "../src", "src/../..", "a//b", ".git", ""}) {
    std::string text = std::string(R"("source_dir": ")") + outside + "\"";
    EXPECT_NE(problem(doc(text), &hint), "accepted") << outside;
    if (*outside == '\0') continue;  // empty has its own message
    EXPECT_EQ(problem(doc(text), &hint),
              std::string("gate.json: source_dir: '") + outside + "' is not a directory inside the repository");
    EXPECT_EQ(hint, "give the directory that holds the top-level CMakeLists.txt relative to the repository root, "
                    "with '/' between directories (\".\" is the root itself)");
  }
}

TEST(ParseConfig, ReadsTheSourceDirectory) {
  EXPECT_EQ(parse_config(doc(R"("source_dir": "cpp/project")"), "gate.json").source_dir, "cpp/project");
  EXPECT_EQ(parse_config(doc(R"("source_dir": ".")"), "gate.json").source_dir, ".");
  EXPECT_EQ(parse_config(doc(""), "gate.json").source_dir, std::nullopt);
  GateConfig c = parse_config(doc(R"("source_dir": "cpp")"), "gate.json");
  EXPECT_EQ(to_json(c)["source_dir"], "cpp");
  EXPECT_EQ(parse_config(to_json(c).dump(), "gate.json"), c);
}

TEST(ParseConfig, RefusesBadTiers) {
  std::string hint;
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "ctest"}, {"name": "b", "kind": "ctest"},
                             {"name": "x", "kind": "clang_tidy"})"), &hint),
            "gate.json: tiers[2].kind: unknown kind 'clang_tidy' (expected ctest, clang-tidy, cppcheck, sanitizers, "
            "secrets or command)");
  EXPECT_EQ(hint, "did you mean 'clang-tidy'?");
  EXPECT_EQ(problem(tiers(R"({"name": "x", "kind": "pylint"})"), &hint),
            "gate.json: tiers[0].kind: unknown kind 'pylint' (expected ctest, clang-tidy, cppcheck, sanitizers, secrets "
            "or command)");
  EXPECT_EQ(hint, "docs/configuration.md describes every key and value");
  EXPECT_EQ(problem(tiers(R"({"kind": "ctest"})")), "gate.json: tiers[0].name: missing (every tier needs a name)");
  EXPECT_EQ(problem(tiers(R"({"name": "x"})")),
            "gate.json: tiers[0].kind: missing (expected ctest, clang-tidy, cppcheck, sanitizers, secrets or command)");
  EXPECT_EQ(problem(tiers(R"({"name": "", "kind": "ctest"})")), "gate.json: tiers[0].name: empty");

  EXPECT_EQ(problem(tiers(R"({"name": "unit tests", "kind": "ctest"})"), &hint),
            "gate.json: tiers[0].name: 'unit tests' holds ' ', which a tier name cannot");
  EXPECT_EQ(hint, "use A-Z, a-z, 0-9, '_', '.' and '-'");
  EXPECT_EQ(problem(tiers(R"({"name": "a/b", "kind": "ctest"})")),
            "gate.json: tiers[0].name: 'a/b' holds '/', which a tier name cannot");
  EXPECT_EQ(problem(tiers(R"({"name": "tab\there", "kind": "ctest"})")),
            "gate.json: tiers[0].name: 'tab\\there' holds '\\t', which a tier name cannot");
  EXPECT_EQ(problem(tiers(R"({"name": "caf\u00e9", "kind": "ctest"})")),
            "gate.json: tiers[0].name: 'caf\u00e9' holds '\\xc3', which a tier name cannot");
  EXPECT_EQ(problem(tiers(R"({"name": "..", "kind": "ctest"})")),
            "gate.json: tiers[0].name: '..' cannot name a tier (tier names become directory names)");
  EXPECT_EQ(problem(tiers("{\"name\": \"" + std::string(65, 'n') + "\", \"kind\": \"ctest\"}")),
            "gate.json: tiers[0].name: a name of 65 characters, more than 64");

  EXPECT_EQ(problem(tiers(R"({"name": "unit", "kind": "ctest"}, {"name": "b", "kind": "secrets"},
                             {"name": "unit", "kind": "sanitizers"})"), &hint),
            "gate.json: tiers[2].name: 'unit' is already the name of tiers[0]");
  EXPECT_EQ(hint, "tier names must be unique");
  EXPECT_EQ(problem(tiers(R"({"name": "unit", "kind": "ctest"}, {"name": "Unit", "kind": "sanitizers"})")),
            "gate.json: tiers[1].name: 'Unit' differs from the name of tiers[0] ('unit') only in letter case");

  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "ctest", "lanes": ["standard", "fast"]})"), &hint),
            "gate.json: tiers[0].lanes[1]: unknown lane 'fast' (expected docs, standard or heavy)");
  EXPECT_EQ(hint, "docs/configuration.md describes every key and value");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "ctest", "lanes": ["heavvy"]})"), &hint),
            "gate.json: tiers[0].lanes[0]: unknown lane 'heavvy' (expected docs, standard or heavy)");
  EXPECT_EQ(hint, "did you mean 'heavy'?");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "ctest", "lanes": ["standard", "docs"]})"), &hint),
            "gate.json: tiers[0].lanes[1]: a 'ctest' tier needs a build, and the docs lane builds nothing");
  EXPECT_EQ(hint, "only secrets and command tiers can run in the docs lane; list standard and/or heavy");
  for (const char* kind : {"clang-tidy", "cppcheck", "sanitizers"})
    EXPECT_EQ(problem(tiers(std::string(R"({"name": "a", "lanes": ["docs"], "kind": ")") + kind + "\"}")),
              std::string("gate.json: tiers[0].lanes[0]: a '") + kind + "' tier needs a build, and the docs lane builds nothing");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "secrets", "lanes": ["heavy", "docs", "heavy"]})")),
            "gate.json: tiers[0].lanes[2]: 'heavy' is listed twice");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "secrets", "lanes": []})")),
            "gate.json: tiers[0].lanes: empty (list the lanes the tier runs in: docs, standard or heavy)");

  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "clang-tidy", "labels": ["unit"]})"), &hint),
            "gate.json: tiers[0].labels: a 'clang-tidy' tier runs no tests, so it takes no labels");
  EXPECT_EQ(hint, "labels select the tests of ctest and sanitizers tiers; remove them here");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "secrets", "labels": []})")),
            "gate.json: tiers[0].labels: a 'secrets' tier runs no tests, so it takes no labels");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "command", "command": ["x"], "labels": ["x"]})")),
            "gate.json: tiers[0].labels: a 'command' tier runs no tests, so it takes no labels");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "ctest", "labels": [""]})")), "gate.json: tiers[0].labels[0]: empty");

  EXPECT_EQ(problem(tiers(R"({"name": "lint", "kind": "command"})")),
            "gate.json: tiers[0].command: missing (a 'command' tier needs the command to run, as an array: "
            "[\"scripts/lint.sh\", \"--strict\"])");
  EXPECT_EQ(problem(tiers(R"({"name": "lint", "kind": "command", "command": []})")),
            "gate.json: tiers[0].command: empty (a 'command' tier needs the command to run, as an array: "
            "[\"scripts/lint.sh\", \"--strict\"])");
  EXPECT_EQ(problem(tiers(R"({"name": "lint", "kind": "command", "command": "scripts/lint.sh"})")),
            "gate.json: tiers[0].command: expected an array of strings, got the string \"scripts/lint.sh\"");
  EXPECT_EQ(problem(tiers(R"({"name": "lint", "kind": "command", "command": ["x", ""]})")),
            "gate.json: tiers[0].command[1]: empty");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "ctest", "command": ["x"]})"), &hint),
            "gate.json: tiers[0].command: only a 'command' tier runs a command; this one is 'ctest'");
  EXPECT_EQ(hint, "use \"kind\": \"command\" for a tier that runs your own command");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "sanitizers", "junit": "x.xml"})")),
            "gate.json: tiers[0].junit: only a 'command' tier reads a JUnit file; this one is 'sanitizers'");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "command", "command": ["x"], "junit": ""})")),
            "gate.json: tiers[0].junit: empty");
}

TEST(ParseConfig, ReadsTheSeverityThresholdOfStaticTiers) {
  GateConfig c = parse_config(tiers(R"({"name": "a", "kind": "clang-tidy", "fail_on": "error"},
                                       {"name": "b", "kind": "cppcheck", "fail_on": "warning"},
                                       {"name": "c", "kind": "cppcheck", "fail_on": "style"},
                                       {"name": "d", "kind": "cppcheck", "fail_on": "any"},
                                       {"name": "e", "kind": "cppcheck"})"),
                              "gate.json");
  ASSERT_EQ(c.tiers.size(), 5u);
  EXPECT_EQ(c.tiers[0].fail_on, FailOn::error);
  EXPECT_EQ(c.tiers[1].fail_on, FailOn::warning);
  EXPECT_EQ(c.tiers[2].fail_on, FailOn::style);
  EXPECT_EQ(c.tiers[3].fail_on, FailOn::any);
  EXPECT_EQ(c.tiers[4].fail_on, std::nullopt) << "unset: the tier decides (default_fail_on)";
  EXPECT_EQ(parse_config(to_json(c).dump(), "gate.json"), c);
  EXPECT_EQ(to_json(c)["tiers"][0]["fail_on"], "error");
  EXPECT_FALSE(to_json(c)["tiers"][4].contains("fail_on"));
}

TEST(ParseConfig, RefusesBadSeverityThresholds) {
  std::string hint;
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "cppcheck", "fail_on": "warnings"})"), &hint),
            "gate.json: tiers[0].fail_on: unknown threshold 'warnings' (expected error, warning, style or any)");
  EXPECT_EQ(hint, "did you mean 'warning'?");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "cppcheck", "fail_on": "Style"})"), &hint),
            "gate.json: tiers[0].fail_on: unknown threshold 'Style' (expected error, warning, style or any)");
  EXPECT_EQ(hint, "did you mean 'style'?");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "cppcheck", "fail_on": "performance"})")),
            "gate.json: tiers[0].fail_on: unknown threshold 'performance' (expected error, warning, style or any)");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "clang-tidy", "fail_on": ""})")), "gate.json: tiers[0].fail_on: empty");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "clang-tidy", "fail_on": 2})")),
            "gate.json: tiers[0].fail_on: expected a string, got the number 2");
  for (const char* kind : {"ctest", "sanitizers", "secrets"})
    EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": ")" + std::string(kind) + R"(", "fail_on": "error"})"), &hint),
              "gate.json: tiers[0].fail_on: only a 'clang-tidy' or 'cppcheck' tier has a severity threshold; this one is '" +
                  std::string(kind) + "'");
  EXPECT_EQ(problem(tiers(R"({"name": "a", "kind": "command", "command": ["x"], "fail_on": "error"})")),
            "gate.json: tiers[0].fail_on: only a 'clang-tidy' or 'cppcheck' tier has a severity threshold; this one is "
            "'command'");
}

TEST(ParseConfig, GitleaksIsASettingOfSecretsTiers) {
  auto gitleaks_of = [](const std::string& value) {
    return parse_config(tiers(R"({"name": "s", "kind": "secrets", "gitleaks": )" + value + "}"), "x").tiers[0].gitleaks;
  };
  EXPECT_EQ(parse_config(tiers(R"({"name": "s", "kind": "secrets"})"), "x").tiers[0].gitleaks, "auto");
  EXPECT_EQ(gitleaks_of(R"("off")"), "off");
  EXPECT_EQ(gitleaks_of(R"("auto")"), "auto");
  EXPECT_EQ(gitleaks_of(R"("/opt/gitleaks 8/gitleaks")"), "/opt/gitleaks 8/gitleaks");
  std::string hint;
  EXPECT_EQ(problem(tiers(R"({"name": "s", "kind": "secrets", "gitleaks": "tools/gitleaks"})"), &hint),
            "gate.json: tiers[0].gitleaks: 'tools/gitleaks' is not \"auto\", \"off\" or an absolute path");
  EXPECT_EQ(hint, "\"auto\" runs gitleaks when PATH has it; name any other gitleaks by its absolute path");
  EXPECT_EQ(problem(tiers(R"({"name": "s", "kind": "secrets", "gitleaks": "Off"})")),
            "gate.json: tiers[0].gitleaks: 'Off' is not \"auto\", \"off\" or an absolute path");
  EXPECT_EQ(problem(tiers(R"({"name": "s", "kind": "secrets", "gitleaks": true})")),
            "gate.json: tiers[0].gitleaks: expected a string, got true");
  EXPECT_EQ(problem(tiers(R"({"name": "u", "kind": "ctest", "gitleaks": "off"})")),
            "gate.json: tiers[0].gitleaks: only a 'secrets' tier runs gitleaks; this one is 'ctest'");
  GateConfig c = parse_config(tiers(R"({"name": "s", "kind": "secrets", "gitleaks": "/usr/bin/gitleaks"})"), "x");
  EXPECT_EQ(to_json(c)["tiers"][0]["gitleaks"], "/usr/bin/gitleaks");
  EXPECT_EQ(parse_config(to_json(c).dump(), "x"), c);
}

TEST(ParseConfig, RefusesBadProtectRules) {
  std::string hint;
  EXPECT_EQ(problem(doc(R"("protect": [{"level": "severe", "paths": ["x"]}])"), &hint),
            "gate.json: protect[0].level: unknown level 'severe' (expected normal, high or critical)");
  EXPECT_EQ(hint, "docs/configuration.md describes every key and value");
  EXPECT_EQ(problem(doc(R"("protect": [{"level": "hihg", "paths": ["x"]}])"), &hint),
            "gate.json: protect[0].level: unknown level 'hihg' (expected normal, high or critical)");
  EXPECT_EQ(hint, "did you mean 'high'?");
  EXPECT_EQ(problem(doc(R"("protect": [{"paths": ["x"]}])")),
            "gate.json: protect[0].level: missing (expected normal, high or critical)");
  EXPECT_EQ(problem(doc(R"("protect": [{"level": "high"}])")),
            "gate.json: protect[0].paths: missing (list the path patterns the level applies to)");
  EXPECT_EQ(problem(doc(R"("protect": [{"level": "high", "paths": []}])")),
            "gate.json: protect[0].paths: empty (list the path patterns the level applies to)");
  EXPECT_EQ(problem(doc(R"("protect": [{"level": "high", "paths": ["a"]}, {"level": "high", "paths": ["b", 3]}])")),
            "gate.json: protect[1].paths[1]: expected a string, got the number 3");
}

TEST(ParseConfig, ReportsTheFirstProblemInFileOrder) {
  EXPECT_EQ(problem(R"({"version": 1, "flaky_reruns": 99, "allow_test_edits": 1})"),
            "gate.json: flaky_reruns: must be between 0 and 20, got 99");
  EXPECT_EQ(problem(R"({"version": 1, "allow_test_edits": 1, "flaky_reruns": 99})"),
            "gate.json: allow_test_edits: expected true or false, got the number 1");
}

// ---- defaults ----------------------------------------------------------------------------------------

TEST(ParseConfig, ReadsStateHooks) {
  GateConfig c = parse_config(doc(R"("state": [
      {"name": "db", "save": ["scripts/db-save.sh", "{dir}"], "restore": ["scripts/db-restore.sh", "{dir}"],
       "check": ["scripts/db-check.sh"], "timeout": 30},
      {"name": "cfg", "save": ["save"], "restore": ["restore"]},
      {"name": "data", "kind": "file", "paths": ["data/app.sqlite", "local.conf"]},
      {"name": "app", "kind": "sqlite", "path": "data/app.sqlite", "timeout": 5},
      {"name": "pg", "kind": "postgres", "url": "postgresql://app@localhost:5432/app", "check": ["c"], "timeout": 60},
      {"name": "pg2", "kind": "postgres", "url": "postgres:///other"}])"),
                              "gate.json");
  ASSERT_EQ(c.state.size(), 6u);
  EXPECT_EQ(c.state[4], (StateHookSpec{"pg", StateHookKind::postgres, {}, {}, {"c"}, {}, 60s, {},
                                       "postgresql://app@localhost:5432/app"}));
  EXPECT_EQ(c.state[5], (StateHookSpec{"pg2", StateHookKind::postgres, {}, {}, {}, {}, 120s, {}, "postgres:///other"}));
  EXPECT_EQ(c.state[3], (StateHookSpec{"app", StateHookKind::sqlite, {}, {}, {}, {}, 5s, "data/app.sqlite"}));
  EXPECT_EQ(c.state[0], (StateHookSpec{"db", StateHookKind::command, {"scripts/db-save.sh", "{dir}"},
                                       {"scripts/db-restore.sh", "{dir}"}, {"scripts/db-check.sh"}, {}, 30s}));
  EXPECT_EQ(c.state[1], (StateHookSpec{"cfg", StateHookKind::command, {"save"}, {"restore"}, {}, {}, 120s}));
  EXPECT_EQ(c.state[2], (StateHookSpec{"data", StateHookKind::file, {}, {}, {}, {"data/app.sqlite", "local.conf"}, 120s}));
  EXPECT_EQ(parse_config(to_json(c).dump(), "gate.json"), c);
  EXPECT_TRUE(parse_config(doc(""), "gate.json").state.empty());
  EXPECT_FALSE(to_json(parse_config(doc(""), "gate.json")).contains("state"));
}

TEST(ParseConfig, RefusesBadStateHooks) {
  auto state = [](const std::string& hooks) { return doc(R"("state": [)" + hooks + "]"); };
  std::string hint;
  EXPECT_EQ(problem(state(R"({"name": "db", "save": ["s"], "restore": ["r"], "retore": ["r"]})"), &hint),
            "gate.json: state[0]: unknown key 'retore' (expected name, kind, save, restore, check or timeout)");
  EXPECT_EQ(hint, "did you mean 'restore'?");
  EXPECT_EQ(problem(state(R"({"name": "db", "save": ["s"], "restore": ["r"]}, {"name": "db", "save": ["s"], "restore": ["r"]})"),
                    &hint),
            "gate.json: state[1].name: 'db' is already the name of state[0]");
  EXPECT_EQ(hint, "state hook names must be unique");
  EXPECT_EQ(problem(state(R"({"name": "db", "save": [], "restore": ["r"]})")),
            "gate.json: state[0].save: empty (the 'save' command as an array: [\"scripts/db-save.sh\", \"{dir}\"])");
  EXPECT_EQ(problem(state(R"({"name": "db", "save": ["s"]})")),
            "gate.json: state[0].restore: missing (the 'restore' command as an array: [\"scripts/db-restore.sh\", "
            "\"{dir}\"])");
  EXPECT_EQ(problem(state(R"({"name": "db", "save": ["s"], "restore": ["r"], "check": []})")),
            "gate.json: state[0].check: empty (the 'check' command as an array: [\"scripts/db-check.sh\", \"{dir}\"])");
  EXPECT_EQ(problem(state(R"({"name": "db", "save": ["s"], "restore": ["r"], "timeout": 0})")),
            "gate.json: state[0].timeout: must be between 1 and 86400 seconds, got 0");
  EXPECT_EQ(problem(state(R"({"name": "db", "save": ["s"], "restore": ["r"], "timeout": "60"})")),
            "gate.json: state[0].timeout: expected an integer, got the string \"60\"");
  EXPECT_EQ(problem(state(R"({"save": ["s"], "restore": ["r"]})")),
            "gate.json: state[0].name: missing (every state hook needs a name)");
  EXPECT_EQ(problem(state(R"({"name": "d/b", "save": ["s"], "restore": ["r"]})")),
            "gate.json: state[0].name: 'd/b' holds '/', which a state hook name cannot");
  EXPECT_EQ(problem(state(R"({"name": ".db", "save": ["s"], "restore": ["r"]})")),
            "gate.json: state[0].name: '.db' starts with '.', which a state hook name cannot");
  EXPECT_EQ(problem(state(R"({"name": "db", "kind": "mysql", "url": "x"})")),
            "gate.json: state[0].kind: unknown state kind 'mysql' (expected command, file, sqlite or postgres)");
  EXPECT_EQ(problem(state(R"({"name": "db", "kind": "postgres"})")),
            "gate.json: state[0].url: missing (the database as a libpq URL: \"postgresql://user@localhost:5432/app\")");
  EXPECT_EQ(problem(state(R"({"name": "db", "kind": "postgres", "url": "postgresql://u:secret@db:5432"})"), &hint),
            "gate.json: state[0].url: 'postgresql://u:***@db:5432' is not a postgresql:// URL that names a database");
  EXPECT_EQ(hint, "write it as postgresql://[user[:password]@][host][:port]/database[?parameters]");
  EXPECT_EQ(problem(state(R"({"name": "db", "kind": "postgres", "url": "mysql://db/app"})")),
            "gate.json: state[0].url: 'mysql://db/app' is not a postgresql:// URL that names a database");
  EXPECT_EQ(problem(state(R"({"name": "db", "kind": "postgres", "url": "postgresql:///app", "save": ["s"]})"), &hint),
            "gate.json: state[0]: unknown key 'save' (expected name, kind, url, check or timeout)");
  EXPECT_EQ(problem(state(R"({"name": "db", "kind": "postgres", "url": "postgresql:///app", "check": []})")),
            "gate.json: state[0].check: empty (the 'check' command as an array: [\"scripts/db-check.sh\", \"{dir}\"])");
  EXPECT_EQ(problem(state(R"({"name": "db", "kind": "postgres", "url": "postgresql:///app", "timeout": 0})")),
            "gate.json: state[0].timeout: must be between 1 and 86400 seconds, got 0");
  EXPECT_EQ(problem(state(R"({"name": "data", "kind": "file", "paths": ["/etc/passwd"]})"), &hint),
            "gate.json: state[0].paths[0]: '/etc/passwd' is not a path inside the repository (absolute, '..', '.git' "
            "or empty parts)");
  EXPECT_EQ(hint, "give each file relative to the repository root, with '/' between directories");
  EXPECT_EQ(problem(state(R"({"name": "data", "kind": "file", "paths": ["data/../../x"]})")),
            "gate.json: state[0].paths[0]: 'data/../../x' is not a path inside the repository (absolute, '..', "
            "'.git' or empty parts)");
  EXPECT_EQ(problem(state(R"({"name": "data", "kind": "file", "paths": ["a", "a"]})")),
            "gate.json: state[0].paths[1]: 'a' is listed twice");
  EXPECT_EQ(problem(state(R"({"name": "data", "kind": "file", "paths": []})")),
            "gate.json: state[0].paths: empty (list the files to save, relative to the repository root: "
            "[\"data/app.sqlite\"])");
  EXPECT_EQ(problem(state(R"({"name": "data", "kind": "file", "paths": ["a"], "save": ["s"]})")),
            "gate.json: state[0]: unknown key 'save' (expected name, kind or paths)");
  EXPECT_EQ(problem(state(R"({"name": "app", "kind": "sqlite", "path": "../app.db"})")),
            "gate.json: state[0].path: '../app.db' is not a path inside the repository (absolute, '..', '.git' or "
            "empty parts)");
  EXPECT_EQ(problem(state(R"({"name": "app", "kind": "sqlite"})")),
            "gate.json: state[0].path: missing (the database file, relative to the repository root: "
            "\"data/app.sqlite\")");
  EXPECT_EQ(problem(state(R"({"name": "app", "kind": "sqlite", "path": "a.db", "paths": ["a.db"]})")),
            "gate.json: state[0]: unknown key 'paths' (expected name, kind, path or timeout)");
  EXPECT_EQ(problem(doc(R"("state": {"name": "db"})")), "gate.json: state: expected an array of state hooks, got an object");
}

TEST(DefaultConfig, HasTestsSecretsAndClangTidyWhenTheRepositoryHasAClangTidyFile) {
  TempDir repo;
  write_file(repo / ".clang-tidy", "Checks: '-*'\n");
  GateConfig c = default_config(repo.path());
  EXPECT_EQ(c.source, "defaults");
  ASSERT_EQ(c.tiers.size(), 3u);
  EXPECT_EQ(c.tiers[0], (tier("tests", TierKind::ctest, {Lane::standard, Lane::heavy})));
  EXPECT_EQ(c.tiers[1], (tier("secrets", TierKind::secrets, {Lane::docs, Lane::standard, Lane::heavy})));
  EXPECT_EQ(c.tiers[2], (tier("static", TierKind::clang_tidy, {Lane::standard, Lane::heavy})));
  EXPECT_EQ(c.test_paths, default_test_paths());
  EXPECT_EQ(c.flaky_reruns, 4);
  EXPECT_TRUE(c.protect.empty());
  EXPECT_TRUE(c.protect_defaults);
  EXPECT_FALSE(c.build_dir);
}

TEST(DefaultConfig, FallsBackToCppcheckFoundInPathThenToNothing) {
  TempDir repo, bin;
  ScopedEnv path("PATH", (bin / "empty").string() + "::" + bin.path().string());
  // Not executable, a directory: neither counts.
  write_file(bin / "cppcheck", "#!/bin/sh\n");
  ::chmod((bin / "cppcheck").c_str(), 0644);
  fs::create_directories(bin / "empty" / "cppcheck");
  ASSERT_EQ(default_config(repo.path()).tiers.size(), 2u);

  ::chmod((bin / "cppcheck").c_str(), 0755);
  GateConfig c = default_config(repo.path());
  ASSERT_EQ(c.tiers.size(), 3u);
  EXPECT_EQ(c.tiers[2], (tier("static", TierKind::cppcheck, {Lane::standard, Lane::heavy})));

  // .clang-tidy wins over cppcheck; a directory called .clang-tidy does not count.
  fs::create_directories(repo / ".clang-tidy");
  EXPECT_EQ(default_config(repo.path()).tiers[2].kind, TierKind::cppcheck);
  fs::remove(repo / ".clang-tidy");
  write_file(repo / ".clang-tidy", "");
  EXPECT_EQ(default_config(repo.path()).tiers[2].kind, TierKind::clang_tidy);
}

// ---- where the configuration comes from --------------------------------------------------------------

TEST(LoadConfig, TakesTheFirstOfExplicitFileRepositoryRootBuildDirectoryDefaults) {
  TempDir repo, elsewhere;
  const fs::path build = repo / "build dir";
  fs::create_directories(build);
  write_file(repo / ".clang-tidy", "");
  const std::string root_file = (repo / "autofix-gate.json").string();
  const std::string build_file = (build / "autofix-gate.json").string();
  const fs::path explicit_file = elsewhere / "mine.json";

  GateConfig c = load_config(std::nullopt, repo.path(), build);
  EXPECT_EQ(c.source, "defaults");
  EXPECT_EQ(c, default_config(repo.path()));

  write_file(build_file, doc(R"("flaky_reruns": 3)"));
  c = load_config(std::nullopt, repo.path(), build);
  EXPECT_EQ(c.source, build_file);
  EXPECT_EQ(c.flaky_reruns, 3);
  EXPECT_EQ(c.tiers, default_tiers(repo.path()));  // no tiers configured: the defaults
  EXPECT_EQ(load_config(std::nullopt, repo.path(), fs::path()).source, "defaults");  // no build directory known

  write_file(root_file, doc(R"("flaky_reruns": 2, "tiers": [{"name": "only", "kind": "secrets"}])"));
  c = load_config(std::nullopt, repo.path(), build);
  EXPECT_EQ(c.source, root_file);
  EXPECT_EQ(c.flaky_reruns, 2);
  ASSERT_EQ(c.tiers.size(), 1u);
  EXPECT_EQ(c.tiers[0].name, "only");

  write_file(explicit_file, doc(R"("flaky_reruns": 1)"));
  c = load_config(explicit_file, repo.path(), build);
  EXPECT_EQ(c.source, explicit_file.string());
  EXPECT_EQ(c.flaky_reruns, 1);
  EXPECT_EQ(c.tiers.size(), 3u);
}

TEST(LoadConfig, RefusesAMissingExplicitFile) {
  TempDir repo;
  write_file(repo / "autofix-gate.json", doc(""));
  const fs::path missing = repo / "nope.json";
  try {
    load_config(missing, repo.path(), repo / "build");
    FAIL() << "accepted a missing --config file";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_EQ(std::string(e.what()), missing.string() + ": no such configuration file");
    EXPECT_EQ(e.hint(), "check the --config argument (a relative path is taken from the current directory)");
  }
}

TEST(LoadConfig, RefusesBadFilesAndNamesThem) {
  TempDir repo;
  const fs::path file = repo / "autofix-gate.json";
  auto message = [&](ErrorKind expected_kind) -> std::string {
    try {
      load_config(std::nullopt, repo.path(), repo / "build");
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), expected_kind) << e.what();
      return e.what();
    }
    return "accepted";
  };
  write_file(file, doc(R"("tiers": [{"name": "x", "kind": "clang_tidy"}])"));
  EXPECT_EQ(message(ErrorKind::usage),
            file.string() + ": tiers[0].kind: unknown kind 'clang_tidy' (expected ctest, clang-tidy, cppcheck, "
                            "sanitizers, secrets or command)");

  const size_t overhead = doc(R"("base": "")").size();
  write_file(file, doc("\"base\": \"" + std::string(kMaxConfigBytes - overhead + 1, 'x') + "\""));
  EXPECT_EQ(message(ErrorKind::usage),
            file.string() + ": 1048577 bytes, more than the 1048576 a configuration file may have");
  write_file(file, doc("\"base\": \"" + std::string(kMaxConfigBytes - overhead, 'x') + "\""));  // exactly 1 MiB
  EXPECT_EQ(message(ErrorKind::usage), "accepted");

  fs::remove(file);
  fs::create_directories(file);
  EXPECT_EQ(message(ErrorKind::usage), file.string() + ": not a regular file");
  fs::remove(file);
  fs::create_symlink(repo / "gone.json", file);
  EXPECT_EQ(message(ErrorKind::usage), file.string() + ": not a regular file");
  fs::remove(file);
  write_file(repo / "real.json", doc(R"("flaky_reruns": 7)"));
  fs::create_symlink(repo / "real.json", file);
  EXPECT_EQ(load_config(std::nullopt, repo.path(), repo / "build").flaky_reruns, 7);

  if (::geteuid() != 0) {  // root reads anything
    ::chmod((repo / "real.json").c_str(), 0);
    EXPECT_EQ(message(ErrorKind::io), "cannot open the configuration '" + file.string() + "': Permission denied");
    ::chmod((repo / "real.json").c_str(), 0644);
  }
}

// ---- the effective configuration -----------------------------------------------------------------------

TEST(ConfigToJson, WritesEveryKeyAndParsesBackToTheSame) {
  GateConfig c = parse_config(kDocumentedExample, "autofix-gate.json");
  nlohmann::json j = to_json(c);
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["tiers"][1], nlohmann::json::parse(R"({"name": "static", "kind": "clang-tidy", "required": true,
      "timeout": 600, "lanes": ["standard", "heavy"], "fail_on": "warning"})"));
  EXPECT_EQ(j["tiers"][0]["labels"], nlohmann::json::parse(R"(["unit"])"));
  EXPECT_EQ(j["tiers"][4]["command"], nlohmann::json::parse(R"(["scripts/lint.sh"])"));
  EXPECT_EQ(j["tiers"][4]["junit"], "build/lint.xml");
  EXPECT_FALSE(j.contains("source"));
  EXPECT_EQ(parse_config(j.dump(), "autofix-gate.json"), c);

  TempDir repo;
  write_file(repo / ".clang-tidy", "");
  GateConfig defaults = default_config(repo.path());
  nlohmann::json d = to_json(defaults);
  EXPECT_EQ(d, nlohmann::json::parse(R"({"version": 1, "flaky_reruns": 4, "test_timeout": 300, "allow_test_edits": false,
      "test_paths": ["test/**", "tests/**", "**/test/**", "**/tests/**", "**/*_test.*", "**/*_tests.*",
                     "**/test_*.*", "**/*Test.*", "**/*Tests.*"],
      "secrets_allowlist": ".autofix-secrets-allow",
      "tiers": [
        {"name": "tests", "kind": "ctest", "required": true, "timeout": 600, "lanes": ["standard", "heavy"], "labels": []},
        {"name": "secrets", "kind": "secrets", "required": true, "timeout": 600, "lanes": ["docs", "standard", "heavy"],
         "gitleaks": "auto"},
        {"name": "static", "kind": "clang-tidy", "required": true, "timeout": 600, "lanes": ["standard", "heavy"]}],
      "protect": [], "protect_defaults": true,
      "retention": {"snapshots": 50, "snapshot_days": 14, "snapshots_at_most": 200, "baselines": 20},
      "breaker": {"threshold": 3, "reset_after": 86400, "enabled": true}})"));
  EXPECT_EQ(parse_config(d.dump(), "defaults"), defaults);

  GateConfig empty = parse_config(doc(R"("test_paths": [], "protect_defaults": false, "base": "main", "jobs": 3)"), "x");
  EXPECT_EQ(to_json(empty)["jobs"], 3);
  EXPECT_EQ(parse_config(to_json(empty).dump(), "x"), empty);
}

}  // namespace
}  // namespace autofix
