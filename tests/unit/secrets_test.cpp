// SPDX-License-Identifier: MIT
#include "gate/policy/secrets.h"

#include <git2.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>

#include <gtest/gtest.h>

#include "tests/support/fake_secrets.h"

#include "gate/git/handles.h"
#include "gate/util/error.h"

namespace autofix {
namespace {

using testing::base64url;
using testing::kAlnum;
using testing::kBase64;
using testing::kDigits;
using testing::kLowerHex;
using testing::kUrlSafe;
using testing::random_chars;

// Every credential-shaped value is assembled at run time from pieces that are harmless on their own, so
// this file never holds a literal key (and the gate's own secrets tier has nothing to say about it).


std::string alnum(size_t n, uint32_t seed) { return random_chars(kAlnum, n, seed); }
std::string url_safe(size_t n, uint32_t seed) { return random_chars(kUrlSafe, n, seed); }
std::string lower_hex(size_t n, uint32_t seed) { return random_chars(kLowerHex, n, seed); }


const std::string kAwsKeyId = std::string("AKIA") + "IOSFODNN7EXAMPLE";
const std::string kAwsSecret = std::string("wJalrXUtnFEMI/K7MDENG/") + "bPxRfiCYEXAMPLEKEY";
const std::string kGithubToken = std::string("ghp_") + "1A2b3C4d5E6f7G8h9I0j" + "KlMnOpQrStUvWxYz";
const std::string kGithubPat = std::string("github_") + "pat_11" + alnum(20, 1) + "_" + alnum(59, 2);
const std::string kGitlabToken = std::string("glpat-") + url_safe(20, 3);
const std::string kSlackToken = std::string("xoxb-") + random_chars(kDigits, 12, 4) + "-" + random_chars(kDigits, 13, 5) +
                                "-" + alnum(24, 6);
const std::string kGoogleKey = std::string("AIza") + url_safe(35, 7);
const std::string kBase64Secret = std::string("q8Zr3vN1xYp0LmT7wK2c") + "B9dF4hJ6sA5gE0uI3oPz";
const std::string kHexSecret = std::string("7c4a8d09ca3762af") + "61e59520943dc26494f8941b";
const std::string kKeyMaterial = std::string("MIIEowIBAAKCAQEA7") + "bq98WqjBCdE3F8s0m2xYzLpQ";
// An access key id of a random body.
std::string aws_key_id(std::string prefix, uint32_t seed) { return prefix + random_chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, seed); }

git::LineChange added(int line, std::string text) { return {'+', 0, line, std::move(text)}; }
git::LineChange removed(int line, std::string text) { return {'-', line, 0, std::move(text)}; }

git::FileDiff file(std::string path, std::vector<git::LineChange> lines) {
  git::FileDiff f;
  f.path = std::move(path);
  f.old_path = f.path;
  f.status = FileStatus::modified;
  f.lines = std::move(lines);
  return f;
}

std::vector<Finding> scan(std::vector<git::FileDiff> diff, const SecretAllowList& allow = {}) {
  return scan_for_secrets(diff, allow);
}

std::vector<Finding> scan_line(const std::string& text, const std::string& path = "src/config.cpp") {
  return scan({file(path, {added(7, text)})});
}

std::vector<std::string> rules(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.rule);
  return out;
}

std::string hash_of(const std::string& rule, const std::string& path, const std::string& secret) {
  git::Library library;
  std::string material = rule + std::string(1, '\0') + path + std::string(1, '\0') + secret;
  git_oid oid;
  git_odb_hash(&oid, material.data(), material.size(), GIT_OBJECT_BLOB);
  return git::to_hex(oid);
}

const std::string kEllipsis = "\xE2\x80\xA6";

std::string one_decimal(const std::string& text) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", shannon_entropy(text));
  return buf;
}

// ---- true positives, one per rule -------------------------------------------------------------

TEST(Secrets, RuleIds) {
  EXPECT_EQ(secret_rule_ids(),
            (std::vector<std::string>{"private-key",         "gcp-service-account-key", "aws-access-key-id",
                                      "aws-secret-access-key", "github-token",          "gitlab-token",
                                      "slack-token",         "slack-webhook-url",       "stripe-key",
                                      "openai-api-key",      "anthropic-api-key",       "google-api-key",
                                      "npm-token",           "pypi-token",              "azure-storage-key",
                                      "twilio-api-key",      "sendgrid-api-key",        "mailgun-api-key",
                                      "discord-bot-token",   "discord-webhook-url",     "telegram-bot-token",
                                      "shopify-token",       "heroku-api-key",          "digitalocean-token",
                                      "jwt",                 "password-in-url",         "high-entropy-literal",
                                      "secret-assignment"}));
}

TEST(Secrets, AwsAccessKeyId) {
  auto found = scan_line("const char* kKey = \"" + kAwsKeyId + "\";");
  ASSERT_EQ(rules(found), std::vector<std::string>{"aws-access-key-id"});
  const Finding& f = found[0];
  EXPECT_EQ(f.file, "src/config.cpp");
  EXPECT_EQ(f.line, 7);
  EXPECT_EQ(f.column, 21);
  EXPECT_EQ(f.severity, "error");
  EXPECT_EQ(f.state, FindingState::new_);
  EXPECT_EQ(f.message, "AWS access key ID added: AKIA" + kEllipsis);
  EXPECT_EQ(f.fingerprint, hash_of("aws-access-key-id", "src/config.cpp", kAwsKeyId));
  // Every prefix, at the start of a line and after '='.
  uint32_t seed = 100;
  for (std::string prefix : {"ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA"})
    EXPECT_EQ(rules(scan_line("KEY=" + aws_key_id(prefix, ++seed))), std::vector<std::string>{"aws-access-key-id"})
        << prefix;
  EXPECT_EQ(scan_line(kAwsKeyId)[0].column, 1);
}

TEST(Secrets, AwsAccessKeyIdNeedsWordBoundaries) {
  EXPECT_TRUE(scan_line("X" + kAwsKeyId).empty());
  EXPECT_TRUE(scan_line(kAwsKeyId + "Z").empty());
  EXPECT_TRUE(scan_line(kAwsKeyId.substr(0, 19)).empty());  // 15 characters after the prefix
  EXPECT_TRUE(scan_line("AKIA" + std::string("iosfodnn7example")).empty());  // lowercase
  EXPECT_TRUE(scan_line("AKIA" + std::string(16, 'X')).empty());               // a placeholder
  EXPECT_TRUE(scan_line("AKIA" + std::string("ABCDEFGHIJKLMNOP")).empty());    // an alphabet
}

