#include "formatter.h"

#include <gtest/gtest.h>

TEST(FormatterTest, TwoDecimals) { EXPECT_EQ(calc::format_number(3.14159), "3.14"); }

TEST(FormatterTest, ListInBrackets) { EXPECT_EQ(calc::format_list({1, 2.5}), "[1.00, 2.50]"); }

TEST(FormatterTest, EmptyList) { EXPECT_EQ(calc::format_list({}), "[]"); }
