#include "gate/baseline.h"

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

TEST(BaselineCacheTest, StoresAndLoadsExactly) {
  testing::TempDir dir;
  BaselineCache cache(dir.path());
  EXPECT_FALSE(cache.load("k1").has_value());
  BaselineRecord r{"k1", "tree", "2026-11-22T00:00:00Z", 1, true, {}, {{"a", RunStatus::failed, 0.5, "out\xff"},
                                                                        {"b", RunStatus::passed, 0.25, ""}}};
  cache.store(r);
  std::optional<BaselineRecord> back = cache.load("k1");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->runs, 1);
  ASSERT_EQ(back->tests.size(), 2u);
  EXPECT_EQ(back->tests[0].status, RunStatus::failed);
  EXPECT_EQ(back->tests[1].duration_s, 0.25);
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
