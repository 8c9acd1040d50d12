// SPDX-License-Identifier: MIT
#include "runners/sanitizer_report.h"

#include <sstream>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace autofix::runners {
namespace {

namespace fs = std::filesystem;
using autofix::testing::TempDir;

// The compile flags of the sanitizer build, exactly as sanitizer_cmake_arguments() configures them.
std::vector<std::string> compile_flags() {
  for (const std::string& arg : sanitizer_cmake_arguments()) {
    if (!arg.starts_with("-DCMAKE_CXX_FLAGS=")) continue;
    std::vector<std::string> flags;
    std::istringstream words(arg.substr(18));
    for (std::string w; words >> w;) flags.push_back(w);
    return flags;
  }
  ADD_FAILURE() << "no CMAKE_CXX_FLAGS argument";
  return {};
}

// Compiles `source` as <dir>/src/<name>.cpp (the directory's name has spaces), runs it with the sanitizer
// environment, and returns what it printed on stderr. The real output of GCC's runtime, not a copy.
class Program {
 public:
  Program(const std::string& name, const std::string& source) : name_(name) {
    testing::write_file(dir_ / "src" / (name + ".cpp"), source);
    std::vector<std::string> argv{"g++"};
    for (const auto& f : compile_flags()) argv.push_back(f);
    argv.insert(argv.end(), {(dir_ / "src" / (name + ".cpp")).string(), "-o", (dir_ / name).string()});
    ProcessResult built = testing::run(argv, dir_.path());
    if (!built.succeeded()) ADD_FAILURE() << "g++ failed: " << built.describe() << "\n" << built.err;
  }

  std::string run() const {
    ProcessResult r = testing::run({(dir_ / name_).string()}, dir_.path(), sanitizer_environment());
    EXPECT_EQ(r.exit_code, 1) << r.describe() << "\n" << r.err;  // halt_on_error: the first report ends it
    return r.err;
  }

  std::vector<SanitizerReport> reports() const { return parse_sanitizer_reports(run(), dir_.path()); }
  const fs::path& dir() const { return dir_.path(); }

 private:
  TempDir dir_;
  std::string name_;
};

bool has_address(const std::string& s) { return s.find("0x") != std::string::npos; }

// Two runs (different addresses, pids, ASLR) give the same signatures, and none holds an address.
void expect_stable(const Program& program, const std::vector<SanitizerReport>& first) {
  std::vector<SanitizerReport> second = program.reports();
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].signature, second[i].signature);
    EXPECT_FALSE(has_address(first[i].signature)) << first[i].signature;
    EXPECT_EQ(first[i].signature.find(program.dir().string()), std::string::npos) << first[i].signature;
  }
}

// ---- real output of GCC's runtime -----------------------------------------------------------------

TEST(SanitizerReportReal, HeapBufferOverflow) {
  Program p("heap_overflow",
            "__attribute__((noinline)) char* make(int n) { return new char[n]; }\n"
            "__attribute__((noinline)) void poke(char* p, int i) { p[i] = 1; }\n"
            "int main(int argc, char**) { char* p = make(8); poke(p, 7 + argc); delete[] p; }\n");
  std::string err = p.run();
  auto reports = parse_sanitizer_reports(err, p.dir());
  ASSERT_EQ(reports.size(), 1u) << err;
  const SanitizerReport& r = reports[0];
  EXPECT_EQ(r.sanitizer, "AddressSanitizer");
  EXPECT_EQ(r.kind, "heap-buffer-overflow");
  EXPECT_EQ(r.file, "src/heap_overflow.cpp");
  EXPECT_EQ(r.line, 2);
  EXPECT_EQ(r.signature, "AddressSanitizer|heap-buffer-overflow|poke(char*, int)");
  EXPECT_EQ(r.summary, "SUMMARY: AddressSanitizer: heap-buffer-overflow src/heap_overflow.cpp:2 in poke(char*, int)");
  ASSERT_GE(r.frames.size(), 2u);
  EXPECT_LE(r.frames.size(), 5u);
  EXPECT_TRUE(r.frames[0].starts_with("#0 0x")) << r.frames[0];
  EXPECT_TRUE(r.frames[0].ends_with(" in poke(char*, int) src/heap_overflow.cpp:2")) << r.frames[0];
  EXPECT_TRUE(r.frames[1].ends_with(" in main src/heap_overflow.cpp:3")) << r.frames[1];
  // The allocation's stack ("allocated by thread T0 here:") is not the report's.
  for (const auto& f : r.frames) EXPECT_EQ(f.find("make(int)"), std::string::npos) << f;
  expect_stable(p, reports);
}

