// SPDX-License-Identifier: MIT
#include "gate/policy/build_graph.h"

#include <algorithm>
#include <deque>
#include <system_error>

namespace autofix {

namespace fs = std::filesystem;

namespace {

std::string normal(const fs::path& p) { return p.lexically_normal().generic_string(); }

// p relative to root when inside it, else nullopt.
std::optional<std::string> inside(const fs::path& p, const fs::path& root) {
  if (root.empty()) return std::nullopt;
  fs::path relative = p.lexically_relative(root);
  if (relative.empty() || *relative.begin() == ".." || relative == ".") return std::nullopt;
  return relative.generic_string();
}

std::string canonical_or_normal(const fs::path& p) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(p, ec);
  return ec ? normal(p) : normal(canonical);
}

void sort_unique(std::vector<int>& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

}  // namespace

BuildGraph::BuildGraph(const fs::path& source_dir, const std::vector<runners::CMakeTarget>& targets,
                       const runners::ObjectDeps& deps) {
  root_ = fs::absolute(source_dir).lexically_normal();
  canonical_root_ = fs::path(canonical_or_normal(root_));

  std::map<std::string, size_t> by_id;
  std::map<std::string, size_t> by_object_dir;
  for (const auto& t : targets) {
    if (by_name_.contains(t.name)) continue;  // names are unique within a project; keep the first
    size_t index = nodes_.size();
    Node node;
    node.name = t.name;
    for (const auto& s : t.sources) node.sources.push_back(intern(s));
    sort_unique(node.sources);
    node.files = node.sources;
    nodes_.push_back(std::move(node));
    by_name_.emplace(t.name, index);
    by_id.emplace(t.id, index);
    if (!t.object_dir.empty()) by_object_dir.emplace(t.object_dir, index);
    for (const auto& a : t.artifacts) {
      by_artifact_.emplace(normal(a), index);
      by_artifact_.emplace(canonical_or_normal(a), index);
    }
  }
  for (size_t i = 0; i < targets.size(); ++i) {
    auto self = by_id.find(targets[i].id);
    if (self == by_id.end() || nodes_[self->second].name != targets[i].name) continue;
    Node& node = nodes_[self->second];
    for (const auto& id : targets[i].dependencies) {
      auto dep = by_id.find(id);
      if (dep != by_id.end() && dep->second != self->second) node.dependencies.push_back(dep->second);
    }
  }
  for (auto& node : nodes_) {
    std::sort(node.dependencies.begin(), node.dependencies.end(),
              [&](size_t a, size_t b) { return nodes_[a].name < nodes_[b].name; });
    node.dependencies.erase(std::unique(node.dependencies.begin(), node.dependencies.end()), node.dependencies.end());
  }
  // "<dir>/CMakeFiles/<name>.dir/<source>.o": the object directory is a prefix ending in ".dir/".
  for (const auto& [object, files] : deps) {
    std::optional<size_t> owner;
    for (size_t pos = object.find(".dir/"); pos != std::string::npos; pos = object.find(".dir/", pos + 1)) {
      auto it = by_object_dir.find(object.substr(0, pos + 5));
      if (it != by_object_dir.end()) {
        owner = it->second;
        break;
      }
    }
    if (!owner) continue;
    for (const auto& f : files) nodes_[*owner].files.push_back(intern(f));
  }
  for (auto& node : nodes_) sort_unique(node.files);
}

std::optional<BuildGraph> BuildGraph::load(const fs::path& source_dir, const fs::path& build_dir,
                                           const std::string& configuration) {
  auto targets = runners::read_codemodel(build_dir, configuration);
  if (!targets) return std::nullopt;
  std::vector<std::string> object_dirs;
  for (const auto& t : *targets) object_dirs.push_back(t.object_dir);
  return BuildGraph(source_dir, *targets, runners::read_build_deps(build_dir, object_dirs));
}

std::string BuildGraph::display_name(const std::string& absolute_path) const {
  fs::path p = fs::path(absolute_path).lexically_normal();
  if (!p.is_absolute()) return p.generic_string();
  if (auto relative = inside(p, root_)) return *relative;
  if (canonical_root_ != root_)
    if (auto relative = inside(p, canonical_root_)) return *relative;
  return p.generic_string();
}

int BuildGraph::intern(const std::string& absolute_path) {
  std::string name = display_name(absolute_path);
  auto [it, added] = file_ids_.emplace(name, static_cast<int>(files_.size()));
  if (added) files_.push_back(name);
  return it->second;
}

std::optional<size_t> BuildGraph::node_of(const std::string& target) const {
  auto it = by_name_.find(target);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> BuildGraph::names_of(const std::vector<int>& ids) const {
  std::vector<std::string> names;
  names.reserve(ids.size());
  for (int id : ids) names.push_back(files_[static_cast<size_t>(id)]);
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<size_t> BuildGraph::reachable(size_t from) const {
  std::vector<size_t> order{from};
  std::vector<bool> seen(nodes_.size(), false);
  seen[from] = true;
  for (size_t i = 0; i < order.size(); ++i)
    for (size_t dep : nodes_[order[i]].dependencies)
      if (!seen[dep]) {
        seen[dep] = true;
        order.push_back(dep);
      }
  return order;
}

std::optional<std::string> BuildGraph::target_for_test(const runners::DiscoveredTest& test) const {
  for (const auto& argument : test.command) {
    if (argument.empty() || argument.starts_with('-')) continue;
    fs::path p(argument);
    if (p.is_relative()) {
      if (test.working_directory.empty()) continue;
      p = fs::path(test.working_directory) / p;
    }
    auto it = by_artifact_.find(normal(p));
    if (it == by_artifact_.end()) it = by_artifact_.find(canonical_or_normal(p));
    if (it != by_artifact_.end()) return nodes_[it->second].name;
  }
  return std::nullopt;
}

std::vector<std::string> BuildGraph::target_names() const {
  std::vector<std::string> names;
  for (const auto& [name, index] : by_name_) names.push_back(name);
  return names;
}

std::vector<std::string> BuildGraph::own_sources(const std::string& target) const {
  auto n = node_of(target);
  return n ? names_of(nodes_[*n].sources) : std::vector<std::string>{};
}

std::vector<std::string> BuildGraph::files_of(const std::string& target) const {
  auto n = node_of(target);
  return n ? names_of(nodes_[*n].files) : std::vector<std::string>{};
}

std::vector<std::string> BuildGraph::closure_files(const std::string& target) const {
  auto n = node_of(target);
  if (!n) return {};
  std::vector<int> ids;
  for (size_t index : reachable(*n)) ids.insert(ids.end(), nodes_[index].files.begin(), nodes_[index].files.end());
  sort_unique(ids);
  return names_of(ids);
}

std::vector<std::string> BuildGraph::dependencies_of(const std::string& target) const {
  auto n = node_of(target);
  if (!n) return {};
  std::vector<std::string> names;
  for (size_t index : reachable(*n))
    if (index != *n) names.push_back(nodes_[index].name);
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<std::vector<std::string>> BuildGraph::chain(const std::string& from_target,
                                                          const std::string& changed_file) const {
  auto from = node_of(from_target);
  if (!from) return std::nullopt;
  auto file = file_ids_.find(fs::path(changed_file).is_absolute() ? display_name(changed_file)
                                                                  : normal(fs::path(changed_file)));
  if (file == file_ids_.end()) return std::nullopt;
  int id = file->second;
  // Breadth first, dependencies in name order: the first owner found is at the least depth.
  std::vector<size_t> parent(nodes_.size(), nodes_.size());
  std::vector<bool> seen(nodes_.size(), false);
  std::deque<size_t> queue{*from};
  seen[*from] = true;
  while (!queue.empty()) {
    size_t current = queue.front();
    queue.pop_front();
    const auto& files = nodes_[current].files;
    if (std::binary_search(files.begin(), files.end(), id)) {
      std::vector<std::string> result{changed_file};
      for (size_t n = current; n != nodes_.size(); n = parent[n]) result.push_back(nodes_[n].name);
      std::reverse(result.begin(), result.end());
      result.back() = files_[static_cast<size_t>(id)];
      return result;
    }
    for (size_t dep : nodes_[current].dependencies)
      if (!seen[dep]) {
        seen[dep] = true;
        parent[dep] = current;
        queue.push_back(dep);
      }
  }
  return std::nullopt;
}

}  // namespace autofix
