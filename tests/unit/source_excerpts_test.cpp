// SPDX-License-Identifier: MIT
#include "gate/judge/source_excerpts.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::write_file;
using Lines = std::vector<std::string>;
using namespace std::string_literals;

// "line 1\n" ... "line N\n".
std::string numbered(int n) {
  std::string text;
  for (int i = 1; i <= n; ++i) text += "line " + std::to_string(i) + "\n";
  return text;
}

// A repository root with a directory beside it, which it must never be read from.
struct Tree {
  TempDir dir;
  fs::path root = dir / "repo root";
  fs::path outside = dir / "outside";
  Tree() {
    fs::create_directories(root / "src");
    fs::create_directories(root / ".git");
    fs::create_directories(outside);
    write_file(outside / "secret.txt", numbered(9));
    write_file(root / ".git" / "config", numbered(9));
  }
};

SourceExcerpt excerpt(std::string file, int line, int first, Lines lines, std::vector<int> cut = {}) {
  return {std::move(file), line, first, std::move(lines), std::move(cut)};
}

TEST(ReadSourceExcerpt, TakesTwoLinesAboveAndBelow) {
  Tree t;
  write_file(t.root / "src" / "a file.cpp", numbered(9));
  EXPECT_EQ(read_source_excerpt(t.root, "src/a file.cpp", 5),
            excerpt("src/a file.cpp", 5, 3, {"line 3", "line 4", "line 5", "line 6", "line 7"}));
}

TEST(ReadSourceExcerpt, StopsAtTheEdgesOfTheFile) {
  Tree t;
  write_file(t.root / "a.cpp", "first\r\nsecond\r\n\tthird\r\nlast without a line end");
  EXPECT_EQ(read_source_excerpt(t.root, "a.cpp", 1), excerpt("a.cpp", 1, 1, {"first", "second", "\tthird"}));
  EXPECT_EQ(read_source_excerpt(t.root, "a.cpp", 4), excerpt("a.cpp", 4, 2, {"second", "\tthird", "last without a line end"}));
  write_file(t.root / "b.cpp", "\n\nx\n");
  EXPECT_EQ(read_source_excerpt(t.root, "b.cpp", 2), excerpt("b.cpp", 2, 1, {"", "", "x"}));
  ExcerptLimits wide;
  wide.before = wide.after = 4;
  EXPECT_EQ(read_source_excerpt(t.root, "b.cpp", 3, wide), excerpt("b.cpp", 3, 1, {"", "", "x"}));
}

TEST(ReadSourceExcerpt, NothingForALineTheFileDoesNotHave) {
  Tree t;
  write_file(t.root / "a.cpp", numbered(3));
  write_file(t.root / "empty.cpp", "");
  EXPECT_EQ(read_source_excerpt(t.root, "a.cpp", 4), std::nullopt);
  EXPECT_EQ(read_source_excerpt(t.root, "a.cpp", 0), std::nullopt);
  EXPECT_EQ(read_source_excerpt(t.root, "a.cpp", -1), std::nullopt);
  EXPECT_EQ(read_source_excerpt(t.root, "empty.cpp", 1), std::nullopt);
  EXPECT_EQ(read_source_excerpt(t.root, "missing.cpp", 1), std::nullopt);
  EXPECT_EQ(read_source_excerpt(t.root, "src", 1), std::nullopt) << "a directory";
  EXPECT_EQ(read_source_excerpt(t.root, "", 1), std::nullopt);
}

// A finding's path is an analyzer's output: nothing outside the repository or inside .git is read, however
// the path gets there. Each refused file exists and has the line, so a refusal is no accident.
TEST(ReadSourceExcerpt, NeverReadsOutsideTheRepositoryOrItsGitDirectory) {
  Tree t;
  write_file(t.root / "src" / "inside.cpp", numbered(9));
  fs::create_symlink(t.outside / "secret.txt", t.root / "src" / "to outside.cpp");
  fs::create_directory_symlink(t.outside, t.root / "linked dir");
  fs::create_symlink("../../outside/secret.txt", t.root / "src" / "relative link.cpp");
  fs::create_symlink(t.root / ".git" / "config", t.root / "git config");
  fs::create_symlink("inside.cpp", t.root / "src" / "link inside.cpp");
  for (const std::string& path :
       Lines{"../outside/secret.txt", "src/../../outside/secret.txt", (t.outside / "secret.txt").string(),
             "src/to outside.cpp", "linked dir/secret.txt", "src/relative link.cpp", ".git/config", ".GIT/config",
             "git config", "./src/inside.cpp", "src//inside.cpp"})
    EXPECT_EQ(read_source_excerpt(t.root, path, 2), std::nullopt) << path;
  // A link that stays inside the repository is followed.
  EXPECT_EQ(read_source_excerpt(t.root, "src/link inside.cpp", 2),
            excerpt("src/link inside.cpp", 2, 1, {"line 1", "line 2", "line 3", "line 4"}));
}

