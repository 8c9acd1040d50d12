// SPDX-License-Identifier: MIT
// The secrets tier end to end (docs/secrets.md), on copies of examples/calculator:
//   1. one fix adds seven common kinds of secret (GitHub, JWT, Stripe live, OpenAI project key, Slack
//      webhook URL, npm, Azure storage key): rejected, each one named, none of them in full in any report
//      or in what the gate printed;
//   2. gitleaks configured (a stand-in that writes gitleaks' JSON report): what only gitleaks knows is
//      reported under its rule, what both find is reported once;
//   3. that gitleaks failing: the tier cannot run, the verdict is `error` (fail closed), and the reason
//      shows its output masked.
// Every secret is put together at run time, so that no repository ever holds one literally.
#include <gtest/gtest.h>

#include "tests/support/fake_secrets.h"

#include <sys/stat.h>

#include <cstdlib>
#include <map>
#include <optional>

#include "tests/e2e/attempt_data/calculator_repo.h"

namespace autofix::testing {
namespace {

using attempt::Calculator;
using attempt::make_patch;
using attempt::refs_under;
using attempt::source_fingerprint;

using Strings = std::vector<std::string>;
using nlohmann::json;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }



struct Planted {
  std::string rule;    // the built-in rule that must name it
  std::string name;    // the variable it is assigned to in the fix
  std::string secret;  // in full: must appear nowhere but in the fix
};

// The seven kinds issue #9 lists, in the forms they take in a deployment file.
std::vector<Planted> seven_secrets() {
  std::string azure_key = random_chars(kBase64, 86, 7) + "==";
  return {
      {"github-token", "GITHUB_TOKEN", "ghp_" + random_chars(kAlnum, 36, 1)},
      {"jwt", "SESSION_JWT",
       base64url(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url(R"({"sub":"calc-bot","iat":1700000000})") + "." +
           random_chars(kUrlSafe, 43, 2)},
      {"stripe-key", "STRIPE_SECRET_KEY", "sk_" + std::string("live_") + random_chars(kAlnum, 24, 3)},
      {"openai-api-key", "OPENAI_API_KEY",
       "sk-proj-" + random_chars(kUrlSafe, 74, 4) + "T3Blbk" + "FJ" + random_chars(kUrlSafe, 74, 5)},
      {"slack-webhook-url", "SLACK_WEBHOOK_URL",
       "https://hooks.slack.com/services/T" + random_chars("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 8, 6) + "/B" +
           random_chars("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 10, 8) + "/" + random_chars(kAlnum, 24, 9)},
      {"npm-token", "NPM_TOKEN", "npm_" + random_chars(kAlnum, 36, 10)},
      {"azure-storage-key", "AZURE_STORAGE",
       "DefaultEndpointsProtocol=https;AccountName=calcstats;AccountKey=" + azure_key + ";EndpointSuffix=core.windows.net"},
  };
}

// The part of a planted value that is the secret (the Azure connection string holds the key).
std::string secret_part(const Planted& p) {
  if (p.rule != "azure-storage-key") return p.secret;
  size_t key = p.secret.find("AccountKey=") + 11;
  return p.secret.substr(key, p.secret.find(';', key) - key);
}

const json& tier_named(const json& report, const std::string& name) {
  for (const json& t : report.at("tiers"))
    if (t.at("name") == name) return t;
  throw std::runtime_error("no tier '" + name + "' in report.json: " + report.at("tiers").dump(2));
}

// No report the attempt wrote, and nothing the gate printed, holds `secret` or its tail.
void expect_never_shown(const Calculator& c, const runners::ProcessResult& r, const std::string& secret) {
  for (const char* file : {"report.json", "junit.xml", "autofix-tiers.xml", "summary.md", "report.html", "autofix.sarif",
                           "autofix-full.sarif", "gl-code-quality-report.json"}) {
    std::string text = read_file(c.reports() / file);
    EXPECT_FALSE(contains(text, secret)) << file << " holds a secret in full";
    EXPECT_FALSE(contains(text, secret.substr(4))) << file << " holds a secret's tail";
  }
  EXPECT_FALSE(contains(r.out + r.err, secret.substr(4))) << show(r);
}

// The report files hold against the SARIF schema, GitHub's upload rules and GitLab's Code Quality rules.
void expect_valid_report_formats(const Calculator& c) {
  runners::ProcessResult check = check_report_formats(c.reports());
  EXPECT_EQ(check.exit_code, 0) << show(check);
}

void expect_rejected_and_restored(const Calculator& c, const TreeFingerprint& before, const runners::ProcessResult& r,
                                  int exit_code) {
  EXPECT_EQ(r.exit_code, exit_code) << show(r);
  TreeFingerprint after = source_fingerprint(c.repo());
  EXPECT_TRUE(after == before) << "the tree differs after the attempt:\n" << describe_difference(before, after) << show(r);
  EXPECT_EQ(c.git_out({"symbolic-ref", "HEAD"}), "refs/heads/main");
  EXPECT_EQ(refs_under(c.repo(), "refs/heads/autofix/"), Strings{}) << show(r);
}


// A configuration with only a secrets tier that runs the gitleaks stand-in (tests/data/gitleaks), copied
// to a path with spaces. Returns the configuration file's path.
std::string gitleaks_config(const Calculator& c) {
  fs::path program = c.tmp() / "gitleaks bin" / "gitleaks";
  fs::create_directories(program.parent_path());
  fs::copy_file(fs::path(AUTOFIX_GATE_TEST_DATA) / "gitleaks" / "fake-gitleaks", program);
  ::chmod(program.c_str(), 0755);
  json config = {{"version", 1}, {"tiers", {{{"name", "secrets"}, {"kind", "secrets"}, {"gitleaks", program.string()}}}}};
  fs::path file = c.tmp() / "gate config.json";
  write_file(file, config.dump(1));
  return file.string();
}

TEST(SecretsTier, SevenKindsInOneChangeAreEachNamedAndNeverShownInFull) {
  Calculator c;
  const std::vector<Planted> planted = seven_secrets();
  std::string env = "# production settings for the statistics upload\n";
  for (const Planted& p : planted) env += p.name + "=" + p.secret + "\n";
  std::string mean = read_file(c.repo() / "mathlib/mathlib.cpp");
  const std::string bug = "values.size() - 1)", fix = "values.size())";
  ASSERT_TRUE(contains(mean, bug));
  mean.replace(mean.find(bug), bug.size(), fix);
  std::string patch = make_patch(c, {{"deploy/production.env", env}, {"mathlib/mathlib.cpp", mean}}, "seven secrets");
  TreeFingerprint before = source_fingerprint(c.repo());

  runners::ProcessResult r = c.attempt({"--patch", patch});
  expect_rejected_and_restored(c, before, r, 1);
  json report = c.report();
  SCOPED_TRACE(report.dump(2));
  EXPECT_EQ(report.at("verdict"), "rejected");
  EXPECT_TRUE(report.at("reason").get<std::string>().starts_with(
      "required tier 'secrets' (secrets) failed: 7 secret(s) in the added lines"))
      << report.at("reason");

  const json& tier = tier_named(report, "secrets");
  EXPECT_EQ(tier.at("status"), "failed");
  ASSERT_EQ(tier.at("findings").size(), planted.size());
  for (size_t i = 0; i < planted.size(); ++i) {
    const json& f = tier.at("findings").at(i);
    std::string line = planted[i].name + "=" + planted[i].secret;
    EXPECT_EQ(f.at("rule"), planted[i].rule);
    EXPECT_EQ(f.at("file"), "deploy/production.env");
    EXPECT_EQ(f.at("line"), static_cast<int>(i) + 2);
    EXPECT_EQ(f.at("column"), static_cast<int>(line.find(secret_part(planted[i]).substr(0, 8))) + 1) << planted[i].rule;
    EXPECT_EQ(f.at("state"), "new");
    EXPECT_EQ(f.at("severity"), "error");
    EXPECT_EQ(f.at("fingerprint").get<std::string>().size(), 40u);
  }
  // GitLab Code Quality: seven blockers; GitHub: seven critical security alerts.
  json quality = json::parse(read_file(c.reports() / "gl-code-quality-report.json"));
  ASSERT_EQ(quality.size(), planted.size()) << quality.dump(2);
  for (size_t i = 0; i < planted.size(); ++i) {
    EXPECT_EQ(quality[i].at("check_name"), "secrets/" + planted[i].rule);
    EXPECT_EQ(quality[i].at("severity"), "blocker");
    EXPECT_EQ(quality[i].at("location"), json({{"path", "deploy/production.env"}, {"lines", {{"begin", i + 2}}}}));
  }
  expect_valid_report_formats(c);
  for (const Planted& p : planted) expect_never_shown(c, r, secret_part(p));
}

TEST(SecretsTier, GitleaksFindingsAreMergedWithTheBuiltInOnes) {
  Calculator c;
  std::string config = gitleaks_config(c);
  const std::string planted = "plant_" + random_chars("abcdefghijklmnopqrstuvwxyz0123456789", 20, 11);
  const std::string github = "ghp_" + random_chars(kAlnum, 36, 12);
  const std::string stripe_test = "sk_" + std::string("test_") + random_chars(kAlnum, 24, 14);
  std::string notes = "# Deploying\n\nThe upload token is " + planted + " and the bot uses " + github + ".\n\n" +
                      "Payments in staging use " + stripe_test + ".\n";
  std::string patch = make_patch(c, {{"docs/deploy notes.md", notes}}, "gitleaks");
  TreeFingerprint before = source_fingerprint(c.repo());

  runners::ProcessResult r = c.attempt({"--config", config, "--patch", patch});
  expect_rejected_and_restored(c, before, r, 1);
  json report = c.report();
  SCOPED_TRACE(report.dump(2));
  EXPECT_EQ(report.at("lane").at("lane"), "docs");
  EXPECT_EQ(report.at("reason"),
            "required tier 'secrets' (secrets) failed: 2 secret(s) and 1 warning(s) in the added lines (built-in rules "
            "and gitleaks)");
  const json& findings = tier_named(report, "secrets").at("findings");
  ASSERT_EQ(findings.size(), 3u);
  EXPECT_EQ(findings.at(0).at("rule"), "gitleaks.planted-token");
  EXPECT_EQ(findings.at(0).at("line"), 3);
  EXPECT_EQ(findings.at(0).at("column"), static_cast<int>(std::string("The upload token is ").size()) + 1);
  EXPECT_EQ(findings.at(0).at("message"), "Planted test token (gitleaks) added: plan\u2026");
  EXPECT_EQ(findings.at(1).at("rule"), "github-token");  // gitleaks found it too: reported once
  EXPECT_EQ(findings.at(2).at("rule"), "stripe-key");    // a test-mode key: reported, as a warning
  EXPECT_EQ(findings.at(2).at("severity"), "warning");
  EXPECT_EQ(findings.at(2).at("line"), 5);
  // A path with a space, gitleaks' rule, and the test-mode key a major issue rather than a blocker.
  json quality = json::parse(read_file(c.reports() / "gl-code-quality-report.json"));
  ASSERT_EQ(quality.size(), 3u) << quality.dump(2);
  EXPECT_EQ(quality[0].at("check_name"), "secrets/gitleaks.planted-token");
  EXPECT_EQ(quality[0].at("location").at("path"), "docs/deploy notes.md");
  std::vector<std::string> severities;
  for (const json& q : quality) severities.push_back(q.at("severity").get<std::string>());
  EXPECT_EQ(severities, (Strings{"blocker", "blocker", "major"}));
  json upload = json::parse(read_file(c.reports() / "autofix.sarif"));
  EXPECT_EQ(upload.at("runs").at(0).at("results").at(0).at("locations").at(0).at("physicalLocation").at(
                "artifactLocation"),
            json({{"uri", "docs/deploy%20notes.md"}, {"uriBaseId", "SRCROOT"}}));
  expect_valid_report_formats(c);
  expect_never_shown(c, r, planted);
  expect_never_shown(c, r, github);
  expect_never_shown(c, r, stripe_test);
}

TEST(SecretsTier, AFailingGitleaksIsAnErrorNeverAPass) {
  Calculator c;
  std::string config = gitleaks_config(c);
  const std::string quoted = "npm_" + random_chars(kAlnum, 36, 13);
  ScopedEnv mode("FAKE_GITLEAKS_MODE", "fail");
  ScopedEnv quote("FAKE_GITLEAKS_QUOTE", quoted);  // what the failing gitleaks prints quotes a secret
  std::string patch = make_patch(c, {{"docs/usage.md", "# Usage\n\nRun `calc mean 1 2 3`.\n"}}, "docs");
  TreeFingerprint before = source_fingerprint(c.repo());

  runners::ProcessResult r = c.attempt({"--config", config, "--patch", patch});
  expect_rejected_and_restored(c, before, r, 4);
  json report = c.report();
  SCOPED_TRACE(report.dump(2));
  EXPECT_EQ(report.at("verdict"), "error");
  const json& tier = tier_named(report, "secrets");
  EXPECT_EQ(tier.at("status"), "error");
  std::string reason = tier.at("reason").get<std::string>();
  EXPECT_TRUE(reason.starts_with("gitleaks (" + (c.tmp() / "gitleaks bin" / "gitleaks").string() +
                                 ") failed (exit code 2): ERR failed to scan directory: token npm_\u2026"))
      << reason;
  EXPECT_EQ(report.at("reason"), "required tier 'secrets' could not run: " + reason);
  expect_never_shown(c, r, quoted);
}

}  // namespace
}  // namespace autofix::testing
