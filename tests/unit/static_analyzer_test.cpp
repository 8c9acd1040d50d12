// SPDX-License-Identifier: MIT
#include "runners/static_analyzer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix::runners {
namespace {

namespace fs = std::filesystem;
using autofix::testing::TempDir;
using autofix::testing::write_file;
using namespace std::chrono_literals;

fs::path data_dir() { return fs::path(AUTOFIX_GATE_TEST_DATA) / "static_analysis"; }

// Where the captured outputs were produced (see tests/data/static_analysis/README.md).
const fs::path kCapturedSource = "/tmp/tiny project";

// "file:line:column severity rule: message", one a finding.
std::vector<std::string> lines_of(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) {
    EXPECT_TRUE(f.fingerprint.empty()) << "fingerprints are the caller's";
    EXPECT_EQ(f.state, FindingState::new_);
    out.push_back(f.file + ":" + std::to_string(f.line) + ":" + std::to_string(f.column) + " " + f.severity + " " +
                  f.rule + ": " + f.message);
  }
  return out;
}

bool installed(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && ::access((fs::path(dir) / program).c_str(), X_OK) == 0) return true;
  return false;
}

// ---- parsing real output ----------------------------------------------------------------------------

TEST(ClangTidyOutput, ParsesTheRealOutput) {
  auto findings = parse_clang_tidy_output(autofix::testing::read_file(data_dir() / "clang_tidy_stdout.txt"),
                                          kCapturedSource);
  const std::string division = "result of integer division used in a floating point context; possible loss of precision";
  const std::string strcpy_message =
      "Call to function 'strcpy' is insecure as it does not provide bounding of the memory buffer. Replace unbounded "
      "copy functions with analogous functions that support length arguments such as 'strlcpy'. CWE-119";
  EXPECT_EQ(lines_of(findings),
            (std::vector<std::string>{
                "include/calc.h:2:36 error bugprone-integer-division: " + division,
                "src/broken.cpp:1:10 error clang-diagnostic-error: 'missing.h' file not found",
                "src/calc.cpp:4:10 error bugprone-integer-division: " + division,
                "src/calc.cpp:9:3 warning clang-analyzer-core.uninitialized.UndefReturn: Undefined or garbage value "
                "returned to caller",
                "src/calc.cpp:17:10 warning clang-analyzer-core.NullDereference: Dereference of null pointer (loaded "
                "from variable 'p')",
                "src/use.cpp:8:3 warning clang-analyzer-security.insecureAPI.strcpy: " + strcpy_message,
                "src/use.cpp:9:3 warning clang-analyzer-security.insecureAPI.strcpy: " + strcpy_message,
            }));
  // The notes of the path to the null dereference belong to it.
  ASSERT_EQ(findings.size(), 7u);
  EXPECT_EQ(findings[4].detail,
            "src/calc.cpp:13:3: note: 'p' initialized to a null pointer value\n"
            "src/calc.cpp:14:7: note: Assuming 'flag' is false\n"
            "src/calc.cpp:14:3: note: Taking false branch\n"
            "src/calc.cpp:17:10: note: Dereference of null pointer (loaded from variable 'p')\n");
  EXPECT_EQ(findings[0].detail, "");
}

TEST(ClangTidyOutput, DropsOutsideFindingsAndRepeats) {
  const std::string text =
      "/usr/include/c++/12/bits/stl_algo.h:10:5: warning: outside [bugprone-foo]\n"
      "/usr/include/c++/12/bits/stl_algo.h:11:5: note: its note\n"
      "/repo/src/../src/a.cpp:3:1: warning: inside, not normalised [bugprone-foo]\n"
      "  a / b;\n"
      "  ^\n"
      "/usr/include/x.h:1:1: note: a note outside is left out\n"
      "/repo/src/a.cpp:3:1: note: a note inside\n"
      "/repo/include/h.h:2:3: warning: in a header [bugprone-bar]\n"
      "/repo/include/h.h:2:3: note: first time\n"
      "/repo/include/h.h:2:3: warning: in a header [bugprone-bar]\n"
      "/repo/include/h.h:2:3: note: second time\n"
      "src/relative.cpp:7:2: remark: relative to the source [clang-diagnostic-remark]\n"
      "error: unknown argument: '-fno-gcc-only' [clang-diagnostic-error]\n"
      "/repo/a b:c.cpp:1:2: fatal error: colons and spaces in the name [clang-diagnostic-error]\n"
      "/repo/x.cpp:1:2: warning: no check\r\n"
      "/repo/y.cpp:1: warning: no column is not a diagnostic [some-check]\r\n"
      "not a diagnostic: warning: here\n"
      "/repo/z.cpp:x:2: warning: not a line number [some-check]\n"
      "5 warnings generated.\n";
  auto findings = parse_clang_tidy_output(text, "/repo/");
  EXPECT_EQ(lines_of(findings), (std::vector<std::string>{
                                    "src/a.cpp:3:1 warning bugprone-foo: inside, not normalised",
                                    "include/h.h:2:3 warning bugprone-bar: in a header",
                                    "src/relative.cpp:7:2 remark clang-diagnostic-remark: relative to the source",
                                    ":0:0 error clang-diagnostic-error: unknown argument: '-fno-gcc-only'",
                                    "a b:c.cpp:1:2 error clang-diagnostic-error: colons and spaces in the name",
                                    "x.cpp:1:2 warning : no check",
                                }));
  ASSERT_EQ(findings.size(), 6u);
  EXPECT_EQ(findings[0].detail, "src/a.cpp:3:1: note: a note inside\n");
  EXPECT_EQ(findings[1].detail, "include/h.h:2:3: note: first time\n");
  EXPECT_TRUE(parse_clang_tidy_output("", "/repo").empty());
}

