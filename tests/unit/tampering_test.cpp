// SPDX-License-Identifier: MIT
#include "gate/policy/tampering.h"

#include <gtest/gtest.h>

#include "gate/git/repository.h"
#include "gate/git/handles.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using git::FileDiff;
using git::LineChange;
using runners::DiscoveredTest;

// ---- building inputs by hand ----------------------------------------------------------------------

LineChange removed(int old_line, std::string text) { return {'-', old_line, 0, std::move(text)}; }
LineChange added(int new_line, std::string text) { return {'+', 0, new_line, std::move(text)}; }

FileDiff modified(std::string path, std::vector<LineChange> lines) {
  FileDiff f;
  f.path = path;
  f.old_path = path;
  f.status = FileStatus::modified;
  f.lines = std::move(lines);
  return f;
}

FileDiff with_status(FileDiff f, FileStatus status) {
  f.status = status;
  return f;
}

DiscoveredTest registered(std::string name, int line = 0, std::string file = "/src/tests/CMakeLists.txt") {
  DiscoveredTest t;
  t.name = std::move(name);
  t.command = {"/build/tests/" + t.name};
  if (line > 0) {
    t.source_file = std::move(file);
    t.source_line = line;
  }
  return t;
}

TamperInput input(std::vector<FileDiff> diff) {
  TamperInput in;
  in.diff = std::move(diff);
  // as a project's test paths would: the sources under tests/, not its CMake files
  in.is_test_source = [](const std::string& path) {
    return path.starts_with("tests/") && !path.ends_with("CMakeLists.txt");
  };
  in.source_dir = "/src";
  return in;
}

// Every field, so a comparison is exact.
std::string show(const TamperFinding& f) {
  return to_string(f.kind) + ("|" + f.file) + "|" + std::to_string(f.line) + "|" + f.test + "|" + f.detail +
         (f.downgraded ? "|downgraded" : "");
}

std::vector<std::string> detect(const TamperInput& in) {
  std::vector<std::string> out;
  for (const TamperFinding& f : detect_tampering(in)) out.push_back(show(f));
  return out;
}

using Lines = std::vector<std::string>;

const char* kEdited = "test_source_edited|tests/parser_test.cpp|12|";

// ---- disabled ---------------------------------------------------------------------------------------

TEST(TamperingDisabled, TestRenamedToDisabledNamesTheTestAndLine) {
  TamperInput in = input({modified("tests/parser_test.cpp", {removed(12, "TEST(Parser, Handles) {"),
                                                             added(12, "TEST(Parser, DISABLED_Handles) {")})});
  EXPECT_EQ(detect(in), (Lines{"disabled|tests/parser_test.cpp|12|Parser.Handles|TEST(Parser, Handles) renamed to "
                               "DISABLED_Handles",
                               std::string(kEdited) + "|existing test source modified (1 line(s) added, 1 removed)"}));
}

TEST(TamperingDisabled, SuiteRenamedInTestF) {
  TamperInput in = input({modified("tests/lexer_test.cpp", {removed(40, "TEST_F(LexerTest, SkipsComments)"),
                                                            added(40, "TEST_F(DISABLED_LexerTest, SkipsComments)")})});
  in.is_test_source = nullptr;  // no classifier: every modified C++ file is read, none counts as an edit
  EXPECT_EQ(detect(in), (Lines{"disabled|tests/lexer_test.cpp|40|LexerTest.SkipsComments|TEST_F(LexerTest, "
                               "SkipsComments): suite renamed to DISABLED_LexerTest"}));
}