TEST(Secrets, AwsSecretAccessKey) {
  for (const std::string& line : {"aws_secret_access_key = " + kAwsSecret, "  \"AwsSecretKey\": \"" + kAwsSecret + "\",",
                                  "export AWS_SECRET_ACCESS_KEY=" + kAwsSecret, "secret := '" + kAwsSecret + "'"}) {
    auto found = scan_line(line);
    ASSERT_EQ(rules(found), std::vector<std::string>{"aws-secret-access-key"}) << line;
    EXPECT_EQ(found[0].column, static_cast<int>(line.find(kAwsSecret)) + 1) << line;
    EXPECT_EQ(found[0].message, "AWS secret access key added: wJal" + kEllipsis);
  }
  // The name must say what it is; a placeholder is not a key.
  EXPECT_TRUE(scan_line("region_name = " + kAwsSecret).empty());
  EXPECT_TRUE(scan_line("aws_secret_access_key = " + std::string(40, 'x')).empty());
  EXPECT_TRUE(scan_line("aws_secret_access_key = " + kAwsSecret + "A").empty());  // 41 characters
}

TEST(Secrets, GithubGitlabSlackGoogle) {
  struct Case {
    std::string secret, rule, message;
  };
  for (const Case& c : {Case{kGithubToken, "github-token", "GitHub personal access token added: ghp_" + kEllipsis},
                        Case{kGithubPat, "github-token", "GitHub fine-grained personal access token added: gith" + kEllipsis},
                        Case{kGitlabToken, "gitlab-token", "GitLab personal access token added: glpa" + kEllipsis},
                        Case{kSlackToken, "slack-token", "Slack bot token added: xoxb" + kEllipsis},
                        Case{kGoogleKey, "google-api-key", "Google API key added: AIza" + kEllipsis}}) {
    std::string line = "token: " + c.secret;
    auto found = scan_line(line, "deploy/settings.yml");
    ASSERT_EQ(rules(found), std::vector<std::string>{c.rule}) << c.secret;
    EXPECT_EQ(found[0].column, 8);
    EXPECT_EQ(found[0].message, c.message);
    EXPECT_EQ(found[0].fingerprint, hash_of(c.rule, "deploy/settings.yml", c.secret));
  }
  EXPECT_TRUE(scan_line("ghp_" + std::string("shortToken123")).empty());
  EXPECT_TRUE(scan_line("xghp_" + kGithubToken.substr(4)).empty());  // inside a word
  EXPECT_TRUE(scan_line("glpat-" + std::string("short")).empty());
}

TEST(Secrets, PrivateKeys) {
  for (std::string type : {"RSA PRIVATE KEY", "OPENSSH PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY",
                           "ENCRYPTED PRIVATE KEY", "PGP PRIVATE KEY BLOCK"}) {
    std::string header = "-----BEGIN " + type + "-----";
    auto found = scan({file("keys/id", {added(1, header), added(2, kKeyMaterial), added(3, "-----END " + type + "-----")})});
    ASSERT_EQ(rules(found), std::vector<std::string>{"private-key"}) << type;
    EXPECT_EQ(found[0].line, 1);
    EXPECT_EQ(found[0].column, 1);
    EXPECT_EQ(found[0].message, "private key (" + type + ") added: MIIE" + kEllipsis);
    EXPECT_EQ(found[0].fingerprint, hash_of("private-key", "keys/id", header + "\n" + kKeyMaterial));
  }
  // A public key, a certificate: not secrets.
  EXPECT_TRUE(scan_line("-----BEGIN PUBLIC KEY-----").empty());
  EXPECT_TRUE(scan_line("-----BEGIN CERTIFICATE-----").empty());
  // In a string literal, with no material on the next line.
  auto quoted = scan_line("const char* pem = \"-----BEGIN RSA PRIVATE KEY-----\\n\";");
  ASSERT_EQ(rules(quoted), std::vector<std::string>{"private-key"});
  EXPECT_EQ(quoted[0].column, 20);
  EXPECT_EQ(quoted[0].message, "private key (RSA PRIVATE KEY) added: " + kEllipsis);
}

TEST(Secrets, PasswordInUrl) {
  std::string line = "db_url = \"postgres://admin:" + std::string("s3cr3tP4ss") + "@db.internal:5432/app\"";
  auto found = scan_line(line);
  ASSERT_EQ(rules(found), std::vector<std::string>{"password-in-url"});
  EXPECT_EQ(found[0].column, 11);
  EXPECT_EQ(found[0].message, "password of user 'admin' in a postgres URL added: s3" + kEllipsis);
  EXPECT_EQ(found[0].fingerprint, hash_of("password-in-url", "src/config.cpp", "s3cr3tP4ss"));
  EXPECT_EQ(rules(scan_line("redis://:" + std::string("hunter2hunter2") + "@cache:6379")),
            std::vector<std::string>{"password-in-url"});
  EXPECT_EQ(rules(scan_line("git clone https://bot:" + std::string("pa55word-x") + "@git.example.com/r.git")),
            std::vector<std::string>{"password-in-url"});
}

TEST(Secrets, HighEntropyLiterals) {
  auto base64 = scan_line("static const char* kToken = \"" + kBase64Secret + "\";");
  ASSERT_EQ(rules(base64), std::vector<std::string>{"high-entropy-literal"});
  EXPECT_EQ(base64[0].column, 30);  // the literal's first character
  EXPECT_EQ(base64[0].message, "high-entropy base64 string literal (40 characters, " + one_decimal(kBase64Secret) +
                                    " bits per character) added: q8Zr" + kEllipsis);
  auto hex = scan_line("token = '" + kHexSecret + "'", "tools/upload.py");
  ASSERT_EQ(rules(hex), std::vector<std::string>{"high-entropy-literal"});
  EXPECT_EQ(hex[0].column, 10);
  EXPECT_EQ(hex[0].message, "high-entropy hex string literal (40 characters, " + one_decimal(kHexSecret) +
                                 " bits per character) added: 7c4a" + kEllipsis);
  // A token a specific rule found is reported once, by that rule.
  EXPECT_EQ(rules(scan_line("auto t = \"" + kGithubToken + "\";")), std::vector<std::string>{"github-token"});
}

TEST(Secrets, Entropy) {
  EXPECT_DOUBLE_EQ(shannon_entropy(""), 0.0);
  EXPECT_DOUBLE_EQ(shannon_entropy("aaaa"), 0.0);
  EXPECT_DOUBLE_EQ(shannon_entropy("abab"), 1.0);
  EXPECT_DOUBLE_EQ(shannon_entropy("0123456789abcdef"), 4.0);
  EXPECT_GT(shannon_entropy(kBase64Secret), 4.0);
  EXPECT_GT(shannon_entropy(kHexSecret), 3.0);
}

// ---- one test per provider: a real-format fake that must be caught, near misses that must not ---------

