// SPDX-License-Identifier: MIT
#pragma once
// The sanitizers tier's reader and build recipe. A separate build with AddressSanitizer and
// UndefinedBehaviorSanitizer runs the selected tests; their output is free text, interleaved with
// whatever the tests print. This file turns that text into reports the tier can compare between the
// baseline and the fixed tree (by `signature`, which holds no addresses, pids or line numbers), and says
// how to configure and run such a build. Pure: no files, no processes.
//
// What GCC 12's runtime prints (tests/unit/sanitizer_report_test.cpp compiles programs and reads it):
//   ==17028==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc ...
//   READ of size 4 at 0x602000000010 thread T0
//       #0 0x56369716d295 in use_after(int*) /src/uaf.cpp:1       <- the access: the report's frames
//       ...
//   freed by thread T0 here:                                        <- further stacks: not the report's
//       #0 0x7ff61a6ba3c8 in operator delete(void*, unsigned long) ../../../../src/libsanitizer/...
//   SUMMARY: AddressSanitizer: heap-use-after-free /src/uaf.cpp:1 in use_after(int*)
//
//   ==17029==ERROR: LeakSanitizer: detected memory leaks
//   Direct leak of 20 byte(s) in 1 object(s) allocated from:       <- one report per block
//       #0 ... in __interceptor_malloc ...
//
//   /src/overflow.cpp:2:36: runtime error: signed integer overflow: 1 + 2147483647 cannot be ...
//       #0 0x562f36b471bf in add(int, int) /src/overflow.cpp:2    <- only with print_stacktrace=1
// GCC's runtime symbolizes by itself (libbacktrace): frames carry function, file and line without
// llvm-symbolizer on PATH; a clang-built runtime uses llvm-symbolizer when PATH has one.
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace autofix::runners {

struct SanitizerReport {
  std::string sanitizer;  // AddressSanitizer, UndefinedBehaviorSanitizer, LeakSanitizer, ThreadSanitizer, ...
  // AddressSanitizer: the error kind (heap-buffer-overflow, heap-use-after-free, stack-use-after-return,
  // SEGV, ...; the SUMMARY line's word when there is one). LeakSanitizer: "memory leak" (a direct leak)
  // or "indirect memory leak". UndefinedBehaviorSanitizer: the check as clang's runtime names it
  // (signed-integer-overflow, null-pointer-use, misaligned-pointer-use, out-of-bounds-index, ...;
  // "undefined-behavior" for a message we do not know).
  std::string kind;
  // The SUMMARY: line (AddressSanitizer), the "Direct leak of ..." line (LeakSanitizer), or the
  // "file:line:col: runtime error: ..." line (UndefinedBehaviorSanitizer). Paths under source_dir are
  // shown relative to it.
  std::string summary;
  std::vector<std::string> frames;  // the first 5 frames of the report's own stack, trimmed
  // The first frame inside the project (under source_dir), else the first frame with a source file that
  // is neither the sanitizer runtime nor the C library; for UndefinedBehaviorSanitizer the runtime
  // error's location. Repository-relative ('/') when under source_dir; empty and 0 when unknown.
  std::string file;
  int line = 0;
  // sanitizer|kind|where: `where` is the function of that frame, else `file` (UBSan without a stack),
  // else empty. No addresses, pids or line numbers: identical across runs and when lines move.
  std::string signature;
};

// Reads every report in `output` (a test's stdout and stderr, or a whole CTest log): AddressSanitizer,
// LeakSanitizer (one report per leak block), UndefinedBehaviorSanitizer (with or without a stack),
// ThreadSanitizer warnings. Lines that are not part of a report are ignored; "\r\n" is accepted; a
// report cut off in the middle yields what was there. `source_dir`: the repository root (may be empty).
std::vector<SanitizerReport> parse_sanitizer_reports(std::string_view output, const std::filesystem::path& source_dir);

// The -D arguments that configure a separate sanitizer build directory: Debug, with
// -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g -O1
// for C and C++, and -fsanitize=address,undefined for every kind of link.
std::vector<std::string> sanitizer_cmake_arguments();

// The environment the sanitizer build's tests run with: ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS
// (each report printed in full, the test stopped at the first error with exit code 1, no colour).
std::vector<std::pair<std::string, std::string>> sanitizer_environment();

}  // namespace autofix::runners
