// SPDX-License-Identifier: MIT
// Verdicts on the kinds of test binaries real projects register as ONE CTest test, end to end on
// attempt_data/shapes: a GoogleTest suite named "shapes::gtest suite" with DISABLED_ cases, a Catch2 and
// a doctest binary with names full of regular-expression characters, a runner of its own that counts
// its checks and needs its working directory, and a test that hangs until its bug is fixed; all under a
// CTestCustom.cmake whose commands print around ctest's own output.
// The fixes are tried together twice: alone (accepted, each binary's fixed case named) and with a breaking
// edit per binary (rejected, the broken cases named). The re-runs that tell flakes (on by default) run
// single cases through each framework's own filter, never the whole binary; a fixed case runs again once.
#include <gtest/gtest.h>

#include <pugixml.hpp>

#include <algorithm>
#include <map>

#include "gate/results/test_names.h"
#include "tests/e2e/attempt_data/calculator_repo.h"

namespace autofix::testing {
namespace {

using attempt::json_strings;
using attempt::make_patch;
using attempt::ProjectCopy;
using attempt::refs_under;
using attempt::replaced;
using attempt::shapes_template;
using attempt::source_fingerprint;
using nlohmann::json;
using Strings = std::vector<std::string>;

class Shapes : public ProjectCopy {
 public:
  Shapes() : ProjectCopy(shapes_template()) {}

  std::string source(const std::string& path) const { return read_file(repo() / path); }

  // The library with `edits` (from -> to, in shapes.cpp, or in perimeter.h for perimeter's body) applied,
  // as a patch.
  std::string patch_of_library(const std::vector<std::pair<std::string, std::string>>& edits, const std::string& name) const {
    std::map<std::string, std::string> files;
    for (const auto& [from, to] : edits) {
      std::string file = from.find("2 * (width + height)") != std::string::npos ? "shapes/perimeter.h" : "shapes/shapes.cpp";
      if (!files.count(file)) files[file] = source(file);
      files[file] = replaced(files[file], from, to);
    }
    return make_patch(*this, files, name);
  }