TEST(TamperingDisabled, OneFindingWhenTextRegistrationAndResultsSeeTheSameTest) {
  TamperInput in = input({modified("tests/parser_test.cpp", {removed(12, "TEST(Parser, Handles) {"),
                                                             added(12, "TEST(Parser, DISABLED_Handles) {")})});
  in.before = {registered("Parser.Handles"), registered("Parser.Empty")};  // gtest_discover_tests: no source
  in.after = {registered("Parser.Empty")};
  TestOutcome gone;
  gone.name = "Parser.Handles";
  gone.baseline = TestRecord{gone.name, RunStatus::failed, 0, ""};
  gone.transition = Transition::MISSING;
  in.outcomes = {gone};
  EXPECT_EQ(detect(in), (Lines{"disabled|tests/parser_test.cpp|12|Parser.Handles|TEST(Parser, Handles) renamed to "
                               "DISABLED_Handles",
                               std::string(kEdited) + "|existing test source modified (1 line(s) added, 1 removed)"}));
}

TEST(TamperingDisabled, DisabledPropertyFromRegistrationTakesTheCMakeLine) {
  TamperInput in = input({modified("tests/CMakeLists.txt",
                                   {added(9, "set_tests_properties(parser_tests PROPERTIES DISABLED TRUE)")})});
  in.before = {registered("parser_tests", 7), registered("lexer_tests", 8)};
  in.after = in.before;
  in.after[0].disabled = true;
  EXPECT_EQ(detect(in),
            (Lines{"disabled|tests/CMakeLists.txt|9|parser_tests|the DISABLED property was turned on"}));
}

TEST(TamperingDisabled, DisabledPropertyTextAloneWhenTheBuildFailed) {
  TamperInput in = input({modified("tests/CMakeLists.txt",
                                   {added(9, "set_tests_properties(parser_tests PROPERTIES DISABLED ON)")})});
  in.before = {registered("parser_tests", 7)};  // after stays empty: no registration checks
  EXPECT_EQ(detect(in), (Lines{"property_changed|tests/CMakeLists.txt|9|parser_tests|DISABLED set to ON: the test "
                               "no longer runs"}));
}

TEST(TamperingDisabled, NewDisabledTestsAreFine) {
  FileDiff new_file;
  new_file.path = new_file.old_path = "tests/new_test.cpp";
  new_file.status = FileStatus::added;
  new_file.lines = {added(1, "#include <gtest/gtest.h>"), added(3, "TEST(NewThing, DISABLED_Slow) {"),
                    added(4, "  GTEST_SKIP() << \"later\";"), added(5, "}")};
  // a new disabled test in an existing file is an edit, not a disabled test
  FileDiff existing = modified("tests/parser_test.cpp", {added(12, "TEST(Parser, DISABLED_NewCase) {}")});
  EXPECT_EQ(detect(input({new_file, existing})),
            (Lines{std::string(kEdited) + "|existing test source modified (1 line(s) added, 0 removed)"}));
}

// ---- skipped ----------------------------------------------------------------------------------------

TEST(TamperingSkipped, GtestSkipNamesTheEnclosingTestFromTheFixedFile) {
  TamperInput in = input({modified("tests/parser_test.cpp", {added(14, "  GTEST_SKIP() << \"flaky\";")})});
  in.read_fixed_file = [](const std::string& path) -> std::optional<std::string> {
    if (path != "tests/parser_test.cpp") return std::nullopt;
    return "#include <gtest/gtest.h>\n\nTEST(Parser, Empty) {}\n" + std::string(9, '\n') +
           "TEST(Parser, Handles) {\n  GTEST_SKIP() << \"flaky\";\n  EXPECT_TRUE(parse(\"x\"));\n}\n";
  };
  EXPECT_EQ(detect(in), (Lines{"skipped|tests/parser_test.cpp|14|Parser.Handles|GTEST_SKIP() added",
                               "test_source_edited|tests/parser_test.cpp|14||existing test source modified (1 "
                               "line(s) added, 0 removed)"}));
}