TEST(ClangTidyOutput, CapsNotes) {
  std::string text = "/repo/a.cpp:1:1: warning: w [c]\n";
  for (int i = 0; i < 30; ++i) text += "/repo/a.cpp:1:1: note: n\n";
  auto findings = parse_clang_tidy_output(text, "/repo");
  ASSERT_EQ(findings.size(), 1u);
  std::string expected;
  for (int i = 0; i < 20; ++i) expected += "a.cpp:1:1: note: n\n";
  EXPECT_EQ(findings[0].detail, expected + "[more notes omitted]\n");
}

TEST(ClangTidyOutput, KeepsItsSeverities) {
  const std::string text =
      "/repo/a.cpp:1:1: warning: a check [bugprone-x]\n"
      "/repo/a.cpp:2:1: error: a check WarningsAsErrors lists [bugprone-y,-warnings-as-errors]\n"
      "/repo/a.cpp:3:1: warning: a compiler warning [clang-diagnostic-unused-variable]\n"
      "/repo/a.cpp:4:1: error: a compile error [clang-diagnostic-error]\n"
      "/repo/a.cpp:5:1: fatal error: 'x.h' file not found [clang-diagnostic-error]\n"
      "/repo/a.cpp:6:1: remark: a remark [clang-diagnostic-remark]\n";
  EXPECT_EQ(lines_of(parse_clang_tidy_output(text, "/repo")),
            (std::vector<std::string>{
                "a.cpp:1:1 warning bugprone-x: a check",
                "a.cpp:2:1 error bugprone-y: a check WarningsAsErrors lists",
                "a.cpp:3:1 warning clang-diagnostic-unused-variable: a compiler warning",
                "a.cpp:4:1 error clang-diagnostic-error: a compile error",
                "a.cpp:5:1 error clang-diagnostic-error: 'x.h' file not found",
                "a.cpp:6:1 remark clang-diagnostic-remark: a remark",
            }));
}

// The gate's own cppcheck command over the generator project (tests/data/static_analysis/README.md):
// the first location is the finding's, the steps that lead there are its notes.
TEST(CppcheckXml, ParsesTheRealReport) {
  auto findings = parse_cppcheck_xml(autofix::testing::read_file(data_dir() / "cppcheck_report.xml"), kCapturedSource);
  EXPECT_EQ(lines_of(findings),
            (std::vector<std::string>{
                "src/calc.cpp:9:13 error arrayIndexOutOfBounds: Array 'arr[3]' accessed at index 3, which is out of "
                "bounds.",
                "src/calc.cpp:17:11 error nullPointer: Null pointer dereference: p",
                "src/calc.cpp:8:7 style constVariable: Variable 'arr' can be declared as const array",
                "src/use.cpp:8:15 error bufferAccessOutOfBounds: Buffer is accessed out of bounds: buf",
                "src/platform.cpp:8:11 error arrayIndexOutOfBounds: Array 'x[2]' accessed at index 2, which is out of "
                "bounds.",
                "src/platform.cpp:7:7 style constVariable: Variable 'x' can be declared as const array",
            }));
  std::vector<std::string> details;
  for (const Finding& f : findings) details.push_back(f.detail);
  EXPECT_EQ(details, (std::vector<std::string>{
                         "",
                         "src/calc.cpp:14:7: note: Assuming condition is false\n"
                         "src/calc.cpp:13:12: note: Assignment 'p=nullptr', assigned value is 0\n",
                         "", "", "", ""}));
}

// Diagnostics without a line are kept as today's template output kept them: toomanyconfigs on its file at
// line 0, missingInclude (no location at all) with an empty file.
TEST(CppcheckXml, KeepsDiagnosticsWithoutALocation) {
  auto findings = parse_cppcheck_xml(autofix::testing::read_file(data_dir() / "cppcheck_report_information.xml"),
                                     kCapturedSource);
  std::vector<std::string> information;
  for (const std::string& line : lines_of(findings))
    if (line.find(" information ") != std::string::npos) information.push_back(line);
  EXPECT_EQ(information,
            (std::vector<std::string>{
                "src/platform.cpp:0:0 information toomanyconfigs: Too many #ifdef configurations - cppcheck only "
                "checks 1 of 3 configurations. Use --force to check all configurations.",
                ":0:0 information missingInclude: Cppcheck cannot find all the include files (use --check-config for "
                "details)",
            }));
  EXPECT_EQ(findings.size(), 8u);
}

TEST(CppcheckXml, AReportWithoutFindingsGivesNone) {
  EXPECT_TRUE(
      parse_cppcheck_xml(autofix::testing::read_file(data_dir() / "cppcheck_report_empty.xml"), kCapturedSource).empty());
}

