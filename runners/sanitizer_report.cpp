// SPDX-License-Identifier: MIT
#include "runners/sanitizer_report.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace autofix::runners {

namespace {

constexpr size_t npos = std::string_view::npos;
constexpr size_t kKeptFrames = 5;

std::string_view trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view digits) {
  int value = 0;
  for (char c : digits.substr(0, 9)) value = value * 10 + (c - '0');
  return value;
}

// "path:line" or "path:line:col" split into path and line; line 0 when there is none.
std::pair<std::string_view, int> split_location(std::string_view location) {
  size_t colon = location.rfind(':');
  if (colon == npos || !is_digits(location.substr(colon + 1))) return {location, 0};
  std::string_view last = location.substr(colon + 1);
  std::string_view before = location.substr(0, colon);
  size_t colon2 = before.rfind(':');
  if (colon2 != npos && is_digits(before.substr(colon2 + 1)))
    return {before.substr(0, colon2), to_int(before.substr(colon2 + 1))};  // path:line:col
  return {before, to_int(last)};
}

struct Frame {
  std::string function;
  std::string file;  // as printed (absolute or relative to the compiler's directory); empty when unknown
  int line = 0;
};

// UndefinedBehaviorSanitizer messages (GCC's and clang's runtime print the same text) and the check
// names clang's runtime uses in its SUMMARY lines. The first needle found in the message wins.
constexpr std::array<std::pair<std::string_view, std::string_view>, 28> kUbsanKinds = {{
    {"null pointer passed as argument", "invalid-null-argument"},
    {"null pointer returned from function", "invalid-null-return"},
    {"signed integer overflow", "signed-integer-overflow"},
    {"unsigned integer overflow", "unsigned-integer-overflow"},
    {"negation of", "signed-integer-overflow"},
    {"division of", "signed-integer-overflow"},  // INT_MIN / -1
    {"division by zero", "integer-divide-by-zero"},
    {"shift exponent", "invalid-shift-exponent"},
    {"left shift of", "invalid-shift-base"},
    {"out of bounds for type", "out-of-bounds-index"},
    {"misaligned address", "misaligned-pointer-use"},
    {"applying non-zero offset", "nullptr-with-offset"},
    {"applying zero offset to null pointer", "nullptr-with-offset"},
    {"null pointer", "null-pointer-use"},
    {"insufficient space for an object", "insufficient-object-size"},
    {"pointer index expression", "pointer-overflow"},
    {"addition of unsigned offset", "pointer-overflow"},
    {"subtraction of unsigned offset", "pointer-overflow"},
    {"reached an unreachable program point", "unreachable-call"},
    {"end of a value-returning function", "missing-return"},
    {"variable length array bound", "non-positive-vla-index"},
    {"outside the range of representable values", "float-cast-overflow"},
    {"not a valid value for type 'bool'", "invalid-bool-load"},
    {"is not a valid value for type", "invalid-enum-load"},
    {"passing zero to", "invalid-builtin-use"},
    {"which does not point to an object of type", "dynamic-type-mismatch"},
    {"control flow integrity check", "cfi-bad-type"},
    {"implicit conversion", "implicit-conversion"},
}};

std::string ubsan_kind(std::string_view message) {
  for (const auto& [needle, kind] : kUbsanKinds)
    if (message.find(needle) != npos) return std::string(kind);
  return "undefined-behavior";
}

// "heap-buffer-overflow on address 0x..." -> "heap-buffer-overflow"; "attempting double-free on 0x..." ->
// "attempting double-free"; "data race (pid=1)" -> "data race". Stops before anything run-specific.
std::string header_kind(std::string_view rest) {
  std::string kind;
  size_t i = 0;
  while (i < rest.size()) {
    size_t end = rest.find(' ', i);
    std::string_view word = rest.substr(i, end == npos ? npos : end - i);
    if (word == "on" || word == "at" || word.starts_with("0x") || word.starts_with("(")) break;
    if (!word.empty()) kind += (kind.empty() ? "" : " ") + std::string(word);
    if (end == npos) break;
    i = end + 1;
  }
  while (!kind.empty() && kind.back() == ':') kind.pop_back();
  return kind;
}