TEST(ReadSourceExcerpt, NothingFromABinaryOrNonUtf8File) {
  Tree t;
  write_file(t.root / "nul.bin", "line 1\nline\0 2\nline 3\n"s);
  write_file(t.root / "latin1.cpp", "line 1\nd\xE9j\xE0 vu\nline 3\n");
  write_file(t.root / "overlong.cpp", "a\n\xC0\xAF\nb\n");
  EXPECT_EQ(read_source_excerpt(t.root, "nul.bin", 1), std::nullopt);
  EXPECT_EQ(read_source_excerpt(t.root, "latin1.cpp", 3), std::nullopt);
  EXPECT_EQ(read_source_excerpt(t.root, "overlong.cpp", 1), std::nullopt);
  // Bytes after the excerpt are not its concern.
  write_file(t.root / "later.cpp", numbered(9) + "\xFF\n");
  EXPECT_EQ(read_source_excerpt(t.root, "later.cpp", 1), excerpt("later.cpp", 1, 1, {"line 1", "line 2", "line 3"}));
}

TEST(ReadSourceExcerpt, NothingFromAFifo) {
  Tree t;
  ASSERT_EQ(::mkfifo((t.root / "pipe").c_str(), 0600), 0);
  EXPECT_EQ(read_source_excerpt(t.root, "pipe", 1), std::nullopt);  // returns at once: nothing opened it for writing
}

// A long line is cut at the limit, never inside a character, and listed as cut.
TEST(ReadSourceExcerpt, CutsLongLinesAtACharacterBoundary) {
  Tree t;
  const std::string e_acute = "\xC3\xA9";
  write_file(t.root / "long.cpp", "short\n" + std::string(239, 'a') + e_acute + "tail\n" + std::string(240, 'b') + "\n" +
                                      std::string(241, 'c') + "\n");
  EXPECT_EQ(read_source_excerpt(t.root, "long.cpp", 2),
            excerpt("long.cpp", 2, 1, {"short", std::string(239, 'a'), std::string(240, 'b'), std::string(240, 'c')}, {2, 4}));
  ExcerptLimits narrow;
  narrow.max_line_bytes = 241;
  EXPECT_EQ(read_source_excerpt(t.root, "long.cpp", 1, narrow)->lines.at(1), std::string(239, 'a') + e_acute);
}

TEST(ReadSourceExcerpt, NothingBeyondTheScanLimit) {
  Tree t;
  write_file(t.root / "big.cpp", numbered(2000));  // "line 13\n" ends at byte 95, "line 14\n" at 103
  ExcerptLimits small;
  small.max_scan_bytes = 100;
  EXPECT_EQ(read_source_excerpt(t.root, "big.cpp", 1000, small), std::nullopt);
  EXPECT_EQ(read_source_excerpt(t.root, "big.cpp", 14, small), std::nullopt);
  EXPECT_EQ(read_source_excerpt(t.root, "big.cpp", 12, small), excerpt("big.cpp", 12, 10, {"line 10", "line 11", "line 12", "line 13"}));
  EXPECT_EQ(read_source_excerpt(t.root, "big.cpp", 1000)->lines.at(2), "line 1000");
}

// Reports never show a secret: not beside a finding either.
TEST(ReadSourceExcerpt, NothingWhereTheSecretsScanWouldMaskALine) {
  Tree t;
  write_file(t.root / "config.cpp", "int a;\nconst char* key = \"AKIA" + std::string("Q3EGRIYMXLVUH7ZD") + "\";\nint b;\nint c;\n");
  EXPECT_EQ(read_source_excerpt(t.root, "config.cpp", 3), std::nullopt);
  ExcerptLimits below;
  below.before = 0;
  EXPECT_EQ(read_source_excerpt(t.root, "config.cpp", 4, below), excerpt("config.cpp", 4, 4, {"int c;"}));
}