// The one finding of `line` (added line 7 of `path`): `rule`, starting where `secret` starts, with the
// fingerprint of `secret`, and a message that shows at most its redacted form.
Finding caught(const std::string& line, const std::string& rule, const std::string& secret,
               const std::string& path = "src/config.cpp") {
  auto found = scan_line(line, path);
  EXPECT_EQ(rules(found), std::vector<std::string>{rule}) << line;
  if (found.size() != 1) return {};
  const Finding& f = found[0];
  EXPECT_EQ(f.column, static_cast<int>(line.find(secret)) + 1) << line;
  EXPECT_EQ(f.fingerprint, hash_of(rule, path, secret)) << line;
  EXPECT_EQ(f.message.find(secret), std::string::npos) << f.message;
  EXPECT_EQ(f.message.find(secret.substr(secret.size() - 12)), std::string::npos) << f.message;
  EXPECT_EQ(f.severity, "error");
  return f;
}

void quiet(const std::string& line, const std::string& path = "src/config.cpp") {
  auto found = scan_line(line, path);
  EXPECT_TRUE(found.empty()) << line << " -> " << (found.empty() ? "" : found[0].rule + ": " + found[0].message);
}

std::string uuid(uint32_t seed) {
  std::string h = lower_hex(32, seed);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

TEST(SecretRules, GithubTokens) {
  for (auto [prefix, kind] : {std::pair<std::string, std::string>{"gho_", "GitHub OAuth access token"},
                              {"ghu_", "GitHub user-to-server token"},
                              {"ghs_", "GitHub server-to-server token"},
                              {"ghr_", "GitHub refresh token"}}) {
    std::string token = prefix + alnum(36, 11);
    EXPECT_EQ(caught("GITHUB_TOKEN=" + token, "github-token", token).message, kind + " added: " + prefix + kEllipsis);
  }
  quiet("// ghp_" + alnum(35, 12));                 // one character short
  quiet("// ghp_" + std::string(36, 'x'));          // a placeholder
  quiet("// xghp_" + alnum(36, 13));                // inside a word
  quiet("// github_pat_" + std::string(82, 'X'));  // a placeholder
}

TEST(SecretRules, GitlabTokens) {
  for (auto [prefix, kind] : {std::pair<std::string, std::string>{"gldt-", "GitLab deploy token"},
                              {"glrt-", "GitLab runner authentication token"},
                              {"glptt-", "GitLab pipeline trigger token"},
                              {std::string("GR1348") + "941", "GitLab runner registration token"}}) {
    std::string token = prefix + url_safe(20, 14);
    EXPECT_EQ(caught("  gitlab: " + token, "gitlab-token", token).message, kind + " added: " + token.substr(0, 4) + kEllipsis);
  }
  quiet("gitlab: glpat-" + url_safe(19, 15));
  quiet("gitlab: glpat-" + std::string(20, 'x'));
  quiet("gitlab: ylpat-" + url_safe(20, 15));
}

TEST(SecretRules, SlackTokens) {
  std::string user = std::string("xoxp-") + random_chars(kDigits, 11, 16) + "-" + random_chars(kDigits, 11, 17) + "-" +
                     random_chars(kDigits, 12, 18) + "-" + lower_hex(32, 19);
  EXPECT_EQ(caught("slack: " + user, "slack-token", user).message, "Slack user token added: xoxp" + kEllipsis);
  std::string app = std::string("xapp-1-A") + alnum(10, 20) + "-" + random_chars(kDigits, 13, 21) + "-" + lower_hex(64, 22);
  EXPECT_EQ(caught("slack: " + app, "slack-token", app).message, "Slack app-level token added: xapp" + kEllipsis);
  quiet("slack: xoxb-12345");                      // too short
  quiet("slack: xoxb-XXXXXXXXXXXXXXXXXXXXXXXX");   // a placeholder
}

TEST(SecretRules, SlackWebhookUrl) {
  std::string url = std::string("https://hooks.slack.com/services/T") + random_chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8, 23) +
                    "/B" + random_chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10, 24) + "/" + alnum(24, 25);
  Finding f = caught("SLACK_WEBHOOK: \"" + url + "\"", "slack-webhook-url", url);
  EXPECT_EQ(f.message, "Slack webhook URL added: hooks.slack.com/services/" + url.substr(33, 4) + kEllipsis);
  quiet("see https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX");  // Slack's placeholder
  quiet("see https://hooks.slack.com/services/");
  quiet("see https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF1/" + alnum(12, 26));  // no secret part
  quiet("see https://hooks.slack.com/apps/" + alnum(24, 27));
}

TEST(SecretRules, StripeKeys) {
  std::string live = std::string("sk_") + "live_" + alnum(24, 28);
  EXPECT_EQ(caught("stripe.api_key = '" + live + "'", "stripe-key", live).message,
            "Stripe live secret key added: sk_l" + kEllipsis);
  std::string restricted = std::string("rk_") + "live_" + alnum(99, 29);
  caught("STRIPE=" + restricted, "stripe-key", restricted);
  // A test-mode key reaches only the test account: a warning, not an error.
  std::string test = std::string("sk_") + "test_" + alnum(24, 30);
  auto found = scan_line("stripe: " + test);
  ASSERT_EQ(rules(found), std::vector<std::string>{"stripe-key"});
  EXPECT_EQ(found[0].severity, "warning");
  EXPECT_EQ(found[0].message, "Stripe test-mode secret key added: sk_t" + kEllipsis);
  quiet("stripe: pk_live_" + alnum(24, 31));                // a publishable key is meant to be public
  quiet("stripe: sk_live_" + alnum(12, 32));                // too short
  quiet("stripe: sk_live_" + std::string(24, 'x'));         // a placeholder
  quiet("stripe: task_live_" + alnum(24, 33));              // inside a word
}

TEST(SecretRules, OpenAiKeys) {
  std::string project = std::string("sk-") + "proj-" + url_safe(74, 34) + "T3Blbk" + "FJ" + url_safe(74, 35);
  EXPECT_EQ(caught("OPENAI_API_KEY=" + project, "openai-api-key", project).message,
            "OpenAI project API key added: sk-p" + kEllipsis);
  std::string legacy = std::string("sk-") + alnum(20, 36) + "T3Blbk" + "FJ" + alnum(20, 37);
  EXPECT_EQ(caught("openai: " + legacy, "openai-api-key", legacy).message, "OpenAI API key added: sk-" + alnum(1, 36) + kEllipsis);
  quiet("openai: sk-proj-" + url_safe(30, 38));  // too short
  quiet("openai: sk-" + alnum(48, 39));          // no OpenAI marker
  quiet("openai: sk-proj-" + std::string(60, 'x'));
}

