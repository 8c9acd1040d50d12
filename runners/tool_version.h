// SPDX-License-Identifier: MIT
#pragma once
// The versions of the tools a run used (report.json's `tool_versions`): each tool asked with `--version`,
// as it answers, once per program and run.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace autofix::runners {

// How long a tool may take to say its version.
inline constexpr std::chrono::milliseconds kVersionTimeout{5000};

// The version line `program --version` prints (LC_ALL=C): its first line that holds a digit, trimmed and
// cut at 200 bytes ("cmake version 3.25.1", "Cppcheck 2.10", "Debian LLVM version 14.0.6",
// "c++ (Debian 12.2.0-14) 12.2.0"). nullopt when the program cannot be started, fails, runs out of
// kVersionTimeout, is interrupted, or prints no such line: a version nobody said is never made up.
// `on_started` gets the process group, as for every process a run starts.
std::optional<std::string> tool_version(const std::string& program,
                                        const std::function<void(int process_group)>& on_started = {});

// The value of `name` in the text of a CMakeCache.txt ("NAME:TYPE=value"); nullopt when it has none.
std::optional<std::string> cmake_cache_entry(std::string_view cache_text, std::string_view name);

// tool_version(), asked once per program: a run that builds ten times asks cmake once.
class ToolVersionCache {
 public:
  std::optional<std::string> of(const std::string& program,
                                const std::function<void(int process_group)>& on_started = {});

 private:
  std::map<std::string, std::optional<std::string>> known_;
};

}  // namespace autofix::runners