TEST(TamperingSkipped, Catch2HiddenTagAndSkipAndDoctestSkip) {
  TamperInput in = input({
      modified("tests/catch_test.cpp",
               {removed(5, R"(TEST_CASE("parses empty input", "[parser]") {)"),
                added(5, R"(TEST_CASE("parses empty input", "[parser][.]") {)"),
                added(21, R"(  SKIP("not today");)")}),
      modified("tests/doctest_test.cpp", {removed(3, R"(TEST_CASE("adds numbers") {)"),
                                          added(3, R"(TEST_CASE("adds numbers" * doctest::skip()) {)")}),
  });
  in.is_test_source = nullptr;
  EXPECT_EQ(detect(in),
            (Lines{R"(skipped|tests/catch_test.cpp|5|parses empty input|TEST_CASE("parses empty input") tagged )"
                   R"("[parser][.]": hidden from default runs)",
                   "skipped|tests/catch_test.cpp|21||SKIP() added",
                   "skipped|tests/doctest_test.cpp|3|adds numbers|doctest::skip() added"}));
}

TEST(TamperingSkipped, ReturnOfANewSkipReturnCode) {
  TamperInput in = input({modified("tests/io_test.cpp", {added(8, "  if (!getenv(\"CI\")) return 77;")})});
  in.is_test_source = nullptr;
  in.before = {registered("io_test", 3)};
  in.after = in.before;
  in.after[0].skip_return_code = 77;
  EXPECT_EQ(detect(in),
            (Lines{"property_changed|tests/CMakeLists.txt|3|io_test|SKIP_RETURN_CODE 77 was set: exiting with 77 "
                   "counts as skipped",
                   "skipped|tests/io_test.cpp|8||'if (!getenv(\"\")) return 77;' (77 is a SKIP_RETURN_CODE) added"}));
}

TEST(TamperingSkipped, ReturnWithoutASkipCodeIsNothing) {
  TamperInput in = input({modified("tests/io_test.cpp", {added(8, "  return 77;")})});
  in.is_test_source = nullptr;
  in.before = {registered("io_test", 3)};
  in.after = in.before;
  EXPECT_EQ(detect(in), Lines{});
}

TEST(TamperingSkipped, CommentsAndStringsMentioningSkipsDoNotFire) {
  TamperInput in = input({
      modified("src/report.cpp", {added(30, "  // GTEST_SKIP() is reported as skipped"),
                                  added(31, "  if (line == \"GTEST_SKIP\") return Status::skipped;")}),
      modified("tests/parser_test.cpp", {added(12, "  /* GTEST_SKIP(); */ EXPECT_TRUE(ok);"),
                                         added(13, "  // GTEST_SKIP() would hide this")}),
  });
  EXPECT_EQ(detect(in), (Lines{std::string(kEdited) + "|existing test source modified (2 line(s) added, 0 removed)"}));
  in.is_test_source = nullptr;  // even when every C++ file is read
  EXPECT_EQ(detect(in), Lines{});
}

// ---- unregistered and missing ------------------------------------------------------------------------

TEST(TamperingUnregistered, RemovedAddTestMergesWithTheRegistration) {
  TamperInput in = input({modified("tests/CMakeLists.txt", {removed(7, "add_test(NAME parser_tests COMMAND parser_tests)")})});
  in.before = {registered("parser_tests", 7), registered("lexer_tests", 8)};
  in.after = {registered("lexer_tests", 7)};
  TestOutcome gone;
  gone.name = "parser_tests";
  gone.baseline = TestRecord{"parser_tests", RunStatus::passed, 1, ""};
  gone.transition = Transition::MISSING;
  in.outcomes = {gone};
  EXPECT_EQ(detect(in), (Lines{"unregistered|tests/CMakeLists.txt|7|parser_tests|'add_test(NAME parser_tests COMMAND "
                               "parser_tests)' removed and not re-added elsewhere in the fix"}));
}

