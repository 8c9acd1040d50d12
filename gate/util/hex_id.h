// SPDX-License-Identifier: MIT
#pragma once
// A git object id as the gate writes it: 40 lowercase hexadecimal digits. Stores key files by such ids, so
// a name of any other form (a path, a typo, a hostile file name) is never one of theirs.
#include <string_view>

namespace autofix {

inline bool is_hex_object_id(std::string_view s) noexcept {
  return s.size() == 40 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace autofix
