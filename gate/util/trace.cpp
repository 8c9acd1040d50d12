// SPDX-License-Identifier: MIT
#include "gate/util/trace.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace autofix {

namespace {

// The scopes open on this thread, oldest first.
std::vector<const TraceScope*>& open_scopes() {
  static thread_local std::vector<const TraceScope*> scopes;
  return scopes;
}

}  // namespace

bool tracing_enabled() noexcept {
  static const bool enabled = [] {
    const char* v = std::getenv("AUTOFIX_GATE_TRACE");
    return v && *v && std::strcmp(v, "0") != 0;
  }();
  return enabled;
}

std::string trace_path(std::string_view parent, std::string_view what) {
  if (parent.empty()) return std::string(what);
  // "P: what" inside a scope whose path holds a component P: the path says P already.
  if (size_t colon = what.find(": "); colon != std::string_view::npos && colon + 2 < what.size()) {
    const std::string_view p = what.substr(0, colon);
    for (size_t start = 0; start <= parent.size();) {
      size_t end = std::min(parent.find('/', start), parent.size());
      if (parent.substr(start, end - start) == p) {
        what.remove_prefix(colon + 2);
        break;
      }
      start = end + 1;
    }
  }
  return std::string(parent) + "/" + std::string(what);
}

TraceScope::TraceScope(std::string_view what) : start_(std::chrono::steady_clock::now()) {
  if (!tracing_enabled()) return;
  std::vector<const TraceScope*>& scopes = open_scopes();
  path_ = trace_path(scopes.empty() ? std::string_view() : std::string_view(scopes.back()->path_), what);
  scopes.push_back(this);
}

TraceScope::~TraceScope() {
  if (!tracing_enabled()) return;
  std::vector<const TraceScope*>& scopes = open_scopes();
  if (auto it = std::find(scopes.rbegin(), scopes.rend(), this); it != scopes.rend()) scopes.erase(std::next(it).base());
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  std::fprintf(stderr, "autofix-gate: trace: %-40s %8.1f ms\n", path_.c_str(), ms);
}

}  // namespace autofix
