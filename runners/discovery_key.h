// SPDX-License-Identifier: MIT
#pragma once
// What decides a test listing, so that a listing made once can be used again while it is provably the
// same (the gate stores them: gate/state/discovery_store.h; the choice is gate/judge/cmake_toolchain.cpp).
//
// `ctest --show-only=json-v1` prints what the build directory's CTest scripts say: CTestTestfile.cmake,
// the CTestTestfile.cmake of each directory it `subdirs()`, every file those `include()` (the listings
// gtest_discover_tests and catch_discover_tests write), CTestCustom.cmake/.ctest at the top, and ctest
// itself. The key holds the content of each of those scripts and what each one asks of the file system:
// the kind of every absolute path an `if()` tests (EXISTS, IS_DIRECTORY, ...), the time of both sides
// of an IS_NEWER_THAN, and that each test's executable is a file. A script a key cannot account for has
// no key (the listing is asked of ctest every time): one that calls a command other than add_test,
// set_tests_properties, set_directory_properties, subdirs, include, set, unset, list, message and
// if/elseif/else/endif; reads the environment or the cache ($ENV{}, $CACHE{}); includes or enters a
// directory named through a variable or by module name; or registers a test whose command is not an
// existing absolute path (it would be looked up in $PATH or in configuration directories). The
// PRE_TEST discovery mode of gtest_discover_tests includes GoogleTestAddTests.cmake, which runs the
// binary (execute_process): such a build directory is listed by ctest every time.
//
// A GoogleTest binary's own listing (`--gtest_list_tests`) is keyed by the binary's real path, size,
// modification and change times (nanoseconds) and inode, and the working directory and environment
// it is listed with: a rebuilt binary is listed again.
//
// Keys are text (JSON arrays: unambiguous for any path); who stores them hashes them.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runners/discovered_test.h"

namespace autofix::runners {

// One command of a CMake script: its name as written and its arguments, each unquoted (a quoted or
// bracket argument's text, escapes of quoted ones resolved); parentheses inside the arguments are left out.
struct CMakeCommand {
  std::string name;
  std::vector<std::string> arguments;
};

// The commands of a CMake script, or nullopt when its text is not a sequence of command invocations
// (an unterminated argument, bracket or comment, text outside a command).
std::optional<std::vector<CMakeCommand>> parse_cmake_script(std::string_view text);

// What stat(2) tells of a file without reading it: "<size> <mtime ns> <ctime ns> <inode> <device>", of
// the file symbolic links lead to; nullopt when there is none.
std::optional<std::string> file_stamp(const std::filesystem::path& path);

struct ListingKey {
  std::optional<std::string> key;  // nullopt: no key (then `unkeyed` says why)
  std::string unkeyed;
};

// The key of `ctest --show-only=json-v1 -LE ^autofix$ [-L label]...` in build_dir, run by the ctest
// whose program_identity is `ctest_identity`.
ListingKey ctest_listing_key(const std::filesystem::path& build_dir, const std::vector<std::string>& labels,
                             std::string_view ctest_identity);

// The key of the listing of GoogleTest `binary`, listed as runners/gtest_listing.h does for `test`
// (its working directory, or build_dir when it names none, and its environment).
ListingKey gtest_listing_key(const std::filesystem::path& binary, const DiscoveredTest& test,
                             const std::filesystem::path& build_dir);

}  // namespace autofix::runners
