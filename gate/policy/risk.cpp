// SPDX-License-Identifier: MIT
#include "gate/policy/risk.h"

#include <algorithm>
#include <array>

#include "gate/policy/glob.h"

namespace autofix {

namespace {

// CI files, the gate's configuration, and files that decide what a tier sees: analyzer and secret-scanner
// configuration (a fix that turns a check off passes the tier it silenced) and CTestCustom files
// (CTEST_CUSTOM_TESTS_IGNORE drops tests from every run).
constexpr std::array<std::string_view, 10> kCriticalPatterns = {
    ".github/**", ".gitlab-ci.yml", ".gitlab/**", ".ci/**", "autofix-gate.json", ".autofix-secrets-allow",
    ".clang-tidy", ".gitleaks.toml", ".gitleaksignore", "CTestCustom*"};
constexpr std::array<std::string_view, 5> kHighPatterns = {
    "CMakeLists.txt", "*.cmake", "cmake/**", "CMakePresets.json", "CMakeUserPresets.json"};

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

// Whether `segment` (lowered in `folded`) has `word` at `at`, case aside.
bool has_at(std::string_view folded, size_t at, std::string_view word) { return folded.substr(at, word.size()) == word; }

// A word of `segment` ends at `at`.
bool word_ends_at(std::string_view segment, size_t at) {
  if (at >= segment.size()) return true;
  if (!is_letter(segment[at])) return true;
  return at > 0 && is_upper(segment[at]) && is_lower(segment[at - 1]);
}

// The "auth" at `at` is the start of author, authors, authored, authoring or authorship.
bool is_author_word(std::string_view segment, std::string_view folded, size_t at) {
  constexpr std::string_view kAuthor = "author";
  if (!has_at(folded, at, kAuthor)) return false;
  const size_t end = at + kAuthor.size();
  for (std::string_view suffix : {"", "s", "ed", "ing", "ship"})
    if (has_at(folded, end, suffix) && word_ends_at(segment, end + suffix.size())) return true;
  return false;
}

std::string_view segment_keyword(std::string_view segment) {
  std::string folded(segment);
  for (char& c : folded) c = lower(c);
  if (folded.find("security") != std::string::npos) return "security";
  if (folded.find("crypt") != std::string::npos) return "crypt";
  for (size_t at = folded.find("auth"); at != std::string::npos; at = folded.find("auth", at + 1))
    if (!is_author_word(segment, folded, at)) return "auth";
  return {};
}

RiskAssessment at_level(RiskLevel level, std::string_view pattern, std::string_view path) {
  return {.level = level, .pattern = std::string(pattern), .path = std::string(path)};
}

}  // namespace

std::string sensitive_keyword(std::string_view path) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string_view segment = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (std::string_view keyword = segment_keyword(segment); !keyword.empty()) return std::string(keyword);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return {};
}

RiskAssessment assess_path_risk(const GateConfig& config, std::string_view path) {
  for (const ProtectRule& rule : config.protect)
    for (const std::string& pattern : rule.paths)
      if (glob_match(pattern, path, /*case_insensitive=*/true)) return at_level(rule.level, pattern, path);
  if (config.protect_defaults) {
    for (std::string_view pattern : kCriticalPatterns)
      if (glob_match(pattern, path, true)) return at_level(RiskLevel::critical, pattern, path);
    // The configured allow-list is as sensitive as the default one: it silences the secrets tier.
    // (A path, so matched from the root, letter for letter: no glob characters are interpreted.)
    if (!config.secrets_allowlist.empty() && path.size() == config.secrets_allowlist.size() &&
        std::equal(path.begin(), path.end(), config.secrets_allowlist.begin(),
                   [](char a, char b) { return lower(a) == lower(b); }))
      return at_level(RiskLevel::critical, config.secrets_allowlist, path);
    if (std::string keyword = sensitive_keyword(path); !keyword.empty())
      return at_level(RiskLevel::critical, "a path segment containing '" + keyword + "'", path);
    for (std::string_view pattern : kHighPatterns)
      if (glob_match(pattern, path, true)) return at_level(RiskLevel::high, pattern, path);
  }
  return at_level(RiskLevel::normal, "", path);
}

RiskAssessment assess_risk(const GateConfig& config, const std::vector<std::string>& changed_paths) {
  RiskAssessment highest;  // normal, no pattern, no path
  for (const std::string& path : changed_paths) {
    RiskAssessment risk = assess_path_risk(config, path);
    if (risk.level > highest.level) highest = std::move(risk);
  }
  return highest;
}

}  // namespace autofix
