// SPDX-License-Identifier: MIT
#include "runners/tool_version.h"

#include <sstream>

#include "gate/util/error.h"
#include "runners/process.h"

namespace autofix::runners {

namespace {

constexpr size_t kMaxVersionLine = 200;

std::string trimmed(std::string line) {
  const char* space = " \t\r\n";
  size_t first = line.find_first_not_of(space);
  if (first == std::string::npos) return {};
  return line.substr(first, line.find_last_not_of(space) - first + 1);
}

}  // namespace

std::optional<std::string> tool_version(const std::string& program, const std::function<void(int)>& on_started) {
  ProcessSpec spec;
  spec.argv = {program, "--version"};
  spec.timeout = kVersionTimeout;
  spec.output_cap = 16 * 1024;
  spec.environment = {{"LC_ALL", "C"}};
  spec.on_started = on_started;
  ProcessResult r;
  try {
    r = run_process(spec);
  } catch (const Error&) {
    return std::nullopt;  // not installed, not executable: no version to report
  }
  if (!r.succeeded()) return std::nullopt;
  // Some tools print it on standard error.
  std::istringstream lines(r.out.empty() ? r.err : r.out);
  for (std::string line; std::getline(lines, line);) {
    line = trimmed(line);
    if (line.find_first_of("0123456789") == std::string::npos) continue;
    if (line.size() > kMaxVersionLine) line = line.substr(0, kMaxVersionLine);
    return line;
  }
  return std::nullopt;
}

std::optional<std::string> cmake_cache_entry(std::string_view cache_text, std::string_view name) {
  std::istringstream lines{std::string(cache_text)};
  const std::string key = std::string(name) + ":";
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.starts_with(key)) continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    return line.substr(eq + 1);
  }
  return std::nullopt;
}

std::optional<std::string> ToolVersionCache::of(const std::string& program, const std::function<void(int)>& on_started) {
  auto known = known_.find(program);
  if (known != known_.end()) return known->second;
  return known_[program] = tool_version(program, on_started);
}

}  // namespace autofix::runners
