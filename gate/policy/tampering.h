// SPDX-License-Identifier: MIT
#pragma once
// Tests weakened by a fix. An automated fixer must not make a red test green by deleting, disabling,
// skipping or unregistering it, by changing its properties so a failure no longer counts, or by editing
// the test itself. Any finding that blocks acceptance turns the verdict into needs_review.
//
// Evidence comes from three places, and one act seen by several of them is reported once:
//   - the fix's text (git::FileDiff): C/C++ test sources and CMake files the fix modified or deleted.
//     Added files are new tests and are never examined; a line removed and re-added with the same text
//     (comments and spacing aside) is a move and means nothing.
//   - CTest's registration at the baseline and with the fix (`ctest --show-only=json-v1`); skipped
//     when the fix's registration is unknown (the build failed).
//   - the classified results: MISSING tests.
//
// Kinds (TamperFinding::kind), most specific first:
//   disabled          TEST/TEST_F/TEST_P/TYPED_TEST/TYPED_TEST_P suite or name renamed to DISABLED_...,
//                     or the DISABLED property turned on.
//   skipped           an added GTEST_SKIP, Catch2 SKIP(...), doctest::skip(), a Catch2 hidden tag ([.],
//                     [.name], [!hide]) added to an existing TEST_CASE, or an added `return N;` /
//                     `exit(N)` where N is a SKIP_RETURN_CODE of the baseline or the fix.
//   property_changed  WILL_FAIL turned on, SKIP_RETURN_CODE set or changed, TIMEOUT cut (see below);
//                     from the registration and from added CMake lines (WILL_FAIL, SKIP_RETURN_CODE,
//                     DISABLED set to a true value).
//   labels_changed    a test's labels changed so that a ctest tier that selected it no longer does.
//   unregistered      a removed add_test / gtest_discover_tests / gtest_add_tests / catch_discover_tests /
//                     doctest_discover_tests line not re-added anywhere in the fix, or a test registered
//                     at the baseline and not with the fix.
//   missing           a test that ran at the baseline and is absent now (results), or a test header
//                     (TEST(...), TEST_CASE("...")) removed and not re-added anywhere in the fix.
//   test_source_edited  an existing test source modified or deleted: one finding per file, at the first
//                     changed line. Only this kind, and only for modifications, is downgraded to a
//                     warning by allow_test_edits; deleting a test source always blocks.
//
// "TIMEOUT cut" means the time limit that made a test fail was cut away: TIMEOUT removed, or raised.
// Both can turn a hanging or too-slow test from a failure (timeout) into a pass; lowering a TIMEOUT can
// only make tests fail, so it is not reported. Raising a limit can be legitimate; a reviewer decides.
//
// Tests disabled at the baseline are ignored (removing a test that never ran weakens nothing).
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gate/results/attempt_result.h"
#include "gate/git/diff_lines.h"
#include "runners/ctest_runner.h"

namespace autofix {

struct TamperInput {
  std::vector<git::FileDiff> diff;                       // the fix, line by line
  std::vector<runners::DiscoveredTest> before;           // registration at the baseline
  std::vector<runners::DiscoveredTest> after;            // with the fix; empty when the build failed
  std::vector<TestOutcome> outcomes;                     // classified results (MISSING ones matter)
  // Repository-relative path -> belongs to a test target or matches the configured test paths. When
  // unset, no file counts as a test source for test_source_edited, and every modified C/C++ file is
  // read for disabled, skipped and deleted tests.
  std::function<bool(const std::string& path)> is_test_source;
  // The text of a repository-relative path in the fixed tree, or nullopt; used only to name the test
  // around an added skip. May be unset (then such findings name no test).
  std::function<std::optional<std::string>(const std::string& path)> read_fixed_file;
  // The labels each ctest tier selects (each a regular expression, all must match, as `ctest -L`);
  // an empty set selects every test.
  std::vector<std::vector<std::string>> tier_label_sets;
  std::filesystem::path source_dir;  // the repository root: DiscoveredTest::source_file is made relative to it
  bool allow_test_edits = false;
};

// Every finding, one per act, sorted by file, line, kind, test and detail.
std::vector<TamperFinding> detect_tampering(const TamperInput& input);

// Everything except a downgraded finding keeps the fix from being accepted (needs_review).
bool blocks_acceptance(const TamperFinding& finding) noexcept;

// One line for the summary:
//   "disabled: tests/parser_test.cpp:12: test 'Parser.Handles': TEST(Parser, Handles) renamed to DISABLED_Handles"
//   "warning: test_source_edited: tests/parser_test.cpp:40: existing test source modified (allowed by --allow-test-edits)"
std::string format_tamper_finding(const TamperFinding& finding);

}  // namespace autofix
