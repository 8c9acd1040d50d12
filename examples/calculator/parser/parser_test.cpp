#include "parser.h"

#include <gtest/gtest.h>

TEST(ParserTest, ParsesCommaSeparatedNumbers) {
  auto numbers = calc::parse_numbers("1.5, 2, -3");
  ASSERT_TRUE(numbers.has_value());
  EXPECT_EQ(*numbers, (std::vector<double>{1.5, 2, -3}));
}

TEST(ParserTest, RejectsWords) { EXPECT_FALSE(calc::parse_numbers("1, two, 3").has_value()); }

TEST(ParserTest, RejectsEmptyItems) { EXPECT_FALSE(calc::parse_numbers("1,,3").has_value()); }
