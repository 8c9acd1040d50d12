// SPDX-License-Identifier: MIT
#include "gate/judge/phases.h"

#include "gate/util/signals.h"

namespace autofix {

void Phases::begin(const std::string& phase, const std::string& what, const std::string& trace_name) {
  throw_if_interrupted();
  begin_after_decision(phase, what, trace_name);
}

void Phases::begin_after_decision(const std::string& phase, const std::string& what, const std::string& trace_name) {
  trace_.reset();  // a phase left open ends where the next begins
  trace_.emplace(trace_name.empty() ? phase : trace_name);
  current_ = phase;
  if (op_) op_->set_phase(phase);
  progress_.begin(phase, what);
}

void Phases::end(const std::string& outcome) {
  durations_.emplace_back(current_, progress_.end(outcome));
  trace_.reset();
}
}  // namespace autofix
