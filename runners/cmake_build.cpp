// SPDX-License-Identifier: MIT
#include "runners/cmake_build.h"

#include <sstream>
#include <thread>

namespace autofix::runners {

namespace {

ProcessResult run_step(const BuildOptions& o, std::vector<std::string> argv, std::chrono::milliseconds timeout) {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.working_directory = o.source_dir;
  spec.timeout = timeout;
  spec.on_started = o.on_started;
  spec.output_cap = 512 * 1024;
  // Untranslated diagnostics, so "error:" lines can be found whatever the user's language.
  spec.environment = {{"LC_ALL", "C"}};
  return run_process(spec);
}

std::chrono::milliseconds remaining(const BuildOptions& o, std::chrono::steady_clock::time_point start) {
  if (o.timeout.count() == 0) return std::chrono::milliseconds(0);
  auto left = o.timeout - std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  return std::max(left, std::chrono::milliseconds(1));
}

}  // namespace

std::vector<std::string> first_errors(const std::string& output, size_t limit) {
  std::vector<std::string> out;
  std::istringstream lines(output);
  for (std::string line; out.size() < limit && std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    bool error = line.find(": error:") != std::string::npos || line.find(": fatal error:") != std::string::npos ||
                 line.find("undefined reference to") != std::string::npos ||
                 line.starts_with("CMake Error") || line.find("ld returned") != std::string::npos;
    if (error) out.push_back(line.size() > 500 ? line.substr(0, 500) + " [...]" : line);
  }
  return out;
}

BuildResult configure_and_build(const BuildOptions& o) {
  BuildResult result;
  auto start = std::chrono::steady_clock::now();
  auto finish = [&] {
    result.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
  };
  if (o.reconfigure || !std::filesystem::exists(o.build_dir / "CMakeCache.txt")) {
    std::vector<std::string> argv{"cmake", "-S", o.source_dir.string(), "-B", o.build_dir.string()};
    argv.insert(argv.end(), o.configure_arguments.begin(), o.configure_arguments.end());
    ProcessResult configure = run_step(o, argv, remaining(o, start));
    result.configured = true;
    if (!configure.succeeded()) {
      result.output = configure.out + configure.err;
      result.errors = first_errors(result.output);
      result.failure = "configure failed (" + configure.describe() + ")";
      result.timed_out = configure.timed_out;
      return finish();
    }
  }
  unsigned jobs = o.jobs ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::string> argv{"cmake", "--build", o.build_dir.string(), "-j", std::to_string(jobs)};
  if (o.clean_first) argv.push_back("--clean-first");
  ProcessResult build = run_step(o, argv, remaining(o, start));
  result.output = build.out + build.err;
  if (!build.succeeded()) {
    result.errors = first_errors(result.output);
    result.failure = "build failed (" + build.describe() + ")";
    result.timed_out = build.timed_out;
    return finish();
  }
  result.ok = true;
  return finish();
}

}  // namespace autofix::runners
