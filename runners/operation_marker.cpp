// SPDX-License-Identifier: MIT
#include "runners/operation_marker.h"

#include <mutex>

namespace autofix::runners {

namespace {

std::mutex g_marker_mutex;  // set by the operation's thread, read by every run_process()
std::optional<std::string> g_marker;

}  // namespace

void set_operation_marker(const std::optional<std::string>& token) {
  std::lock_guard lock(g_marker_mutex);
  g_marker = token;
}

std::optional<std::string> operation_marker() {
  std::lock_guard lock(g_marker_mutex);
  return g_marker;
}

}  // namespace autofix::runners