TEST(SanitizerReportReal, HeapUseAfterFree) {
  Program p("use_after_free",
            "__attribute__((noinline)) int use_after(int* p) { return *p; }\n"
            "int main() { int* p = new int(3); delete p; return use_after(p); }\n");
  auto reports = p.reports();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].sanitizer, "AddressSanitizer");
  EXPECT_EQ(reports[0].kind, "heap-use-after-free");
  EXPECT_EQ(reports[0].file, "src/use_after_free.cpp");
  EXPECT_EQ(reports[0].line, 1);
  EXPECT_EQ(reports[0].signature, "AddressSanitizer|heap-use-after-free|use_after(int*)");
  expect_stable(p, reports);
}

TEST(SanitizerReportReal, StackUseAfterReturn) {
  Program p("after_return",
            "__attribute__((noinline)) int* escape() { int local[4] = {1, 2, 3, 4}; int* volatile q = local; return q; }\n"
            "int main() { int* p = escape(); return p[1]; }\n");
  auto reports = p.reports();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].kind, "stack-use-after-return");
  EXPECT_EQ(reports[0].file, "src/after_return.cpp");
  EXPECT_EQ(reports[0].line, 2);
  // The frame that held the variable ("is located in stack of thread T0 ... in frame #0 escape()") is
  // a description, not the access.
  EXPECT_EQ(reports[0].signature, "AddressSanitizer|stack-use-after-return|main");
  ASSERT_FALSE(reports[0].frames.empty());
  for (const auto& f : reports[0].frames) EXPECT_EQ(f.find("escape()"), std::string::npos) << f;
}

TEST(SanitizerReportReal, LeaksOneReportPerBlock) {
  Program p("leak",
            "#include <cstdlib>\n"
            "__attribute__((noinline)) void* make_leak(unsigned long n) { return std::malloc(n); }\n"
            "void* volatile sink;\n"
            "int main() { sink = make_leak(10); sink = make_leak(20); sink = nullptr; return 0; }\n");
  auto reports = p.reports();
  ASSERT_EQ(reports.size(), 2u);
  std::vector<std::string> summaries;
  for (const auto& r : reports) {
    EXPECT_EQ(r.sanitizer, "LeakSanitizer");
    EXPECT_EQ(r.kind, "memory leak");
    EXPECT_EQ(r.file, "src/leak.cpp");
    EXPECT_EQ(r.line, 2);
    EXPECT_EQ(r.signature, "LeakSanitizer|memory leak|make_leak(unsigned long)");
    EXPECT_TRUE(r.frames[0].find("malloc") != std::string::npos) << r.frames[0];
    summaries.push_back(r.summary);
  }
  std::sort(summaries.begin(), summaries.end());
  EXPECT_EQ(summaries, (std::vector<std::string>{"Direct leak of 10 byte(s) in 1 object(s)",
                                                 "Direct leak of 20 byte(s) in 1 object(s)"}));
  expect_stable(p, reports);
}

TEST(SanitizerReportReal, SignedIntegerOverflow) {
  Program p("overflow",
            "#include <climits>\n"
            "__attribute__((noinline)) int add(int a, int b) { return a + b; }\n"
            "int main(int argc, char**) { return add(INT_MAX, argc) == 0; }\n");
  auto reports = p.reports();
  ASSERT_EQ(reports.size(), 1u);
  const SanitizerReport& r = reports[0];
  EXPECT_EQ(r.sanitizer, "UndefinedBehaviorSanitizer");
  EXPECT_EQ(r.kind, "signed-integer-overflow");
  EXPECT_EQ(r.file, "src/overflow.cpp");
  EXPECT_EQ(r.line, 2);
  EXPECT_EQ(r.summary,
            "src/overflow.cpp:2:62: runtime error: signed integer overflow: 2147483647 + 1 cannot be represented in "
            "type 'int'");
  EXPECT_EQ(r.signature, "UndefinedBehaviorSanitizer|signed-integer-overflow|add(int, int)");
  ASSERT_FALSE(r.frames.empty());  // print_stacktrace=1
  EXPECT_TRUE(r.frames[0].ends_with(" in add(int, int) src/overflow.cpp:2")) << r.frames[0];
  expect_stable(p, reports);
}

