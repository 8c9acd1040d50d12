#pragma once
#include <string>
#include <vector>

namespace calc {
// "3.14" : two decimals, always.
std::string format_number(double value);
// "[1.00, 2.50]"
std::string format_list(const std::vector<double>& values);
}  // namespace calc
