// SPDX-License-Identifier: MIT
#pragma once
#include <chrono>
#include <string>

namespace autofix {

using SystemTime = std::chrono::system_clock::time_point;

// "2026-11-22T04:19:40Z"
std::string format_iso8601_utc(SystemTime t);
// Parses what format_iso8601_utc writes; nullopt-free: throws Error(usage) on anything else.
SystemTime parse_iso8601_utc(const std::string& text);
// "20261122T041940Z": sortable, safe in ref names and file names.
std::string format_compact_utc(SystemTime t);

}  // namespace autofix