TEST(TamperingUnregistered, DiscoveryCallsCommentedOutOrDeleted) {
  FileDiff gone_file = with_status(
      modified("tests/extra/CMakeLists.txt", {removed(1, "catch_discover_tests(extra_tests)")}), FileStatus::deleted);
  TamperInput in = input({
      modified("tests/CMakeLists.txt", {removed(12, "gtest_discover_tests(parser_tests PROPERTIES LABELS unit)"),
                                        added(12, "# gtest_discover_tests(parser_tests PROPERTIES LABELS unit)"),
                                        removed(13, "DOCTEST_DISCOVER_TESTS(doc_tests) # upper case")}),
      gone_file,
  });
  EXPECT_EQ(detect(in), (Lines{"unregistered|tests/CMakeLists.txt|12||'gtest_discover_tests(parser_tests PROPERTIES "
                               "LABELS unit)' removed and not re-added elsewhere in the fix",
                               "unregistered|tests/CMakeLists.txt|13||'DOCTEST_DISCOVER_TESTS(doc_tests)' removed and "
                               "not re-added elsewhere in the fix",
                               "unregistered|tests/extra/CMakeLists.txt|1||'catch_discover_tests(extra_tests)' removed "
                               "and not re-added elsewhere in the fix"}));
}

TEST(TamperingUnregistered, MovedRegistrationIsFine) {
  TamperInput in = input({
      modified("tests/CMakeLists.txt", {removed(7, "add_test(NAME parser_tests COMMAND parser_tests)"),
                                        added(15, "  add_test(NAME parser_tests   COMMAND parser_tests) # moved"),
                                        removed(9, "gtest_discover_tests(lexer_tests)")}),
      modified("tests/lexer/CMakeLists.txt", {added(3, "gtest_discover_tests(lexer_tests)")}),
  });
  in.before = {registered("parser_tests", 7), registered("lexer_tests", 9)};
  in.after = {registered("parser_tests", 15), registered("lexer_tests", 3, "/src/tests/lexer/CMakeLists.txt")};
  EXPECT_EQ(detect(in), Lines{});
}

TEST(TamperingUnregistered, RegistrationOnlyWhenAfterIsKnown) {
  TamperInput in = input({});
  in.before = {registered("parser_tests", 7), registered("already_disabled", 8)};
  in.before[1].disabled = true;
  in.after = {registered("other", 3)};
  EXPECT_EQ(detect(in), (Lines{"unregistered|tests/CMakeLists.txt|7|parser_tests|registered at the baseline, no "
                               "longer registered with the fix"}));
  in.after.clear();  // the build failed
  EXPECT_EQ(detect(in), Lines{});
}

TEST(TamperingMissing, CaseTakesItsCTestTestsLocationAndNotRunBaselinesAreIgnored) {
  TamperInput in = input({});
  in.before = {registered("parser_tests", 7), registered("parser", 5)};
  TestOutcome c;
  c.name = "parser_tests::Parser.Handles";
  c.ctest_test = "parser_tests";
  c.case_name = "Parser.Handles";
  c.baseline = TestRecord{c.name, RunStatus::failed, 0, ""};
  c.transition = Transition::MISSING;
  TestOutcome never;
  never.name = "parser_tests::Parser.Disabled";
  never.baseline = TestRecord{never.name, RunStatus::not_run, 0, ""};
  never.transition = Transition::MISSING;
  TestOutcome unknown;
  unknown.name = "elsewhere";
  unknown.transition = Transition::MISSING;
  in.outcomes = {c, never, unknown};
  EXPECT_EQ(detect(in), (Lines{"missing||0|elsewhere|ran at the baseline and did not run with the fix",
                               "missing|tests/CMakeLists.txt|7|parser_tests::Parser.Handles|ran at the baseline and "
                               "did not run with the fix"}));
}

