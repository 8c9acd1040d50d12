#include <doctest/doctest.h>

#include "shapes/shapes.h"

TEST_CASE("digits of small numbers") { CHECK(shapes::digits(7) == 1); }
TEST_CASE("digits of 10, 100 and 1000") {
  CHECK(shapes::digits(10) == 2);
  CHECK(shapes::digits(1000) == 4);
}
TEST_CASE("area, squared (*)") { CHECK(shapes::area(4, 4) == 16); }
