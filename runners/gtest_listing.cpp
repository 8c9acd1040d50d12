// SPDX-License-Identifier: MIT
#include "runners/gtest_listing.h"

#include <fstream>
#include <iterator>
#include <utility>

#include "gate/util/error.h"
#include "gate/util/signals.h"
#include "runners/case_results.h"
#include "runners/junit_reader.h"
#include "runners/test_framework.h"

namespace autofix::runners {

namespace fs = std::filesystem;

std::optional<std::string> single_gtest_case(const DiscoveredTest& test) {
  std::optional<std::string> filter;
  for (const std::string& arg : test.command)
    if (arg.starts_with("--gtest_filter=")) filter = arg.substr(std::string_view("--gtest_filter=").size());
  if (!filter || filter->empty() || filter->find_first_of("*?:-") != std::string::npos) return std::nullopt;
  return filter;
}

GtestListing list_gtest_binary(const fs::path& binary, const DiscoveredTest& test, const fs::path& listing_file,
                               const GtestListingOptions& options) {
  GtestListing listing;
  std::error_code ec;
  fs::create_directories(listing_file.parent_path(), ec);
  fs::remove(listing_file, ec);
  ProcessSpec spec;
  // The binary itself, not the test's command: a wrapper (valgrind, an emulator) would cost more than
  // the listing is worth, and the test's own arguments may select or run things.
  spec.argv = {binary.string(), "--gtest_list_tests", "--gtest_output=xml:" + listing_file.string()};
  spec.working_directory = test.working_directory.empty() ? options.build_dir : fs::path(test.working_directory);
  spec.environment = environment_pairs(test.environment);
  // GTEST_FILTER or GTEST_OUTPUT in the gate's own environment must not shorten or move the listing.
  spec.environment.push_back({"GTEST_FILTER", "*"});
  spec.timeout = options.timeout;
  spec.output_cap = 16 * 1024;  // the listing is printed too; the XML file is what is read
  spec.on_started = options.on_started;
  try {
    listing.process = run_process(spec);
  } catch (const Error& e) {
    listing.problem = e.what();
    return listing;
  }
  const ProcessResult& p = listing.process;
  if (p.interrupted) {
    throw_if_interrupted();
    listing.problem = "stopped by an interrupt";
    return listing;
  }
  if (!p.succeeded()) {
    listing.problem = p.describe();
    return listing;
  }
  if (uintmax_t size = fs::file_size(listing_file, ec); ec || size > kMaxXmlBytes) {
    listing.problem = ec ? "it wrote no listing" : "its listing is larger than " + std::to_string(kMaxXmlBytes) + " bytes";
    return listing;
  }
  std::ifstream in(listing_file, std::ios::binary);
  std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    listing.cases = parse_gtest_listing(xml, listing_file.string());
  } catch (const Error& e) {
    listing.problem = e.what();
  }
  return listing;
}

std::map<std::string, SourceLocation> gtest_case_definitions(const std::vector<DiscoveredTest>& tests,
                                                             const GtestListingOptions& options) {
  // binary -> (the first test that runs it, every (CTest test, case) of it)
  struct Binary {
    const DiscoveredTest* first = nullptr;
    std::vector<std::pair<std::string, std::string>> tests;
  };
  std::map<fs::path, Binary> binaries;
  for (const DiscoveredTest& t : tests) {
    std::optional<std::string> case_name = single_gtest_case(t);
    fs::path binary;
    if (!case_name || framework_of(t, &binary) != TestFramework::googletest) continue;
    Binary& b = binaries[binary.lexically_normal()];
    if (!b.first) b.first = &t;
    b.tests.emplace_back(t.name, std::move(*case_name));
  }
  std::map<std::string, SourceLocation> out;
  size_t n = 0;
  for (const auto& [binary, b] : binaries) {
    ++n;
    std::optional<std::map<std::string, SourceLocation>> cases;
    if (options.find_listing) cases = options.find_listing(binary, *b.first);
    if (!cases) {
      fs::path file = options.listing_dir / (std::to_string(n) + ".xml");
      GtestListing listing = list_gtest_binary(binary, *b.first, file, options);
      if (listing.problem.empty() && options.keep_listing) options.keep_listing(binary, *b.first, listing.cases);
      cases = std::move(listing.cases);
    }
    for (const auto& [test, case_name] : b.tests)
      if (auto it = cases->find(case_name); it != cases->end()) out.emplace(test, it->second);
  }
  return out;
}

}  // namespace autofix::runners