// One location per severity, absolute paths inside and outside the source directory, "nofile", a repeat.
TEST(CppcheckXml, KeepsItsSeveritiesAndMapsLocations) {
  auto error = [](const std::string& id, const std::string& severity, const std::string& msg,
                  const std::string& locations) {
    return "<error id=\"" + id + "\" severity=\"" + severity + "\" msg=\"" + msg + "\">" + locations + "</error>";
  };
  auto at = [](const std::string& file, int line, const std::string& info = "") {
    return "<location file=\"" + file + "\" line=\"" + std::to_string(line) + "\" column=\"2\" info=\"" + info + "\"/>";
  };
  const std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<results version=\"2\"><cppcheck version=\"2.10\"/><errors>" +
      error("uninitvar", "warning", "w", at("/repo/a.cpp", 1)) +
      error("passedByValue", "performance", "p", at("/repo/a.cpp", 2)) +
      error("invalidPointerCast", "portability", "q", at("/repo/a.cpp", 3)) +
      error("toomanyconfigs", "information", "i", at("/repo/a.cpp", 4)) +
      error("valueFlowBailout", "debug", "d", at("/repo/a.cpp", 5)) +
      error("shadowFunction", "style", "s", at("/repo/a.cpp", 6, "Shadow variable") + at("/repo/a.cpp", 1, "Shadowed declaration")) +
      error("noValidConfiguration", "information", "no location", at("nofile", 0)) +
      error("internalError", "error", "empty location", at("", 0)) +
      error("nullPointer", "error", "outside", at("/elsewhere/b.cpp", 1) + at("/repo/a.cpp", 9, "Assignment")) +
      error("nullPointer", "error", "note outside", at("/repo/c.cpp", 1) + at("/elsewhere/b.cpp", 9, "Assignment")) +
      error("uninitvar", "warning", "w", at("/repo/a.cpp", 1, "a repeat")) +
      error("someFutureCheck", "severe", "an unknown severity is kept", at("a.cpp", 7)) +
      "</errors></results>\n";
  const std::vector<Finding> findings = parse_cppcheck_xml(xml, "/repo");
  EXPECT_EQ(lines_of(findings), (std::vector<std::string>{
                                    "a.cpp:1:2 warning uninitvar: w",
                                    "a.cpp:2:2 performance passedByValue: p",
                                    "a.cpp:3:2 portability invalidPointerCast: q",
                                    "a.cpp:4:2 information toomanyconfigs: i",
                                    "a.cpp:5:2 debug valueFlowBailout: d",
                                    "a.cpp:6:2 style shadowFunction: s",
                                    ":0:2 information noValidConfiguration: no location",
                                    ":0:2 error internalError: empty location",
                                    "c.cpp:1:2 error nullPointer: note outside",
                                    "a.cpp:7:2 severe someFutureCheck: an unknown severity is kept",
                                }));
  ASSERT_EQ(findings.size(), 10u);
  EXPECT_EQ(findings[5].detail, "a.cpp:1:2: note: Shadowed declaration\n");
  EXPECT_EQ(findings[8].detail, "") << "a note outside the source directory is dropped";
}

TEST(CppcheckXml, CapsNotes) {
  std::string locations = "<location file=\"a.cpp\" line=\"100\" column=\"1\" info=\"here\"/>";
  for (int i = 1; i <= 25; ++i)
    locations += "<location file=\"a.cpp\" line=\"" + std::to_string(i) + "\" column=\"1\" info=\"step\"/>";
  const auto findings = parse_cppcheck_xml(
      "<results version=\"2\"><errors><error id=\"nullPointer\" severity=\"error\" msg=\"m\">" + locations +
          "</error></errors></results>",
      "/repo");
  ASSERT_EQ(findings.size(), 1u);
  std::string expected;
  for (int i = 1; i <= 20; ++i) expected += "a.cpp:" + std::to_string(i) + ":1: note: step\n";
  EXPECT_EQ(findings[0].detail, expected + "[more notes omitted]\n");
}

TEST(CppcheckXml, AReportThatCannotBeReadThrows) {
  try {
    parse_cppcheck_xml("src/a.cpp:1:5: error: x [nullPointer]\n", "/repo");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::internal);
    EXPECT_EQ(std::string(e.what()), "cannot read cppcheck's XML report: it holds no XML element; it begins: "
                                     "'src/a.cpp:1:5: error: x [nullPointer]\\n'");
  }
}

// ---- the compile database ---------------------------------------------------------------------------

TEST(CompileDatabase, ListsTheRepositorysTranslationUnits) {
  TempDir dir;
  const fs::path src = dir / "repo";
  const fs::path build = src / "build";
  nlohmann::json db = nlohmann::json::array({
      {{"directory", build.string()}, {"file", (src / "src/b.cpp").string()}, {"command", "c++ -c b.cpp"}},
      {{"directory", (src / "src").string()}, {"file", "a.cpp"}, {"command", "c++ -c a.cpp"}},
      {{"directory", build.string()}, {"file", "/usr/src/outside.cpp"}, {"command", "c++ -c x"}},
      {{"directory", build.string()}, {"file", (src / "src/./b.cpp").string()}, {"command", "c++ -DX -c b.cpp"}},
      {{"directory", build.string()}, {"file", "gen/generated.cpp"}, {"command", "c++ -c gen"}},
  });
  write_file(build / "compile_commands.json", db.dump());
  EXPECT_EQ(translation_units_in_database(build, src),
            (std::vector<std::string>{"build/gen/generated.cpp", "src/a.cpp", "src/b.cpp"}));
}

