#include "gate/util/trace.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace autofix {

bool tracing_enabled() noexcept {
  static const bool enabled = [] {
    const char* v = std::getenv("AUTOFIX_GATE_TRACE");
    return v && *v && std::strcmp(v, "0") != 0;
  }();
  return enabled;
}

TraceScope::TraceScope(std::string what) : what_(std::move(what)), start_(std::chrono::steady_clock::now()) {}

TraceScope::~TraceScope() {
  if (!tracing_enabled()) return;
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  std::fprintf(stderr, "autofix-gate: trace: %-28s %8.1f ms\n", what_.c_str(), ms);
}

}  // namespace autofix