TestOutcome broken(std::string name, std::optional<SourceLocation> assertion, SourceLocation defined_at) {
  TestOutcome t;
  t.name = t.ctest_test = std::move(name);
  t.transition = Transition::PASS_TO_FAIL;
  t.baseline = TestRecord{t.name, RunStatus::passed, 0, ""};
  t.after = TestRecord{t.name, RunStatus::failed, 0, ""};
  if (assertion) t.first_failure = FailedAssertion{*assertion, "Expected equality"};
  t.defined_at = std::move(defined_at);
  return t;
}

Finding finding(std::string file, int line, FindingState state) {
  Finding f;
  f.rule = "rule";
  f.file = std::move(file);
  f.line = line;
  f.state = state;
  return f;
}

// Regressions at their assertion (else their definition, inside the repository only), new findings, then
// unchanged ones; never an absent finding (its line is of the other tree), a secret, or a passing test.
TEST(AddSourceExcerpts, TakesWhatDecidedFirstAndNothingElse) {
  Tree t;
  write_file(t.root / "src" / "a.cpp", numbered(9));
  AttemptResult r;
  TestOutcome passed = broken("Passed", SourceLocation{"src/a.cpp", 2}, {});
  passed.transition = Transition::PASS_TO_PASS;
  passed.after->status = RunStatus::passed;
  r.tests = {broken("A", SourceLocation{"src/a.cpp", 1}, {"src/a.cpp", 9}),
             broken("B", SourceLocation{"/usr/include/x.h", 3}, {"src/a.cpp", 9}),
             broken("C", SourceLocation{{}, 0}, {"src/a.cpp", 0}), passed};
  TierResult tidy{"tidy", TierKind::clang_tidy, true, TierStatus::failed, "", 0, {}, {}};
  tidy.findings = {finding("src/a.cpp", 4, FindingState::unchanged), finding("src/a.cpp", 5, FindingState::absent),
                   finding("src/a.cpp", 6, FindingState::new_), finding("", 0, FindingState::new_)};
  TierResult secrets{"secrets", TierKind::secrets, true, TierStatus::failed, "", 0, {}, {}};
  secrets.findings = {finding("src/a.cpp", 7, FindingState::new_)};
  r.tiers = {tidy, secrets};

  add_source_excerpts(r, t.root);
  EXPECT_EQ(r.tests[0].excerpt, excerpt("src/a.cpp", 1, 1, {"line 1", "line 2", "line 3"}));
  EXPECT_EQ(r.tests[1].excerpt, excerpt("src/a.cpp", 9, 7, {"line 7", "line 8", "line 9"})) << "where it is defined";
  EXPECT_EQ(r.tests[2].excerpt, std::nullopt) << "no line anywhere";
  EXPECT_EQ(r.tests[3].excerpt, std::nullopt) << "not a regression";
  const auto& f = r.tiers[0].findings;
  EXPECT_EQ(f[0].excerpt, excerpt("src/a.cpp", 4, 2, {"line 2", "line 3", "line 4", "line 5", "line 6"}));
  EXPECT_EQ(f[1].excerpt, std::nullopt);
  EXPECT_EQ(f[2].excerpt, excerpt("src/a.cpp", 6, 4, {"line 4", "line 5", "line 6", "line 7", "line 8"}));
  EXPECT_EQ(f[3].excerpt, std::nullopt);
  EXPECT_EQ(r.tiers[1].findings[0].excerpt, std::nullopt) << "the secret's own line";

  // At most max_excerpts files are read: the regressions and the new findings before the unchanged ones.
  for (TestOutcome& test : r.tests) test.excerpt.reset();
  for (Finding& finding : r.tiers[0].findings) finding.excerpt.reset();
  ExcerptLimits three;
  three.max_excerpts = 3;
  add_source_excerpts(r, t.root, three);
  EXPECT_TRUE(r.tests[0].excerpt && r.tests[1].excerpt && f[2].excerpt);
  EXPECT_EQ(f[0].excerpt, std::nullopt);
}

}  // namespace
}  // namespace autofix
