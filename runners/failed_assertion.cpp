// SPDX-License-Identifier: MIT
#include "runners/failed_assertion.h"

#include <array>
#include <charconv>
#include <string>
#include <vector>

#include "gate/util/utf8_text.h"

namespace autofix::runners {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  const std::string_view space = " \t\r\n\f\v";
  size_t b = s.find_first_not_of(space);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(space) - b + 1);
}

std::string_view trim_end(std::string_view s) {
  size_t e = s.find_last_not_of(" \t\r\n\f\v");
  return e == std::string_view::npos ? std::string_view{} : s.substr(0, e + 1);
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(trim_end(text.substr(pos, end - pos)));
    pos = end + 1;
  }
  return lines;
}

// A path names a directory or has an extension: "localhost:8080: error: refused" names no file.
bool looks_like_a_file(std::string_view path) {
  if (path.empty()) return false;
  if (path.find_first_of("/\\") != std::string_view::npos) return true;
  size_t dot = path.rfind('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < path.size() && path.find(' ') == std::string_view::npos;
}

// "a.cpp:12" before ":5: error:" is a compiler's "file:line:column", not a path.
bool ends_in_a_number(std::string_view path) {
  size_t colon = path.rfind(':');
  return colon != std::string_view::npos && colon + 1 < path.size() &&
         path.substr(colon + 1).find_first_not_of("0123456789") == std::string_view::npos;
}

// "path:12" or "path(12)" at the start of `line`: the location and what follows it. The path is the
// text before the first ":<digits>" or "(<digits>)" that `follows` accepts (paths may hold spaces, colons
// and parentheses of their own: "C:\a (1)\b.cpp(3): error").
struct LocatedLine {
  SourceLocation location;
  std::string_view rest;  // after "path:12" / "path(12)"
};

template <typename Accept>
std::optional<LocatedLine> located(std::string_view line, Accept follows) {
  for (size_t i = 1; i < line.size(); ++i) {
    char open = line[i];
    if (open != ':' && open != '(') continue;
    size_t j = i + 1;
    while (j < line.size() && is_digit(line[j])) ++j;
    if (j == i + 1 || j - i - 1 > 9) continue;
    if (open == '(') {
      if (j >= line.size() || line[j] != ')') continue;
      ++j;
    }
    std::string_view rest = line.substr(j);
    if (!follows(rest)) continue;
    std::string_view path = trim(line.substr(0, i));
    if (!looks_like_a_file(path) || ends_in_a_number(path)) continue;
    int number = 0;
    std::from_chars(line.data() + i + 1, line.data() + (open == '(' ? j - 1 : j), number);
    if (number <= 0) continue;
    return LocatedLine{{std::string(path), number}, rest};
  }
  return std::nullopt;
}

// The words after ": " that make a located line a failure, and whether text may follow on the line.
constexpr std::array<std::string_view, 6> kFailureWords = {"Failure", "FAILED:", "FATAL ERROR:", "ERROR:",
                                                           "fatal error:", "error:"};

// What follows the failure word of a console failure line (npos: it is none).
size_t failure_word_end(std::string_view rest) {
  if (!rest.starts_with(": ")) return std::string_view::npos;
  for (std::string_view word : kFailureWords) {
    std::string_view after = rest.substr(2);
    if (!after.starts_with(word)) continue;
    size_t end = 2 + word.size();
    if (end == rest.size() || rest[end] == ' ') return end;
  }
  return std::string_view::npos;
}

std::optional<LocatedLine> failure_line(std::string_view line) {
  std::optional<LocatedLine> l = located(line, [](std::string_view rest) {
    return failure_word_end(rest) != std::string_view::npos;
  });
  if (l) l->rest = trim(l->rest.substr(failure_word_end(l->rest)));
  return l;
}

// A location alone: "path:12", "path:12:", "path(12)", "path(12):".
std::optional<SourceLocation> location_alone(std::string_view line) {
  std::optional<LocatedLine> l = located(trim(line), [](std::string_view rest) { return rest.empty() || rest == ":"; });
  if (!l) return std::nullopt;
  return l->location;
}

// Lines a framework prints between failures: "[  FAILED  ] X", "[doctest] ...", "-----", "=====", "....".
bool is_marker(std::string_view line) {
  if (line.starts_with("[doctest]")) return true;
  if (line.starts_with("[")) {
    size_t close = line.find(']');
    if (close != std::string_view::npos && close > 1 &&
        line.substr(1, close - 1).find_first_not_of(" ABCDEFGHIJKLMNOPQRSTUVWXYZ=-") == std::string_view::npos)
      return true;
  }
  return line.size() >= 3 && (line.find_first_not_of('-') == std::string_view::npos ||
                              line.find_first_not_of('=') == std::string_view::npos ||
                              line.find_first_not_of('.') == std::string_view::npos ||
                              line.find_first_not_of('~') == std::string_view::npos);
}

// Joins message lines, capped, as valid UTF-8.
std::string message_of(const std::vector<std::string_view>& lines) {
  std::string out;
  for (size_t k = 0; k < lines.size(); ++k) {
    if (k == kMaxAssertionMessageLines) {
      out += "\n[...]";
      break;
    }
    if (k > 0) out += '\n';
    out.append(lines[k]);
  }
  if (out.size() > kMaxAssertionMessageBytes) {
    out.resize(kMaxAssertionMessageBytes);
    out += " [...]";
  }
  return sanitize_utf8(out);
}

// The message lines from `from` on, up to a blank line, a marker or another failure line.
std::vector<std::string_view> message_lines(const std::vector<std::string_view>& lines, size_t from) {
  std::vector<std::string_view> out;
  for (size_t i = from; i < lines.size() && out.size() <= kMaxAssertionMessageLines; ++i) {
    std::string_view line = lines[i];
    if (trim(line).empty() || is_marker(line) || failure_line(line)) break;
    out.push_back(line);
  }
  return out;
}

}  // namespace