TEST(TamperingMissing, DeletedTestHeaderWinsOverTheResult) {
  TamperInput in = input({modified("tests/parser_test.cpp", {removed(30, "TEST(Parser, Handles) {"),
                                                             removed(31, "  EXPECT_TRUE(parse(\"x\"));"),
                                                             removed(32, "}"), removed(40, "TEST(Parser, Old) {"),
                                                             added(52, "TEST(Parser, Old) {")})});
  in.before = {registered("parser_tests", 7)};
  TestOutcome c;
  c.name = "parser_tests::Parser.Handles";
  c.baseline = TestRecord{c.name, RunStatus::failed, 0, ""};
  c.transition = Transition::MISSING;
  in.outcomes = {c};
  EXPECT_EQ(detect(in), (Lines{"missing|tests/parser_test.cpp|30|Parser.Handles|TEST(Parser, Handles) deleted",
                               "test_source_edited|tests/parser_test.cpp|30||existing test source modified (1 "
                               "line(s) added, 4 removed)"}));
}

// ---- labels and properties ---------------------------------------------------------------------------

TEST(TamperingLabels, OnlyWhenATierNoLongerSelectsTheTest) {
  TamperInput in = input({});
  in.tier_label_sets = {{}, {"^unit$"}, {"integration"}};
  in.before = {registered("dropped", 3), registered("still", 4), registered("never", 5)};
  in.before[0].labels = {"unit", "fast"};
  in.before[1].labels = {"unit"};
  in.before[2].labels = {"slow"};
  in.after = in.before;
  in.after[0].labels = {"unit_slow"};
  in.after[1].labels = {"unit", "slow"};
  in.after[2].labels = {"slower"};
  EXPECT_EQ(detect(in), (Lines{"labels_changed|tests/CMakeLists.txt|3|dropped|labels [unit, fast] changed to "
                               "[unit_slow]: the tier selecting [^unit$] no longer runs it"}));
}

TEST(TamperingProperties, WillFailFromRegistrationAndText) {
  TamperInput in = input({modified("tests/CMakeLists.txt", {added(10, "set_property(TEST parser_tests PROPERTY WILL_FAIL ON)"),
                                                            added(11, "set_tests_properties(a b PROPERTIES WILL_FAIL 1)"),
                                                            added(12, "set_tests_properties(c PROPERTIES WILL_FAIL OFF)")})});
  in.before = {registered("parser_tests", 7), registered("a", 8), registered("b", 9)};
  in.after = in.before;
  for (DiscoveredTest& t : in.after) t.will_fail = true;
  EXPECT_EQ(detect(in), (Lines{"property_changed|tests/CMakeLists.txt|10|parser_tests|WILL_FAIL was turned on: a "
                               "failing run counts as a pass",
                               "property_changed|tests/CMakeLists.txt|11|a|WILL_FAIL was turned on: a failing run "
                               "counts as a pass",
                               "property_changed|tests/CMakeLists.txt|11|b|WILL_FAIL was turned on: a failing run "
                               "counts as a pass"}));
}

TEST(TamperingProperties, TimeoutRemovedOrRaisedButNotLowered) {
  TamperInput in = input({});
  in.before = {registered("removed", 3), registered("raised", 4), registered("lowered", 5)};
  for (DiscoveredTest& t : in.before) t.timeout = 10;
  in.after = in.before;
  in.after[0].timeout.reset();
  in.after[1].timeout = 600;
  in.after[2].timeout = 2.5;
  EXPECT_EQ(detect(in), (Lines{"property_changed|tests/CMakeLists.txt|3|removed|TIMEOUT 10 s was removed: a hang no "
                               "longer fails after 10 s",
                               "property_changed|tests/CMakeLists.txt|4|raised|TIMEOUT raised from 10 to 600 s: a "
                               "hang takes longer to fail"}));
}

