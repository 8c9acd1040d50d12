// SPDX-License-Identifier: MIT
// The store of the static tier's analyses (gate/state/analysis_store.h): what it gives back is exactly what
// was stored, a file that cannot be used is reported and never used, and retention keeps it bounded.
#include "gate/state/analysis_store.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::TempDir;
using testing::write_file;

const std::string kKey = "0123456789abcdef0123456789abcdef01234567";
const std::string kOther = "fedcba9876543210fedcba9876543210fedcba98";

std::string key_number(int i) {
  std::string n = std::to_string(i);
  return std::string(40 - n.size(), 'a') + n;
}

std::vector<Finding> two_findings() {
  Finding header{"bugprone-x", "include/h.h", 2, 3, "warning", "in a header", "", FindingState::new_,
                 "include/h.h:2:3: note: through a.cpp\n", true};
  Finding own{"clang-diagnostic-error", "", 0, 0, "error", "unknown argument '-fno-such' \xff", "", FindingState::new_, "", true};
  return {header, own};
}

std::string lines_of(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& f : findings)
    out += f.rule + "|" + f.file + "|" + std::to_string(f.line) + "|" + std::to_string(f.column) + "|" + f.severity +
           "|" + f.message + "|" + f.detail + "\n";
  return out;
}

TEST(AnalysisStore, GivesBackWhatWasStoredForTheSameKeyAnalyzerAndUnit) {
  TempDir dir;
  AnalysisStore store(dir.path());
  StoreLookup<std::vector<Finding>> none = store.findings(kKey, "clang-tidy", "src/a.cpp");
  EXPECT_FALSE(none.value);
  EXPECT_EQ(none.problem, "") << "nothing stored is no problem";

  ASSERT_TRUE(store.store_findings(kKey, "clang-tidy", "src/a.cpp", two_findings()));
  EXPECT_EQ(store.findings_path(kKey), dir.path() / "analysis" / (kKey + ".json"));
  StoreLookup<std::vector<Finding>> back = store.findings(kKey, "clang-tidy", "src/a.cpp");
  ASSERT_TRUE(back.value) << back.problem;
  std::vector<Finding> expected = two_findings();
  expected[1].message = "unknown argument '-fno-such' \xef\xbf\xbd";  // invalid UTF-8 replaced, never a failed store
  EXPECT_EQ(lines_of(*back.value), lines_of(expected));

  ASSERT_TRUE(store.store_findings(kOther, "cppcheck", "src/b.cpp", {}));
  back = store.findings(kOther, "cppcheck", "src/b.cpp");
  ASSERT_TRUE(back.value);
  EXPECT_TRUE(back.value->empty()) << "no findings is a result, stored like any other";
}

// Nothing is trusted blindly: an entry read under another key, for another unit or analyzer, of another
// format, or damaged, is not used, and the problem names the file and what is wrong with it.
TEST(AnalysisStore, AnEntryThatCannotBeUsedIsAProblemNeverAResult) {
  TempDir dir;
  AnalysisStore store(dir.path());
  ASSERT_TRUE(store.store_findings(kKey, "clang-tidy", "src/a.cpp", two_findings()));
  const fs::path file = store.findings_path(kKey);
  const std::string name = "stored analysis " + file.string() + ": ";

  StoreLookup<std::vector<Finding>> other_unit = store.findings(kKey, "clang-tidy", "src/b.cpp");
  EXPECT_FALSE(other_unit.value);
  EXPECT_EQ(other_unit.problem, name + "an analysis of 'src/a.cpp', not 'src/b.cpp'");
  EXPECT_EQ(store.findings(kKey, "cppcheck", "src/a.cpp").problem, name + "an analysis by clang-tidy, not cppcheck");

  fs::copy_file(file, store.findings_path(kOther));
  EXPECT_EQ(store.findings(kOther, "clang-tidy", "src/a.cpp").problem,
            "stored analysis " + store.findings_path(kOther).string() + ": stored under another key");

  const std::string text = read_file(file);
  struct Case {
    std::string content, problem;
  };
  std::string truncated = text.substr(0, text.size() / 2);
  std::string other_format = text;
  other_format.replace(other_format.find("\"format\":1"), 10, "\"format\":2");
  std::string wrong_line = text;
  wrong_line.replace(wrong_line.find("\"line\":2"), 8, "\"line\":\"2\"");
  for (const Case& c : std::vector<Case>{{"", "not valid JSON"},
                                         {truncated, "not valid JSON"},
                                         {"[]", "expected an object, got an array"},
                                         {other_format, "another format than 1"},
                                         {wrong_line, "findings[0].line: expected an integer, got the string \"2\""}}) {
    write_file(file, c.content);
    StoreLookup<std::vector<Finding>> back = store.findings(kKey, "clang-tidy", "src/a.cpp");
    EXPECT_FALSE(back.value) << c.content;
    EXPECT_TRUE(back.problem.starts_with(name)) << back.problem;
    EXPECT_NE(back.problem.find(c.problem), std::string::npos) << back.problem;
  }
  // Storing again replaces the damaged file.
  ASSERT_TRUE(store.store_findings(kKey, "clang-tidy", "src/a.cpp", {}));
  EXPECT_TRUE(store.findings(kKey, "clang-tidy", "src/a.cpp").value);
}

