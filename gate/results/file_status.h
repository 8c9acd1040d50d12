// SPDX-License-Identifier: MIT
#pragma once
// How a path differs between two versions (the tree before and after a change, a snapshot and the work
// tree now): the one table of names for reports, manifests and messages.
#include "gate/util/enum_table.h"

namespace autofix {

enum class FileStatus { added, modified, deleted };

inline constexpr auto kFileStatuses = enum_table<FileStatus>(
    {{FileStatus::added, "added"}, {FileStatus::modified, "modified"}, {FileStatus::deleted, "deleted"}});

inline const char* to_string(FileStatus status) noexcept { return kFileStatuses.c_name_of(status); }
// Written into JSON by its name, never as nlohmann's default number.
template <typename Json>
void to_json(Json& j, FileStatus status) {
  j = to_string(status);
}

}  // namespace autofix
