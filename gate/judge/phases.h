// SPDX-License-Identifier: MIT
#pragma once
// What every judging step shares: the limits it runs under, and how it reports its phases (progress lines,
// durations, and the journal's phase, so that `recover` can say where a run stopped).
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gate/state/operation.h"
#include "gate/util/trace.h"
#include "reporters/progress.h"

namespace autofix {

// What every step needs to know about limits.
struct RunSettings {
  std::chrono::seconds timeout{600};       // the build, each tier, each whole ctest run
  std::chrono::seconds test_timeout{300};  // each test that sets no CTest TIMEOUT (at most half of `timeout`)
  unsigned jobs = 0;
  int flaky_reruns = 4;
  std::function<bool(const std::string&)> in_shard;  // `verify --shard`: the CTest tests of this job; null: all
};

// Phases after the snapshot report through this: progress lines, durations, the journal, and a trace
// scope (AUTOFIX_GATE_TRACE) named `trace_name`, or the phase's name when that is empty.
class Phases {
 public:
  Phases(reporters::Progress& progress, std::vector<std::pair<std::string, double>>& durations, Operation* op)
      : progress_(progress), durations_(durations), op_(op) {}
  // Throws Interrupted when a signal is pending (a phase is a safe point to stop at)...
  void begin(const std::string& phase, const std::string& what, const std::string& trace_name = {});
  // ...except once the outcome is committed (an accepted fix's branch exists): what is left (restoring
  // the checkout, the reports) runs to its end, and the interrupt is reported with the outcome.
  void begin_after_decision(const std::string& phase, const std::string& what, const std::string& trace_name = {});
  void end(const std::string& outcome);
  void note(const std::string& message) { progress_.note(message); }

 private:
  reporters::Progress& progress_;
  std::vector<std::pair<std::string, double>>& durations_;
  Operation* op_;
  std::string current_;
  std::optional<TraceScope> trace_;
};

}  // namespace autofix
