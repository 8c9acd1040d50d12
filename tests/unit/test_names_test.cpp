// SPDX-License-Identifier: MIT
#include "gate/results/test_names.h"

#include <gtest/gtest.h>

namespace autofix {
namespace {

using Names = std::set<std::string, std::less<>>;

TEST(TestName, JoinsTheCTestTestAndTheCase) {
  EXPECT_EQ(test_name("unit", "Suite.Case"), "unit::Suite.Case");
  EXPECT_EQ(test_name("unit", ""), "unit");
  EXPECT_EQ(test_name("", "Suite.Case"), "Suite.Case");
  EXPECT_EQ(test_name("ns::suite [a]", "Ns::Fixture.Case/0"), "ns::suite [a]::Ns::Fixture.Case/0");
  EXPECT_EQ(test_name("a test (with spaces)", "test case/section one"), "a test (with spaces)::test case/section one");
}

TEST(SplitTestName, FindsTheCTestTestThatExists) {
  Names ctest = {"unit", "ns::suite [a]", "a.*b+(c)?", "plain"};
  EXPECT_EQ(split_test_name("unit::Suite.Case", ctest), (TestNameParts{"unit", "Suite.Case"}));
  EXPECT_EQ(split_test_name("unit", ctest), (TestNameParts{"unit", ""}));
  // A CTest name with "::" in it, a case with "::" in it, or both.
  EXPECT_EQ(split_test_name("ns::suite [a]", ctest), (TestNameParts{"ns::suite [a]", ""}));
  EXPECT_EQ(split_test_name("ns::suite [a]::Case", ctest), (TestNameParts{"ns::suite [a]", "Case"}));
  EXPECT_EQ(split_test_name("unit::Ns::Fixture.Case", ctest), (TestNameParts{"unit", "Ns::Fixture.Case"}));
  EXPECT_EQ(split_test_name("ns::suite [a]::Ns::F.C", ctest), (TestNameParts{"ns::suite [a]", "Ns::F.C"}));
  // Regular expression characters are only characters.
  EXPECT_EQ(split_test_name("a.*b+(c)?::x|y", ctest), (TestNameParts{"a.*b+(c)?", "x|y"}));
  EXPECT_EQ(split_test_name("aXXb+(c)?::x", ctest), std::nullopt);
}

TEST(SplitTestName, PrefersTheLongestCTestTest) {
  Names ctest = {"a", "a::b"};
  EXPECT_EQ(split_test_name("a::b::c", ctest), (TestNameParts{"a::b", "c"}));
  EXPECT_EQ(split_test_name("a::b", ctest), (TestNameParts{"a::b", ""}));
  EXPECT_EQ(split_test_name("a::c", ctest), (TestNameParts{"a", "c"}));
  // Separators that overlap: "a:::b" is "a:" and "b", or "a" and ":b".
  EXPECT_EQ(split_test_name("a:::b", ctest), (TestNameParts{"a", ":b"}));
  EXPECT_EQ(split_test_name("a:::b", Names{"a", "a:"}), (TestNameParts{"a:", "b"}));
}

TEST(SplitTestName, RefusesNamesNoCTestTestFits) {
  Names ctest = {"unit", "u"};
  EXPECT_EQ(split_test_name("other::Case", ctest), std::nullopt);
  EXPECT_EQ(split_test_name("unit::", ctest), std::nullopt);   // a case needs a name
  EXPECT_EQ(split_test_name("::unit", ctest), std::nullopt);
  EXPECT_EQ(split_test_name("unit:Case", ctest), std::nullopt);
  EXPECT_EQ(split_test_name("", ctest), std::nullopt);
  EXPECT_EQ(split_test_name("unit::Case", Names{}), std::nullopt);
}

TEST(SplitTestName, UndoesTestName) {
  Names ctest = {"x", "x::y", "with space", "[re]gex*"};
  for (const std::string& c : ctest)
    for (const char* k : {"", "Case", "A::B", "with space/0", "x::y"}) {
      std::string name = test_name(c, k);
      std::optional<TestNameParts> parts = split_test_name(name, ctest);
      ASSERT_TRUE(parts) << name;
      EXPECT_EQ(test_name(parts->ctest_test, parts->case_name), name);
    }
}

}  // namespace
}  // namespace autofix
