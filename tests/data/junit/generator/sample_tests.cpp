#include <chrono>
#include <iostream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

TEST(Math, Adds) { EXPECT_EQ(1 + 1, 2); }
TEST(Math, Subtracts) {
  std::cout << "about to compare" << std::endl;
  EXPECT_EQ(3 - 1, 1) << "subtraction is broken";
}
TEST(Math, SkippedOne) { GTEST_SKIP() << "not today"; }
TEST(Strings, Concatenates) { EXPECT_EQ(std::string("a") + "b", "ab"); }
TEST(Strings, DISABLED_NotYet) { FAIL(); }
TEST(Hostile, Message) {
  ADD_FAILURE() << "bad utf8: \xff\xfe ctrl: \x01\x02 cdata end: ]]> markup: <b>&amp;</b>";
}
class Param : public ::testing::TestWithParam<int> {};
TEST_P(Param, IsSmall) { EXPECT_LT(GetParam(), 2); }
INSTANTIATE_TEST_SUITE_P(Values, Param, ::testing::Values(1, 2));
TEST(Slow, Sleeps) { std::this_thread::sleep_for(std::chrono::seconds(30)); }
