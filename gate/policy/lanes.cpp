// SPDX-License-Identifier: MIT
#include "gate/policy/lanes.h"

#include <algorithm>
#include <array>

#include "gate/policy/glob.h"

namespace autofix {

namespace {

constexpr std::array<std::string_view, 6> kBuildConfiguration = {
    "CMakeLists.txt", "*.cmake", "CMakePresets.json", "CMakeUserPresets.json", "vcpkg.json", "conanfile.*"};
constexpr std::array<std::string_view, 9> kDocumentation = {
    "*.md", "*.rst", "*.adoc", "*.txt", "docs/**", "doc/**", "LICENSE*", "AUTHORS*", "CHANGELOG*"};
// C and C++ sources and headers (CUDA's too): compiled wherever they are.
constexpr std::array<std::string_view, 17> kSourceExtensions = {
    "c", "cc", "cpp", "cxx", "c++", "cp", "cppm", "ixx", "cu", "h", "hh", "hpp", "hxx", "h++", "ipp", "inl", "tpp"};
constexpr size_t kListedDocs = 5;

bool matches_any(const auto& patterns, std::string_view path) {
  return std::any_of(std::begin(patterns), std::end(patterns),
                     [&](std::string_view pattern) { return glob_match(pattern, path, /*case_insensitive=*/true); });
}

bool is_source_file(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  std::string extension(name.substr(dot + 1));
  for (char& c : extension) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  return std::find(kSourceExtensions.begin(), kSourceExtensions.end(), extension) != kSourceExtensions.end();
}

bool is_test_path(std::string_view path) {
  static const std::vector<std::string> patterns = default_test_paths();
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& pattern) { return glob_match(pattern, path, /*case_insensitive=*/true); });
}

}  // namespace

bool is_build_configuration(std::string_view path) { return matches_any(kBuildConfiguration, path); }

bool is_documentation(std::string_view path) {
  return matches_any(kDocumentation, path) && !is_build_configuration(path) && !is_source_file(path) &&
         !is_test_path(path);
}

LaneChoice choose_lane(const std::vector<std::string>& changed_paths) {
  if (changed_paths.empty()) return {.lane = Lane::standard, .reason = "no file changed"};

  std::vector<const std::string*> build_files;
  const std::string* first_other = nullptr;
  for (const std::string& path : changed_paths) {
    if (is_build_configuration(path)) build_files.push_back(&path);
    else if (!first_other && !is_documentation(path)) first_other = &path;
  }
  if (!build_files.empty()) {
    std::string which = *build_files.front();
    if (build_files.size() > 1) which += " (and " + std::to_string(build_files.size() - 1) + " more)";
    return {.lane = Lane::heavy,
            .reason = which + " changed: build configuration, so the heavy lane reconfigures and runs every tier"};
  }
  if (first_other)
    return {.lane = Lane::standard,
            .reason = *first_other + " changed: not documentation, so the standard lane builds and runs its tiers"};
  std::string listed;
  for (size_t i = 0; i < changed_paths.size() && i < kListedDocs; ++i) listed += (i ? ", " : "") + changed_paths[i];
  if (changed_paths.size() > kListedDocs) listed += " and " + std::to_string(changed_paths.size() - kListedDocs) + " more";
  return {.lane = Lane::docs, .reason = "docs only: " + listed};
}

bool tier_runs_in_lane(const TierConfig& tier, Lane lane) {
  if (lane == Lane::heavy) return true;
  return std::find(tier.lanes.begin(), tier.lanes.end(), lane) != tier.lanes.end();
}

}  // namespace autofix
