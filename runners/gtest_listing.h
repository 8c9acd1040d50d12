// SPDX-License-Identifier: MIT
#pragma once
// Where the cases of GoogleTest binaries are defined, for tests registered one case per CTest test
// (gtest_discover_tests). ctest runs such tests without GTEST_OUTPUT (runners/ctest_runner.h), and CTest
// records no registration line for them, so nothing in a test run says where they are defined. One
// `<binary> --gtest_list_tests --gtest_output=xml:FILE` per binary does: it lists every case with its file
// and line and runs none. A binary that cannot list (it fails, hangs, crashes, writes junk, or runs only
// under a wrapper) gives no locations: locations are an aid, never part of a verdict.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gate/results/attempt_result.h"
#include "runners/discovered_test.h"
#include "runners/process.h"

namespace autofix::runners {

// The one case a test runs when its command selects exactly one GoogleTest case ("--gtest_filter=Suite.Case"
// with no wildcard, ':' or '-', as gtest_discover_tests writes); else nullopt.
std::optional<std::string> single_gtest_case(const DiscoveredTest& test);

struct GtestListingOptions {
  std::filesystem::path build_dir;    // the working directory when a test names none
  std::filesystem::path listing_dir;  // each listing's XML file goes here (replaced)
  std::chrono::milliseconds timeout{10'000};  // per binary
  std::function<void(int process_group)> on_started;
  // A listing made before, of `binary` as listed for `test`, when the caller kept one (nullopt: list it).
  std::function<std::optional<std::map<std::string, SourceLocation>>(const std::filesystem::path& binary,
                                                                     const DiscoveredTest& test)>
      find_listing;
  // Called with each listing that was read whole (no `problem`), for find_listing to give next time.
  std::function<void(const std::filesystem::path& binary, const DiscoveredTest& test,
                     const std::map<std::string, SourceLocation>& cases)>
      keep_listing;
};

struct GtestListing {
  std::map<std::string, SourceLocation> cases;  // "Suite.Case" -> where defined, the path as printed
  ProcessResult process;
  std::string problem;  // why no cases could be read; empty when read
};

// Lists the cases of `binary`, run in `test`'s working directory with its ENVIRONMENT. Throws
// Interrupted when the gate was interrupted; any other failure is a `problem`.
GtestListing list_gtest_binary(const std::filesystem::path& binary, const DiscoveredTest& test,
                               const std::filesystem::path& listing_file, const GtestListingOptions& options);

// Where each of `tests` that runs a single case of a GoogleTest binary has that case defined: CTest test
// name -> location (the path as the binary printed it). Each distinct binary is listed once, with the
// working directory and environment of the first of its tests (or taken from options.find_listing); tests of no GoogleTest binary, of a
// binary that lists nothing, or whose case the listing lacks are left out. Throws only Interrupted.
std::map<std::string, SourceLocation> gtest_case_definitions(const std::vector<DiscoveredTest>& tests,
                                                             const GtestListingOptions& options);

}  // namespace autofix::runners