TEST(SecretRules, AnthropicKeys) {
  std::string key = std::string("sk-") + "ant-api03-" + url_safe(93, 40) + "AA";
  EXPECT_EQ(caught("ANTHROPIC_API_KEY=" + key, "anthropic-api-key", key).message, "Anthropic API key added: sk-a" + kEllipsis);
  quiet("anthropic: sk-ant-api03-" + url_safe(20, 41));
  quiet("anthropic: sk-ant-api03-" + std::string(95, 'X'));
}

TEST(SecretRules, GoogleApiKey) {
  caught("maps: " + kGoogleKey, "google-api-key", kGoogleKey);
  quiet("maps: " + kGoogleKey.substr(0, 38));  // 34 characters after AIza
}

TEST(SecretRules, GcpServiceAccountKey) {
  std::string header = "-----BEGIN PRIVATE KEY-----";
  std::string line = "  \"private_key\": \"" + header + "\\n" + kKeyMaterial + "\\n-----END PRIVATE KEY-----\\n\",";
  auto found = scan_line(line, "deploy/sa.json");
  ASSERT_EQ(rules(found), std::vector<std::string>{"gcp-service-account-key"});
  EXPECT_EQ(found[0].column, static_cast<int>(line.find(header)) + 1);
  EXPECT_EQ(found[0].message, "GCP service account private key added: MIIE" + kEllipsis);
  EXPECT_EQ(found[0].fingerprint, hash_of("gcp-service-account-key", "deploy/sa.json", header + "\n" + kKeyMaterial));
  quiet("  \"private_key\": \"\",", "deploy/sa.json");
  quiet("  \"client_email\": \"builder@project.iam.gserviceaccount.com\",", "deploy/sa.json");
}

TEST(SecretRules, NpmToken) {
  std::string token = std::string("npm_") + alnum(36, 42);
  EXPECT_EQ(caught("//registry.npmjs.org/:_authToken=" + token, "npm-token", token).message,
            "npm access token added: npm_" + kEllipsis);
  quiet("registry: npm_" + alnum(35, 43));
  quiet("registry: npm_" + alnum(37, 44));
  quiet("registry: npm_" + std::string(36, 'x'));
}

TEST(SecretRules, PypiToken) {
  std::string token = std::string("pypi-") + "AgEIcHlwaS5vcmc" + url_safe(70, 45);
  EXPECT_EQ(caught("password = " + token, "pypi-token", token, ".pypirc").message, "PyPI upload token added: pypi" + kEllipsis);
  quiet("upload: pypi-" + url_safe(70, 46));  // not a pypi.org macaroon
  quiet("upload: pypi-AgEIcHlwaS5vcmc" + url_safe(20, 47));
}

TEST(SecretRules, AzureStorageKey) {
  std::string key = random_chars(kBase64, 86, 48) + "==";
  std::string line = "conn = \"DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=" + key +
                     ";EndpointSuffix=core.windows.net\"";
  EXPECT_EQ(caught(line, "azure-storage-key", key).message, "Azure storage account key added: " + key.substr(0, 4) + kEllipsis);
  std::string shared = random_chars(kBase64, 43, 49) + "=";
  EXPECT_EQ(caught("Endpoint=sb://bus.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=" + shared,
                   "azure-storage-key", shared)
                .message,
            "Azure shared access key added: " + shared.substr(0, 4) + kEllipsis);
  quiet("AccountName=shop;AccountKey=<your-key>;");
  quiet("AccountName=devstoreaccount1;AccountKey=" + key + ";");  // the storage emulator's published key
  quiet("AccountName=shop;AccountKey=" + random_chars(kBase64, 20, 50) + ";");
}

TEST(SecretRules, TwilioApiKey) {
  std::string key = std::string("SK") + lower_hex(32, 51);
  EXPECT_EQ(caught("TWILIO_API_KEY=" + key, "twilio-api-key", key).message, "Twilio API key added: SK" + key.substr(2, 2) + kEllipsis);
  quiet("sid: SK" + lower_hex(31, 52));
  quiet("sid: SK" + random_chars("ghijklmnopqrstuvwxyz", 32, 53));  // not hex
  quiet("sid: ASK" + lower_hex(32, 54));                           // inside a word
}

TEST(SecretRules, SendgridApiKey) {
  std::string key = std::string("SG.") + url_safe(22, 55) + "." + url_safe(43, 56);
  EXPECT_EQ(caught("SENDGRID_API_KEY=" + key, "sendgrid-api-key", key).message, "SendGrid API key added: SG." + key.substr(3, 1) + kEllipsis);
  quiet("mail: SG." + url_safe(21, 57) + "." + url_safe(43, 58));
  quiet("mail: SG." + url_safe(22, 59) + "." + url_safe(40, 60));
}

TEST(SecretRules, MailgunApiKey) {
  std::string key = std::string("key-") + lower_hex(32, 61);
  EXPECT_EQ(caught("MAILGUN_API_KEY=" + key, "mailgun-api-key", key).message, "Mailgun API key added: key-" + kEllipsis);
  quiet("cache: key-" + lower_hex(32, 62));  // the shape alone is a cache key
  quiet("mailgun: key-" + random_chars("0123456789ABCDEF", 32, 63));
}

TEST(SecretRules, DiscordBotToken) {
  std::string token = base64url("912345678901234567") + "." + url_safe(6, 64) + "." + url_safe(38, 65);
  EXPECT_EQ(caught("DISCORD_BOT_TOKEN=" + token, "discord-bot-token", token).message, "Discord bot token added: OTEy" + kEllipsis);
  quiet("bot: " + base64url("abcdefghijklmnopqr") + "." + url_safe(6, 66) + "." + url_safe(38, 67));  // no id
  quiet("bot: " + base64url("912345678901234567") + "." + url_safe(5, 68) + "." + url_safe(38, 69));
}

TEST(SecretRules, DiscordWebhookUrl) {
  std::string url = std::string("https://discord.com/api/webhooks/") + "1" + random_chars(kDigits, 17, 70) + "/" + url_safe(68, 71);
  Finding f = caught("hook: " + url, "discord-webhook-url", url);
  EXPECT_EQ(f.message, "Discord webhook URL added: discord.com/api/webhooks/1" + url.substr(34, 3) + kEllipsis);
  quiet("hook: https://discord.com/api/webhooks/1" + random_chars(kDigits, 17, 72) + "/" + url_safe(20, 73));
  quiet("hook: https://example.com/api/webhooks/1" + random_chars(kDigits, 17, 74) + "/" + url_safe(68, 75));
}

