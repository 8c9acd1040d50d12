// SPDX-License-Identifier: MIT
#include "gate/state/baseline.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace autofix {
namespace {

TEST(BaselineKeyTest, DependsOnTreeBuildDirAndUserCacheEntriesOnly) {
  std::string cache = "# comment\n//help\nCMAKE_BUILD_TYPE:STRING=Debug\nX:INTERNAL=1\n";
  std::string k = baseline_key("aaaa", "/b", cache);
  EXPECT_EQ(k.size(), 40u);
  EXPECT_EQ(k, baseline_key("aaaa", "/b", cache + "Y:INTERNAL=2\n"));
  EXPECT_NE(k, baseline_key("bbbb", "/b", cache));
  EXPECT_NE(k, baseline_key("aaaa", "/c", cache));
  EXPECT_NE(k, baseline_key("aaaa", "/b", "CMAKE_BUILD_TYPE:STRING=Release\n"));
}

// The one internal entry that counts: a build tree configured from another source directory (another
// project) never finds this project's stored baseline, nor this project that one's.
TEST(BaselineKeyTest, DependsOnTheSourceDirectoryTheBuildWasConfiguredFrom) {
  std::string cache = "CMAKE_BUILD_TYPE:STRING=Debug\nCMAKE_HOME_DIRECTORY:INTERNAL=/repo\n";
  std::string other = "CMAKE_BUILD_TYPE:STRING=Debug\nCMAKE_HOME_DIRECTORY:INTERNAL=/elsewhere/project\n";
  EXPECT_NE(baseline_key("aaaa", "/b", cache), baseline_key("aaaa", "/b", other));
  EXPECT_NE(baseline_key("aaaa", "/b", cache), baseline_key("aaaa", "/b", "CMAKE_BUILD_TYPE:STRING=Debug\n"));
  EXPECT_EQ(baseline_key("aaaa", "/b", cache), baseline_key("aaaa", "/b", cache + "CMAKE_CACHEFILE_DIR:INTERNAL=/b\n"));
}

TEST(BaselineCacheTest, StoresAndLoadsExactly) {
  testing::TempDir dir;
  BaselineCache cache(dir.path());
  EXPECT_FALSE(cache.load("k1").has_value());
  BaselineRecord r;
  r.key = "k1";
  r.tree = "tree";
  r.created = "2026-11-22T00:00:00Z";
  r.runs = 1;
  r.build_ok = true;
  r.tests = {{"a", RunStatus::failed, 0.5, "out\xff"}, {"b", RunStatus::passed, 0.25, ""}};
  r.tests[0].defined_at = {"tests/a_test.cpp", 7};
  r.tests[0].first_failure = FailedAssertion{{"tests/a_test.cpp", 9}, "Expected equality of these values:\n  x\n  1"};
  r.flaky = {"a"};
  runners::DiscoveredTest d;
  d.name = "a";
  d.command = {"/bin/a", "--x"};
  d.labels = {"unit"};
  d.will_fail = true;
  d.skip_return_code = 77;
  d.timeout = 30;
  d.source_file = "/src/CMakeLists.txt";
  d.source_line = 12;
  r.discovered = {d};
  r.sanitizer_reports = {{"asan", {"a|AddressSanitizer|heap-buffer-overflow|f"}}};
  r.sanitizers_built = false;
  cache.store(r);
  std::optional<BaselineRecord> back = cache.load("k1");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->runs, 1);
  ASSERT_EQ(back->tests.size(), 2u);
  EXPECT_EQ(back->tests[0].status, RunStatus::failed);
  EXPECT_EQ(back->tests[1].duration_s, 0.25);
  EXPECT_EQ(back->tests[0].defined_at, r.tests[0].defined_at);
  EXPECT_EQ(back->tests[0].first_failure, r.tests[0].first_failure);
  EXPECT_FALSE(back->tests[1].defined_at.known());
  EXPECT_EQ(back->tests[1].first_failure, std::nullopt);
  EXPECT_EQ(back->flaky, std::vector<std::string>{"a"});
  ASSERT_EQ(back->discovered.size(), 1u);
  EXPECT_EQ(back->discovered[0].command, d.command);
  EXPECT_EQ(back->discovered[0].labels, d.labels);
  EXPECT_TRUE(back->discovered[0].will_fail);
  EXPECT_EQ(back->discovered[0].skip_return_code, 77);
  EXPECT_EQ(back->discovered[0].timeout, 30);
  EXPECT_EQ(back->discovered[0].source_file, "/src/CMakeLists.txt");
  EXPECT_EQ(back->discovered[0].source_line, 12);
  EXPECT_EQ(back->sanitizer_reports, r.sanitizer_reports);
  EXPECT_FALSE(back->sanitizers_built);
}

TEST(BaselineCacheTest, RecordsOfAnEarlierFormatAreComputedAgain) {
  testing::TempDir dir;
  BaselineCache cache(dir.path());
  testing::write_file(cache.path_for("k"), R"({"format":1,"key":"k","tree":"t","created":"c","runs":1,"build_ok":true,)"
                                           R"("build_errors":[],"tests":[]})");
  EXPECT_FALSE(cache.load("k").has_value());
}

// Format 3 as stored before test records carried locations: still read, the locations unknown.
TEST(BaselineCacheTest, RecordsWithoutLocationsAreStillRead) {
  testing::TempDir dir;
  BaselineCache cache(dir.path());
  testing::write_file(cache.path_for("k"),
                      R"({"format":3,"key":"k","tree":"t","created":"c","runs":2,"build_ok":true,"build_errors":[],)"
                      R"("tests":[{"name":"a","ctest_test":"a","case":"","status":"failed","duration_s":0.5,)"
                      R"("output":"o","failures":["x failed"],"reruns":["failed"]}],"flaky":[],"discovered":[],)"
                      R"("sanitizer_reports":{},"sanitizers_built":true})");
  std::optional<BaselineRecord> back = cache.load("k");
  ASSERT_TRUE(back.has_value());
  ASSERT_EQ(back->tests.size(), 1u);
  EXPECT_EQ(back->tests[0].failures, std::vector<std::string>{"x failed"});
  EXPECT_FALSE(back->tests[0].defined_at.known());
  EXPECT_EQ(back->tests[0].first_failure, std::nullopt);
}

TEST(BaselineCacheTest, DamagedFileIsTreatedAsAbsent) {
  testing::TempDir dir;
  BaselineCache cache(dir.path());
  testing::write_file(cache.path_for("k"), "{not json");
  EXPECT_FALSE(cache.load("k").has_value());
  testing::write_file(cache.path_for("k"), R"({"key":"other"})");
  EXPECT_FALSE(cache.load("k").has_value());
}

}  // namespace
}  // namespace autofix