TEST(CompileDatabase, MissingOrMalformedIsAUsageError) {
  TempDir dir;
  try {
    translation_units_in_database(dir / "build", dir.path());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_NE(std::string(e.what()).find((dir / "build" / "compile_commands.json").string()), std::string::npos)
        << e.what();
    EXPECT_NE(e.hint().find("CMAKE_EXPORT_COMPILE_COMMANDS=ON"), std::string::npos) << e.hint();
  }
  for (const char* text : {"{", "{}", "[1]", R"([{"file": "a.cpp"}])"}) {
    write_file(dir / "build" / "compile_commands.json", text);
    try {
      translation_units_in_database(dir / "build", dir.path());
      ADD_FAILURE() << "accepted " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::usage) << text;
      EXPECT_NE(std::string(e.what()).find("is not a compile database"), std::string::npos) << e.what();
    }
  }
}

// ---- failing closed, with fake analyzers --------------------------------------------------------------

// A repository with src/a.cpp and src/b.cpp in its compile database and a fake analyzer running `body`.
class FakeAnalyzer {
 public:
  explicit FakeAnalyzer(const std::string& body) {
    src_ = dir_ / "repo";
    build_ = src_ / "build";
    nlohmann::json db = nlohmann::json::array();
    for (const char* f : {"src/a.cpp", "src/b.cpp"}) {
      write_file(src_ / f, "int x;\n");
      db.push_back({{"directory", build_.string()}, {"file", (src_ / f).string()}, {"command", "c++ -c f"}});
    }
    write_file(build_ / "compile_commands.json", db.dump());
    program_ = dir_ / "fake analyzer";
    write_file(program_, "#!/bin/sh\n" + body + "\n");
    ::chmod(program_.c_str(), 0755);
  }
  AnalyzerOptions options(Analyzer analyzer) const {
    AnalyzerOptions o;
    o.analyzer = analyzer;
    o.source_dir = src_;
    o.build_dir = build_;
    o.files = {"src/a.cpp"};
    o.program = program_.string();
    o.jobs = 1;
    return o;
  }
  const fs::path& dir() const { return dir_.path(); }
  const fs::path& source() const { return src_; }

 private:
  TempDir dir_;
  fs::path src_, build_, program_;
};

