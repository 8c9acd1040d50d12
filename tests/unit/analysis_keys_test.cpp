// SPDX-License-Identifier: MIT
// The keys of stored analyses (gate/judge/analysis_keys.h): content hashes as the tree without the change
// has them, the .clang-tidy files that configure a unit, and a key that changes with every input.
#include "gate/judge/analysis_keys.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using testing::git;
using testing::TempDir;
using testing::write_file;

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

class Tree : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_ / "a repo";
    testing::init_repo(root_);
    write_file(root_ / "src/a.cpp", "int a;\n");
    write_file(root_ / ".clang-tidy", "Checks: '-*'\n");
    write_file(root_ / "src/.clang-tidy", "InheritParentConfig: true\n");
    fs::create_symlink("a.cpp", root_ / "src/link.cpp");
    write_file(root_ / ".gitignore", "ignored.h\n");
    git(root_, {"add", "-A"});
    git(root_, {"commit", "-q", "-m", "tree"});
    tree_ = git::from_hex(trimmed(git(root_, {"rev-parse", "HEAD^{tree}"})));
    repo_.emplace(git::Repository::open(root_));
  }
  std::string hash_object(const fs::path& file) { return trimmed(git(root_, {"hash-object", file.string()})); }

  TempDir dir_;
  fs::path root_;
  git_oid tree_{};
  std::optional<git::Repository> repo_;
};

TEST_F(Tree, ContentHashesComeFromTheTreeThenFromDisk) {
  const std::string committed = hash_object(root_ / "src/a.cpp");
  write_file(root_ / "src/a.cpp", "int a = 2;\n");  // the change, in the work tree
  write_file(root_ / "ignored.h", "int i;\n");
  write_file(dir_ / "outside.h", "int o;\n");
  ContentHashes hashes(*repo_, tree_, root_);
  EXPECT_EQ(hashes.of((root_ / "src/a.cpp").string()), committed) << "the tree's, not the changed file's";
  EXPECT_EQ(hashes.of((root_ / "ignored.h").string()), hash_object(root_ / "ignored.h"));
  const std::optional<std::string> outside = hashes.of((dir_ / "outside.h").string());
  EXPECT_EQ(outside, hash_object(dir_ / "outside.h"));
  write_file(dir_ / "outside.h", "int o2;\n");
  EXPECT_EQ(hashes.of((dir_ / "outside.h").string()), outside) << "each file is hashed once";

  EXPECT_EQ(hashes.of((root_ / "src/link.cpp").string()), std::nullopt);
  EXPECT_EQ(hashes.why(), "'src/link.cpp' is not a file in the tree without the change");
  EXPECT_EQ(hashes.of((dir_ / "missing.h").string()), std::nullopt);
  EXPECT_EQ(hashes.why(), "'" + (dir_ / "missing.h").string() + "' is not a file");
}

TEST_F(Tree, ClangTidyIsConfiguredByEveryClangTidyFileAboveTheUnit) {
  ContentHashes hashes(*repo_, tree_, root_);
  std::optional<std::string> config = analyzer_configuration(runners::Analyzer::clang_tidy, "src/a.cpp", hashes);
  ASSERT_TRUE(config);
  EXPECT_EQ(*config, "config " + (root_ / "src/.clang-tidy").string() + " " + hash_object(root_ / "src/.clang-tidy") +
                         "\nconfig " + (root_ / ".clang-tidy").string() + " " + hash_object(root_ / ".clang-tidy") + "\n");
  EXPECT_EQ(analyzer_configuration(runners::Analyzer::cppcheck, "src/a.cpp", hashes), "") << "cppcheck reads none";
}

TEST(AnalysisKey, ChangesWithEveryInputAndNotWithTheOrderOfFiles) {
  AnalyzerIdentity tidy{runners::Analyzer::clang_tidy, "LLVM version 14.0.6", "s"};
  std::vector<std::pair<std::string, std::string>> files = {{"/r/a.cpp", "1"}, {"/r/h.h", "2"}};
  const std::string key = analysis_key(tidy, "config x 1\n", "a.cpp", "c++ -c a.cpp", files);
  EXPECT_EQ(key.size(), 40u);
  EXPECT_EQ(key, analysis_key(tidy, "config x 1\n", "a.cpp", "c++ -c a.cpp", {{"/r/h.h", "2"}, {"/r/a.cpp", "1"}}));
  AnalyzerIdentity other_version = tidy, other_settings = tidy, cppcheck = tidy;
  other_version.version = "LLVM version 15.0.7";
  other_settings.settings = "t";
  cppcheck.analyzer = runners::Analyzer::cppcheck;
  for (const std::string& other :
       {analysis_key(other_version, "config x 1\n", "a.cpp", "c++ -c a.cpp", files),
        analysis_key(other_settings, "config x 1\n", "a.cpp", "c++ -c a.cpp", files),
        analysis_key(cppcheck, "config x 1\n", "a.cpp", "c++ -c a.cpp", files),
        analysis_key(tidy, "config x 2\n", "a.cpp", "c++ -c a.cpp", files),
        analysis_key(tidy, "config x 1\n", "b.cpp", "c++ -c a.cpp", files),
        analysis_key(tidy, "config x 1\n", "a.cpp", "c++ -O2 -c a.cpp", files),
        analysis_key(tidy, "config x 1\n", "a.cpp", "c++ -c a.cpp", {{"/r/a.cpp", "1"}, {"/r/h.h", "3"}}),
        analysis_key(tidy, "config x 1\n", "a.cpp", "c++ -c a.cpp", {{"/r/a.cpp", "1"}}),
        analysis_key(tidy, "config x 1\n", "a.cpp", "c++ -c a.cpp", {{"/r/a.cpp", "1"}, {"/r/g.h", "2"}})})
    EXPECT_NE(other, key);
}

}  // namespace
}  // namespace autofix
