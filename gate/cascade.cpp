#include "gate/cascade.h"

#include <algorithm>
#include <map>
#include <set>

namespace autofix {

namespace {

struct Reach {
  std::string file;
  std::vector<std::string> chain;
};

// The shortest chain from target to any of the files (sorted, so ties go to the first by name).
std::optional<Reach> shortest_chain(const BuildGraph& graph, const std::string& target,
                                    const std::vector<std::string>& files) {
  std::optional<Reach> best;
  for (const auto& file : files) {
    auto chain = graph.chain(target, file);
    if (chain && (!best || chain->size() < best->chain.size())) best = Reach{file, std::move(*chain)};
  }
  return best;
}

std::vector<std::string> sorted_unique(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

}  // namespace

const runners::DiscoveredTest* ctest_test_of(const std::string& name, const std::vector<runners::DiscoveredTest>& tests) {
  std::map<std::string_view, const runners::DiscoveredTest*> by_name;
  for (const auto& t : tests) by_name.emplace(t.name, &t);
  if (auto it = by_name.find(name); it != by_name.end()) return it->second;
  const runners::DiscoveredTest* found = nullptr;
  for (size_t pos = name.find("::"); pos != std::string::npos; pos = name.find("::", pos + 1))
    if (auto it = by_name.find(std::string_view(name).substr(0, pos)); it != by_name.end()) found = it->second;
  return found;
}

std::vector<CascadeEntry> trace_regressions(const BuildGraph* graph, const std::vector<runners::DiscoveredTest>& tests,
                                            const std::vector<std::string>& regressions,
                                            const std::vector<std::string>& aimed,
                                            const std::vector<std::string>& changed_files) {
  auto target_of = [&](const std::string& name) -> std::optional<std::string> {
    if (!graph) return std::nullopt;
    const runners::DiscoveredTest* test = ctest_test_of(name, tests);
    return test ? graph->target_for_test(*test) : std::nullopt;
  };
  std::set<std::string> aimed_targets;
  for (const auto& name : aimed)
    if (auto target = target_of(name)) aimed_targets.insert(*target);
  std::vector<std::string> files = sorted_unique(changed_files);

  std::vector<CascadeEntry> entries;
  for (const auto& name : regressions) {
    CascadeEntry entry;
    entry.test = name;
    auto target = target_of(name);
    if (!target) {
      entry.kind = "unknown";
      entries.push_back(std::move(entry));
      continue;
    }
    auto reach = shortest_chain(*graph, *target, files);
    if (reach) {
      entry.changed_file = reach->file;
      entry.chain = std::move(reach->chain);
    }
    entry.kind = aimed_targets.contains(*target) ? "direct" : reach ? "cascading" : "unrelated";
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
      if (added) it->second = shortest_chain(*graph, *target, files).has_value();
      (it->second ? affected : rest).push_back(test.name);
    }
  }
  affected.insert(affected.end(), unmapped.begin(), unmapped.end());
  affected.insert(affected.end(), rest.begin(), rest.end());
  return affected;
}

}  // namespace autofix