// The words of a SUMMARY line before its location: "heap-use-after-free /src/a.cpp:3 in f" ->
// "heap-use-after-free", "data race /src/a.cpp:5 in f" -> "data race", "SEGV (/bin/x+0x12)" -> "SEGV".
std::string summary_kind(std::string_view text) {
  std::string kind;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find(' ', i);
    std::string_view word = text.substr(i, end == npos ? npos : end - i);
    if (word == "in" || word.starts_with("/") || word.starts_with(".") || word.starts_with("(") ||
        word.starts_with("<") || word.find(':') != npos)
      break;
    if (!word.empty()) kind += (kind.empty() ? "" : " ") + std::string(word);
    if (end == npos) break;
    i = end + 1;
  }
  return kind;
}

class Parser {
 public:
  explicit Parser(const std::filesystem::path& source_dir) {
    if (source_dir.is_absolute()) {
      prefix_ = source_dir.lexically_normal().generic_string();
      while (prefix_.size() > 1 && prefix_.back() == '/') prefix_.pop_back();
      if (prefix_ != "/") prefix_ += '/';
    }
  }

  void on_line(std::string_view text) {
    while (!text.empty() && (text.back() == '\r' || text.back() == '\n')) text.remove_suffix(1);
    std::string_view t = trim(text);
    if (t.empty()) return;
    if (t.front() == '#') return on_frame(t);
    if (size_t at = t.find(": runtime error: "); at != npos) return on_runtime_error(t, at);
    if (t.starts_with("Direct leak of ") || t.starts_with("Indirect leak of ")) return on_leak(t);
    if (size_t at = t.find("SUMMARY: "); at != npos) return on_summary(t.substr(at + 9));
    for (std::string_view tag : {"ERROR: ", "WARNING: "}) {
      size_t at = t.find(tag);
      if (at == npos) continue;
      std::string_view rest = t.substr(at + tag.size());
      size_t colon = rest.find(": ");
      if (colon == npos || !rest.substr(0, colon).ends_with("Sanitizer")) continue;
      std::string sanitizer(rest.substr(0, colon));
      if (sanitizer == "LeakSanitizer") return;  // "detected memory leaks": the blocks are the reports
      return start(sanitizer, header_kind(rest.substr(colon + 2)), "");
    }
    // AddressSanitizer: the access's stack ends where the runtime describes other stacks ("freed by thread
    // T0 here:", "is located in stack of thread T0"). ThreadSanitizer's own stack follows a " by thread".
    if (!reports_.empty() && reports_.back().sanitizer == "AddressSanitizer" &&
        (t.find(" by thread ") != npos || t.find(" is located ") != npos))
      collecting_ = false;
  }

  std::vector<SanitizerReport> finish() {
    for (size_t i = 0; i < reports_.size(); ++i) finalize(reports_[i], stacks_[i]);
    return std::move(reports_);
  }

 private:
  void start(std::string sanitizer, std::string kind, std::string summary) {
    SanitizerReport report;
    report.sanitizer = std::move(sanitizer);
    report.kind = std::move(kind);
    report.summary = std::move(summary);
    reports_.push_back(std::move(report));
    stacks_.emplace_back();
    summarized_.push_back(false);
    collecting_ = true;
  }

  void on_runtime_error(std::string_view t, size_t at) {
    std::string_view location = t.substr(0, at);
    start("UndefinedBehaviorSanitizer", ubsan_kind(t.substr(at + 17)), relative_text(t));
    auto [path, line_number] = split_location(location);
    if (line_number > 0) {
      reports_.back().file = relative(path);
      reports_.back().line = line_number;
    }
  }

