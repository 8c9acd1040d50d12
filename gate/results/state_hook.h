// SPDX-License-Identifier: MIT
#pragma once
// One external state hook of the configuration (`"state"` in autofix-gate.json, docs/state-hooks.md):
// state outside the tree (a database, deployed configuration) saved before a fix and restored with the tree.
// Parsed by gate/policy/config, run by gate/state/state_hooks; the kind is a closed set.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "gate/util/enum_table.h"

namespace autofix {

// command: the user's save / restore (/ check) commands; file: the gate copies `paths` itself; sqlite: the
// gate copies the database at `path` through SQLite's online backup API; postgres: pg_dump of the database
// at `url`, put back by dropping and re-creating it from the dump (pg_restore --create).
enum class StateHookKind { command, file, sqlite, postgres };

inline constexpr auto kStateHookKinds = enum_table<StateHookKind>({{StateHookKind::command, "command"},
                                                                   {StateHookKind::file, "file"},
                                                                   {StateHookKind::sqlite, "sqlite"},
                                                                   {StateHookKind::postgres, "postgres"}});

inline const char* to_string(StateHookKind kind) noexcept { return kStateHookKinds.c_name_of(kind); }

inline constexpr std::chrono::seconds kDefaultStateHookTimeout{120};

struct StateHookSpec {
  std::string name = {};  // also the name of its private directory
  StateHookKind kind = StateHookKind::command;
  std::vector<std::string> save = {}, restore = {}, check = {};  // command: argv; "{dir}": the private directory
                                                                 // (check: also postgres)
  std::vector<std::string> paths = {};                           // file: relative to the repository root
  std::chrono::seconds timeout = kDefaultStateHookTimeout;  // each command (sqlite: waiting for a lock), each time
  std::string path = {};                                    // sqlite: the database, relative to the repository root
  std::string url = {};                                     // postgres: postgresql://[user[:password]@][host][:port]/database[?...]
  bool operator==(const StateHookSpec&) const = default;
};

// A postgres hook's `url`, taken apart: the database it names (percent-decoded) and the same url naming the
// maintenance database `postgres` instead (where the database is dropped and re-created).
struct PostgresUrl {
  std::string database;
  std::string maintenance_url;
};
// nullopt unless `url` starts with postgresql:// or postgres:// and names a database in its path.
std::optional<PostgresUrl> parse_postgres_url(const std::string& url);
// `url` with the password (if any) replaced by "***", for messages.
std::string redacted_url(const std::string& url);

}  // namespace autofix
