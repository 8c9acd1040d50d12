// SPDX-License-Identifier: MIT
#include "gate/policy/glob.h"

#include <vector>

namespace autofix {

namespace {

constexpr size_t npos = std::string_view::npos;

char fold(char c, bool case_insensitive) {
  return case_insensitive && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Index just past the UTF-8 character that starts at `i` (a stray continuation byte counts as one).
size_t next_char(std::string_view s, size_t i) {
  ++i;
  while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  return i;
}

// `*` and `?` within one segment. Greedy with a single backtrack point (the last `*`): when a later
// literal run fails, only the last star grows, so the work is bounded by pattern x segment length.
bool segment_match(std::string_view p, std::string_view s, bool ci) {
  size_t pi = 0, si = 0, star = npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (pi < p.size() && p[pi] == '?') {
      ++pi;
      si = next_char(s, si);
    } else if (pi < p.size() && fold(p[pi], ci) == fold(s[si], ci)) {
      ++pi;
      ++si;
    } else if (star != npos) {
      pi = star + 1;
      si = mark = next_char(s, mark);
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace

std::vector<std::string_view> split_path_segments(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t slash = s.find('/', start);
    parts.push_back(s.substr(start, slash == npos ? npos : slash - start));
    if (slash == npos) return parts;
    start = slash + 1;
  }
}

namespace {

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path, bool case_insensitive) {
  if (pattern.empty() || path.empty()) return false;
  if (pattern.find('/') == npos) {
    size_t slash = path.rfind('/');
    return segment_match(pattern, slash == npos ? path : path.substr(slash + 1), case_insensitive);
  }
  if (pattern.front() == '/') pattern.remove_prefix(1);
  std::vector<std::string_view> ps = split_path_segments(pattern);
  if (ps.back().empty()) ps.back() = "**";  // "dir/" stands for "dir/**"
  // A trailing "**" needs one segment at least: "dir/**" is "dir/*/**".
  if (ps.size() > 1 && ps.back() == "**") ps.insert(ps.end() - 1, "*");
  const std::vector<std::string_view> ss = split_path_segments(path);

  // The same greedy scheme one level up: a "**" is the star, every other pattern segment matches
  // exactly one path segment.
  size_t pi = 0, si = 0, star = npos, mark = 0;
  while (si < ss.size()) {
    if (pi < ps.size() && ps[pi] == "**") {
      star = pi++;
      mark = si;
    } else if (pi < ps.size() && segment_match(ps[pi], ss[si], case_insensitive)) {
      ++pi;
      ++si;
    } else if (star != npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < ps.size() && ps[pi] == "**") ++pi;
  return pi == ps.size();
}

}  // namespace autofix