TEST(SecretRules, TelegramBotToken) {
  std::string token = std::string("5123456789:AA") + url_safe(21, 76) + "7" + url_safe(11, 77);
  EXPECT_EQ(caught("TELEGRAM_TOKEN=" + token, "telegram-bot-token", token).message,
            "Telegram bot token added: 5123" + kEllipsis);
  caught("curl https://api.telegram.org/bot" + token + "/getMe", "telegram-bot-token", token);
  quiet("<xsd:element type=\"12345:AgencyIdentificationCodeContentType\"/>");  // letters only
  quiet("bot 5123456789:AA" + url_safe(32, 78));                                  // one short
}

TEST(SecretRules, ShopifyToken) {
  std::string token = std::string("shpat_") + lower_hex(32, 79);
  EXPECT_EQ(caught("SHOPIFY_TOKEN=" + token, "shopify-token", token).message, "Shopify access token added: shpa" + kEllipsis);
  quiet("shop: shpat_" + lower_hex(31, 80));
  quiet("shop: shpat_" + random_chars("ghijklmnopqrstuvwxyz", 32, 81));
}

TEST(SecretRules, HerokuApiKey) {
  std::string key = std::string("HRKU-") + "AA" + url_safe(58, 82);
  EXPECT_EQ(caught("heroku: " + key, "heroku-api-key", key).message, "Heroku API key added: HRKU" + kEllipsis);
  std::string legacy = uuid(83);
  caught("HEROKU_API_KEY=" + legacy, "heroku-api-key", legacy);
  quiet("request_id: " + legacy);  // a UUID alone is an id
  quiet("heroku: HRKU-AA" + url_safe(57, 84));
}

TEST(SecretRules, DigitalOceanToken) {
  std::string token = std::string("dop_") + "v1_" + lower_hex(64, 85);
  EXPECT_EQ(caught("DO_TOKEN=" + token, "digitalocean-token", token).message,
            "DigitalOcean personal access token added: dop_" + kEllipsis);
  quiet("do: dop_v1_" + lower_hex(63, 86));
  quiet("do: dop_v1_" + random_chars("0123456789ABCDEF", 64, 87));
}

TEST(SecretRules, JsonWebToken) {
  std::string header = base64url(R"({"alg":"HS256","typ":"JWT"})");
  std::string payload = base64url(R"({"sub":"1234567890","name":"Jane","iat":1516239022})");
  std::string jwt = header + "." + payload + "." + url_safe(43, 88);
  EXPECT_EQ(caught("Authorization: Bearer " + jwt, "jwt", jwt).message, "JSON Web Token added: eyJh" + kEllipsis);
  std::string unsigned_header = base64url(R"({"alg":"none"})");
  quiet("Authorization: Bearer " + unsigned_header + "." + payload + "." + url_safe(43, 89));  // alg none
  quiet("Authorization: Bearer eyJ" + url_safe(30, 90) + "." + payload + "." + url_safe(43, 91));  // not JSON
  quiet("Authorization: Bearer " + header + "." + payload);                                     // no signature
  quiet("Authorization: Bearer " + header + "." + payload + "." + url_safe(10, 92));             // too short
}

TEST(SecretRules, PrivateKeyInAJsonString) {
  std::string header = "-----BEGIN RSA PRIVATE KEY-----";
  std::string line = "{\"key\": \"" + header + "\\n" + kKeyMaterial + "\\n...\"}";
  auto found = scan_line(line);
  ASSERT_EQ(rules(found), std::vector<std::string>{"private-key"});
  EXPECT_EQ(found[0].message, "private key (RSA PRIVATE KEY) added: MIIE" + kEllipsis);
  EXPECT_EQ(found[0].fingerprint, hash_of("private-key", "src/config.cpp", header + "\n" + kKeyMaterial));
}

TEST(SecretRules, SecretAssignments) {
  struct Case {
    std::string line, secret, name;
  };
  const std::string password = std::string("Tr0ub4") + "dor&3x";
  const std::string env_value = alnum(14, 93);
  for (const Case& c : {Case{"password = \"" + password + "\"", password, "password"},
                        Case{"DB_PASSWORD=" + env_value, env_value, "DB_PASSWORD"},
                        Case{"export API_TOKEN=" + env_value + "  # rotated monthly", env_value, "API_TOKEN"},
                        Case{"  client_secret: '" + password + "'", password, "client_secret"},
                        Case{"{\"apiKey\": \"" + env_value + "\"}", env_value, "apiKey"},
                        Case{"  'db_password' => '" + password + "',", password, "db_password"},
                        Case{"const char* kSigningKey = \"" + password + "\";", password, "kSigningKey"}}) {
    Finding f = caught(c.line, "secret-assignment", c.secret);
    EXPECT_EQ(f.message, "value assigned to '" + c.name + "' added: " + c.secret.substr(0, c.secret.size() / 4) + kEllipsis);
  }
  // Placeholders, variables, words, code, comparisons and names that are not a credential's.
  for (const std::string& line : std::vector<std::string>{
           "password = \"changeme\"",
           "password = \"xxxxxxxxxxxx\"",
           "password: ${DB_PASSWORD}",
           "token = \"<token>\"",
           "api_key = \"your-api-key-here\"",
           "password = \"hunter2\"",  // shorter than 8
           "password = get_password()",
           "if (password == \"" + password + "\") {",
           "max_tokens = 4096",
           "token = request.args[\"token\"]",
           "password_hint = \"" + password + "\"",
           "PWD=/home/builder/src/project",
           "secret_name = \"prod-database-credentials\"",
           "token: \"{{ vault_token }}\"",
           "  x = compute(password: " + password + ")",
           "password = \"123456789012\"",
       })
    quiet(line);
}

TEST(Secrets, MaskSecretsKeepsTheTextAround) {
  std::string npm = std::string("npm_") + alnum(36, 94);
  std::string text = "error: cannot publish with " + npm + "\nsecond line, " + kGithubToken + " and more\nlast";
  std::string masked = mask_secrets(text);
  EXPECT_EQ(masked, "error: cannot publish with npm_" + kEllipsis + "\nsecond line, ghp_" + kEllipsis + " and more\nlast");
  EXPECT_EQ(mask_secrets("nothing to hide\n"), "nothing to hide\n");
  EXPECT_EQ(mask_secrets(""), "");
}

// ---- secrets found by gitleaks, merged in -----------------------------------------------------------

ExternalSecret gitleaks_hit(std::string rule, std::string file, int line, std::string secret,
                            std::string description = "Planted test token.") {
  return {"gitleaks." + std::move(rule), std::move(description), std::move(file), line, std::move(secret)};
}

