// SPDX-License-Identifier: MIT
#include "gate/policy/findings.h"

#include <map>

#include <gtest/gtest.h>

namespace autofix {
namespace {

Finding finding(const std::string& file, int line, int column, const std::string& rule,
                const std::string& message = "m") {
  Finding f;
  f.file = file;
  f.line = line;
  f.column = column;
  f.rule = rule;
  f.message = message;
  return f;
}

// Fingerprints of `findings` against the given file contents (a file not in `files` cannot be read).
std::vector<std::string> fingerprints(std::vector<Finding> findings, const std::map<std::string, std::string>& files) {
  std::map<std::string, int> reads;
  assign_fingerprints(findings, [&](const std::string& file) -> std::optional<std::string> {
    ++reads[file];
    auto it = files.find(file);
    if (it == files.end()) return std::nullopt;
    return it->second;
  });
  for (const auto& [file, count] : reads) EXPECT_EQ(count, 1) << file << " was read more than once";
  std::vector<std::string> out;
  for (const Finding& f : findings) out.push_back(f.fingerprint);
  return out;
}

TEST(Fingerprints, AreBlobIdsOfTheDocumentedMaterial) {
  // `printf 'autofixGate/v1\na.cpp\nrule\nint x = a / b;\n0\n' | git hash-object --stdin`
  auto fp = fingerprints({finding("a.cpp", 1, 1, "rule")}, {{"a.cpp", "  int   x = a /\tb;  \n"}});
  EXPECT_EQ(fp, std::vector<std::string>{"a7092b4c81caaf4351e559480be9b7b72b753cce"});
}

TEST(Fingerprints, SurviveLinesInsertedAbove) {
  const std::string before = "int f(int a, int b) {\n  return a / b;\n}\n";
  const std::string after = "// a comment\n#include <cmath>\n\nint f(int a, int b) {\n  return a / b;\n}\n";
  EXPECT_EQ(fingerprints({finding("src/f.cpp", 2, 10, "bugprone-integer-division")}, {{"src/f.cpp", before}}),
            fingerprints({finding("src/f.cpp", 5, 10, "bugprone-integer-division")}, {{"src/f.cpp", after}}));
}

TEST(Fingerprints, SurviveReindenting) {
  EXPECT_EQ(fingerprints({finding("f.cpp", 1, 3, "r")}, {{"f.cpp", "  return a / b;\n"}}),
            fingerprints({finding("f.cpp", 1, 9, "r")}, {{"f.cpp", "\t\treturn  a /  b;\r\n"}}));
}

TEST(Fingerprints, ChangeWithTheLineFileOrRule) {
  auto base = fingerprints({finding("f.cpp", 1, 1, "r")}, {{"f.cpp", "return a / b;\n"}});
  EXPECT_NE(base, fingerprints({finding("f.cpp", 1, 1, "r")}, {{"f.cpp", "return a / c;\n"}}));
  EXPECT_NE(base, fingerprints({finding("g.cpp", 1, 1, "r")}, {{"g.cpp", "return a / b;\n"}}));
  EXPECT_NE(base, fingerprints({finding("f.cpp", 1, 1, "s")}, {{"f.cpp", "return a / b;\n"}}));
  // The message does not count when the line can be read.
  EXPECT_EQ(base, fingerprints({finding("f.cpp", 1, 1, "r", "other text")}, {{"f.cpp", "return a / b;\n"}}));
}

TEST(Fingerprints, CountIdenticalLinesInOrder) {
  const std::string text = "x = a / b;\ny = 1;\nx = a / b;\n";
  // Given out of order: the occurrence index follows line and column, not the vector.
  auto fp = fingerprints({finding("f.cpp", 3, 1, "r"), finding("f.cpp", 1, 1, "r"), finding("f.cpp", 1, 5, "other")},
                         {{"f.cpp", text}});
  ASSERT_EQ(fp.size(), 3u);
  EXPECT_NE(fp[0], fp[1]);
  EXPECT_EQ(fp[1], fingerprints({finding("f.cpp", 1, 1, "r")}, {{"f.cpp", text}})[0]);
  // Deleting the first occurrence makes the second one the first: it takes over that fingerprint.
  EXPECT_EQ(fp[1], fingerprints({finding("f.cpp", 2, 1, "r")}, {{"f.cpp", "y = 1;\nx = a / b;\n"}})[0]);
  // Two findings of one rule on one line are two occurrences too.
  auto same_line = fingerprints({finding("f.cpp", 1, 1, "r"), finding("f.cpp", 1, 7, "r")}, {{"f.cpp", text}});
  EXPECT_EQ(same_line[0], fp[1]);
  EXPECT_EQ(same_line[1], fp[0]);
}

TEST(Fingerprints, FallBackToTheMessage) {
  auto unreadable = fingerprints({finding("gone.cpp", 4, 1, "r", "msg")}, {});
  EXPECT_EQ(unreadable, fingerprints({finding("gone.cpp", 9, 2, "r", "msg")}, {}));
  EXPECT_NE(unreadable, fingerprints({finding("gone.cpp", 4, 1, "r", "other")}, {}));
  // Past the end of the file, or no line at all.
  EXPECT_EQ(unreadable, fingerprints({finding("gone.cpp", 7, 1, "r", "msg")}, {{"gone.cpp", "one line\n"}}));
  EXPECT_EQ(unreadable, fingerprints({finding("gone.cpp", 0, 0, "r", "msg")}, {{"gone.cpp", "one line\n"}}));
  // No file: never read.
  auto no_file = fingerprints({finding("", 0, 0, "clang-diagnostic-error", "unknown argument")}, {});
  EXPECT_EQ(no_file[0].size(), 40u);
}

TEST(Fingerprints, FoldWhitespace) {
  EXPECT_EQ(fold_whitespace(" \t a  b\t\tc \r"), "a b c");
  EXPECT_EQ(fold_whitespace(""), "");
  EXPECT_EQ(fold_whitespace("   "), "");
}

Finding with_fingerprint(const std::string& fp, const std::string& message) {
  Finding f = finding("f.cpp", 1, 1, "r", message);
  f.fingerprint = fp;
  return f;
}

std::vector<std::string> states(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) out.push_back(f.message + ":" + to_string(f.state));
  return out;
}

TEST(CompareFindings, MarksNewUnchangedAndAbsent) {
  std::vector<Finding> baseline = {with_fingerprint("A", "a1"), with_fingerprint("B", "b1"),
                                   with_fingerprint("A", "a2"), with_fingerprint("C", "c1")};
  std::vector<Finding> after = {with_fingerprint("D", "d"), with_fingerprint("A", "a-after-1"),
                                with_fingerprint("A", "a-after-2"), with_fingerprint("A", "a-after-3"),
                                with_fingerprint("C", "c-after")};
  EXPECT_EQ(states(compare_findings(baseline, after)),
            (std::vector<std::string>{"d:new", "a-after-1:unchanged", "a-after-2:unchanged", "a-after-3:new",
                                      "c-after:unchanged", "b1:absent"}));
}

TEST(CompareFindings, DuplicatesThatDisappearAreAbsent) {
  std::vector<Finding> baseline = {with_fingerprint("A", "a1"), with_fingerprint("A", "a2"),
                                   with_fingerprint("A", "a3")};
  EXPECT_EQ(states(compare_findings(baseline, {with_fingerprint("A", "a")})),
            (std::vector<std::string>{"a:unchanged", "a2:absent", "a3:absent"}));
  EXPECT_EQ(states(compare_findings(baseline, {})), (std::vector<std::string>{"a1:absent", "a2:absent", "a3:absent"}));
  EXPECT_TRUE(compare_findings({}, {}).empty());
}

TEST(CompareFindings, EmptyFingerprintsNeverMatch) {
  EXPECT_EQ(states(compare_findings({with_fingerprint("", "old")}, {with_fingerprint("", "now")})),
            (std::vector<std::string>{"now:new", "old:absent"}));
}

}  // namespace
}  // namespace autofix