TEST(SanitizerReportReal, NullAndMisalignedAccess) {
  Program null_deref("null_deref",
                     "struct S { int x; };\n"
                     "__attribute__((noinline)) int get(S* s) { return s->x; }\n"
                     "int main(int argc, char**) { S* s = argc > 5 ? new S{1} : nullptr; return get(s); }\n");
  auto null_reports = null_deref.reports();
  ASSERT_EQ(null_reports.size(), 1u);
  EXPECT_EQ(null_reports[0].kind, "null-pointer-use");
  EXPECT_EQ(null_reports[0].file, "src/null_deref.cpp");
  EXPECT_EQ(null_reports[0].line, 2);
  EXPECT_EQ(null_reports[0].signature, "UndefinedBehaviorSanitizer|null-pointer-use|get(S*)");
  expect_stable(null_deref, null_reports);

  Program misaligned("misaligned",
                     "#include <cstring>\n"
                     "__attribute__((noinline)) int get(const char* b) { return *reinterpret_cast<const int*>(b + 1); }\n"
                     "int main() { alignas(8) char b[16]; std::memset(b, 0, 16); return get(b); }\n");
  auto misaligned_reports = misaligned.reports();
  ASSERT_EQ(misaligned_reports.size(), 1u);
  EXPECT_EQ(misaligned_reports[0].kind, "misaligned-pointer-use");
  EXPECT_EQ(misaligned_reports[0].file, "src/misaligned.cpp");
  EXPECT_EQ(misaligned_reports[0].line, 2);
  EXPECT_EQ(misaligned_reports[0].signature, "UndefinedBehaviorSanitizer|misaligned-pointer-use|get(char const*)");
  expect_stable(misaligned, misaligned_reports);
}

// ---- fixed text: what real runs rarely show ---------------------------------------------------------

const char* const kAsanUseAfterFree =
    "==17028==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc 0x56369716d296 bp "
    "0x7ffe99162910 sp 0x7ffe99162908\n"
    "READ of size 4 at 0x602000000010 thread T0\n"
    "    #0 0x56369716d295 in std::vector<int, std::allocator<int> >::operator[](unsigned long) "
    "/usr/include/c++/12/bits/stl_vector.h:1123\n"
    "    #1 0x56369716d295 in Store::lookup(int) const /home/me/my project/src/store.cpp:41\n"
    "    #2 0x56369716d295 in main /home/me/my project/src/main.cpp:7\n"
    "    #3 0x7ff61a445249 in __libc_start_call_main ../sysdeps/nptl/libc_start_call_main.h:58\n"
    "    #4 0x7ff61a445304 in __libc_start_main_impl ../csu/libc-start.c:360\n"
    "    #5 0x56369716d0f0 in _start (/home/me/my project/build/app+0x10f0)\n"
    "\n"
    "0x602000000010 is located 0 bytes inside of 4-byte region [0x602000000010,0x602000000014)\n"
    "freed by thread T0 here:\n"
    "    #0 0x7ff61a6ba3c8 in operator delete(void*, unsigned long) "
    "../../../../src/libsanitizer/asan/asan_new_delete.cpp:164\n"
    "    #1 0x56369716d22f in Store::clear() /home/me/my project/src/store.cpp:20\n"
    "\n"
    "SUMMARY: AddressSanitizer: heap-use-after-free /home/me/my project/src/store.cpp:41 in Store::lookup(int) const\n";

TEST(SanitizerReportText, PathsWithSpacesAndLibraryFrames) {
  auto reports = parse_sanitizer_reports(kAsanUseAfterFree, "/home/me/my project");
  ASSERT_EQ(reports.size(), 1u);
  const SanitizerReport& r = reports[0];
  EXPECT_EQ(r.file, "src/store.cpp");  // the first frame in the project, not the standard library's
  EXPECT_EQ(r.line, 41);
  EXPECT_EQ(r.signature, "AddressSanitizer|heap-use-after-free|Store::lookup(int) const");
  EXPECT_EQ(r.summary, "SUMMARY: AddressSanitizer: heap-use-after-free src/store.cpp:41 in Store::lookup(int) const");
  ASSERT_EQ(r.frames.size(), 5u);  // the first five of six
  EXPECT_EQ(r.frames[1], "#1 0x56369716d295 in Store::lookup(int) const src/store.cpp:41");

  // Without a source directory: the first frame outside the runtime and the system headers.
  auto anywhere = parse_sanitizer_reports(kAsanUseAfterFree, "");
  ASSERT_EQ(anywhere.size(), 1u);
  EXPECT_EQ(anywhere[0].file, "/home/me/my project/src/store.cpp");
  EXPECT_EQ(anywhere[0].line, 41);
  EXPECT_EQ(anywhere[0].signature, reports[0].signature);
  // A source directory given with a trailing slash is the same directory.
  EXPECT_EQ(parse_sanitizer_reports(kAsanUseAfterFree, "/home/me/my project/")[0].file, "src/store.cpp");
}