Error error_of(const AnalyzerOptions& options) {
  try {
    run_analyzer(options);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return Error(ErrorKind::usage, "none");
}

TEST(RunAnalyzer, ClangTidyFailingWithDiagnosticsIsAResult) {
  FakeAnalyzer fake("echo \"$PWD/src/a.cpp:1:5: error: broken [clang-diagnostic-error]\"\n"
                    "echo '1 error generated.' >&2\nexit 1");
  AnalyzerRun run = run_analyzer(fake.options(Analyzer::clang_tidy));
  EXPECT_EQ(lines_of(run.findings), std::vector<std::string>{"src/a.cpp:1:5 error clang-diagnostic-error: broken"});
  EXPECT_TRUE(run.warnings.empty());
}

TEST(RunAnalyzer, ClangTidyFailingWithoutDiagnosticsThrows) {
  FakeAnalyzer fake("echo 'Error: no checks enabled.' >&2\nexit 1");
  Error e = error_of(fake.options(Analyzer::clang_tidy));
  EXPECT_EQ(e.kind(), ErrorKind::internal);
  const std::string what = e.what();
  EXPECT_NE(what.find("failed without reporting a diagnostic (exit code 1)"), std::string::npos) << what;
  EXPECT_NE(what.find("Error: no checks enabled."), std::string::npos) << what;
  EXPECT_NE(what.find("'" + (fake.dir() / "fake analyzer").string() + "' -p "), std::string::npos) << what;
}

TEST(RunAnalyzer, CppcheckFailingThrows) {
  FakeAnalyzer fake("echo 'cppcheck: error: could not find any files matching the filter.'\nexit 1");
  Error e = error_of(fake.options(Analyzer::cppcheck));
  EXPECT_EQ(e.kind(), ErrorKind::internal);
  EXPECT_NE(std::string(e.what()).find("could not find any files"), std::string::npos) << e.what();
}

TEST(RunAnalyzer, ACrashNamesTheFile) {
  FakeAnalyzer crash("echo '/x.cpp:1:1: warning: w [c]'\nkill -SEGV $$");
  Error e = error_of(crash.options(Analyzer::clang_tidy));
  EXPECT_EQ(e.kind(), ErrorKind::internal);
  EXPECT_NE(std::string(e.what()).find("crashed while analysing 'src/a.cpp' (killed by signal 11"), std::string::npos)
      << e.what();

  FakeAnalyzer killed("kill -KILL $$");
  e = error_of(killed.options(Analyzer::cppcheck));
  EXPECT_EQ(e.kind(), ErrorKind::internal);
  EXPECT_NE(std::string(e.what()).find("crashed while analysing 'src/a.cpp' (killed by signal 9"), std::string::npos)
      << e.what();
  EXPECT_NE(e.hint().find("ran out of memory"), std::string::npos) << e.hint();
}

// The limit, the files still being analysed and those never started, and how to raise the limit.
TEST(RunAnalyzer, ATimeoutNamesTheLimitAndTheFiles) {
  FakeAnalyzer slow("exec sleep 30");
  AnalyzerOptions o = slow.options(Analyzer::cppcheck);
  o.files = {"src/a.cpp", "src/b.cpp"};
  o.timeout = 300ms;
  o.jobs = 2;  // both at once
  Error e = error_of(o);
  EXPECT_EQ(e.kind(), ErrorKind::internal);
  std::string what = e.what();
  EXPECT_TRUE(what.starts_with("cppcheck did not finish within its time limit of 300 ms: it was still analysing "
                               "'src/a.cpp', 'src/b.cpp'; the command was: "))
      << what;
  EXPECT_EQ(e.hint(), "raise the tier's \"timeout\" in autofix-gate.json, in seconds (TIMEOUT of autofix_gate_add_tier)");

  // clang-tidy, one file at a time: the first runs out of time, the second never starts.
  o = slow.options(Analyzer::clang_tidy);
  o.files = {"src/a.cpp", "src/b.cpp"};
  o.timeout = 300ms;
  o.jobs = 1;
  what = error_of(o).what();
  EXPECT_TRUE(what.starts_with("clang-tidy did not finish within its time limit of 300 ms: it was still analysing "
                               "'src/a.cpp'; the time was up before it could start on 'src/b.cpp'; the command was: "))
      << what;
  EXPECT_NE(what.find("/src/a.cpp"), std::string::npos) << what;
  EXPECT_EQ(what.find("/src/b.cpp"), std::string::npos) << "the command shown is the one that ran out of time: " << what;
}

// A caller that runs the analyzer twice under one limit passes when its clock started: time already used
// up means nothing starts, and that is an error, never an empty result.
TEST(RunAnalyzer, TheLimitCountsFromTheCallersClock) {
  FakeAnalyzer fake("echo ran > ran.txt");
  AnalyzerOptions o = fake.options(Analyzer::clang_tidy);
  o.timeout = 1000ms;
  o.clock_start = std::chrono::steady_clock::now() - 2s;
  Error e = error_of(o);
  EXPECT_EQ(std::string(e.what()),
            "clang-tidy did not finish within its time limit of 1 s: the time was up before it could start on 'src/a.cpp'");
  EXPECT_FALSE(fs::exists(fake.source() / "ran.txt"));

  o.clock_start = std::chrono::steady_clock::now() - 500ms;  // half of it left: enough
  EXPECT_TRUE(run_analyzer(o).findings.empty());
  EXPECT_TRUE(fs::exists(fake.source() / "ran.txt"));
}

// Each fake process waits up to two seconds for the other's start: with two jobs they run at once and
// both see each other; with one, the first waits in vain.
constexpr const char* kMeetTheOther =
    "for last in \"$@\"; do :; done\n"
    "me=$(basename \"$last\" .cpp); other=a; [ \"$me\" = a ] && other=b\n"
    ": > \"started-$me\"\n"
    "i=0; while [ ! -e \"started-$other\" ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done\n"
    "if [ -e \"started-$other\" ]; then echo \"$last:1:1: warning: met $other [together]\"; "
    "else echo \"$last:1:1: warning: alone [alone]\"; fi\n";

TEST(RunAnalyzer, ClangTidyAnalysesTranslationUnitsInParallel) {
  FakeAnalyzer fake(kMeetTheOther);
  AnalyzerOptions o = fake.options(Analyzer::clang_tidy);
  o.files = {"src/b.cpp", "src/a.cpp"};
  o.jobs = 2;
  std::vector<int> groups;
  o.on_started = [&](int g) { groups.push_back(g); };
  AnalyzerRun run = run_analyzer(o);
  EXPECT_EQ(lines_of(run.findings), (std::vector<std::string>{"src/a.cpp:1:1 warning together: met b",
                                                              "src/b.cpp:1:1 warning together: met a"}));
  ASSERT_EQ(groups.size(), 2u) << "one process per translation unit";
  EXPECT_NE(groups[0], groups[1]);
  // What ran, as one command over both files (each process got one of them).
  EXPECT_NE(run.command_line.find("/src/b.cpp") , std::string::npos) << run.command_line;
  EXPECT_NE(run.command_line.find("/src/a.cpp"), std::string::npos) << run.command_line;

  // One job: one after the other.
  for (const char* f : {"started-a", "started-b"}) fs::remove(fake.source() / f);
  o.jobs = 1;
  EXPECT_EQ(lines_of(run_analyzer(o).findings), (std::vector<std::string>{"src/a.cpp:1:1 warning together: met b",
                                                                          "src/b.cpp:1:1 warning alone: alone"}));
}

// A header's diagnostic, printed by every translation unit that includes it, is kept once with the notes
// of the first file in the caller's order, whichever process ends first: the jobs do not change results.
TEST(RunAnalyzer, ParallelRunsGiveTheResultOfOneProcess) {
  FakeAnalyzer fake("for last in \"$@\"; do :; done\n"
                    "case \"$last\" in */a.cpp) sleep 0.5;; esac\n"
                    "echo \"$PWD/include/h.h:2:3: warning: in a header [bugprone-h]\"\n"
                    "echo \"$PWD/include/h.h:2:3: note: through $(basename \"$last\")\"\n"
                    "echo \"$last:1:1: warning: own [bugprone-own]\"\n"
                    "echo '2 warnings generated.' >&2");
  AnalyzerOptions o = fake.options(Analyzer::clang_tidy);
  o.files = {"src/a.cpp", "src/b.cpp"};
  for (unsigned jobs : {1u, 2u}) {
    o.jobs = jobs;
    AnalyzerRun run = run_analyzer(o);
    EXPECT_EQ(lines_of(run.findings), (std::vector<std::string>{"include/h.h:2:3 warning bugprone-h: in a header",
                                                                "src/a.cpp:1:1 warning bugprone-own: own",
                                                                "src/b.cpp:1:1 warning bugprone-own: own"}))
        << jobs << " job(s)";
    ASSERT_EQ(run.findings.size(), 3u);
    EXPECT_EQ(run.findings[0].detail, "include/h.h:2:3: note: through a.cpp\n") << jobs << " job(s)";
  }
}

// Each unit's own findings are those of its process alone: the header's finding is in both, with that
// unit's notes; `findings` keeps it once.
TEST(RunAnalyzer, EachUnitsOwnFindingsAreKnown) {
  FakeAnalyzer fake("for last in \"$@\"; do :; done\n"
                    "echo \"$PWD/include/h.h:2:3: warning: in a header [bugprone-h]\"\n"
                    "echo \"$PWD/include/h.h:2:3: note: through $(basename \"$last\")\"\n"
                    "echo \"$last:1:1: warning: own [bugprone-own]\"");
  AnalyzerOptions o = fake.options(Analyzer::clang_tidy);
  o.files = {"src/b.cpp", "src/a.cpp"};
  o.jobs = 2;
  AnalyzerRun run = run_analyzer(o);
  ASSERT_EQ(run.by_unit.size(), 2u);
  for (const char* unit : {"a", "b"}) {
    const std::vector<Finding>& own = run.by_unit.at("src/" + std::string(unit) + ".cpp");
    EXPECT_EQ(lines_of(own), (std::vector<std::string>{"include/h.h:2:3 warning bugprone-h: in a header",
                                                       "src/" + std::string(unit) + ".cpp:1:1 warning bugprone-own: own"}));
    EXPECT_EQ(own[0].detail, "include/h.h:2:3: note: through " + std::string(unit) + ".cpp\n");
  }
  ASSERT_EQ(run.findings.size(), 3u);
  EXPECT_EQ(run.findings[0].detail, "include/h.h:2:3: note: through b.cpp\n") << "the first file in the caller's order";
}

// cppcheck runs one process per unit too, each with a database of that unit's entries only, as many at
// once as `jobs`: its own -j would keep a header's finding for one of the units only.
TEST(RunAnalyzer, CppcheckAnalysesEachUnitInAProcessOfItsOwn) {
  FakeAnalyzer fake("for a in \"$@\"; do case \"$a\" in --project=*) db=\"${a#--project=}\";; esac; done\n"
                    "unit=$(sed -n 's/.*\"file\": *\"\\([^\"]*\\)\".*/\\1/p' \"$db\" | head -1)\n"
                    "cat >&2 <<EOF\n"
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<results version=\"2\"><cppcheck version=\"2.10\"/><errors>\n"
                    "<error id=\"selfAssignment\" severity=\"warning\" msg=\"h\" verbose=\"h\">"
                    "<location file=\"include/h.h\" line=\"1\" column=\"2\"/></error>\n"
                    "<error id=\"unusedVariable\" severity=\"style\" msg=\"s\" verbose=\"s\">"
                    "<location file=\"$unit\" line=\"1\" column=\"5\"/></error>\n"
                    "</errors></results>\n"
                    "EOF");
  AnalyzerOptions o = fake.options(Analyzer::cppcheck);
  o.files = {"src/a.cpp", "src/b.cpp"};
  o.jobs = 2;
  std::vector<int> groups;
  o.on_started = [&](int g) { groups.push_back(g); };
  AnalyzerRun run = run_analyzer(o);
  EXPECT_EQ(groups.size(), 2u) << "one process per translation unit";
  EXPECT_EQ(lines_of(run.by_unit.at("src/a.cpp")), (std::vector<std::string>{"include/h.h:1:2 warning selfAssignment: h",
                                                                              "src/a.cpp:1:5 style unusedVariable: s"}));
  EXPECT_EQ(lines_of(run.by_unit.at("src/b.cpp")), (std::vector<std::string>{"include/h.h:1:2 warning selfAssignment: h",
                                                                              "src/b.cpp:1:5 style unusedVariable: s"}));
  EXPECT_EQ(lines_of(run.findings), (std::vector<std::string>{"include/h.h:1:2 warning selfAssignment: h",
                                                              "src/a.cpp:1:5 style unusedVariable: s",
                                                              "src/b.cpp:1:5 style unusedVariable: s"}));
  EXPECT_EQ(run.command_line.find(" -j "), std::string::npos) << run.command_line;
}

// A file whose process failed without a diagnostic fails the run, even when another file's did report.
TEST(RunAnalyzer, ClangTidyFailingWithoutDiagnosticsInOneFileThrows) {
  FakeAnalyzer fake("for last in \"$@\"; do :; done\n"
                    "case \"$last\" in */b.cpp) echo 'Error while processing b.cpp.' >&2; exit 1;; esac\n"
                    "echo \"$last:1:1: error: broken [clang-diagnostic-error]\"; exit 1");
  AnalyzerOptions o = fake.options(Analyzer::clang_tidy);
  o.files = {"src/a.cpp", "src/b.cpp"};
  o.jobs = 2;
  Error e = error_of(o);
  const std::string what = e.what();
  EXPECT_NE(what.find("failed without reporting a diagnostic (exit code 1)"), std::string::npos) << what;
  EXPECT_NE(what.find("Error while processing b.cpp."), std::string::npos) << what;
}

TEST(RunAnalyzer, MissingProgramIsAUsageError) {
  FakeAnalyzer fake("exit 0");
  AnalyzerOptions o = fake.options(Analyzer::clang_tidy);
  o.program = "autofix-gate-no-such-analyzer";
  Error e = error_of(o);
  EXPECT_EQ(e.kind(), ErrorKind::usage);
  EXPECT_NE(std::string(e.what()).find("cannot run clang-tidy"), std::string::npos) << e.what();
  EXPECT_NE(e.hint().find("install clang-tidy"), std::string::npos) << e.hint();
}

TEST(RunAnalyzer, FilesOutsideTheDatabaseAreWarnings) {
  FakeAnalyzer fake("echo ran > ran.txt");
  AnalyzerOptions o = fake.options(Analyzer::clang_tidy);
  o.files = {"include/a.h", "README.md"};
  AnalyzerRun run = run_analyzer(o);
  EXPECT_TRUE(run.findings.empty());
  EXPECT_TRUE(run.command_line.empty());
  EXPECT_FALSE(fs::exists(fake.source() / "ran.txt"));  // nothing to analyse: nothing ran
  const std::string db = "'" + (fake.source() / "build" / "compile_commands.json").string() + "'";
  EXPECT_EQ(run.warnings, (std::vector<std::string>{
                              "'include/a.h' is not a translation unit in " + db + ": clang-tidy did not analyse it",
                              "'README.md' is not a translation unit in " + db + ": clang-tidy did not analyse it",
                          }));
}

// A finding in the project and one in a generated file of the build directory (dropped).
constexpr const char* kOneFindingAndOneGenerated =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<results version=\"2\">\n"
    "    <cppcheck version=\"2.10\"/>\n"
    "    <errors>\n"
    "        <error id=\"unusedVariable\" severity=\"style\" msg=\"s\" verbose=\"s\" cwe=\"563\">\n"
    "            <location file=\"src/a.cpp\" line=\"1\" column=\"5\"/>\n"
    "        </error>\n"
    "        <error id=\"nullPointer\" severity=\"error\" msg=\"generated\" verbose=\"generated\" cwe=\"476\">\n"
    "            <location file=\"build/gen.cpp\" line=\"1\" column=\"1\"/>\n"
    "        </error>\n"
    "    </errors>\n"
    "</results>\n";

TEST(RunAnalyzer, CppcheckSeesOnlyTheSelectedEntries) {
  // The fake keeps the database it was given and reports from the file it names.
  FakeAnalyzer fake("for a in \"$@\"; do case \"$a\" in --project=*) cp \"${a#--project=}\" seen.json;; esac; done\n"
                    "echo 'Checking src/a.cpp ...'\n"  // progress goes to stdout, which is not read
                    "cat >&2 <<'EOF'\n" +
                    std::string(kOneFindingAndOneGenerated) + "EOF");
  AnalyzerRun run = run_analyzer(fake.options(Analyzer::cppcheck));
  EXPECT_EQ(lines_of(run.findings), std::vector<std::string>{"src/a.cpp:1:5 style unusedVariable: s"});
  auto seen = nlohmann::json::parse(autofix::testing::read_file(fake.source() / "seen.json"));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0]["file"], (fake.source() / "src/a.cpp").string());
  EXPECT_TRUE(run.warnings.empty());
  EXPECT_NE(run.command_line.find(" --xml --xml-version=2 --enable=warning,style,performance,portability --inline-suppr "
                                  "--quiet --suppress=missingIncludeSystem "),
            std::string::npos)
      << run.command_line;
}

