// SPDX-License-Identifier: MIT
#include "gate/git/signature.h"

#include <cstdlib>
#include <map>

#include <gtest/gtest.h>

#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix::git {
namespace {

using testing::TempDir;
using testing::write_file;
using Vars = std::map<std::string, std::string>;

Environment env_of(Vars vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

// A configuration read from one file: the keys a user or a CI job would set.
class Identity : public ::testing::Test {
 protected:
  CommitIdentity with(const std::string& config_text, Vars vars) {
    write_file(dir_ / "config", config_text);
    ConfigPtr config;
    check(git_config_open_ondisk(out(config), (dir_ / "config").c_str()), "opening the test configuration");
    return commit_identity(config.get(), env_of(std::move(vars)));
  }
  Library library_;
  TempDir dir_;
};

TEST_F(Identity, WithNothingSetTheGatesOwnIdentityDatedAtTheCommit) {
  CommitIdentity id = with("", {});
  EXPECT_EQ(id.author, (Person{"AutofixGate", "autofix-gate@localhost", std::nullopt}));
  EXPECT_EQ(id.committer, id.author);
}

TEST_F(Identity, UserKeysSetBoth) {
  CommitIdentity id = with("[user]\n\tname = Ada Lovelace\n\temail = ada@example.com\n", {});
  EXPECT_EQ(id.author, (Person{"Ada Lovelace", "ada@example.com", std::nullopt}));
  EXPECT_EQ(id.committer, id.author);
}

TEST_F(Identity, AuthorAndCommitterKeysOverrideUserKeys) {
  CommitIdentity id = with(
      "[user]\n\tname = User\n\temail = user@example.com\n[author]\n\tname = Author\n"
      "[committer]\n\temail = committer@example.com\n",
      {});
  EXPECT_EQ(id.author, (Person{"Author", "user@example.com", std::nullopt}));
  EXPECT_EQ(id.committer, (Person{"User", "committer@example.com", std::nullopt}));
}

// What CI bots do: the environment wins over every configuration key, field by field.
TEST_F(Identity, EnvironmentOverridesConfiguration) {
  CommitIdentity id = with(
      "[user]\n\tname = User\n\temail = user@example.com\n[author]\n\tname = Author\n\temail = a@example.com\n",
      {{"GIT_AUTHOR_NAME", "ci-bot"},
       {"GIT_AUTHOR_EMAIL", "bot@ci.example"},
       {"GIT_COMMITTER_NAME", "Release Robot"},
       {"EMAIL", "ignored@example.com"}});
  EXPECT_EQ(id.author, (Person{"ci-bot", "bot@ci.example", std::nullopt}));
  EXPECT_EQ(id.committer, (Person{"Release Robot", "user@example.com", std::nullopt}));
}

TEST_F(Identity, EmailVariableComesAfterTheConfigurationAndBeforeTheFallback) {
  EXPECT_EQ(with("", {{"EMAIL", "me@example.com"}}).author.email, "me@example.com");
  EXPECT_EQ(with("[user]\n\temail = cfg@example.com\n", {{"EMAIL", "me@example.com"}}).committer.email,
            "cfg@example.com");
}

// As git: '<', '>' and line breaks are dropped; a value left empty counts as unset.
TEST_F(Identity, ValuesAreCleanedAndEmptyOnesSkipped) {
  CommitIdentity id = with("[user]\n\tname = User\n",
                           {{"GIT_AUTHOR_NAME", "  <Evil>\nName  "}, {"GIT_AUTHOR_EMAIL", "<bot@ci.example>"},
                            {"GIT_COMMITTER_NAME", ""}, {"GIT_COMMITTER_EMAIL", " <> "}});
  EXPECT_EQ(id.author.name, "EvilName");
  EXPECT_EQ(id.author.email, "bot@ci.example");
  EXPECT_EQ(id.committer.name, "User");
  EXPECT_EQ(id.committer.email, "autofix-gate@localhost");
  SignaturePtr sig = make_signature(id.author);  // libgit2 refuses angle brackets: none are left
  EXPECT_STREQ(sig->name, "EvilName");
}

TEST_F(Identity, DatesComeFromTheEnvironmentAndMakeTheSignature) {
  CommitIdentity id = with("", {{"GIT_AUTHOR_DATE", "1112911993 +0200"},
                                {"GIT_COMMITTER_DATE", "2005-04-07T22:13:13Z"}});
  ASSERT_TRUE(id.author.when);
  EXPECT_EQ(*id.author.when, (GitTime{1112911993, 120}));
  EXPECT_EQ(*id.committer.when, (GitTime{1112911993, 0}));  // 22:13:13 UTC
  SignaturePtr sig = make_signature(id.author);
  EXPECT_EQ(sig->when.time, 1112911993);
  EXPECT_EQ(sig->when.offset, 120);
}

TEST_F(Identity, ADateGitCannotReadIsRefused) {
  try {
    with("", {{"GIT_COMMITTER_DATE", "yesterday"}});
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_STREQ(e.what(), "GIT_COMMITTER_DATE is not a date git reads: 'yesterday'");
    EXPECT_NE(e.hint().find("RFC 2822"), std::string::npos);
  }
}

TEST(ParseGitDate, ReadsGitsInternalFormat) {
  EXPECT_EQ(parse_git_date("1112911993 +0200"), (GitTime{1112911993, 120}));
  EXPECT_EQ(parse_git_date("@1112911993 -0130"), (GitTime{1112911993, -90}));
  EXPECT_EQ(parse_git_date("@0"), (GitTime{0, 0}));
  EXPECT_EQ(parse_git_date("1112911993"), (GitTime{1112911993, 0}));
  EXPECT_EQ(parse_git_date(" 1112911993 +0000 "), (GitTime{1112911993, 0}));
}

TEST(ParseGitDate, ReadsRfc2822) {
  // 2005-04-07 22:13:13 +0200 is 20:13:13 UTC: 1112904793.
  EXPECT_EQ(parse_git_date("Thu, 07 Apr 2005 22:13:13 +0200"), (GitTime{1112904793, 120}));
  EXPECT_EQ(parse_git_date("7 Apr 2005 22:13:13 +0200"), (GitTime{1112904793, 120}));
  EXPECT_EQ(parse_git_date("Thu, 07 apr 2005 20:13:13 GMT"), (GitTime{1112904793, 0}));
  EXPECT_EQ(parse_git_date("Thu, 07 Apr 2005 20:13 +0000"), (GitTime{1112904780, 0}));
}

TEST(ParseGitDate, ReadsIso8601AndGitsOtherDateOrders) {
  EXPECT_EQ(parse_git_date("2005-04-07T22:13:13+02:00"), (GitTime{1112904793, 120}));
  EXPECT_EQ(parse_git_date("2005-04-07 22:13:13 +0200"), (GitTime{1112904793, 120}));
  EXPECT_EQ(parse_git_date("2005-04-07T20:13:13.019Z"), (GitTime{1112904793, 0}));
  EXPECT_EQ(parse_git_date("2005-04-07T21:13:13+01"), (GitTime{1112904793, 60}));
  EXPECT_EQ(parse_git_date("2005.04.07 20:13:13 Z"), (GitTime{1112904793, 0}));
  EXPECT_EQ(parse_git_date("04/07/2005 20:13:13Z"), (GitTime{1112904793, 0}));
  EXPECT_EQ(parse_git_date("07.04.2005 20:13:13Z"), (GitTime{1112904793, 0}));
}

TEST(ParseGitDate, ReadsAZonelessIso8601DateInTheLocalZone) {
  const char* old = std::getenv("TZ");
  std::string saved = old ? old : "";
  ::setenv("TZ", "UTC-3", 1);  // POSIX: three hours east of UTC
  ::tzset();
  std::optional<GitTime> t = parse_git_date("2005-04-07T23:13:13");
  if (old) ::setenv("TZ", saved.c_str(), 1);
  else ::unsetenv("TZ");
  ::tzset();
  EXPECT_EQ(t, (GitTime{1112904793, 180}));
}

TEST(ParseGitDate, RefusesAnythingElse) {
  for (const char* bad : {"", "yesterday", "now", "12345", "1112911993 +02", "1112911993 0200",
                          "Thu 07 Apr 2005 22:13:13 +0200", "Thu, 07 Foo 2005 22:13:13 +0200",
                          "Thu, 07 Apr 2005 22:13:13", "2005-04-31T10:00:00Z", "2005-13-01T10:00:00Z",
                          "2005-04-07T24:00:00Z", "2005-04-07", "2005-04-07T22:13:13+0200x", "2005-4-7T1:2:3Z",
                          "2005-04-07T22:13:13 +25:00"})
    EXPECT_EQ(parse_git_date(bad), std::nullopt) << "'" << bad << "'";
}

}  // namespace
}  // namespace autofix::git
