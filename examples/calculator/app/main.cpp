#include <iostream>

#include "formatter.h"
#include "mathlib.h"
#include "parser.h"

// calc "1, 2, 6"  ->  mean of [1.00, 2.00, 6.00] = 3.00
int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: calc \"1, 2, 6\"\n";
    return 2;
  }
  auto numbers = calc::parse_numbers(argv[1]);
  if (!numbers) {
    std::cerr << "calc: not a list of numbers: " << argv[1] << "\n";
    return 1;
  }
  std::cout << "mean of " << calc::format_list(*numbers) << " = " << calc::format_number(calc::mean(*numbers)) << "\n";
  return 0;
}
