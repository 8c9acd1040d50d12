// SPDX-License-Identifier: MIT
#include "gate/util/enum_table.h"

#include <gtest/gtest.h>

namespace autofix {
namespace {

enum class Lane { docs, standard, heavy };
constexpr auto kLanes = enum_table<Lane>({{Lane::docs, "docs"}, {Lane::standard, "standard"}, {Lane::heavy, "heavy"}});
enum class Single { only };
constexpr auto kSingle = enum_table<Single>({{Single::only, "only"}});
enum class Pair { a, b };
constexpr auto kPair = enum_table<Pair>({{Pair::a, "a"}, {Pair::b, "b"}});

// Usable at compile time: the tables cost nothing at start-up.
static_assert(kLanes.name_of(Lane::heavy) == "heavy");
static_assert(kLanes.parse("docs") == Lane::docs);
static_assert(!kLanes.parse("Docs"));

TEST(EnumTable, NamesAndParsesEveryValue) {
  for (Lane lane : kLanes.values()) EXPECT_EQ(kLanes.parse(kLanes.name_of(lane)), lane);
  EXPECT_STREQ(kLanes.c_name_of(Lane::standard), "standard");
  EXPECT_EQ(kLanes.names(), (std::vector<std::string_view>{"docs", "standard", "heavy"}));
  EXPECT_EQ(kLanes.values(), (std::vector<Lane>{Lane::docs, Lane::standard, Lane::heavy}));
}

TEST(EnumTable, RefusesAnythingButAnExactName) {
  EXPECT_EQ(kLanes.parse(""), std::nullopt);
  EXPECT_EQ(kLanes.parse("heavy "), std::nullopt);
  EXPECT_EQ(kLanes.parse("HEAVY"), std::nullopt);
  EXPECT_EQ(kLanes.parse(std::string_view("docs\0", 5)), std::nullopt);
}

TEST(EnumTable, ListsTheAlternatives) {
  EXPECT_EQ(kLanes.alternatives(), "docs, standard or heavy");
  EXPECT_EQ(kPair.alternatives(), "a or b");
  EXPECT_EQ(kSingle.alternatives(), "only");
}

TEST(EnumTable, AValueWithoutARowHasNoName) {
  EXPECT_EQ(kLanes.name_of(static_cast<Lane>(7)), "");
  EXPECT_STREQ(kLanes.c_name_of(static_cast<Lane>(7)), "");
}

}  // namespace
}  // namespace autofix
