// SPDX-License-Identifier: MIT
#pragma once
// Configures (when the build directory has no cache yet) and builds a CMake project.
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "runners/process.h"

namespace autofix::runners {

struct BuildOptions {
  std::filesystem::path source_dir;
  std::filesystem::path build_dir;
  std::chrono::milliseconds timeout{0};
  unsigned jobs = 0;                               // 0: as many as cores
  std::vector<std::string> configure_arguments;    // extra `cmake -S -B` arguments on first configure
  bool clean_first = false;                        // `--clean-first`: outputs of a killed build cannot be trusted
  bool reconfigure = false;                        // run `cmake -S -B` even when the build is configured
  std::function<void(int process_group)> on_started;
};

struct BuildResult {
  bool ok = false;
  bool configured = false;                 // this run configured the build directory
  double duration_s = 0;
  std::vector<std::string> errors;         // the first compiler/CMake error lines, in order
  std::string output;                      // capped output of the failing step (or of the build)
  std::string failure;                     // "configure failed (exit code 1)", "build timed out after 600 s", ...
  bool timed_out = false;                  // the configure or build step reached its limit: nothing is known
};

BuildResult configure_and_build(const BuildOptions& options);

// The first `limit` lines that report an error: compiler diagnostics ("file:line:col: error: ..."),
// linker failures, CMake errors and ninja/make failure lines.
std::vector<std::string> first_errors(const std::string& output, size_t limit = 10);

}  // namespace autofix::runners
