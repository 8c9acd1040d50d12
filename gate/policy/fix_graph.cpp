// SPDX-License-Identifier: MIT
#include "gate/policy/fix_graph.h"

#include <algorithm>
#include <functional>
#include <queue>

namespace autofix {

std::optional<std::vector<std::size_t>> find_cycle(const FixDeps& deps) {
  enum class Mark { unvisited, on_path, done };
  std::vector<Mark> mark(deps.size(), Mark::unvisited);
  std::vector<std::size_t> path;
  std::optional<std::vector<std::size_t>> cycle;
  std::function<bool(std::size_t)> visit = [&](std::size_t i) {
    mark[i] = Mark::on_path;
    path.push_back(i);
    for (std::size_t d : deps[i]) {
      if (mark[d] == Mark::on_path) {
        auto from = std::find(path.begin(), path.end(), d);
        cycle = std::vector<std::size_t>(from, path.end());
        cycle->push_back(d);
        return true;
      }
      if (mark[d] == Mark::unvisited && visit(d)) return true;
    }
    path.pop_back();
    mark[i] = Mark::done;
    return false;
  };
  for (std::size_t i = 0; i < deps.size(); ++i)
    if (mark[i] == Mark::unvisited && visit(i)) break;
  // Each index on it depends on the next one.
  return cycle;
}

std::vector<std::size_t> dependency_order(const FixDeps& deps) {
  std::vector<std::size_t> waiting(deps.size(), 0);
  std::vector<std::vector<std::size_t>> dependents(deps.size());
  for (std::size_t i = 0; i < deps.size(); ++i) {
    waiting[i] = deps[i].size();
    for (std::size_t d : deps[i]) dependents[d].push_back(i);
  }
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
  for (std::size_t i = 0; i < deps.size(); ++i)
    if (waiting[i] == 0) ready.push(i);
  std::vector<std::size_t> order;
  while (!ready.empty()) {
    std::size_t i = ready.top();
    ready.pop();
    order.push_back(i);
    for (std::size_t j : dependents[i])
      if (--waiting[j] == 0) ready.push(j);
  }
  return order;
}

namespace {

std::vector<std::size_t> reachable(const std::vector<std::vector<std::size_t>>& edges, std::size_t from) {
  std::vector<bool> seen(edges.size(), false);
  std::vector<std::size_t> stack{from};
  while (!stack.empty()) {
    std::size_t i = stack.back();
    stack.pop_back();
    for (std::size_t j : edges[i])
      if (!seen[j]) {
        seen[j] = true;
        stack.push_back(j);
      }
  }
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < seen.size(); ++i)
    if (seen[i] && i != from) out.push_back(i);
  return out;
}

}  // namespace

std::vector<std::size_t> dependents_of(const FixDeps& deps, std::size_t fix) {
  std::vector<std::vector<std::size_t>> dependents(deps.size());
  for (std::size_t i = 0; i < deps.size(); ++i)
    for (std::size_t d : deps[i]) dependents[d].push_back(i);
  return reachable(dependents, fix);
}

std::vector<std::size_t> dependencies_of(const FixDeps& deps, std::size_t fix) { return reachable(deps, fix); }

}  // namespace autofix
