// SPDX-License-Identifier: MIT
#include "runners/case_results.h"

#include <fstream>
#include <iterator>

#include "gate/util/error.h"
#include "gate/util/signals.h"

namespace autofix::runners {

namespace fs = std::filesystem;

std::vector<std::pair<std::string, std::string>> environment_pairs(const std::vector<std::string>& entries) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& e : entries) {
    size_t eq = e.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    out.emplace_back(e.substr(0, eq), e.substr(eq + 1));
  }
  return out;
}

DirectCaseRun run_cases_directly(const DiscoveredTest& test, TestFramework framework,
                                 const std::vector<std::string>& cases, const DirectCaseOptions& options) {
  if (test.command.empty() || test.needs_ctest)
    throw Error(ErrorKind::internal, "the gate cannot run '" + test.name + "' on its own",
                "only tests with a command and no CTest-only properties can be");
  DirectCaseRun run;
  std::error_code ec;
  fs::create_directories(options.report_file.parent_path(), ec);
  fs::remove(options.report_file, ec);

  ProcessSpec spec;
  spec.argv = test.command;
  for (std::string& arg : case_report_arguments(framework, options.report_file, cases)) spec.argv.push_back(std::move(arg));
  spec.working_directory = test.working_directory.empty() ? options.build_dir : fs::path(test.working_directory);
  spec.environment = options.environment;
  for (auto& pair : environment_pairs(test.environment)) spec.environment.push_back(std::move(pair));
  spec.timeout = test.timeout && *test.timeout > 0
                     ? std::chrono::milliseconds(static_cast<long long>(*test.timeout * 1000.0))
                     : options.timeout;
  spec.output_cap = 64 * 1024;
  spec.on_started = options.on_started;
  run.process = run_process(spec);
  const ProcessResult& p = run.process;
  if (p.interrupted) {
    throw_if_interrupted();
    throw Error(ErrorKind::internal, "running '" + test.name + "' was stopped by an interrupt");
  }
  if (p.timed_out || p.signal != 0) {
    run.problem = p.describe();
    return run;
  }
  std::ifstream in(options.report_file, std::ios::binary);
  if (!in) {
    run.problem = "it wrote no report (" + p.describe() + ")";
    return run;
  }
  if (uintmax_t size = fs::file_size(options.report_file, ec); ec || size > kMaxXmlBytes) {
    run.problem = "its report is larger than " + std::to_string(kMaxXmlBytes) + " bytes";
    return run;
  }
  std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    run.cases = parse_test_binary_xml(xml, test.name, options.report_file.string());
  } catch (const Error& e) {
    run.problem = e.what();
    run.cases.clear();
  }
  if (run.problem.empty() && run.cases.empty()) run.problem = "its report lists no case (" + p.describe() + ")";
  return run;
}

}  // namespace autofix::runners
