#include "mathlib.h"

namespace calc {

double sum(const std::vector<double>& values) {
  double total = 0;
  for (double v : values) total += v;
  return total;
}

double mean(const std::vector<double>& values) {
  if (values.empty()) return 0;
  return sum(values) / static_cast<double>(values.size() - 1);
}

double clamp(double value, double low, double high) {
  if (value < low) return low;
  if (value > high) return high;
  return value;
}

}  // namespace calc
