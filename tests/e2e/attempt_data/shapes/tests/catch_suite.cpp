#include <catch2/catch.hpp>

#include "shapes/shapes.h"

TEST_CASE("clamp keeps values inside the range", "[clamp]") { REQUIRE(shapes::clamp(5, 0, 10) == 5); }
TEST_CASE("clamp, above the range: high [edge]", "[clamp]") { REQUIRE(shapes::clamp(12, 0, 10) == 10); }
TEST_CASE("clamp below the range", "[clamp]") {
  SECTION("far below") { CHECK(shapes::clamp(-50, 0, 10) == 0); }
  SECTION("just below") { CHECK(shapes::clamp(-1, 0, 10) == 0); }
}
TEST_CASE("perimeter of a square", "[perimeter]") { CHECK(shapes::perimeter(3, 3) == 12); }