  void on_leak(std::string_view t) {
    std::string_view summary = t;
    if (size_t from = summary.find(" allocated from"); from != npos) summary = summary.substr(0, from);
    start("LeakSanitizer", t.starts_with("Direct") ? "memory leak" : "indirect memory leak", std::string(summary));
  }

  void on_summary(std::string_view rest) {
    size_t colon = rest.find(": ");
    if (colon == npos) return;
    std::string sanitizer(rest.substr(0, colon));
    std::string_view text = rest.substr(colon + 2);
    if (text.empty() || std::isdigit(static_cast<unsigned char>(text.front()))) return;  // "30 byte(s) leaked ..."
    std::string kind = summary_kind(text);
    collecting_ = false;
    for (size_t i = reports_.size(); i-- > 0;) {
      if (reports_[i].sanitizer != sanitizer || summarized_[i]) continue;
      summarized_[i] = true;
      if (sanitizer == "UndefinedBehaviorSanitizer") {
        if (kind != "undefined-behavior") reports_[i].kind = kind;  // clang names the check; GCC does not
      } else {
        reports_[i].kind = kind;
        reports_[i].summary = relative_text("SUMMARY: " + std::string(rest));
      }
      return;
    }
    // The report's beginning was lost: the summary is all there is.
    start(sanitizer, kind, relative_text("SUMMARY: " + std::string(rest)));
    summarized_.back() = true;
    collecting_ = false;
    std::string_view where = text.substr(kind.size());
    size_t in = where.rfind(" in ");
    std::string_view location = trim(in == npos ? where : where.substr(0, in));
    auto [path, line_number] = split_location(location);
    if (line_number > 0) stacks_.back().push_back({in == npos ? "" : std::string(trim(where.substr(in + 4))),
                                                   std::string(path), line_number});
  }

  void on_frame(std::string_view t) {
    size_t i = 1;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
    if (i == 1 || i >= t.size() || t[i] != ' ' || reports_.empty() || !collecting_) return;
    int index = to_int(t.substr(1, i - 1));
    std::vector<Frame>& stack = stacks_.back();
    if (index != static_cast<int>(stack.size())) {  // another stack (or a gap): the report's own has ended
      collecting_ = false;
      return;
    }
    stack.push_back(parse_frame(trim(t.substr(i))));
    if (reports_.back().frames.size() < kKeptFrames) reports_.back().frames.push_back(relative_text(t));
  }

  // "0x55dc7c623181 in make_leak(unsigned long) /src/leak.cpp:2", "0x... in _start (/bin/x+0x1100)",
  // "0x... (/lib/libc.so.6+0x2724a)", ThreadSanitizer's "increment() /src/race.cpp:5 (race+0x1234)".
  Frame parse_frame(std::string_view rest) const {
    Frame f;
    if (rest.starts_with("0x")) {
      size_t space = rest.find(' ');
      rest = space == npos ? std::string_view() : trim(rest.substr(space));
    }
    if (rest.starts_with("in ")) rest = trim(rest.substr(3));
    if (rest.ends_with(")")) {  // a trailing "(module+0xoffset)"
      size_t open = rest.rfind('(');
      if (open != npos && rest.find("+0x", open) != npos) rest = trim(rest.substr(0, open));
    }
    if (rest.empty()) return f;
    size_t path_at = npos;
    if (!prefix_.empty()) path_at = rest.find(" " + prefix_);
    for (std::string_view start : {" /", " ../", " ./"})
      if (path_at == npos) path_at = rest.find(start);
    if (path_at == npos) {  // a relative path without spaces: the last word, when it ends in :line
      size_t space = rest.rfind(' ');
      if (space != npos && split_location(rest.substr(space + 1)).second > 0) path_at = space;
    }
    if (path_at == npos) {
      f.function = std::string(rest);
      return f;
    }
    f.function = std::string(trim(rest.substr(0, path_at)));
    auto [path, line_number] = split_location(trim(rest.substr(path_at)));
    f.file = std::string(path);
    f.line = line_number;
    return f;
  }

