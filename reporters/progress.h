// SPDX-License-Identifier: MIT
#pragma once
// Phase lines on stderr while an attempt runs: a live line on a terminal, plain lines in CI logs.
#include <chrono>
#include <cstdio>
#include <string>

namespace autofix::reporters {

class Progress {
 public:
  // `live` rewrites one line in place (a terminal); otherwise each event is its own line.
  explicit Progress(std::FILE* out, bool live);
  static Progress for_stderr();

  // Starts a phase: "autofix-gate: [build] building with the fix ..."
  void begin(const std::string& phase, const std::string& what);
  // Ends the current phase with its outcome and duration; returns the duration in seconds.
  double end(const std::string& outcome);
  // A message between phases (warnings, takeovers).
  void note(const std::string& message);

 private:
  std::FILE* out_;
  bool live_;
  std::string phase_;
  std::string what_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace autofix::reporters
