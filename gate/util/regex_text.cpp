// SPDX-License-Identifier: MIT
#include "gate/util/regex_text.h"

namespace autofix {

std::string regex_escaped(std::string_view text) {
  constexpr std::string_view kSpecial = "^$.[]|()*+?{}\\";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (kSpecial.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace autofix