TEST(Secrets, GitleaksFindingsAreMergedRedactedAndFingerprinted) {
  const std::string planted = "plant_" + random_chars("abcdefghijklmnopqrstuvwxyz0123456789", 20, 95);
  std::vector<git::FileDiff> diff = {file("src/a.cpp", {added(3, "int x;"), added(4, "auto t = use(" + planted + ");")}),
                                     file("src/b.cpp", {added(9, "// " + kGithubToken)})};
  std::vector<ExternalSecret> external = {
      gitleaks_hit("github-pat", "src/b.cpp", 9, kGithubToken),  // the built-in rule found it: once
      gitleaks_hit("planted-token", "src/a.cpp", 4, planted, "Found " + planted + " here."),
      gitleaks_hit("planted-token", "src/a.cpp", 4, planted),  // gitleaks twice: once
      gitleaks_hit("planted-token", "gone.txt", 2, planted),   // a file the diff does not show: still reported
  };
  auto found = scan_for_secrets(diff, {}, external);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].rule, "gitleaks.planted-token");
  EXPECT_EQ(found[0].file, "src/a.cpp");
  EXPECT_EQ(found[0].line, 4);
  EXPECT_EQ(found[0].column, 14);
  EXPECT_EQ(found[0].severity, "error");
  EXPECT_EQ(found[0].message, "Found plan" + kEllipsis + " here (gitleaks) added: plan" + kEllipsis);
  EXPECT_EQ(found[0].fingerprint, hash_of("gitleaks.planted-token", "src/a.cpp", planted));
  EXPECT_EQ(found[1].rule, "github-token");
  EXPECT_EQ(found[2].file, "gone.txt");
  EXPECT_EQ(found[2].column, 0);
  for (const Finding& f : found) {
    EXPECT_EQ(f.message.find(planted), std::string::npos) << f.message;
    EXPECT_EQ(f.message.find(kGithubToken), std::string::npos) << f.message;
  }
}

TEST(Secrets, AGitleaksMatchInsideABuiltInOneIsTheSameSecret) {
  const std::string key = std::string("sk_") + "live_" + alnum(30, 96);
  std::vector<git::FileDiff> diff = {file("pay.env", {added(1, "STRIPE=" + key)})};
  // gitleaks' generic rule takes a slice of what the built-in stripe rule matched.
  auto found = scan_for_secrets(diff, {}, {gitleaks_hit("generic-api-key", "pay.env", 1, key.substr(8))});
  EXPECT_EQ(rules(found), std::vector<std::string>{"stripe-key"});
}

TEST(SecretAllowList, CoversGitleaksRules) {
  const std::string planted = "plant_" + random_chars("abcdefghijklmnopqrstuvwxyz0123456789", 20, 97);
  std::vector<git::FileDiff> diff = {file("tests/fixtures/a.txt", {added(1, planted)}), file("src/b.txt", {added(1, planted)})};
  std::vector<ExternalSecret> external = {gitleaks_hit("planted-token", "tests/fixtures/a.txt", 1, planted),
                                          gitleaks_hit("planted-token", "src/b.txt", 1, planted)};
  EXPECT_EQ(scan_for_secrets(diff, parse_secret_allowlist("tests/**:gitleaks", "t"), external).size(), 1u);
  EXPECT_EQ(scan_for_secrets(diff, parse_secret_allowlist("**:gitleaks.planted-token", "t"), external).size(), 0u);
  EXPECT_EQ(scan_for_secrets(diff, parse_secret_allowlist("**:gitleaks.other-rule", "t"), external).size(), 2u);
  EXPECT_EQ(scan_for_secrets(diff, parse_secret_allowlist("**:github-token", "t"), external).size(), 2u);
  std::string fp = hash_of("gitleaks.planted-token", "src/b.txt", planted);
  auto left = scan_for_secrets(diff, parse_secret_allowlist("fingerprint:" + fp, "t"), external);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].file, "tests/fixtures/a.txt");
}

// ---- what must not fire -----------------------------------------------------------------------

TEST(Secrets, FalsePositivesStayQuiet) {
  const std::string sha1 = std::string("da39a3ee5e6b4b0d") + "3255bfef95601890afd80709";
  const std::string sha256 = std::string("e3b0c44298fc1c149afbf4c8996fb924") + "27ae41e4649b934ca495991b7852b855";
  for (const std::string& line : std::vector<std::string>{
           "constexpr char kBaseCommit[] = \"" + sha1 + "\";",
           "expected_sha256 = \"" + sha256 + "\"",
           "EXPECT_EQ(hash, \"" + sha1 + "\");",
           "auto id = \"" + std::string("123e4567-e89b-12d3-a456-") + "426614174000\";",
           "const char* hello = \"aGVsbG8gd29ybGQ=\";",  // base64 of a short phrase
           "const char* url = \"https://example.com/path/to/a/rather/long/page\";",
           "db = \"postgres://user:${PASSWORD}@db\"",
           "db = \"postgres://user:<password>@db\"",
           "db = \"postgres://user:****@db\"",
           "db = \"postgres://user:password@db\"",
           "db = \"postgres://user:@db\"",
           "db = \"postgres://user:%s@db\"",
           "see https://user@example.com/x and ftp://example.com",
           "std::string name = \"ThisIsAVeryLongIdentifierNameWithoutDigits\";",
           "const char* snake = \"some_rather_long_configuration_key_name\";",
           "const char* alphabet = \"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/\";",
           "const char* fill = \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\";",
           "const char* dir = \"usr/lib/x86_64-linux-gnu/pkgconfig/libgit2\";",
           "const char* prose = \"this is a long sentence with spaces that is not a secret\";",
           "int x = 1'000'000; char c = 'a'; // it's fine",
           "-----BEGIN PUBLIC KEY-----",
       }) {
    EXPECT_TRUE(scan_line(line).empty()) << line << " -> " << (scan_line(line).empty() ? "" : scan_line(line)[0].rule);
  }
}

TEST(Secrets, OnlyAddedLinesOfTextFilesAreScanned) {
  git::FileDiff text = file("src/a.cpp", {removed(3, "auto k = \"" + kAwsKeyId + "\";"), added(3, "auto k = getenv(\"KEY\");"),
                                          added(9, "// " + kGithubToken)});
  git::FileDiff deleted = file("old/keys.txt", {removed(1, kAwsKeyId)});
  deleted.status = FileStatus::deleted;
  git::FileDiff binary = file("assets/blob.bin", {added(1, kAwsKeyId)});
  binary.binary = true;
  auto found = scan({deleted, text, binary});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule, "github-token");
  EXPECT_EQ(found[0].file, "src/a.cpp");
  EXPECT_EQ(found[0].line, 9);
  EXPECT_EQ(found[0].column, 4);
}