// A cppcheck that exits 0 but writes something other than its XML report fails the run, naming the
// command and how the text begins; it is never read as "no findings".
TEST(RunAnalyzer, CppcheckWithoutAReadableReportThrows) {
  FakeAnalyzer fake("echo 'src/a.cpp:1:5: style: s [unusedVariable]' >&2");
  AnalyzerOptions o = fake.options(Analyzer::cppcheck);
  Error e = error_of(o);
  EXPECT_EQ(e.kind(), ErrorKind::internal);
  const std::string what = e.what();
  EXPECT_TRUE(what.starts_with("cppcheck in '" + fake.source().string() +
                               "': cannot read cppcheck's XML report: it holds no XML element; it begins: "
                               "'src/a.cpp:1:5: style: s [unusedVariable]\\n'; the command was: '" +
                               (fake.dir() / "fake analyzer").string() + "' "))
      << what;
  EXPECT_NE(what.find(" --xml --xml-version=2 "), std::string::npos) << what;
  EXPECT_NE(e.hint().find("cppcheck --xml --xml-version=2"), std::string::npos) << e.hint();

  // Silent: no report at all.
  FakeAnalyzer silent("exit 0");
  EXPECT_NE(std::string(error_of(silent.options(Analyzer::cppcheck)).what())
                .find(": cannot read cppcheck's XML report: it holds no XML element; it is empty; the command was: "),
            std::string::npos);
}

