// SPDX-License-Identifier: MIT
#include "gate/policy/findings.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <tuple>

#include "gate/git/hash_text.h"

namespace autofix {

namespace {

// Line `line` (1-based) of `text`, without its end of line; nullopt past the end.
std::optional<std::string_view> line_of(std::string_view text, int line) {
  if (line <= 0) return std::nullopt;
  size_t start = 0;
  for (int n = 1; n < line; ++n) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) return std::nullopt;
    start = nl + 1;
  }
  if (start >= text.size()) return std::nullopt;  // after the final newline: no such line
  size_t end = text.find('\n', start);
  std::string_view l = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  if (l.ends_with('\r')) l.remove_suffix(1);
  return l;
}

std::string blob_hash(const std::string& material) { return git::to_hex(git::hash_text(material, "a finding")); }

}  // namespace

std::string fold_whitespace(std::string_view line) {
  std::string out;
  bool pending_space = false;
  for (char c : line) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

void assign_fingerprints(std::vector<Finding>& findings,
                         const std::function<std::optional<std::string>(const std::string& file)>& file_text) {
  std::map<std::string, std::optional<std::string>> texts;  // by file, read once
  std::vector<std::string> folded(findings.size());
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& f = findings[i];
    std::optional<std::string_view> line;
    if (!f.file.empty() && f.line > 0) {
      auto it = texts.find(f.file);
      if (it == texts.end()) it = texts.emplace(f.file, file_text(f.file)).first;
      if (it->second) line = line_of(*it->second, f.line);
    }
    folded[i] = line ? fold_whitespace(*line) : "message:" + f.message;
  }

  // Occurrence indexes follow the findings' order in their file, whatever order the caller keeps.
  std::vector<size_t> order(findings.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::tie(findings[a].file, findings[a].line, findings[a].column) <
           std::tie(findings[b].file, findings[b].line, findings[b].column);
  });
  std::map<std::tuple<std::string, std::string, std::string>, size_t> seen;
  for (size_t i : order) {
    Finding& f = findings[i];
    size_t occurrence = seen[{f.file, f.rule, folded[i]}]++;
    f.fingerprint = blob_hash("autofixGate/v1\n" + f.file + "\n" + f.rule + "\n" + folded[i] + "\n" +
                              std::to_string(occurrence) + "\n");
  }
}

std::vector<Finding> compare_findings(const std::vector<Finding>& baseline, const std::vector<Finding>& after) {
  std::map<std::string, std::vector<size_t>> unmatched;  // fingerprint -> baseline indexes, in order
  for (size_t i = 0; i < baseline.size(); ++i)
    if (!baseline[i].fingerprint.empty()) unmatched[baseline[i].fingerprint].push_back(i);
  std::vector<bool> matched(baseline.size(), false);
  std::vector<Finding> result;
  result.reserve(after.size() + baseline.size());
  for (const Finding& f : after) {
    Finding r = f;
    r.state = FindingState::new_;
    auto it = unmatched.find(f.fingerprint);
    if (!f.fingerprint.empty() && it != unmatched.end() && !it->second.empty()) {
      matched[it->second.front()] = true;
      it->second.erase(it->second.begin());
      r.state = FindingState::unchanged;
    }
    result.push_back(std::move(r));
  }
  for (size_t i = 0; i < baseline.size(); ++i) {
    if (matched[i]) continue;
    Finding r = baseline[i];
    r.state = FindingState::absent;
    result.push_back(std::move(r));
  }
  return result;
}

}  // namespace autofix
