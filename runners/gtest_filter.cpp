// SPDX-License-Identifier: MIT
#include "runners/gtest_filter.h"

#include <algorithm>
#include <set>

#include "runners/junit_reader.h"

namespace autofix::runners {

namespace {

// '*' and '?' glob, linear backtracking (no exponential blow-up on hostile patterns).
bool glob_matches(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool any_pattern_matches(std::string_view patterns, std::string_view name) {
  size_t start = 0;
  while (true) {
    size_t colon = patterns.find(':', start);
    std::string_view pattern = patterns.substr(start, colon == std::string_view::npos ? colon : colon - start);
    if (glob_matches(pattern, name)) return true;
    if (colon == std::string_view::npos) return false;
    start = colon + 1;
  }
}

constexpr std::string_view kSpecial = ":-*?";
constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // what sanitize_utf8 puts in

// The pattern for one name: itself, with each character the syntax reserves turned into '?'.
std::string pattern_for(std::string_view name) {
  std::string out(name);
  for (char& c : out)
    if (kSpecial.find(c) != std::string_view::npos) c = '?';
  return out;
}

// The patterns of `names`, ':'-separated, in their order, each once.
std::string joined_patterns(const std::vector<std::string>& names) {
  std::set<std::string> seen;
  std::string out;
  for (const std::string& n : names)
    if (std::string p = pattern_for(n); seen.insert(p).second) out += (out.empty() ? "" : ":") + p;
  return out;
}

}  // namespace

bool gtest_filter_matches(std::string_view filter, std::string_view full_name) {
  size_t dash = filter.find('-');
  std::string_view positive = filter.substr(0, dash);
  std::string_view negative = dash == std::string_view::npos ? std::string_view() : filter.substr(dash + 1);
  bool included = positive.empty() ? true : any_pattern_matches(positive, full_name);
  return included && !(dash != std::string_view::npos && any_pattern_matches(negative, full_name));
}

std::optional<std::string> gtest_filter_for(const std::vector<std::string>& cases, const std::vector<std::string>& known) {
  if (cases.empty()) return std::nullopt;
  std::set<std::string> wanted(cases.begin(), cases.end());
  for (const std::string& c : wanted)
    if (c.empty() || c.size() > kNameCap || c.find(kReplacementCharacter) != std::string::npos) return std::nullopt;
  std::string filter = joined_patterns(cases);
  // Known cases the '?' patterns select as well are left out by name (in the same form).
  std::vector<std::string> others;
  for (const std::string& k : known)
    if (!wanted.count(k) && gtest_filter_matches(filter, k)) others.push_back(k);
  if (!others.empty()) filter += "-" + joined_patterns(others);
  bool exact = std::all_of(wanted.begin(), wanted.end(), [&](const std::string& c) { return gtest_filter_matches(filter, c); }) &&
               std::none_of(known.begin(), known.end(), [&](const std::string& k) {
                 return !wanted.count(k) && gtest_filter_matches(filter, k);
               });
  if (!exact) return std::nullopt;
  return filter;
}

}  // namespace autofix::runners