std::optional<FailedAssertion> first_failed_assertion(std::string_view output) {
  std::vector<std::string_view> lines = lines_of(output);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = trim(lines[i]);
    std::optional<LocatedLine> found = failure_line(line);
    std::string_view first;
    SourceLocation where;
    if (found) {
      where = found->location;
      first = found->rest;
    } else if (line.starts_with("unknown file: ") && failure_word_end(line.substr(12)) != std::string_view::npos) {
      first = trim(line.substr(12 + failure_word_end(line.substr(12))));
    } else {
      continue;
    }
    std::vector<std::string_view> message;
    if (!first.empty()) message.push_back(first);
    for (std::string_view l : message_lines(lines, i + 1)) message.push_back(l);
    return FailedAssertion{std::move(where), message_of(message)};
  }
  return std::nullopt;
}

std::optional<FailedAssertion> failed_assertion_in_report(std::string_view failure_text) {
  std::vector<std::string_view> lines;
  for (std::string_view l : lines_of(failure_text))
    if (!lines.empty() || !trim(l).empty()) lines.push_back(l);
  while (!lines.empty() && trim(lines.back()).empty()) lines.pop_back();
  if (lines.empty()) return std::nullopt;
  // GoogleTest, doctest: the location first, the message after it.
  if (std::optional<SourceLocation> where = location_alone(lines.front())) {
    std::vector<std::string_view> message(lines.begin() + 1, lines.end());
    while (!message.empty() && trim(message.front()).empty()) message.erase(message.begin());
    return FailedAssertion{std::move(*where), message_of(message)};
  }
  // Catch2: "FAILED:", the message, then "at <location>".
  std::string_view last = trim(lines.back());
  if (last.starts_with("at ")) {
    if (std::optional<SourceLocation> where = location_alone(last.substr(3))) {
      std::vector<std::string_view> message(lines.begin(), lines.end() - 1);
      if (!message.empty() && trim(message.front()) == "FAILED:") message.erase(message.begin());
      return FailedAssertion{std::move(*where), message_of(message)};
    }
  }
  return first_failed_assertion(failure_text);
}

}  // namespace autofix::runners
