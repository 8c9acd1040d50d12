// SPDX-License-Identifier: MIT
#include "gate/state/report_location.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using autofix::testing::TempDir;
using autofix::testing::write_file;

TEST(AttemptId, NewIdsHaveTheFormOfASnapshotIdAndDiffer) {
  std::string a = new_attempt_id(), b = new_attempt_id();
  EXPECT_TRUE(is_attempt_id(a)) << a;
  EXPECT_TRUE(is_attempt_id(b)) << b;
  EXPECT_NE(a, b);
}

TEST(AttemptId, OnlyThatFormIsAnId) {
  EXPECT_TRUE(is_attempt_id("20261122T043205Z-4c8cda"));
  for (const char* not_an_id : {"latest", "reruns", "baseline-tests", "20261122T043205Z-4c8cdz", "20261122T043205Z4c8cdaa",
                                "2026112xT043205Z-4c8cda", "20261122T043205Z-4c8cd", ""})
    EXPECT_FALSE(is_attempt_id(not_an_id)) << not_an_id;
}

TEST(PublishLatest, PointsLatestAtTheAttemptWithARelativeLink) {
  TempDir dir;
  fs::path root = dir / "report root";
  fs::create_directories(attempt_report_dir(root, "20261122T043205Z-000001"));
  publish_latest(root, "20261122T043205Z-000001");
  EXPECT_EQ(fs::read_symlink(root / "latest"), fs::path("20261122T043205Z-000001"));
  fs::create_directories(root / "20261122T043206Z-000002");
  publish_latest(root, "20261122T043206Z-000002");
  EXPECT_EQ(fs::read_symlink(root / "latest"), fs::path("20261122T043206Z-000002"));
  EXPECT_TRUE(fs::exists(root / "20261122T043205Z-000001"));
  for (const auto& e : fs::directory_iterator(root))
    EXPECT_FALSE(e.path().filename().string().starts_with(".latest")) << e.path();
}

TEST(PublishLatest, RemovesReportsAnOlderVersionWroteAtTheTop) {
  TempDir dir;
  fs::path root = dir / "autofix";
  for (const char* f : {"report.json", "junit.xml", "summary.md", "autofix.sarif", "partial.json", "notes.txt"})
    write_file(root / f, "old\n");
  fs::create_directories(root / "20261122T043205Z-000001");
  publish_latest(root, "20261122T043205Z-000001");
  for (const char* f : {"report.json", "junit.xml", "summary.md", "autofix.sarif", "partial.json"})
    EXPECT_FALSE(fs::exists(root / f)) << f;
  EXPECT_TRUE(fs::exists(root / "notes.txt"));  // not a report: not ours to remove
}

TEST(PublishLatest, KeepsTheNewestDirectoriesAndNothingElseIsRemoved) {
  TempDir dir;
  fs::path root = dir / "autofix";
  std::vector<std::string> ids;
  for (size_t i = 0; i < kKeptReportDirs + 3; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "20261122T0432%02zuZ-00000a", i);
    ids.push_back(id);
    write_file(root / id / "report.json", "{}");
  }
  fs::create_directories(root / "not an attempt");
  // The newest is published; the three oldest go.
  publish_latest(root, ids.back());
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(fs::exists(root / ids[i]), i >= 3) << ids[i];
  EXPECT_TRUE(fs::exists(root / "not an attempt"));
}

}  // namespace
}  // namespace autofix
