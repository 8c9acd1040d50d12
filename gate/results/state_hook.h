// SPDX-License-Identifier: MIT
#pragma once
// One external state hook of the configuration (`"state"` in autofix-gate.json, docs/state-hooks.md):
// state outside the tree (a database, deployed configuration) saved before a fix and restored with the tree.
// Parsed by gate/policy/config, run by gate/state/state_hooks; the kind is a closed set.
#include <chrono>
#include <string>
#include <vector>

#include "gate/util/enum_table.h"

namespace autofix {

// command: the user's save / restore (/ check) commands; file: the gate copies `paths` itself; sqlite: the
// gate copies the database at `path` through SQLite's online backup API.
enum class StateHookKind { command, file, sqlite };

inline constexpr auto kStateHookKinds = enum_table<StateHookKind>(
    {{StateHookKind::command, "command"}, {StateHookKind::file, "file"}, {StateHookKind::sqlite, "sqlite"}});

inline const char* to_string(StateHookKind kind) noexcept { return kStateHookKinds.c_name_of(kind); }

inline constexpr std::chrono::seconds kDefaultStateHookTimeout{120};

struct StateHookSpec {
  std::string name = {};  // also the name of its private directory
  StateHookKind kind = StateHookKind::command;
  std::vector<std::string> save = {}, restore = {}, check = {};  // command: argv; "{dir}": the private directory
  std::vector<std::string> paths = {};                           // file: relative to the repository root
  std::chrono::seconds timeout = kDefaultStateHookTimeout;  // each command (sqlite: waiting for a lock), each time
  std::string path = {};                                    // sqlite: the database, relative to the repository root
  bool operator==(const StateHookSpec&) const = default;
};

}  // namespace autofix
