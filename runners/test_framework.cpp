// SPDX-License-Identifier: MIT
#include "runners/test_framework.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>
#include <tuple>

#include "gate/util/error.h"
#include "runners/gtest_filter.h"

namespace autofix::runners {

namespace fs = std::filesystem;

namespace {

// Strings each framework compiles into every binary that uses it (checked against GoogleTest 1.12,
// Catch2 2.13 and 3.x, doctest 2.4): help text, output prefixes, flag names.
struct Marker {
  TestFramework framework;
  std::string_view text;
};
constexpr std::array<Marker, 3> kMarkers = {{
    {TestFramework::googletest, "gtest_output"},               // --gtest_output and GTEST_OUTPUT
    {TestFramework::catch2, "A Catch2 test executable"},       // --libidentify
    {TestFramework::doctest, "[doctest] "},                    // every line doctest prints starts with it
}};
constexpr size_t kChunk = 1 << 20;
constexpr uintmax_t kMaxScannedBytes = uintmax_t{4} << 30;  // a larger file is no test binary we can read

TestFramework scan(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return TestFramework::unknown;
  size_t overlap = 0;
  for (const Marker& m : kMarkers) overlap = std::max(overlap, m.text.size() - 1);
  std::array<bool, kMarkers.size()> found{};
  std::string buffer;
  std::string carry;
  uintmax_t read = 0;
  while (in && read < kMaxScannedBytes) {
    buffer.assign(carry);
    size_t before = buffer.size();
    buffer.resize(before + kChunk);
    in.read(buffer.data() + before, static_cast<std::streamsize>(kChunk));
    size_t got = static_cast<size_t>(in.gcount());
    buffer.resize(before + got);
    read += got;
    for (size_t i = 0; i < kMarkers.size(); ++i) {
      if (found[i]) continue;
      std::boyer_moore_horspool_searcher searcher(kMarkers[i].text.begin(), kMarkers[i].text.end());
      found[i] = std::search(buffer.begin(), buffer.end(), searcher) != buffer.end();
    }
    if (got == 0) break;
    carry = buffer.size() > overlap ? buffer.substr(buffer.size() - overlap) : buffer;
  }
  TestFramework result = TestFramework::unknown;
  for (size_t i = 0; i < kMarkers.size(); ++i) {
    if (!found[i]) continue;
    if (result != TestFramework::unknown) return TestFramework::unknown;  // two frameworks: we cannot tell
    result = kMarkers[i].framework;
  }
  return result;
}

bool is_executable_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

// Catch2's test spec: '\' escapes the characters its parser treats specially.
std::string catch2_escaped(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (std::string_view("\\,[]\"~*").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// doctest's filter lists: ',' separates filters and '\' escapes ',' and '\'.
std::string doctest_escaped(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ',' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

const char* to_string(TestFramework f) noexcept {
  switch (f) {
    case TestFramework::unknown: return "unknown";
    case TestFramework::googletest: return "googletest";
    case TestFramework::catch2: return "catch2";
    case TestFramework::doctest: return "doctest";
  }
  return "unknown";
}

TestFramework framework_of_file(const fs::path& executable) {
  struct stat st {};
  if (::stat(executable.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return TestFramework::unknown;
  using Key = std::tuple<std::string, off_t, long, long>;
  static std::mutex mutex;
  static std::map<Key, TestFramework> cache;
  Key key{executable.string(), st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec};
  {
    std::lock_guard lock(mutex);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  TestFramework f = scan(executable);
  std::lock_guard lock(mutex);
  cache[key] = f;
  return f;
}

TestFramework framework_of(const DiscoveredTest& test, fs::path* binary) {
  for (size_t i = 0; i < test.command.size(); ++i) {
    const std::string& arg = test.command[i];
    if (i > 0 && (arg.empty() || arg.front() == '-' || arg.find('/') == std::string::npos)) continue;
    fs::path p = arg;
    if (i == 0 && !p.is_absolute() && !test.working_directory.empty()) p = fs::path(test.working_directory) / p;
    if (!is_executable_file(p)) continue;
    // A program of no known framework may be a wrapper: its later arguments are looked at too.
    if (TestFramework f = framework_of_file(p); f != TestFramework::unknown) {
      if (binary) *binary = p;
      return f;
    }
  }
  return TestFramework::unknown;
}

std::vector<std::string> case_report_arguments(TestFramework framework, const fs::path& report,
                                               const std::vector<std::string>& cases) {
  switch (framework) {
    case TestFramework::catch2: {
      std::vector<std::string> args = {"-r", "junit", "-o", report.string()};
      if (!cases.empty()) {
        std::string spec;
        std::vector<std::string> names;
        for (const std::string& c : cases)
          for (size_t slash = c.find('/'); ; slash = c.find('/', slash + 1)) {
            names.push_back(c.substr(0, slash));
            if (slash == std::string::npos) break;
          }
        std::sort(names.begin(), names.end());
        names.erase(std::unique(names.begin(), names.end()), names.end());
        for (const std::string& n : names) spec += (spec.empty() ? "" : ",") + catch2_escaped(n);
        args.push_back(spec);
      }
      return args;
    }
    case TestFramework::doctest: {
      std::vector<std::string> args = {"--reporters=junit", "--out=" + report.string()};
      if (!cases.empty()) {
        std::string filter;
        for (const std::string& c : cases) filter += (filter.empty() ? "" : ",") + doctest_escaped(c);
        args.push_back("--test-case=" + filter);
      }
      return args;
    }
    case TestFramework::googletest: {
      // Flags given later win over the command's own and over GTEST_OUTPUT/GTEST_FILTER.
      std::vector<std::string> args = {"--gtest_output=xml:" + report.string()};
      // A filter that cannot name the cases exactly is left out: every case runs, and they are read by name.
      if (std::optional<std::string> filter = gtest_filter_for(cases)) args.push_back("--gtest_filter=" + *filter);
      return args;
    }
    case TestFramework::unknown:
      break;
  }
  throw Error(ErrorKind::internal, std::string("no case report arguments for a ") + to_string(framework) + " binary");
}

}  // namespace autofix::runners
