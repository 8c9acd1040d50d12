#include "gate/secrets.h"

#include <git2.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include <gtest/gtest.h>

#include "gate/git/handles.h"
#include "gate/util/error.h"

namespace autofix {
namespace {

// Every credential-shaped value is assembled at run time from pieces that are harmless on their own, so
// this file never holds a literal key (and the gate's own secrets tier has nothing to say about it).
const std::string kAwsKeyId = std::string("AKIA") + "IOSFODNN7EXAMPLE";
const std::string kAwsSecret = std::string("wJalrXUtnFEMI/K7MDENG/") + "bPxRfiCYEXAMPLEKEY";
const std::string kGithubToken = std::string("ghp_") + "1A2b3C4d5E6f7G8h9I0j" + "KlMnOpQrStUvWxYz";
const std::string kGithubPat = std::string("github_") + "pat_" + "11ABCDEFG0123456789_abcdefghijklmnop";
const std::string kGitlabToken = std::string("glpat") + "-xY7-abcDEF1234567890z";
const std::string kSlackToken = std::string("xoxb") + "-1234567890-0987654321-AbCdEfGhIjKl";
const std::string kGoogleKey = std::string("AIza") + "SyD-1234567890" + "abcdefghijklmnopqrstu";
const std::string kBase64Secret = std::string("q8Zr3vN1xYp0LmT7wK2c") + "B9dF4hJ6sA5gE0uI3oPz";
const std::string kHexSecret = std::string("7c4a8d09ca3762af") + "61e59520943dc26494f8941b";
const std::string kKeyMaterial = std::string("MIIEowIBAAKCAQEA7") + "bq98WqjBCdE3F8s0m2xYzLpQ";

git::LineChange added(int line, std::string text) { return {'+', 0, line, std::move(text)}; }
git::LineChange removed(int line, std::string text) { return {'-', line, 0, std::move(text)}; }

git::FileDiff file(std::string path, std::vector<git::LineChange> lines) {
  git::FileDiff f;
  f.path = std::move(path);
  f.old_path = f.path;
  f.status = "modified";
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
            (std::vector<std::string>{"private-key", "aws-access-key-id", "aws-secret-access-key", "github-token",
                                      "gitlab-token", "slack-token", "google-api-key", "password-in-url",
                                      "high-entropy-literal"}));
}

TEST(Secrets, AwsAccessKeyId) {
  auto found = scan_line("const char* kKey = \"" + kAwsKeyId + "\";");
  ASSERT_EQ(rules(found), std::vector<std::string>{"aws-access-key-id"});
  const Finding& f = found[0];
  EXPECT_EQ(f.file, "src/config.cpp");
  EXPECT_EQ(f.line, 7);
  EXPECT_EQ(f.column, 21);
  EXPECT_EQ(f.severity, "error");
  EXPECT_EQ(f.state, "new");
  EXPECT_EQ(f.message, "AWS access key ID added: AKIA" + kEllipsis);
  EXPECT_EQ(f.fingerprint, hash_of("aws-access-key-id", "src/config.cpp", kAwsKeyId));
  // Every prefix, at the start of a line and after '='.
  for (std::string prefix : {"ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA"})
    EXPECT_EQ(rules(scan_line("KEY=" + prefix + "ABCDEFGHIJ234567")), std::vector<std::string>{"aws-access-key-id"})
        << prefix;
  EXPECT_EQ(scan_line(kAwsKeyId)[0].column, 1);
}

TEST(Secrets, AwsAccessKeyIdNeedsWordBoundaries) {
  EXPECT_TRUE(scan_line("X" + kAwsKeyId).empty());
  EXPECT_TRUE(scan_line(kAwsKeyId + "Z").empty());
  EXPECT_TRUE(scan_line(kAwsKeyId.substr(0, 19)).empty());  // 15 characters after the prefix
  EXPECT_TRUE(scan_line("AKIA" + std::string("iosfodnn7example")).empty());  // lowercase
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
  for (const Case& c : {Case{kGithubToken, "github-token", "GitHub token added: ghp_" + kEllipsis},
                        Case{kGithubPat, "github-token", "GitHub fine-grained token added: gith" + kEllipsis},
                        Case{kGitlabToken, "gitlab-token", "GitLab personal access token added: glpa" + kEllipsis},
                        Case{kSlackToken, "slack-token", "Slack token added: xoxb" + kEllipsis},
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
  deleted.status = "deleted";
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
  auto other_key = scan({file("src/a.cpp", {added(3, "AKIA" + std::string("ABCDEFGHIJ234567"))})});
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
            "repo/.autofix-secrets-allow:3: unknown rule 'no-such-rule' (known rules: private-key, aws-access-key-id, "
            "aws-secret-access-key, github-token, gitlab-token, slack-token, google-api-key, password-in-url, "
            "high-entropy-literal)");
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

  auto start = std::chrono::steady_clock::now();
  auto found = scan({big});
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ measure  ] 10,000 lines + 1 MB of hostile lines scanned in " << ms << " ms\n";
  RecordProperty("scan_ms", static_cast<int>(ms));
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0].line, 2500);
  EXPECT_EQ(found[3].line, 10000);
}

}  // namespace
}  // namespace autofix