TEST(SanitizerReportText, InterleavedOutputAndCrLf) {
  std::string text = std::string(kAsanUseAfterFree);
  std::string crlf;
  for (char c : text) {
    if (c == '\n') crlf += "\r\n";
    else crlf += c;
  }
  size_t split = crlf.find("\r\n", 400) + 2;  // between two frames of the stack
  std::string mixed = "[ RUN      ] Store.Lookup\r\n" + crlf.substr(0, split) + "#comment from the test\r\n" +
                      crlf.substr(split) + "[  FAILED  ] Store.Lookup (3 ms)\r\n" +
                      "/home/me/my project/src/math.cpp:12:7: runtime error: division by zero\r\n"
                      "test output after it\r\n";
  auto reports = parse_sanitizer_reports(mixed, "/home/me/my project");
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].file, "src/store.cpp");
  EXPECT_EQ(reports[0].line, 41);
  EXPECT_EQ(reports[0].kind, "heap-use-after-free");
  EXPECT_EQ(reports[1].sanitizer, "UndefinedBehaviorSanitizer");
  EXPECT_EQ(reports[1].kind, "integer-divide-by-zero");
  EXPECT_EQ(reports[1].file, "src/math.cpp");
  EXPECT_EQ(reports[1].line, 12);
  EXPECT_EQ(reports[1].summary, "src/math.cpp:12:7: runtime error: division by zero");
  EXPECT_TRUE(reports[1].frames.empty());
  EXPECT_EQ(reports[1].signature, "UndefinedBehaviorSanitizer|integer-divide-by-zero|src/math.cpp");
}

TEST(SanitizerReportText, TruncatedReportsKeepWhatIsThere) {
  std::string text(kAsanUseAfterFree);
  // Cut in the middle of frame #2.
  std::string cut = text.substr(0, text.find("main.cpp:7") - 4);
  auto reports = parse_sanitizer_reports(cut, "/home/me/my project");
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].kind, "heap-use-after-free");
  EXPECT_EQ(reports[0].file, "src/store.cpp");
  EXPECT_EQ(reports[0].line, 41);
  EXPECT_EQ(reports[0].frames.size(), 3u);
  EXPECT_EQ(reports[0].summary, "");

  // Cut right after the header: a kind, nothing else.
  auto header_only = parse_sanitizer_reports(text.substr(0, 80), "/home/me/my project");
  ASSERT_EQ(header_only.size(), 1u);
  EXPECT_EQ(header_only[0].kind, "heap-use-after-free");
  EXPECT_EQ(header_only[0].file, "");
  EXPECT_EQ(header_only[0].signature, "AddressSanitizer|heap-use-after-free|");

  // The beginning lost: the summary line alone still names kind, place and function.
  auto tail = parse_sanitizer_reports(text.substr(text.find("SUMMARY")), "/home/me/my project");
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(tail[0].kind, "heap-use-after-free");
  EXPECT_EQ(tail[0].file, "src/store.cpp");
  EXPECT_EQ(tail[0].line, 41);
  EXPECT_EQ(tail[0].signature, reports[0].signature);

  // A leak report cut inside its second block.
  std::string leaks =
      "==9==ERROR: LeakSanitizer: detected memory leaks\n\n"
      "Direct leak of 20 byte(s) in 1 object(s) allocated from:\n"
      "    #0 0x7f24818b89cf in __interceptor_malloc ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:69\n"
      "    #1 0x55dc7c623181 in Cache::grow() /p/src/cache.cpp:9\n\n"
      "Indirect leak of 8 byte(s) in 1 object(s) allocated from:\n"
      "    #0 0x7f24818b89cf in __interceptor_malloc ../../../../src/libsani";
  auto leak_reports = parse_sanitizer_reports(leaks, "/p");
  ASSERT_EQ(leak_reports.size(), 2u);
  EXPECT_EQ(leak_reports[0].file, "src/cache.cpp");
  EXPECT_EQ(leak_reports[0].signature, "LeakSanitizer|memory leak|Cache::grow()");
  EXPECT_EQ(leak_reports[1].kind, "indirect memory leak");
  EXPECT_EQ(leak_reports[1].file, "");
  EXPECT_EQ(leak_reports[1].summary, "Indirect leak of 8 byte(s) in 1 object(s)");
}

