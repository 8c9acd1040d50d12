// SPDX-License-Identifier: MIT
#include "gate/run/shard.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "gate/git/hash_text.h"
#include "gate/util/atomic_file.h"
#include "gate/results/report_reader.h"
#include "gate/util/error.h"

namespace autofix {

ShardSpec parse_shard(const std::string& text) {
  auto bad = [&] {
    return Error(ErrorKind::usage, "--shard must be K/N with 1 <= K <= N <= 1000, not '" + text + "'",
                 "for two CI jobs use --shard 1/2 in the first and --shard 2/2 in the second");
  };
  size_t slash = text.find('/');
  if (slash == std::string::npos) throw bad();
  ShardSpec s;
  auto parse = [&](std::string_view part, int& out) {
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    if (ec != std::errc() || end != part.data() + part.size()) throw bad();
  };
  parse(std::string_view(text).substr(0, slash), s.index);
  parse(std::string_view(text).substr(slash + 1), s.count);
  if (s.count < 1 || s.count > 1000 || s.index < 1 || s.index > s.count) throw bad();
  return s;
}

ShardPlan::ShardPlan(int count, std::map<std::string, double> durations) : count_(count) {
  std::vector<std::pair<std::string, double>> tests(durations.begin(), durations.end());
  // Longest first; ties by name, so every job computes the same plan.
  std::sort(tests.begin(), tests.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  std::vector<double> load(static_cast<size_t>(count), 0.0);
  for (const auto& [name, seconds] : tests) {
    size_t lightest = static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    load[lightest] += std::max(seconds, 0.0);
    balanced_[name] = static_cast<int>(lightest) + 1;
  }
}

int ShardPlan::shard_of(const std::string& name) const {
  if (auto it = balanced_.find(name); it != balanced_.end()) return it->second;
  const git_oid oid = git::hash_text(name, "a test name");
  uint32_t h = (uint32_t(oid.id[0]) << 24) | (uint32_t(oid.id[1]) << 16) | (uint32_t(oid.id[2]) << 8) | oid.id[3];
  return static_cast<int>(h % static_cast<uint32_t>(count_)) + 1;
}

std::map<std::string, double> durations_from_report(const std::filesystem::path& report) {
  std::map<std::string, double> out;
  for (const TestOutcome& t : read_report_file(report).tests) {
    if (!t.case_name.empty()) continue;  // a case: its CTest test carries the time
    const std::optional<TestRecord>& run = t.after ? t.after : t.baseline;
    if (run) out[t.name] = run->duration_s;
  }
  return out;
}

}  // namespace autofix
