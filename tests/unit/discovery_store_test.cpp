// SPDX-License-Identifier: MIT
// The stored test listings (gate/state/discovery_store.h): what comes back is exactly what was stored
// under the same key, a file that is not exactly right is never used, and retention keeps it bounded.
#include "gate/state/discovery_store.h"

#include <chrono>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::TempDir;
using testing::write_file;

const std::string kHash = "0123456789abcdef0123456789abcdef01234567";
const std::string kKey = R"([["ctest --show-only=json-v1",1],["directory","/b"]])";

std::string hash_number(int i) {
  std::string n = std::to_string(i);
  return std::string(40 - n.size(), 'a') + n;
}

TEST(DiscoveryStore, GivesBackWhatWasStoredUnderTheSameKey) {
  TempDir tmp;
  DiscoveryStore store(tmp.path());
  EXPECT_FALSE(store.ctest_listing(kHash, kKey));
  store.store_ctest_listing(kHash, kKey, "{\"kind\": \"ctestInfo\"}\n");
  EXPECT_EQ(store.ctest_listing(kHash, kKey), "{\"kind\": \"ctestInfo\"}\n");
  EXPECT_FALSE(store.ctest_listing(kHash, kKey + " "));  // another key under the same name
  EXPECT_FALSE(store.gtest_listing(kHash, kKey));        // another kind

  std::map<std::string, SourceLocation> cases = {{"S.C", {"/src/a test.cpp", 12}}, {"S.D", {"", 0}}};
  store.store_gtest_listing(kHash, kKey, cases);
  EXPECT_EQ(store.gtest_listing(kHash, kKey), cases);
  EXPECT_FALSE(store.gtest_listing(kHash, "other"));
  EXPECT_TRUE(fs::exists(tmp.path() / "discovery" / ("gtest-" + kHash + ".json")));
  EXPECT_THROW(store.ctest_listing("../x", kKey), Error);
}

TEST(DiscoveryStore, NeverUsesAFileThatIsNotExactlyRight) {
  TempDir tmp;
  DiscoveryStore store(tmp.path());
  const fs::path ctest = store.ctest_path(kHash);
  const fs::path gtest = store.gtest_path(kHash);
  store.store_ctest_listing(kHash, kKey, "out");
  const std::string good = read_file(ctest);
  for (const std::string& damaged :
       {std::string(""), good.substr(0, good.size() / 2), std::string("not json"),
        std::string(R"({"format":2,"kind":"ctest","key":)") + nlohmann::json(kKey).dump() + R"(,"output":"out"})",
        std::string(R"({"format":1,"kind":"ctest","key":)") + nlohmann::json(kKey).dump() + R"(,"output":7})",
        std::string(R"({"format":1,"kind":"ctest","key":)") + nlohmann::json(kKey).dump() +
            R"(,"output":"out","extra":1})",
        std::string(R"({"format":1,"kind":"ctest","key":)") + nlohmann::json(kKey).dump() +
            R"(,"output":"a","output":"out"})"}) {
    write_file(ctest, damaged);
    EXPECT_FALSE(store.ctest_listing(kHash, kKey)) << damaged;
  }
  store.store_ctest_listing(kHash, kKey, "out");  // written again
  EXPECT_EQ(store.ctest_listing(kHash, kKey), "out");

  for (const std::string& cases : {std::string(R"({"S.C":{"file":"a.cpp","line":-1}})"),
                                   std::string(R"({"S.C":{"file":"a.cpp"}})"),
                                   std::string(R"({"S.C":{"file":"a.cpp","line":1,"column":2}})"),
                                   std::string(R"(["S.C"])")}) {
    write_file(gtest, R"({"format":1,"kind":"gtest","key":)" + nlohmann::json(kKey).dump() + R"(,"cases":)" + cases + "}");
    EXPECT_FALSE(store.gtest_listing(kHash, kKey)) << cases;
  }
}

TEST(DiscoveryStore, KeepsTheMostRecentlyUsedListings) {
  TempDir tmp;
  DiscoveryStore store(tmp.path(), 3);
  const auto old = fs::file_time_type::clock::now() - std::chrono::hours(2);
  for (int i = 0; i < 3; ++i) {
    store.store_ctest_listing(hash_number(i), kKey, "out");
    fs::last_write_time(store.ctest_path(hash_number(i)), old + std::chrono::minutes(i));
  }
  write_file(store.dir() / ("ctest-" + hash_number(9) + ".json.tmp-1-2"), "left by a writer that died");
  fs::last_write_time(store.dir() / ("ctest-" + hash_number(9) + ".json.tmp-1-2"), old);
  ASSERT_TRUE(store.ctest_listing(hash_number(0), kKey));  // used now: kept
  store.store_gtest_listing(hash_number(3), kKey, {});
  EXPECT_TRUE(fs::exists(store.ctest_path(hash_number(0))));
  EXPECT_FALSE(fs::exists(store.ctest_path(hash_number(1))));
  EXPECT_TRUE(fs::exists(store.ctest_path(hash_number(2))));
  EXPECT_TRUE(fs::exists(store.gtest_path(hash_number(3))));
  EXPECT_FALSE(fs::exists(store.dir() / ("ctest-" + hash_number(9) + ".json.tmp-1-2")));
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(store.dir())) ++files;
  EXPECT_EQ(files, 3);
}

}  // namespace
}  // namespace autofix
