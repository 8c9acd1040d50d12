// SPDX-License-Identifier: MIT
#pragma once
// What an accepted attempt does with the change (`attempt --on-accept`, docs/attempt.md): commit it on
// a new branch autofix/<id> and restore the work tree (branch), leave it in the work tree (keep), or commit
// it on the current branch (commit). `verify` accepts nothing into the repository: none.
#include <optional>
#include <string_view>
#include <vector>

#include "gate/util/enum_table.h"

namespace autofix {

enum class OnAccept { branch, keep, commit, none };

inline constexpr auto kOnAcceptModes = enum_table<OnAccept>(
    {{OnAccept::branch, "branch"}, {OnAccept::keep, "keep"}, {OnAccept::commit, "commit"}, {OnAccept::none, "none"}});

inline const char* to_string(OnAccept mode) noexcept { return kOnAcceptModes.c_name_of(mode); }
template <typename Json>
void to_json(Json& j, OnAccept mode) {
  j = to_string(mode);
}

// The modes `attempt --on-accept` takes: every one but none.
inline std::vector<std::string_view> on_accept_choices() {
  std::vector<std::string_view> out;
  for (const auto& [mode, name] : kOnAcceptModes.rows())
    if (mode != OnAccept::none) out.push_back(name);
  return out;
}

}  // namespace autofix
