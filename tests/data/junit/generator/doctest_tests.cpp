#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <stdexcept>

TEST_CASE("adds") { CHECK(1 + 1 == 2); }
TEST_CASE("subtracts") {
  int difference = 3 - 1;
  CHECK(difference == 1);
}
TEST_CASE("throws") { throw std::runtime_error("boom"); }
TEST_CASE("skipped" * doctest::skip()) { CHECK(false); }
TEST_SUITE("suite") {
  TEST_CASE("in a suite") { CHECK(true); }
}
