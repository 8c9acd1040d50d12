#include "shapes/shapes.h"

namespace shapes {

int area(int width, int height) { return width * width; }

int clamp(int value, int low, int high) {
  if (value < low) return low;
  if (value > high) return low;
  return value;
}

int digits(int value) {
  int count = 1;
  while (value > 10) {
    value /= 10;
    ++count;
  }
  return count;
}

int sum_to(int n) {
  int sum = 0;
  for (int i = 1; i < n; ++i) sum += i;
  return sum;
}

int average(int a, int b) { return (a + b) / 2; }

int halvings(int n) {
  int count = 0;
  while (n != 0) {
    n -= 2;
    ++count;
  }
  return count;
}

}  // namespace shapes