  bool in_project(const std::string& file) const { return !prefix_.empty() && file.starts_with(prefix_); }

  // Not the sanitizer runtime, the C library or the standard library's headers.
  static bool outside_runtime(const std::string& file) {
    return !file.empty() && !file.starts_with("../") && !file.starts_with("/usr/") &&
           file.find("/libsanitizer/") == npos && file.find("compiler-rt/") == npos;
  }

  std::string relative(std::string_view path) const {
    if (!prefix_.empty() && path.starts_with(prefix_)) path.remove_prefix(prefix_.size());
    return std::string(path);
  }

  // Every occurrence of the source directory in a line of text removed.
  std::string relative_text(std::string_view text) const {
    std::string out(text);
    if (prefix_.empty()) return out;
    for (size_t at = out.find(prefix_); at != std::string::npos; at = out.find(prefix_, at)) out.erase(at, prefix_.size());
    return out;
  }

  void finalize(SanitizerReport& report, const std::vector<Frame>& stack) const {
    const Frame* chosen = nullptr;
    for (const Frame& f : stack)
      if (in_project(f.file)) {
        chosen = &f;
        break;
      }
    if (!chosen)
      for (const Frame& f : stack)
        if (outside_runtime(f.file)) {
          chosen = &f;
          break;
        }
    std::string where;
    if (chosen) where = chosen->function;
    if (report.file.empty() && chosen) {  // UndefinedBehaviorSanitizer has its own location
      report.file = relative(chosen->file);
      report.line = chosen->line;
    }
    if (where.empty()) where = report.file;
    report.signature = report.sanitizer + "|" + report.kind + "|" + where;
  }

  std::string prefix_;  // "<source_dir>/", or empty
  std::vector<SanitizerReport> reports_;
  std::vector<std::vector<Frame>> stacks_;  // each report's own stack, all of it
  std::vector<bool> summarized_;
  bool collecting_ = false;  // frame lines belong to the last report's stack
};

}  // namespace

std::vector<SanitizerReport> parse_sanitizer_reports(std::string_view output, const std::filesystem::path& source_dir) {
  Parser parser(source_dir);
  size_t start = 0;
  while (start < output.size()) {
    size_t eol = output.find('\n', start);
    parser.on_line(output.substr(start, eol == npos ? npos : eol - start));
    if (eol == npos) break;
    start = eol + 1;
  }
  return parser.finish();
}

namespace {
constexpr std::string_view kCompileFlags =
    "-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g -O1";
constexpr std::string_view kLinkFlags = "-fsanitize=address,undefined";
}  // namespace

std::vector<std::string> sanitizer_cmake_arguments() {
  // Arguments, not a shell line: the values' spaces stay inside one argument each.
  return {
      "-DCMAKE_BUILD_TYPE=Debug",
      "-DCMAKE_C_FLAGS=" + std::string(kCompileFlags),
      "-DCMAKE_CXX_FLAGS=" + std::string(kCompileFlags),
      "-DCMAKE_EXE_LINKER_FLAGS=" + std::string(kLinkFlags),
      "-DCMAKE_SHARED_LINKER_FLAGS=" + std::string(kLinkFlags),
      "-DCMAKE_MODULE_LINKER_FLAGS=" + std::string(kLinkFlags),
  };
}

std::vector<std::pair<std::string, std::string>> sanitizer_environment() {
  // halt_on_error: the first report ends the test (exit code 1), so a report is never lost in a crash that
  // follows it. detect_stack_use_after_return: off by default in GCC 12's runtime. No symbolizer path:
  // GCC's runtime symbolizes by itself, clang's finds llvm-symbolizer on PATH.
  return {
      {"ASAN_OPTIONS",
       "detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=1:symbolize=1:"
       "print_summary=1:color=never"},
      {"UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1:symbolize=1:print_summary=1:color=never"},
      {"LSAN_OPTIONS", "symbolize=1:print_summary=1:color=never"},
  };
}

}  // namespace autofix::runners