// ---- the real analyzers on a tiny project ---------------------------------------------------------------

// A CMake project (configured, not built) with known findings: an integer division and a null dereference
// in src/calc.cpp, an integer division in include/calc.h, an out-of-bounds read in src/calc.cpp.
class TinyProject : public ::testing::Test {
 protected:
  void SetUp() override {
    src_ = dir_ / "tiny project";
    build_ = src_ / "build";
    write_file(src_ / "CMakeLists.txt",
               "cmake_minimum_required(VERSION 3.16)\n"
               "project(tiny CXX)\n"
               "add_library(tiny src/calc.cpp src/clean.cpp)\n"
               "target_include_directories(tiny PUBLIC include)\n");
    write_file(src_ / "include/calc.h",
               "#pragma once\n"
               "inline double half(int x) { return x / 2; }\n");
    write_file(src_ / "src/calc.cpp",
               "#include \"calc.h\"\n"
               "\n"
               "double ratio(int a, int b) {\n"
               "  return a / b;\n"
               "}\n"
               "\n"
               "int first() {\n"
               "  int arr[3] = {1, 2, 3};\n"
               "  return arr[3];\n"
               "}\n"
               "\n"
               "int deref() {\n"
               "  int* p = nullptr;\n"
               "  return *p;\n"
               "}\n");
    write_file(src_ / "src/clean.cpp", "int clean() { return 0; }\n");
    auto r = autofix::testing::run({"cmake", "-S", src_.string(), "-B", build_.string(), "-G", "Ninja",
                                    "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"},
                                   dir_.path());
    ASSERT_TRUE(r.succeeded()) << r.out << r.err;
  }
  AnalyzerOptions options(Analyzer analyzer) const {
    AnalyzerOptions o;
    o.analyzer = analyzer;
    o.source_dir = src_;
    o.build_dir = build_;
    o.files = {"src/calc.cpp", "include/calc.h"};
    o.timeout = 120s;
    o.jobs = 1;
    return o;
  }

