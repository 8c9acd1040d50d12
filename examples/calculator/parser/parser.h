#pragma once
#include <optional>
#include <string>
#include <vector>

namespace calc {
// Parses "1.5, 2, -3" into numbers; nullopt when any item is not a number.
std::optional<std::vector<double>> parse_numbers(const std::string& text);
}  // namespace calc
