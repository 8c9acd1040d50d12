// SPDX-License-Identifier: MIT
#pragma once
// Phase timings on stderr when AUTOFIX_GATE_TRACE=1: where the time of an attempt, a verify, a snapshot
// or a restore goes, without a profiler. Costs one getenv per process when off.
#include <chrono>
#include <string>
#include <string_view>

namespace autofix {

bool tracing_enabled() noexcept;

// Prints "autofix-gate: trace: <path> <ms> ms" when it goes out of scope, if tracing is on. Scopes nest
// per thread: one opened while "attempt/baseline" is open prints as "attempt/baseline/<what>", so the
// output says which phase holds which. A name "P: what" opened inside a scope whose path has a part
// named P is printed as ".../P/.../what" (the snapshot's and restore's own names, which also stand alone).
// A scope may end before one opened after it (a phase ended by the next phase's start): the others
// keep their paths.
class TraceScope {
 public:
  explicit TraceScope(std::string_view what);
  ~TraceScope();
  TraceScope(const TraceScope&) = delete;
  TraceScope& operator=(const TraceScope&) = delete;

  // The path this scope prints ("attempt/build"); empty when tracing is off.
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
  std::chrono::steady_clock::time_point start_;
};

// The path a scope named `what` gets inside a scope whose path is `parent` (empty: none).
std::string trace_path(std::string_view parent, std::string_view what);

}  // namespace autofix
