#include "parser.h"

#include <cstdlib>
#include <sstream>

namespace calc {

std::optional<std::vector<double>> parse_numbers(const std::string& text) {
  std::vector<double> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    size_t first = item.find_first_not_of(" \t");
    if (first == std::string::npos) return std::nullopt;
    size_t last = item.find_last_not_of(" \t");
    std::string token = item.substr(first, last - first + 1);
    char* end = nullptr;
    double value = std::strtod(token.c_str(), &end);
    if (end != token.c_str() + token.size()) return std::nullopt;
    out.push_back(value);
  }
  return out;
}

}  // namespace calc
