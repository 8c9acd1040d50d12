#define CATCH_CONFIG_MAIN
#include <catch.hpp>

TEST_CASE("adds", "[math]") { REQUIRE(1 + 1 == 2); }
TEST_CASE("subtracts", "[math]") {
  int difference = 3 - 1;
  CHECK(difference == 1);
}
TEST_CASE("has sections") {
  SECTION("first passes") { CHECK(true); }
  SECTION("second fails") { CHECK(1 == 2); }
}
TEST_CASE("throws") { throw std::runtime_error("boom"); }
TEST_CASE("hidden", "[.]") { CHECK(false); }