TEST(SanitizerReportText, ClangSummaryAndOtherSanitizers) {
  // clang's runtime names the check in its summary; GCC's writes "undefined-behavior" (or nothing).
  auto clang = parse_sanitizer_reports(
      "/p/src/a.cpp:3:10: runtime error: something new\n"
      "SUMMARY: UndefinedBehaviorSanitizer: implicit-signed-integer-truncation /p/src/a.cpp:3:10 in \n",
      "/p");
  ASSERT_EQ(clang.size(), 1u);
  EXPECT_EQ(clang[0].kind, "implicit-signed-integer-truncation");
  auto gcc = parse_sanitizer_reports(
      "/p/src/a.cpp:3:10: runtime error: left shift of negative value -1\n"
      "SUMMARY: UndefinedBehaviorSanitizer: undefined-behavior /p/src/a.cpp:3:10 in \n",
      "/p");
  ASSERT_EQ(gcc.size(), 1u);
  EXPECT_EQ(gcc[0].kind, "invalid-shift-base");
  EXPECT_EQ(gcc[0].summary, "src/a.cpp:3:10: runtime error: left shift of negative value -1");

  auto tsan = parse_sanitizer_reports(
      "==================\n"
      "WARNING: ThreadSanitizer: data race (pid=4242)\n"
      "  Write of size 4 at 0x55d0e4a0c014 by thread T1:\n"
      "    #0 bump() /p/src/counter.cpp:5 (race+0x1289)\n"
      "    #1 worker(void*) /p/src/counter.cpp:9 (race+0x12c4)\n\n"
      "  Previous read of size 4 at 0x55d0e4a0c014 by main thread:\n"
      "    #0 read_it() /p/src/counter.cpp:14 (race+0x1301)\n\n"
      "SUMMARY: ThreadSanitizer: data race /p/src/counter.cpp:5 in bump()\n",
      "/p");
  ASSERT_EQ(tsan.size(), 1u);
  EXPECT_EQ(tsan[0].sanitizer, "ThreadSanitizer");
  EXPECT_EQ(tsan[0].kind, "data race");
  EXPECT_EQ(tsan[0].file, "src/counter.cpp");
  EXPECT_EQ(tsan[0].line, 5);
  EXPECT_EQ(tsan[0].frames.size(), 2u);
  EXPECT_EQ(tsan[0].signature, "ThreadSanitizer|data race|bump()");

  auto segv = parse_sanitizer_reports(
      "==1==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000 (pc 0x1 bp 0x2 sp 0x3 T0)\n"
      "==1==The signal is caused by a READ memory access.\n"
      "    #0 0x5555 in crash /p/src/c.cpp:3\n"
      "SUMMARY: AddressSanitizer: SEGV /p/src/c.cpp:3 in crash\n",
      "/p");
  ASSERT_EQ(segv.size(), 1u);
  EXPECT_EQ(segv[0].kind, "SEGV");
  EXPECT_EQ(segv[0].signature, "AddressSanitizer|SEGV|crash");
}

TEST(SanitizerReportText, NothingToReport) {
  EXPECT_TRUE(parse_sanitizer_reports("", "/p").empty());
  EXPECT_TRUE(parse_sanitizer_reports("[==========] 3 tests ran.\n#1 in the charts\nSUMMARY: all good\n", "/p").empty());
}

// ---- the build recipe ----------------------------------------------------------------------------

TEST(SanitizerBuild, CmakeArgumentsAndEnvironment) {
  EXPECT_EQ(sanitizer_cmake_arguments(),
            (std::vector<std::string>{
                "-DCMAKE_BUILD_TYPE=Debug",
                "-DCMAKE_C_FLAGS=-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g -O1",
                "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g -O1",
                "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined",
                "-DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=address,undefined",
                "-DCMAKE_MODULE_LINKER_FLAGS=-fsanitize=address,undefined",
            }));
  std::map<std::string, std::string> env;
  for (const auto& [k, v] : sanitizer_environment()) env[k] = v;
  EXPECT_NE(env["ASAN_OPTIONS"].find("detect_leaks=1"), std::string::npos);
  EXPECT_NE(env["ASAN_OPTIONS"].find("halt_on_error=1"), std::string::npos);
  EXPECT_NE(env["ASAN_OPTIONS"].find("detect_stack_use_after_return=1"), std::string::npos);
  EXPECT_NE(env["UBSAN_OPTIONS"].find("print_stacktrace=1"), std::string::npos);
  EXPECT_NE(env["UBSAN_OPTIONS"].find("halt_on_error=1"), std::string::npos);
}

}  // namespace
}  // namespace autofix::runners
