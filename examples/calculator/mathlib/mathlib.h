#pragma once
#include <vector>

namespace calc {
double sum(const std::vector<double>& values);
// The arithmetic mean; 0 for no values.
double mean(const std::vector<double>& values);
double clamp(double value, double low, double high);
}  // namespace calc