  // An attempt with a short limit for each test: the hanging test ends after it (every other test of the
  // project takes milliseconds), on each of its runs.
  runners::ProcessResult try_patch(const std::string& patch) const {
    return attempt({"--patch", patch, "--test-timeout", "2"});
  }
};

const char* const kGtest = "shapes::gtest suite";
const char* const kCatch = "catch [suite] (v2)";
const char* const kDoctest = "doctest.suite+";

std::string in(const std::string& ctest, const std::string& case_name) { return test_name(ctest, case_name); }

Strings sorted(Strings s) {
  std::sort(s.begin(), s.end());
  return s;
}

Strings with(const json& report, const std::string& transition) {
  return sorted(json_strings(report.at("tests_status").at(transition)));
}

// The test of report.json named `name`; a null document (and a failure) when there is none.
const json& test_named(const json& report, const std::string& name) {
  static const json none;
  for (const json& t : report.at("tests"))
    if (t.at("name") == name) return t;
  ADD_FAILURE() << "no test named '" << name << "' in report.json";
  return none;
}

// The names of the regressions, as the ctest tier's findings list them.
Strings regressions(const json& report) {
  Strings out;
  for (const json& t : report.at("tiers"))
    if (t.at("kind") == "ctest")
      for (const json& f : t.at("findings")) out.push_back(f.at("fingerprint").get<std::string>());
  return sorted(out);
}

// What the ctest tier's finding says about the regression `name`.
std::string regression_message(const json& report, const std::string& name) {
  for (const json& t : report.at("tiers"))
    if (t.at("kind") == "ctest")
      for (const json& f : t.at("findings"))
        if (f.at("fingerprint") == name) return f.at("message").get<std::string>();
  return "(no finding for " + name + ")";
}

void expect_restored(const Shapes& s, const TreeFingerprint& before, const runners::ProcessResult& r) {
  TreeFingerprint after = source_fingerprint(s.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after) << show(r);
  EXPECT_EQ(s.git_out({"rev-parse", "HEAD"}), s.original_head());
  EXPECT_FALSE(fs::exists(s.journal())) << show(r);
}

// Every baseline failure the fixture has, and the tests that do not run on either tree.
void expect_baseline(const json& report) {
  Strings skipped = with(report, "SKIPPED");
  Strings want_skipped = sorted({in(kGtest, "PerimeterTest.DISABLED_Negative"), in(kGtest, "PerimeterTest.DISABLED_Huge"),
                                 in(kGtest, "DISABLED_FutureTest.Everything"), in(kGtest, "AreaTest.SkippedOnPurpose")});
  EXPECT_EQ(skipped, want_skipped);
  for (const json& t : report.at("tests")) {
    EXPECT_NE(t.at("name"), "ignored: always fails") << "CTEST_CUSTOM_TESTS_IGNORE was not honoured";
  }
}

// The library's bugs, one per test binary, and what each fix changes (from -> to).
const std::pair<std::string, std::string> kFixArea{"return width * width;", "return width * height;"};
const std::pair<std::string, std::string> kFixClamp{"if (value > high) return low;", "if (value > high) return high;"};
const std::pair<std::string, std::string> kFixDigits{"while (value > 10) {", "while (value >= 10) {"};
const std::pair<std::string, std::string> kFixSumTo{"for (int i = 1; i < n; ++i)", "for (int i = 1; i <= n; ++i)"};
const std::pair<std::string, std::string> kFixHalvings{"while (n != 0) {", "while (n > 0) {"};
// And one breaking edit per binary.
const std::pair<std::string, std::string> kBreakPerimeter{"return 2 * (width + height);", "return 2 * (width + height) + 1;"};
const std::pair<std::string, std::string> kBreakClampLow{"if (value < low) return low;", "if (value < low) return high;"};
const std::pair<std::string, std::string> kBreakSmallDigits{"  int count = 1;\n", "  if (value < 10) return 0;\n  int count = 1;\n"};
const std::pair<std::string, std::string> kBreakAverage{"return (a + b) / 2;", "return (a + b) / 2 + (a > 5);"};

// One attempt fixes every bug at once: each binary's fixed case is named, and the hanging test counts as a
// failing test of the baseline. (One test per binary judged the same names at five times the cost: each a
// new copy with a baseline of its own, and the hang waited out on every run.)
TEST(Frameworks, EachKindOfTestBinaryNamesItsFixedAndItsBrokenCases) {
  Shapes s;
  TreeFingerprint before = source_fingerprint(s.repo());
  std::string fix = s.patch_of_library({kFixArea, kFixClamp, kFixDigits, kFixSumTo, kFixHalvings}, "every fix");
  runners::ProcessResult r = s.try_patch(fix);
  ASSERT_EQ(r.exit_code, 0) << show(r);
  json report = s.report();
  EXPECT_EQ(report.at("verdict"), "accepted");
  EXPECT_EQ(with(report, "FAIL_TO_PASS"),
            sorted({kGtest, in(kGtest, "AreaTest.Rectangle"), kCatch, in(kCatch, "clamp, above the range: high [edge]"),
                    kDoctest, in(kDoctest, "digits of 10, 100 and 1000"), "selfcheck", "halvings"}));
  EXPECT_EQ(with(report, "PASS_TO_FAIL"), Strings{});
  expect_baseline(report);
  // Each fixed case was re-run alone, once (a fix is confirmed by one re-run), through ctest and its
  // framework's own filter, and passed; its CTest test, the whole binary, was not run again.
  const json& area = test_named(report, in(kGtest, "AreaTest.Rectangle"));
  EXPECT_EQ(area.at("ctest_test"), kGtest);
  EXPECT_EQ(area.at("case"), "AreaTest.Rectangle");
  for (const std::string& name : {in(kGtest, "AreaTest.Rectangle"), in(kCatch, "clamp, above the range: high [edge]"),
                                  in(kDoctest, "digits of 10, 100 and 1000")}) {
    EXPECT_EQ(json_strings(test_named(report, name).at("reruns")), Strings(1, "passed")) << name;
  }
  for (const char* binary : {kGtest, kCatch, kDoctest})
    EXPECT_EQ(json_strings(test_named(report, binary).at("reruns")), Strings{}) << binary;
  // The test that hung without the fix ran out of its time and was judged as a failing test.
  EXPECT_EQ(test_named(report, "halvings").at("baseline").at("status"), "timeout");
  EXPECT_EQ(test_named(report, "halvings").at("after").at("status"), "passed");
  expect_restored(s, before, r);
  EXPECT_EQ(refs_under(s.repo(), "refs/heads/autofix/").size(), 1u);
  // Names with "::", spaces, brackets and dots: valid for both schemas, one key each for GitLab.
  ASSERT_FALSE(junit_readers(s.reports(), s.repo()).is_null());

  // Then four of the fixes with a breaking edit for each binary (the hanging test is not fixed: it hangs on
  // both trees, a failing test that does not stop the judgment): the broken cases of every binary are
  // named, nothing else.
  std::string bad = s.patch_of_library({kFixArea, kFixClamp, kFixDigits, kFixSumTo, kBreakPerimeter, kBreakClampLow,
                                        kBreakSmallDigits, kBreakAverage},
                                       "four fixes and a break per binary");
  r = s.try_patch(bad);
  ASSERT_EQ(r.exit_code, 1) << show(r);
  report = s.report();
  EXPECT_EQ(report.at("verdict"), "rejected");
  // junit.xml: the broken cases fail, named as their frameworks name them under their CTest test, beside the
  // tests that fail without the fix too; the CTest tests that failed through their cases are no cases of
  // their own.
  json readers = junit_readers(s.reports(), s.repo());
  ASSERT_FALSE(readers.is_null());
  Strings failed;
  for (const json& t : readers["junit.xml"]["gitlab"]["cases"])
    if (t.at("status") == "failed") failed.push_back(t.at("classname").get<std::string>() + " | " + t.at("name").get<std::string>());
  EXPECT_EQ(sorted(failed), sorted({"PerimeterTest | Basic", std::string(kCatch) + " | perimeter of a square",
                                    std::string(kCatch) + " | clamp below the range/far below",
                                    std::string(kCatch) + " | clamp below the range/just below",
                                    std::string(kDoctest) + " | digits of small numbers", "ctest | halvings", "ctest | selfcheck"}));
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file((s.reports() / "junit.xml").c_str()));
  Strings regressions_in_junit;
  for (pugi::xml_node c : doc.child("testsuite").children("testcase"))
    if (std::string(c.child("failure").attribute("type").value()) == "PASS_TO_FAIL")
      regressions_in_junit.push_back(std::string(c.attribute("classname").value()) + " | " + c.attribute("name").value());
  EXPECT_EQ(sorted(regressions_in_junit), sorted({"PerimeterTest | Basic", std::string(kCatch) + " | perimeter of a square",
                                                 std::string(kCatch) + " | clamp below the range/far below",
                                    std::string(kCatch) + " | clamp below the range/just below",
                                    std::string(kDoctest) + " | digits of small numbers"}));
  EXPECT_TRUE(report.at("baseline").at("cached"));
  EXPECT_EQ(regressions(report),
            sorted({in(kGtest, "PerimeterTest.Basic"), in(kCatch, "perimeter of a square"),
                    in(kCatch, "clamp below the range/far below"), in(kCatch, "clamp below the range/just below"),
                    in(kDoctest, "digits of small numbers"), "selfcheck"}));
  // The fixed cases are still fixed in the same attempt (their binaries, each with a broken case, are not).
  EXPECT_EQ(with(report, "FAIL_TO_PASS"),
            sorted({in(kGtest, "AreaTest.Rectangle"), in(kCatch, "clamp, above the range: high [edge]"),
                    in(kDoctest, "digits of 10, 100 and 1000")}));
  expect_baseline(report);
  // The runner of its own fails before and after: its new failures are what make it a regression.
  const json& selfcheck = test_named(report, "selfcheck");
  EXPECT_EQ(selfcheck.at("transition"), "FAIL_TO_FAIL");
  EXPECT_EQ(json_strings(selfcheck.at("new_failures")),
            (Strings{"check average(10, 20) failed: expected 15, got 16", "1 of 5 checks failed"}));
  EXPECT_EQ(regression_message(report, "selfcheck"),
            "selfcheck failed without the fix and fails with it in new ways: check average(10, 20) failed: expected 15, "
            "got 16 (and 1 more)");
  EXPECT_TRUE(report.at("reason").get<std::string>().starts_with("6 test(s) broken by the fix: ")) << report.at("reason");
  // The hanging test ran out of its time on both trees: failing before and after, not a regression.
  const json& halvings = test_named(report, "halvings");
  EXPECT_EQ(halvings.at("transition"), "FAIL_TO_FAIL");
  EXPECT_EQ(halvings.at("baseline").at("status"), "timeout");
  EXPECT_EQ(halvings.at("after").at("status"), "timeout");
  // Both changed files reach every broken test, and no test's output names one: the report names both, it
  // does not pick one by name (the fix's own shapes.cpp comes first by name).
  for (const json& c : report.at("cascading")) {
    SCOPED_TRACE(c.dump());
    EXPECT_EQ(c.at("changed_file"), "");
    Strings files;
    for (const json& k : c.at("candidates")) files.push_back(k.at("file").get<std::string>());
    EXPECT_EQ(sorted(files), (Strings{"shapes/perimeter.h", "shapes/shapes.cpp"}));
  }
  EXPECT_EQ(report.at("cascading").size(), regressions(report).size());
  expect_restored(s, before, r);
}

}  // namespace
}  // namespace autofix::testing
