// SPDX-License-Identifier: MIT
#include "gate/policy/cascade.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace autofix {

namespace {

// Every changed file the target reaches, with its shortest chain; shortest first, then by file.
std::vector<CascadeCandidate> candidates_of(const BuildGraph& graph, const std::string& target,
                                            const std::vector<std::string>& files) {
  std::vector<CascadeCandidate> out;
  for (const auto& file : files)
    if (auto chain = graph.chain(target, file)) out.push_back({file, std::move(*chain)});
  std::stable_sort(out.begin(), out.end(), [](const CascadeCandidate& a, const CascadeCandidate& b) {
    return a.chain.size() < b.chain.size();
  });
  return out;
}

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.'; }

// Does `output` name `file`: its repository path, or its file name standing as a whole word?
bool output_names(const std::string& output, const std::string& file) {
  if (output.find(file) != std::string::npos) return true;
  std::string base = file.substr(file.rfind('/') == std::string::npos ? 0 : file.rfind('/') + 1);
  for (size_t at = output.find(base); at != std::string::npos; at = output.find(base, at + 1)) {
    bool starts = at == 0 || !is_name_char(output[at - 1]) || output[at - 1] == '/';
    size_t end = at + base.size();
    bool ends = end == output.size() || !is_name_char(output[end]) ||
                (output[end] == '.' && (end + 1 == output.size() || !is_name_char(output[end + 1])));
    if (starts && ends) return true;
  }
  return false;
}

std::vector<std::string> sorted_unique(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

}  // namespace

std::vector<CascadeEntry> trace_regressions(const BuildGraph* graph, const std::vector<runners::DiscoveredTest>& tests,
                                            const std::vector<RegressedTest>& regressions,
                                            const std::vector<std::string>& aimed,
                                            const std::vector<std::string>& changed_files) {
  std::map<std::string, const runners::DiscoveredTest*> by_name;
  for (const auto& t : tests) by_name.emplace(t.name, &t);
  auto target_of = [&](const std::string& ctest_test) -> std::optional<std::string> {
    auto it = by_name.find(ctest_test);
    if (!graph || it == by_name.end()) return std::nullopt;
    return graph->target_for_test(*it->second);
  };
  std::set<std::string> aimed_targets;
  for (const auto& name : aimed)
    if (auto target = target_of(name)) aimed_targets.insert(*target);
  std::vector<std::string> files = sorted_unique(changed_files);

  std::vector<CascadeEntry> entries;
  for (const RegressedTest& r : regressions) {
    CascadeEntry entry;
    entry.test = r.name;
    auto target = target_of(r.ctest_test);
    if (!target) {
      entry.kind = CascadeKind::unknown;
      entries.push_back(std::move(entry));
      continue;
    }
    entry.candidates = candidates_of(*graph, *target, files);
    std::vector<const CascadeCandidate*> named;
    for (const CascadeCandidate& c : entry.candidates)
      if (output_names(r.output, c.file)) named.push_back(&c);
    const CascadeCandidate* chosen = entry.candidates.size() == 1 ? &entry.candidates.front()
                                     : named.size() == 1          ? named.front()
                                                                  : nullptr;
    if (chosen) {
      entry.changed_file = chosen->file;
      entry.chain = chosen->chain;
    }
    entry.kind = aimed_targets.contains(*target) ? CascadeKind::direct
                 : !entry.candidates.empty()     ? CascadeKind::cascading
                                                 : CascadeKind::unrelated;
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<std::string> order_tests_by_impact(const BuildGraph* graph, const std::vector<runners::DiscoveredTest>& tests,
                                               const std::vector<std::string>& changed_files) {
  std::vector<std::string> affected, unmapped, rest;
  std::vector<std::string> files = sorted_unique(changed_files);
  std::map<std::string, bool> target_affected;
  for (const auto& test : tests) {
    auto target = graph ? graph->target_for_test(test) : std::nullopt;
    if (!graph) {
      rest.push_back(test.name);
    } else if (!target) {
      unmapped.push_back(test.name);
    } else {
      auto [it, added] = target_affected.emplace(*target, false);
      if (added) it->second = !candidates_of(*graph, *target, files).empty();
      (it->second ? affected : rest).push_back(test.name);
    }
  }
  affected.insert(affected.end(), unmapped.begin(), unmapped.end());
  affected.insert(affected.end(), rest.begin(), rest.end());
  return affected;
}

std::optional<std::vector<SuspectGroup>> suspects_of_failure(
    const AttemptResult& result, const std::vector<std::pair<std::size_t, std::vector<std::string>>>& fix_files) {
  if (result.verdict != Verdict::rejected || !result.build.ok) return std::nullopt;
  const std::vector<std::string> regressions = result.regressions();
  if (regressions.empty()) return std::nullopt;
  std::vector<SuspectGroup> out;
  for (const std::string& test : regressions) {
    auto entry = std::find_if(result.cascading.begin(), result.cascading.end(),
                              [&](const CascadeEntry& c) { return c.test == test; });
    if (entry == result.cascading.end()) return std::nullopt;
    SuspectGroup group{test, {}};
    for (const auto& [fix, files] : fix_files) {
      bool reaches = std::any_of(entry->candidates.begin(), entry->candidates.end(), [&](const CascadeCandidate& c) {
        return std::find(files.begin(), files.end(), c.file) != files.end();
      });
      if (reaches) group.fixes.push_back(fix);
    }
    if (group.fixes.empty()) return std::nullopt;
    out.push_back(std::move(group));
  }
  return out;
}

}  // namespace autofix