TEST(TamperingProperties, TimeoutAndSkipCodeInCMakeText) {
  TamperInput in = input({modified("tests/CMakeLists.txt",
                                   {removed(20, "set_tests_properties(slow PROPERTIES TIMEOUT 30)"),
                                    added(20, "set_tests_properties(slow PROPERTIES TIMEOUT 3000)"),
                                    removed(21, "set_tests_properties(quick PROPERTIES TIMEOUT 5 LABELS unit)"),
                                    added(21, "set_tests_properties(quick PROPERTIES LABELS unit)"),
                                    removed(22, "set_tests_properties(tight PROPERTIES TIMEOUT 50)"),
                                    added(23, "set_tests_properties(tight PROPERTIES TIMEOUT 20)"),  // lowered: fine
                                    added(24, "gtest_discover_tests(t DISCOVERY_TIMEOUT 600)"),
                                    added(25, "set_tests_properties(io PROPERTIES SKIP_RETURN_CODE 77)")})});
  EXPECT_EQ(detect(in),
            (Lines{"property_changed|tests/CMakeLists.txt|20|slow|TIMEOUT raised from 30 to 3000 s: a hang takes "
                   "longer to fail",
                   "property_changed|tests/CMakeLists.txt|21|quick|TIMEOUT 5 s removed: a hang no longer fails after "
                   "5 s",
                   "property_changed|tests/CMakeLists.txt|25|io|SKIP_RETURN_CODE 77 set: exiting with 77 counts as "
                   "skipped"}));
}

// ---- edits to test sources ---------------------------------------------------------------------------

TEST(TamperingEdits, OnePerFileAtTheFirstChangeAndOnlyModificationsAreDowngraded) {
  FileDiff gone = with_status(modified("tests/old_test.cpp", {removed(1, "#include <gtest/gtest.h>")}), FileStatus::deleted);
  FileDiff data = modified("tests/data/golden.bin", {});
  data.binary = true;
  FileDiff mode_only = modified("tests/run.sh", {});
  TamperInput in = input({modified("src/parser.cpp", {removed(3, "return 1;"), added(3, "return 2;")}),
                          modified("tests/parser_test.cpp", {removed(12, "  EXPECT_EQ(parse(\"1\"), 1);"),
                                                             added(12, "  EXPECT_EQ(parse(\"1\"), 2);"),
                                                             added(40, "  EXPECT_TRUE(true);")}),
                          gone, data, mode_only});
  Lines expected{"test_source_edited|tests/data/golden.bin|0||existing test file modified (binary)",
                 "test_source_edited|tests/old_test.cpp|1||existing test source deleted",
                 std::string(kEdited) + "|existing test source modified (2 line(s) added, 1 removed)"};
  EXPECT_EQ(detect(in), expected);

  in.allow_test_edits = true;
  std::vector<TamperFinding> found = detect_tampering(in);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_TRUE(found[0].downgraded);
  EXPECT_FALSE(found[1].downgraded);  // deletion
  EXPECT_TRUE(found[2].downgraded);
  EXPECT_FALSE(blocks_acceptance(found[0]));
  EXPECT_TRUE(blocks_acceptance(found[1]));
}

TEST(TamperingEdits, AllowTestEditsDoesNotDowngradeDisabling) {
  TamperInput in = input({modified("tests/parser_test.cpp", {removed(12, "TEST(Parser, Handles) {"),
                                                             added(12, "TEST(Parser, DISABLED_Handles) {")})});
  in.allow_test_edits = true;
  std::vector<TamperFinding> found = detect_tampering(in);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].kind, TamperKind::disabled);
  EXPECT_FALSE(found[0].downgraded);
  EXPECT_TRUE(blocks_acceptance(found[0]));
  EXPECT_EQ(found[1].kind, TamperKind::test_source_edited);
  EXPECT_TRUE(found[1].downgraded);
}

// ---- rendering ---------------------------------------------------------------------------------------

TEST(TamperingFormat, OneLinePerFinding) {
  TamperFinding d{TamperKind::disabled, "tests/parser_test.cpp", 12, "Parser.Handles",
                  "TEST(Parser, Handles) renamed to DISABLED_Handles", false};
  EXPECT_EQ(format_tamper_finding(d), "disabled: tests/parser_test.cpp:12: test 'Parser.Handles': TEST(Parser, "
                                      "Handles) renamed to DISABLED_Handles");
  TamperFinding e{TamperKind::test_source_edited, "tests/parser_test.cpp", 40, "", "existing test source modified", true};
  EXPECT_EQ(format_tamper_finding(e), "warning: test_source_edited: tests/parser_test.cpp:40: existing test source "
                                      "modified (allowed by --allow-test-edits)");
  TamperFinding m{TamperKind::missing, "", 0, "a::b", "gone\nreally", false};
  EXPECT_EQ(format_tamper_finding(m), "missing: test 'a::b': gone really");
}