TEST(Secrets, OrderAndSeveralHitsOnALine) {
  std::string line = "a=" + kAwsKeyId + " b=" + kSlackToken;
  auto found = scan({file("z.env", {added(2, line)}), file("a.env", {added(5, "x"), added(6, kGoogleKey)})});
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].rule, "aws-access-key-id");  // diff order, then column
  EXPECT_EQ(found[0].column, 3);
  EXPECT_EQ(found[1].rule, "slack-token");
  EXPECT_EQ(found[1].column, 26);
  EXPECT_EQ(found[2].file, "a.env");
  EXPECT_EQ(found[2].line, 6);
}

// ---- redaction and fingerprints ---------------------------------------------------------------

TEST(Secrets, MessagesNeverHoldTheSecret) {
  std::vector<std::string> secrets = {kAwsKeyId,   kAwsSecret,  kGithubToken, kGithubPat,    kGitlabToken,
                                      kSlackToken, kGoogleKey,  kBase64Secret, kHexSecret, "s3cr3tP4ss"};
  git::FileDiff f = file("all.txt", {});
  int n = 0;
  for (const std::string& s : std::vector<std::string>{"id " + kAwsKeyId, "aws_secret=" + kAwsSecret, kGithubToken, kGithubPat, kGitlabToken,
                               kSlackToken, kGoogleKey, "k = \"" + kBase64Secret + "\"", "k = \"" + kHexSecret + "\"",
                               "mysql://root:s3cr3tP4ss@localhost/db"})
    f.lines.push_back(added(++n, s));
  f.lines.push_back(added(++n, "-----BEGIN OPENSSH PRIVATE KEY-----"));
  f.lines.push_back(added(++n, kKeyMaterial));
  auto found = scan({f});
  ASSERT_EQ(found.size(), 11u);
  for (const Finding& finding : found) {
    for (const std::string& s : secrets) EXPECT_EQ(finding.message.find(s), std::string::npos) << finding.message;
    EXPECT_EQ(finding.message.find(kKeyMaterial.substr(0, 10)), std::string::npos) << finding.message;
    EXPECT_EQ(finding.fingerprint.size(), 40u);
  }
}

TEST(Secrets, Redaction) {
  EXPECT_EQ(redact_secret("abcdefghijklmnopqrstuvwxyz"), "abcd" + kEllipsis);
  EXPECT_EQ(redact_secret("abcdefghijklmnop"), "abcd" + kEllipsis);
  EXPECT_EQ(redact_secret("abcdefgh"), "ab" + kEllipsis);  // short: a quarter
  EXPECT_EQ(redact_secret("abc"), kEllipsis);
  EXPECT_EQ(redact_secret(""), kEllipsis);
  EXPECT_EQ(redact_secret("abc\xC3\xA9" "defghijklmnopq"), "abc" + kEllipsis);  // not half a UTF-8 character
  EXPECT_EQ(redact_secret("ab\xC3\xA9" "defghijklmnopq"), "ab\xC3\xA9" + kEllipsis);
}

TEST(Secrets, FingerprintFollowsTheSecretNotTheLine) {
  auto a = scan({file("src/a.cpp", {added(3, kAwsKeyId)})});
  auto moved = scan({file("src/a.cpp", {added(40, "  key: " + kAwsKeyId)})});
  auto other_file = scan({file("src/b.cpp", {added(3, kAwsKeyId)})});
  auto other_key = scan({file("src/a.cpp", {added(3, aws_key_id("AKIA", 7))})});
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(moved.size(), 1u);
  ASSERT_EQ(other_file.size(), 1u);
  ASSERT_EQ(other_key.size(), 1u);
  EXPECT_EQ(a[0].fingerprint, moved[0].fingerprint);
  EXPECT_NE(a[0].fingerprint, other_file[0].fingerprint);
  EXPECT_NE(a[0].fingerprint, other_key[0].fingerprint);
}

// ---- the allow-list ---------------------------------------------------------------------------

TEST(SecretAllowList, Parses) {
  std::string fp(40, 'a');
  SecretAllowList list = parse_secret_allowlist("# test fixtures hold fake keys\n"
                                                "\n"
                                                "tests/fixtures/**\r\n"
                                                "  *.pem:private-key  \n"
                                                "fingerprint:" + std::string(40, 'A') + "\n"
                                                "docs/*.md : password-in-url",
                                                ".autofix-secrets-allow");
  ASSERT_EQ(list.paths.size(), 3u);
  EXPECT_EQ(list.paths[0].glob, "tests/fixtures/**");
  EXPECT_EQ(list.paths[0].rule, "");
  EXPECT_EQ(list.paths[1].glob, "*.pem");
  EXPECT_EQ(list.paths[1].rule, "private-key");
  EXPECT_EQ(list.paths[2].glob, "docs/*.md");
  EXPECT_EQ(list.paths[2].rule, "password-in-url");
  EXPECT_EQ(list.fingerprints, std::set<std::string>{fp});
  EXPECT_TRUE(parse_secret_allowlist("", "x").paths.empty());
}

TEST(SecretAllowList, MalformedLinesNameTheFileAndLine) {
  auto message_of = [](const std::string& text) -> std::string {
    try {
      parse_secret_allowlist(text, "repo/.autofix-secrets-allow");
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::usage);
      EXPECT_NE(e.hint().find("docs/secrets.md"), std::string::npos);
      return e.what();
    }
    ADD_FAILURE() << "accepted: " << text;
    return {};
  };
  EXPECT_EQ(message_of("# ok\nsrc/*.cpp\nsrc/*.cpp:no-such-rule\n"),
            "repo/.autofix-secrets-allow:3: unknown rule 'no-such-rule' (known rules: private-key, "
            "gcp-service-account-key, aws-access-key-id, aws-secret-access-key, github-token, gitlab-token, slack-token, "
            "slack-webhook-url, stripe-key, openai-api-key, anthropic-api-key, google-api-key, npm-token, pypi-token, "
            "azure-storage-key, twilio-api-key, sendgrid-api-key, mailgun-api-key, discord-bot-token, "
            "discord-webhook-url, telegram-bot-token, shopify-token, heroku-api-key, digitalocean-token, jwt, "
            "password-in-url, high-entropy-literal, secret-assignment, gitleaks, gitleaks.<gitleaks rule id>)");
  EXPECT_EQ(message_of("src/*:gitleaks.bad rule"),
            "repo/.autofix-secrets-allow:1: unknown rule 'gitleaks.bad rule' (known rules: private-key, "
            "gcp-service-account-key, aws-access-key-id, aws-secret-access-key, github-token, gitlab-token, slack-token, "
            "slack-webhook-url, stripe-key, openai-api-key, anthropic-api-key, google-api-key, npm-token, pypi-token, "
            "azure-storage-key, twilio-api-key, sendgrid-api-key, mailgun-api-key, discord-bot-token, "
            "discord-webhook-url, telegram-bot-token, shopify-token, heroku-api-key, digitalocean-token, jwt, "
            "password-in-url, high-entropy-literal, secret-assignment, gitleaks, gitleaks.<gitleaks rule id>)");
  EXPECT_EQ(message_of("fingerprint:abc123"),
            "repo/.autofix-secrets-allow:1: 'abc123' is not a fingerprint (40 hex digits, as a finding reports it)");
  EXPECT_EQ(message_of("fingerprint:" + std::string(40, 'g')).substr(0, 31), "repo/.autofix-secrets-allow:1: ");
  EXPECT_EQ(message_of("\n\n!tests/**"),
            "repo/.autofix-secrets-allow:3: negated patterns ('!') are not supported");
  EXPECT_EQ(message_of(":aws-access-key-id"), "repo/.autofix-secrets-allow:1: the path pattern is empty");
}

