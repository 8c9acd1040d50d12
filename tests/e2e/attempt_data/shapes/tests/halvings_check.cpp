#include <iostream>

#include "shapes/shapes.h"

int main() {
  int got = shapes::halvings(3);
  std::cout << "halvings(3) = " << got << "\n";
  return got == 2 ? 0 : 1;
}