// ---- a real diff ---------------------------------------------------------------------------------------

TEST(TamperingGit, RealTreesThroughDiffLines) {
  testing::TempDir dir;
  fs::path repo = dir / "repo";
  testing::init_repo(repo);
  testing::write_file(repo / "tests" / "parser_test.cpp",
                      "#include <gtest/gtest.h>\n"
                      "\n"
                      "TEST(Parser, Empty) {\n"
                      "  EXPECT_TRUE(true);\n"
                      "}\n"
                      "\n"
                      "TEST(Parser, Handles) {\n"
                      "  EXPECT_EQ(1, 1);\n"
                      "}\n");
  testing::write_file(repo / "tests" / "CMakeLists.txt",
                      "add_executable(parser_tests parser_test.cpp)\n"
                      "gtest_discover_tests(parser_tests)\n"
                      "add_test(NAME smoke COMMAND parser_tests --gtest_filter=Parser.Empty)\n");
  testing::write_file(repo / "src" / "parser.cpp", "int parse() { return 1; }\n");
  testing::git(repo, {"add", "-A"});
  testing::git(repo, {"commit", "-q", "-m", "base"});
  std::string base = testing::git(repo, {"rev-parse", "HEAD^{tree}"});

  testing::write_file(repo / "tests" / "parser_test.cpp",
                      "#include <gtest/gtest.h>\n"
                      "\n"
                      "TEST(Parser, Empty) {\n"
                      "  GTEST_SKIP();\n"
                      "  EXPECT_TRUE(true);\n"
                      "}\n"
                      "\n"
                      "TEST(Parser, DISABLED_Handles) {\n"
                      "  EXPECT_EQ(1, 1);\n"
                      "}\n");
  testing::write_file(repo / "tests" / "CMakeLists.txt",
                      "add_executable(parser_tests parser_test.cpp)\n"
                      "gtest_discover_tests(parser_tests)\n");
  testing::write_file(repo / "tests" / "new_test.cpp", "TEST(New, DISABLED_Later) { GTEST_SKIP(); }\n");
  testing::write_file(repo / "src" / "parser.cpp", "// GTEST_SKIP is not used here\nint parse() { return 2; }\n");
  testing::git(repo, {"add", "-A"});
  testing::git(repo, {"commit", "-q", "-m", "fix"});
  std::string fixed = testing::git(repo, {"rev-parse", "HEAD^{tree}"});

  git::Repository r = git::Repository::open(repo);
  git_oid old_tree = git::from_hex(base.substr(0, 40)), new_tree = git::from_hex(fixed.substr(0, 40));
  TamperInput in = input(git::diff_lines(r, old_tree, new_tree));
  in.read_fixed_file = [&](const std::string& path) { return git::read_blob_at(r, new_tree, path); };
  EXPECT_EQ(detect(in),
            (Lines{"unregistered|tests/CMakeLists.txt|3|smoke|'add_test(NAME smoke COMMAND parser_tests "
                   "--gtest_filter=Parser.Empty)' removed and not re-added elsewhere in the fix",
                   "skipped|tests/parser_test.cpp|4|Parser.Empty|GTEST_SKIP() added",
                   "test_source_edited|tests/parser_test.cpp|4||existing test source modified (2 line(s) added, 1 "
                   "removed)",
                   "disabled|tests/parser_test.cpp|8|Parser.Handles|TEST(Parser, Handles) renamed to "
                   "DISABLED_Handles"}));
}

}  // namespace
}  // namespace autofix
