#pragma once
// Phase timings on stderr when AUTOFIX_GATE_TRACE=1: where the time of a snapshot or restore goes,
// without a profiler. Costs one getenv per process when off.
#include <chrono>
#include <string>

namespace autofix {

bool tracing_enabled() noexcept;

// Prints "autofix-gate: trace: <what> <ms> ms" when it goes out of scope, if tracing is on.
class TraceScope {
 public:
  explicit TraceScope(std::string what);
  ~TraceScope();
  TraceScope(const TraceScope&) = delete;
  TraceScope& operator=(const TraceScope&) = delete;

 private:
  std::string what_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace autofix
