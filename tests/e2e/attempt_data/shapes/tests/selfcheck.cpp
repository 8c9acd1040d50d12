// A test runner of its own, as many C projects have: each line of expected.txt (read from the working
// directory) is "<function> <argument> <argument> <expected>"; every failing check is printed, and the
// exit code is the number of failures.
#include <fstream>
#include <iostream>
#include <string>

#include "shapes/shapes.h"

int main() {
  std::ifstream cases("expected.txt");
  if (!cases) {
    std::cerr << "error: expected.txt not found in the working directory\n";
    return 100;
  }
  int checks = 0, failures = 0;
  std::string function;
  int a = 0, b = 0, expected = 0;
  while (cases >> function >> a >> b >> expected) {
    ++checks;
    int got = function == "sum_to" ? shapes::sum_to(a) : function == "average" ? shapes::average(a, b) : -1;
    if (got != expected) {
      ++failures;
      std::cout << "check " << function << "(" << a << ", " << b << ") failed: expected " << expected << ", got "
                << got << "\n";
    }
  }
  std::cout << failures << " of " << checks << " checks failed\n";
  return failures;
}
