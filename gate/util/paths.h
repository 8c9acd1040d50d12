// SPDX-License-Identifier: MIT
#pragma once
#include <string_view>

namespace autofix {

// A path relative to the work tree that stays inside it and outside .git: not empty, not absolute,
// no empty, "." or ".." component, and no component named ".git" (in any letter case).
bool is_safe_relative_path(std::string_view path) noexcept;

}  // namespace autofix
