#include "mathlib.h"

#include <gtest/gtest.h>

TEST(MathTest, SumAddsAllValues) { EXPECT_DOUBLE_EQ(calc::sum({1, 2, 3.5}), 6.5); }

TEST(MathTest, MeanOfThreeValues) { EXPECT_DOUBLE_EQ(calc::mean({1, 2, 6}), 3.0); }

TEST(MathTest, MeanOfNothingIsZero) { EXPECT_DOUBLE_EQ(calc::mean({}), 0.0); }

TEST(MathTest, ClampKeepsValuesInRange) {
  EXPECT_DOUBLE_EQ(calc::clamp(5, 0, 3), 3);
  EXPECT_DOUBLE_EQ(calc::clamp(-1, 0, 3), 0);
  EXPECT_DOUBLE_EQ(calc::clamp(2, 0, 3), 2);
}