TEST(SecretAllowList, Globs) {
  auto allows = [](const std::string& glob, const std::string& path) {
    SecretAllowList list = parse_secret_allowlist(glob, "t");
    return list.allows(path, "github-token", "");
  };
  EXPECT_TRUE(allows("*.pem", "key.pem"));
  EXPECT_TRUE(allows("*.pem", "a/b/key.pem"));  // no '/': the file name at any depth
  EXPECT_FALSE(allows("*.pem", "a/b/key.pem.txt"));
  EXPECT_TRUE(allows("docs/*.md", "docs/a.md"));
  EXPECT_FALSE(allows("docs/*.md", "docs/x/a.md"));  // '*' stays within a segment
  EXPECT_FALSE(allows("docs/*.md", "other/docs/a.md"));
  EXPECT_TRUE(allows("docs/**/*.md", "docs/a.md"));  // '**' is zero or more segments
  EXPECT_TRUE(allows("docs/**/*.md", "docs/x/y/a.md"));
  EXPECT_TRUE(allows("**/fixtures/*", "a/b/fixtures/k.txt"));
  EXPECT_TRUE(allows("**/fixtures/*", "fixtures/k.txt"));
  EXPECT_TRUE(allows("tests/**", "tests/unit/data/k.txt"));
  EXPECT_FALSE(allows("tests/**", "tests"));
  EXPECT_TRUE(allows("src/?.cpp", "src/a.cpp"));
  EXPECT_FALSE(allows("src/?.cpp", "src/ab.cpp"));
  EXPECT_TRUE(allows("/config/*.yml", "config/prod.yml"));  // a leading '/' anchors, as any '/' does
  EXPECT_FALSE(allows("/config/*.yml", "x/config/prod.yml"));
  EXPECT_TRUE(allows("a*b*c", "aXXbYYc"));
  EXPECT_FALSE(allows("a*b*c", "aXXbYY"));
  EXPECT_TRUE(allows("**", "any/where.txt"));
}

TEST(SecretAllowList, SilencesWhatItNames) {
  std::vector<git::FileDiff> diff = {
      file("tests/fixtures/creds.env", {added(1, kAwsKeyId), added(2, kGithubToken)}),
      file("certs/server.pem", {added(1, "-----BEGIN EC PRIVATE KEY-----"), added(2, kAwsKeyId)}),
      file("src/main.cpp", {added(10, "// " + kSlackToken), added(11, "// " + kGoogleKey)}),
  };
  ASSERT_EQ(scan(diff).size(), 6u);

  std::vector<Finding> everything = scan(diff);
  SecretAllowList allow =
      parse_secret_allowlist("tests/fixtures/**\n*.pem:private-key\nfingerprint:" + everything[4].fingerprint, "t");
  auto found = scan(diff, allow);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].file, "certs/server.pem");  // the glob:rule line silences one rule only
  EXPECT_EQ(found[0].rule, "aws-access-key-id");
  EXPECT_EQ(found[1].file, "src/main.cpp");  // the fingerprint silences one exact hit
  EXPECT_EQ(found[1].rule, "google-api-key");
  EXPECT_EQ(found[1].line, 11);
}

// ---- size ----------------------------------------------------------------------------------------

TEST(Secrets, LargeDiffsScanInLinearTime) {
  git::FileDiff big = file("src/generated.cpp", {});
  for (int i = 1; i <= 10000; ++i) {
    std::string line = "  table[" + std::to_string(i) + "] = {\"entry_" + std::to_string(i) +
                       "\", 0x" + std::to_string(i * 7919) + ", \"https://example.com/" + std::to_string(i) + "\"};";
    if (i % 2500 == 0) line += " // " + kAwsKeyId;
    big.lines.push_back(added(i, line));
  }
  // Lines built to defeat naive scanners: long runs of quotes, '=', ':', "://" and base64.
  big.lines.push_back(added(10001, std::string(200000, '"')));
  big.lines.push_back(added(10002, "aws_secret=" + std::string(200000, '=')));
  big.lines.push_back(added(10003, std::string(100000, 'A') + std::string(100000, ':')));
  std::string urls;
  for (int i = 0; i < 20000; ++i) urls += "http://a:b";
  big.lines.push_back(added(10004, urls));
  big.lines.push_back(added(10005, "\"" + std::string(200000, 'q') + "\""));
  // ... and at the new rules: prefixes glued together, dots, colons after digits, assignments in a row.
  auto repeated = [](const std::string& piece, size_t bytes) {
    std::string out;
    while (out.size() < bytes) out += piece;
    return out;
  };
  big.lines.push_back(added(10006, repeated("sk-ant-", 100000) + repeated("xoxb-", 100000)));
  big.lines.push_back(added(10007, repeated("eyJ.", 100000) + repeated("eyJhbGciOiJub25lIn0.", 100000)));
  big.lines.push_back(added(10008, repeated("MTIzNDU2Nzg5MDEyMzQ1Njc4.", 100000) + repeated("123456:A", 100000)));
  big.lines.push_back(added(10009, repeated("password=\"\"", 100000) + "token: '" + std::string(100000, 'x')));
  big.lines.push_back(added(10010, repeated("AccountKey=", 100000) + repeated("SG.", 100000) + repeated("T3BlbkFJ", 100000)));
  big.lines.push_back(added(10011, "heroku " + repeated("0123abcd-", 100000) + repeated("/api/webhooks/", 100000)));
  big.lines.push_back(added(10012, "mailgun " + repeated("key-", 100000) + repeated("hooks.slack.com/services/", 100000)));

  auto start = std::chrono::steady_clock::now();
  auto found = scan({big});
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ measure  ] 10,000 lines + 2.4 MB of hostile lines scanned in " << ms << " ms\n";
  RecordProperty("scan_ms", static_cast<int>(ms));
  // Linear scanning takes well under a second here; a quadratic one would take minutes.
  EXPECT_LT(ms, 20000);
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0].line, 2500);
  EXPECT_EQ(found[3].line, 10000);
}

}  // namespace
}  // namespace autofix
