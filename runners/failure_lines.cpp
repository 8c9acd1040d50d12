// SPDX-License-Identifier: MIT
#include "runners/failure_lines.h"

#include <algorithm>
#include <array>

#include "gate/util/utf8_text.h"


namespace autofix::runners {

namespace {

bool is_word_char(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return std::isalnum(u) != 0 || c == '_';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_hex_digit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Case-insensitive: does `text` hold `word` at `at`, as a whole word?
bool word_at(std::string_view text, size_t at, std::string_view word) {
  if (at + word.size() > text.size()) return false;
  for (size_t k = 0; k < word.size(); ++k)
    if (lower(text[at + k]) != word[k]) return false;
  bool starts = at == 0 || !is_word_char(text[at - 1]);
  bool ends = at + word.size() == text.size() || !is_word_char(text[at + word.size()]);
  return starts && ends;
}

constexpr std::array<std::string_view, 25> kFailureWords = {
    "fail",      "fails",     "failed",    "failing",    "failure",    "failures",  "error",
    "errors",    "assert",    "asserts",   "assertion",  "assertions", "abort",     "aborted",
    "aborting",  "mismatch",  "mismatches", "exception", "exceptions", "fatal",     "panic",
    "panicked",  "not ok",    "segfault",  "crashed"};

bool is_failure_line(std::string_view line) {
  for (size_t i = 0; i < line.size(); ++i) {
    if (!std::isalpha(static_cast<unsigned char>(line[i])) || (i > 0 && is_word_char(line[i - 1]))) continue;
    for (std::string_view w : kFailureWords)
      if (word_at(line, i, w)) return true;
  }
  return false;
}

std::string_view trim(std::string_view s) {
  const std::string_view space = " \t\r\n\f\v";
  size_t b = s.find_first_not_of(space);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(space) - b + 1);
}

// The length of a duration unit at `at` followed by a word boundary ("ms", "sec", "seconds"), or 0.
size_t duration_unit_at(std::string_view s, size_t at) {
  static constexpr std::array<std::string_view, 11> kUnits = {"seconds", "second", "secs", "sec", "minutes",
                                                              "min",     "ms",     "us",   "ns",  "\xC2\xB5s", "s"};
  for (std::string_view u : kUnits) {
    if (at + u.size() > s.size()) continue;
    bool same = true;
    for (size_t k = 0; k < u.size() && same; ++k) same = lower(s[at + k]) == u[k];
    if (same && (at + u.size() == s.size() || !is_word_char(s[at + u.size()]))) return u.size();
  }
  return 0;
}

}  // namespace

std::string normalize_failure_line(std::string_view line) {
  line = trim(line);
  std::string out;
  out.reserve(std::min(line.size(), kMaxFailureLineBytes));
  size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    bool boundary = i == 0 || !is_word_char(line[i - 1]);
    // 0x7ffd5e8a: an address
    if (boundary && c == '0' && i + 2 < line.size() && lower(line[i + 1]) == 'x' && is_hex_digit(line[i + 2])) {
      i += 2;
      while (i < line.size() && is_hex_digit(line[i])) ++i;
      out += "0x#";
      continue;
    }
    // pid 123, pid=123, pid: 123
    if (boundary && word_at(line, i, "pid")) {
      size_t j = i + 3;
      while (j < line.size() && (line[j] == ' ' || line[j] == '=' || line[j] == ':')) ++j;
      if (j < line.size() && is_digit(line[j])) {
        while (j < line.size() && is_digit(line[j])) ++j;
        out += "pid #";
        i = j;
        continue;
      }
    }
    if (boundary && is_digit(c)) {
      size_t j = i;
      while (j < line.size() && is_digit(line[j])) ++j;
      // 12:34:56 (and 12:34:56.789)
      if (j - i <= 2 && j + 5 < line.size() && line[j] == ':' && is_digit(line[j + 1]) && is_digit(line[j + 2]) &&
          line[j + 3] == ':' && is_digit(line[j + 4]) && is_digit(line[j + 5])) {
        j += 6;
        if (j < line.size() && line[j] == '.')
          for (++j; j < line.size() && is_digit(line[j]);) ++j;
        out += "#:#:#";
        i = j;
        continue;
      }
      // 12 ms, 0.31s, 3 sec
      size_t k = j;
      if (k + 1 < line.size() && line[k] == '.' && is_digit(line[k + 1]))
        for (++k; k < line.size() && is_digit(line[k]);) ++k;
      size_t unit_at = k < line.size() && line[k] == ' ' ? k + 1 : k;
      if (size_t unit = duration_unit_at(line, unit_at); unit > 0) {
        out += "# s";
        i = unit_at + unit;
        continue;
      }
      out.append(line.substr(i, j - i));
      i = j;
      continue;
    }
    if (c == ' ' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
      ++i;
      continue;
    }
    out += c;
    ++i;
  }
  if (out.size() > kMaxFailureLineBytes) {
    out.resize(kMaxFailureLineBytes);
    out += " [...]";
  }
  return sanitize_utf8(out);
}

std::vector<std::string> failure_lines(std::string_view output) {
  std::vector<std::string> lines;
  size_t more = 0;
  size_t pos = 0;
  bool join_next = false;
  while (pos <= output.size()) {
    size_t end = output.find('\n', pos);
    std::string_view line = output.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? output.size() + 1 : end + 1;
    std::string_view trimmed = trim(line);
    if (join_next) {
      if (trimmed.empty()) continue;
      join_next = false;
      if (!lines.empty() && lines.size() <= kMaxFailureLines && more == 0) {
        lines.back() = normalize_failure_line(lines.back() + " " + std::string(trimmed));
        continue;
      }
    }
    if (trimmed.empty() || !is_failure_line(trimmed)) continue;
    if (lines.size() == kMaxFailureLines) {
      ++more;
      continue;
    }
    lines.push_back(normalize_failure_line(trimmed));
    join_next = trimmed.back() == ':';
  }
  if (more > 0) lines.push_back("[... " + std::to_string(more) + " more failure lines ...]");
  return lines;
}

}  // namespace autofix::runners