  TempDir dir_;
  fs::path src_, build_;
};

TEST_F(TinyProject, DatabaseListsItsSources) {
  EXPECT_EQ(translation_units_in_database(build_, src_), (std::vector<std::string>{"src/calc.cpp", "src/clean.cpp"}));
}

TEST_F(TinyProject, ClangTidyFindsTheKnownProblems) {
  if (!installed("clang-tidy")) GTEST_SKIP() << "clang-tidy is not installed";
  int group = 0;
  AnalyzerOptions o = options(Analyzer::clang_tidy);
  o.on_started = [&](int g) { group = g; };
  AnalyzerRun run = run_analyzer(o);
  EXPECT_GT(group, 0);
  const std::string division = "result of integer division used in a floating point context; possible loss of precision";
  EXPECT_EQ(lines_of(run.findings),
            (std::vector<std::string>{
                "include/calc.h:2:36 warning bugprone-integer-division: " + division,
                "src/calc.cpp:4:10 warning bugprone-integer-division: " + division,
                "src/calc.cpp:9:3 warning clang-analyzer-core.uninitialized.UndefReturn: Undefined or garbage value "
                "returned to caller",
                "src/calc.cpp:14:10 warning clang-analyzer-core.NullDereference: Dereference of null pointer (loaded "
                "from variable 'p')",
            }));
  EXPECT_EQ(run.warnings, std::vector<std::string>{"'include/calc.h' is not a translation unit in '" +
                                                   (build_ / "compile_commands.json").string() +
                                                   "': clang-tidy did not analyse it"});
  EXPECT_NE(run.command_line.find("--checks=" + std::string(kDefaultClangTidyChecks)), std::string::npos)
      << run.command_line;

  // The repository's own .clang-tidy decides the checks.
  write_file(src_ / ".clang-tidy", "Checks: '-*,clang-analyzer-core.NullDereference'\n");
  run = run_analyzer(o);
  EXPECT_EQ(run.command_line.find("--checks="), std::string::npos) << run.command_line;
  EXPECT_EQ(lines_of(run.findings),
            (std::vector<std::string>{"src/calc.cpp:14:10 warning clang-analyzer-core.NullDereference: Dereference of "
                                      "null pointer (loaded from variable 'p')"}));
}

TEST_F(TinyProject, CppcheckFindsTheKnownProblems) {
  if (!installed("cppcheck")) GTEST_SKIP() << "cppcheck is not installed";
  AnalyzerRun run = run_analyzer(options(Analyzer::cppcheck));
  EXPECT_EQ(lines_of(run.findings),
            (std::vector<std::string>{
                "src/calc.cpp:8:7 style constVariable: Variable 'arr' can be declared as const array",
                "src/calc.cpp:9:13 error arrayIndexOutOfBounds: Array 'arr[3]' accessed at index 3, which is out of "
                "bounds.",
                "src/calc.cpp:14:11 error nullPointer: Null pointer dereference: p",
            }));
  ASSERT_EQ(run.findings.size(), 3u);
  EXPECT_EQ(run.findings[2].detail, "src/calc.cpp:13:12: note: Assignment 'p=nullptr', assigned value is 0\n");
  EXPECT_EQ(run.warnings.size(), 1u);  // include/calc.h
}

TEST_F(TinyProject, NoDatabaseIsAUsageError) {
  AnalyzerOptions o = options(Analyzer::clang_tidy);
  o.build_dir = dir_ / "unconfigured";
  Error e = error_of(o);
  EXPECT_EQ(e.kind(), ErrorKind::usage);
  EXPECT_NE(std::string(e.what()).find("no compile database at '" + (dir_ / "unconfigured" / "compile_commands.json").string()),
            std::string::npos)
      << e.what();
}

}  // namespace
}  // namespace autofix::runners
