// SPDX-License-Identifier: MIT
#include "reporters/progress.h"

#include <unistd.h>

namespace autofix::reporters {

Progress::Progress(std::FILE* out, bool live) : out_(out), live_(live) {}

Progress Progress::for_stderr() {
  const char* ci = std::getenv("CI");
  return Progress(stderr, ::isatty(STDERR_FILENO) && !(ci && *ci));
}

void Progress::begin(const std::string& phase, const std::string& what) {
  phase_ = phase;
  what_ = what;
  start_ = std::chrono::steady_clock::now();
  if (live_) std::fprintf(out_, "\r\033[K autofix-gate: [%s] %s ...", phase.c_str(), what.c_str());
  else std::fprintf(out_, "autofix-gate: [%s] %s ...\n", phase.c_str(), what.c_str());
  std::fflush(out_);
}

double Progress::end(const std::string& outcome) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (live_) std::fprintf(out_, "\r\033[K");
  std::fprintf(out_, "autofix-gate: [%s] %s (%.1f s)\n", phase_.c_str(), outcome.c_str(), seconds);
  std::fflush(out_);
  return seconds;
}

void Progress::note(const std::string& message) {
  if (live_) std::fprintf(out_, "\r\033[K");
  std::fprintf(out_, "autofix-gate: %s\n", message.c_str());
  std::fflush(out_);
}

}  // namespace autofix::reporters
