#include "formatter.h"

#include <cstdio>

namespace calc {

std::string format_number(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", value);
  return buf;
}

std::string format_list(const std::vector<double>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += format_number(values[i]);
  }
  return out + "]";
}

}  // namespace calc