TEST(AnalysisStore, KeysAreHexAndNeverPaths) {
  TempDir dir;
  AnalysisStore store(dir.path());
  for (const std::string& key : std::vector<std::string>{"../../x", "", "0123456789ABCDEF0123456789ABCDEF01234567", kKey + "0"})
    EXPECT_THROW(store.findings(key, "clang-tidy", "a.cpp"), Error) << key;
  EXPECT_FALSE(fs::exists(dir.path() / "analysis"));
}

// The least recently used go first: storing a fourth entry under a limit of three removes the one looked
// up longest ago, not the one stored first; the bytes count too; a writer's leftover temporary goes after
// an hour.
TEST(AnalysisStore, RetentionKeepsTheMostRecentlyUsed) {
  TempDir dir;
  AnalysisStore store(dir.path(), AnalysisStoreLimits{3, 1024 * 1024, 2});
  auto age = [&](const std::string& key, int seconds_ago) {
    fs::last_write_time(store.findings_path(key), fs::file_time_type::clock::now() - std::chrono::seconds(seconds_ago));
  };
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store.store_findings(key_number(i), "cppcheck", "u.cpp", {}));
  age(key_number(0), 300);
  age(key_number(1), 200);
  age(key_number(2), 100);
  ASSERT_TRUE(store.findings(key_number(0), "cppcheck", "u.cpp").value);  // used now: the newest
  const fs::path leftover = dir.path() / "analysis" / (key_number(9) + ".json.tmp-1-2");
  const fs::path young = dir.path() / "analysis" / (key_number(8) + ".json.tmp-1-2");
  write_file(leftover, "half");
  write_file(young, "half");
  fs::last_write_time(leftover, fs::file_time_type::clock::now() - std::chrono::hours(2));
  ASSERT_TRUE(store.store_findings(key_number(3), "cppcheck", "u.cpp", {}));
  EXPECT_TRUE(fs::exists(store.findings_path(key_number(0))));
  EXPECT_FALSE(fs::exists(store.findings_path(key_number(1)))) << "the least recently used";
  EXPECT_TRUE(fs::exists(store.findings_path(key_number(2))));
  EXPECT_TRUE(fs::exists(store.findings_path(key_number(3))));
  EXPECT_FALSE(fs::exists(leftover));
  EXPECT_TRUE(fs::exists(young)) << "a writer may still be at work";

  // A byte limit below two entries keeps only the newest.
  AnalysisStore small(dir.path(), AnalysisStoreLimits{100, fs::file_size(store.findings_path(key_number(3))) + 10, 2});
  ASSERT_TRUE(small.store_findings(key_number(4), "cppcheck", "u.cpp", {}));
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir.path() / "analysis"))
    entries += e.path().extension() == ".json";
  EXPECT_EQ(entries, 1u);
  EXPECT_TRUE(fs::exists(small.findings_path(key_number(4))));
}

TEST(AnalysisStore, IncludeListsComeBackExactlyAndAreBounded) {
  TempDir dir;
  AnalysisStore store(dir.path(), AnalysisStoreLimits{10, 1024 * 1024, 2});
  IncludeLists lists;
  lists.key = kKey;
  lists.created = "2026-12-01T00:00:00Z";
  lists.hashes = {{"/repo/src/a.cpp", "h1"}, {"/repo/include/h.h", "h2"}, {"/usr/include/stdio.h", "h3"}};
  lists.units = {{"src/a.cpp", {"c1", {"/repo/include/h.h", "/repo/src/a.cpp", "/usr/include/stdio.h"}}},
                 {"src/b.cpp", {"c2", {"/repo/include/h.h"}}}};
  ASSERT_TRUE(store.store_include_lists(lists));
  StoreLookup<IncludeLists> back = store.include_lists(kKey);
  ASSERT_TRUE(back.value) << back.problem;
  EXPECT_EQ(back.value->created, lists.created);
  EXPECT_EQ(back.value->hashes, lists.hashes);
  ASSERT_EQ(back.value->units.size(), 2u);
  EXPECT_EQ(back.value->units.at("src/a.cpp").command_hash, "c1");
  EXPECT_EQ(back.value->units.at("src/a.cpp").files, lists.units.at("src/a.cpp").files);
  EXPECT_EQ(back.value->units.at("src/b.cpp").files, lists.units.at("src/b.cpp").files);

  // A file number out of range is a problem, not a crash.
  std::string text = read_file(store.include_lists_path(kKey));
  text.replace(text.find("\"files\":[0"), 10, "\"files\":[7");
  write_file(store.include_lists_path(kKey), text);
  back = store.include_lists(kKey);
  EXPECT_FALSE(back.value);
  EXPECT_NE(back.problem.find("no file has the number 7"), std::string::npos) << back.problem;

  // Two baselines' lists are kept; a third evicts the least recently used.
  fs::last_write_time(store.include_lists_path(kKey), fs::file_time_type::clock::now() - std::chrono::seconds(100));
  for (int i = 0; i < 3; ++i) {
    lists.key = key_number(i);
    ASSERT_TRUE(store.store_include_lists(lists));
    fs::last_write_time(store.include_lists_path(lists.key), fs::file_time_type::clock::now() - std::chrono::seconds(10 - i));
  }
  EXPECT_FALSE(fs::exists(store.include_lists_path(kKey)));
  EXPECT_FALSE(fs::exists(store.include_lists_path(key_number(0))));
  EXPECT_TRUE(fs::exists(store.include_lists_path(key_number(1))));
  EXPECT_TRUE(fs::exists(store.include_lists_path(key_number(2))));
}

}  // namespace
}  // namespace autofix
