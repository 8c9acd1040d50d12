// SPDX-License-Identifier: MIT
#include "gate/policy/lanes.h"

#include <gtest/gtest.h>

#include <string>

namespace autofix {
namespace {

TierConfig tier(std::string name, TierKind kind, std::vector<Lane> lanes) {
  TierConfig t;
  t.name = std::move(name);
  t.kind = kind;
  t.lanes = std::move(lanes);
  return t;
}

class Documentation : public ::testing::TestWithParam<std::string> {};
class NotDocumentation : public ::testing::TestWithParam<std::string> {};
class BuildConfiguration : public ::testing::TestWithParam<std::string> {};
class NotBuildConfiguration : public ::testing::TestWithParam<std::string> {};

TEST_P(Documentation, Is) { EXPECT_TRUE(is_documentation(GetParam())) << GetParam(); }
TEST_P(NotDocumentation, IsNot) { EXPECT_FALSE(is_documentation(GetParam())) << GetParam(); }
TEST_P(BuildConfiguration, Is) { EXPECT_TRUE(is_build_configuration(GetParam())) << GetParam(); }
TEST_P(NotBuildConfiguration, IsNot) { EXPECT_FALSE(is_build_configuration(GetParam())) << GetParam(); }

INSTANTIATE_TEST_SUITE_P(Lanes, Documentation,
                         ::testing::Values("README.md", "src/lib/README.md", "docs/guide.rst", "manual.adoc",
                                           "notes.txt", "README.MD", "docs/images/arch.png", "docs/conf.py",
                                           "doc/Doxyfile", "LICENSE", "LICENSE.txt", "third_party/x/LICENSE-MIT",
                                           "AUTHORS", "CHANGELOG", "ChangeLog", "CHANGELOG.md", "license"));

INSTANTIATE_TEST_SUITE_P(Lanes, NotDocumentation,
                         ::testing::Values("src/main.cpp", "CMakeLists.txt", "docs/CMakeLists.txt", "docs/x.cmake",
                                           "cmakelists.txt", "docs/example.cpp", "doc/snippets/x.h", "LICENSE_check.cpp",
                                           "AUTHORS.hpp", "tests/data/expected.txt", "src/test/golden.md",
                                           "test/README.md", "src/docs/x.cpp", "src/docs/x.json", "documents/a.pdf",
                                           "readme", "x.md.in", "conanfile.txt", "script.sh", ""));

INSTANTIATE_TEST_SUITE_P(Lanes, BuildConfiguration,
                         ::testing::Values("CMakeLists.txt", "src/CMakeLists.txt", "cmake/Deps.cmake", "Find.CMAKE",
                                           "CMakePresets.json", "CMakeUserPresets.json", "vcpkg.json", "ports/vcpkg.json",
                                           "conanfile.py", "conanfile.txt", "cmakelists.txt"));

INSTANTIATE_TEST_SUITE_P(Lanes, NotBuildConfiguration,
                         ::testing::Values("CMakeLists.txt.orig", "cmake/README.md", "cmake/config.h.in",
                                           "src/main.cpp", "vcpkg-configuration.json", "my-conanfile.py", "Makefile", ""));

TEST(ChooseLane, BuildConfigurationMeansHeavy) {
  LaneChoice c = choose_lane({"src/a.cpp", "CMakeLists.txt", "README.md"});
  EXPECT_EQ(c.lane, Lane::heavy);
  EXPECT_EQ(c.reason, "CMakeLists.txt changed: build configuration, so the heavy lane reconfigures and runs every tier");
  c = choose_lane({"cmake/a.cmake", "src/x.cpp", "vcpkg.json", "lib/CMakeLists.txt"});
  EXPECT_EQ(c.lane, Lane::heavy);
  EXPECT_EQ(c.reason,
            "cmake/a.cmake (and 2 more) changed: build configuration, so the heavy lane reconfigures and runs every tier");
  EXPECT_EQ(choose_lane({"docs/CMakeLists.txt"}).lane, Lane::heavy);
}

TEST(ChooseLane, OnlyDocumentationMeansDocs) {
  LaneChoice c = choose_lane({"README.md", "docs/x.md"});
  EXPECT_EQ(c.lane, Lane::docs);
  EXPECT_EQ(c.reason, "docs only: README.md, docs/x.md");
  c = choose_lane({"a.md", "b.md", "c.md", "d.md", "e.md", "f.md", "g.md"});
  EXPECT_EQ(c.lane, Lane::docs);
  EXPECT_EQ(c.reason, "docs only: a.md, b.md, c.md, d.md, e.md and 2 more");
}

TEST(ChooseLane, AnythingElseMeansStandard) {
  LaneChoice c = choose_lane({"README.md", "src/a.cpp", "src/b.cpp"});
  EXPECT_EQ(c.lane, Lane::standard);
  EXPECT_EQ(c.reason, "src/a.cpp changed: not documentation, so the standard lane builds and runs its tiers");
  c = choose_lane({"docs/x.md", "tests/data/golden.txt"});
  EXPECT_EQ(c.lane, Lane::standard);
  EXPECT_EQ(c.reason, "tests/data/golden.txt changed: not documentation, so the standard lane builds and runs its tiers");
  c = choose_lane({});
  EXPECT_EQ(c.lane, Lane::standard);
  EXPECT_EQ(c.reason, "no file changed");
}

TEST(TierRunsInLane, HeavyRunsEveryTierOthersTheListedOnes) {
  TierConfig tests = tier("tests", TierKind::ctest, {Lane::standard, Lane::heavy});
  TierConfig secrets = tier("secrets", TierKind::secrets, {Lane::docs, Lane::standard, Lane::heavy});
  TierConfig heavy_only = tier("asan", TierKind::sanitizers, {Lane::heavy});
  TierConfig docs_only = tier("lint", TierKind::command, {Lane::docs});
  EXPECT_FALSE(tier_runs_in_lane(tests, Lane::docs));
  EXPECT_TRUE(tier_runs_in_lane(tests, Lane::standard));
  EXPECT_TRUE(tier_runs_in_lane(tests, Lane::heavy));
  EXPECT_TRUE(tier_runs_in_lane(secrets, Lane::docs));
  EXPECT_FALSE(tier_runs_in_lane(heavy_only, Lane::standard));
  EXPECT_TRUE(tier_runs_in_lane(heavy_only, Lane::heavy));
  EXPECT_TRUE(tier_runs_in_lane(docs_only, Lane::docs));
  EXPECT_FALSE(tier_runs_in_lane(docs_only, Lane::standard));
  EXPECT_TRUE(tier_runs_in_lane(docs_only, Lane::heavy));
}

}  // namespace
}  // namespace autofix
