// SPDX-License-Identifier: MIT
#include "gate/policy/history_stats.h"

#include <algorithm>
#include <map>

namespace autofix {

namespace {

bool rejected(const HistoryRecord& r) { return r.verdict != "accepted"; }

// A run that judged a fix and did not accept it: not a refusal of the circuit breaker (nothing was judged:
// its signature is the one that opened the breaker, again), nor a `breaker reset`.
bool failed_fix(const HistoryRecord& r) {
  return rejected(r) && r.verdict != kRefusedBreakerOpen && r.command != "breaker-reset";
}

std::vector<AcceptanceRate> rates(const std::map<std::string, AcceptanceRate>& by_name) {
  std::vector<AcceptanceRate> out;
  for (const auto& [name, rate] : by_name) out.push_back(rate);
  return out;
}

// Counts in `counts` (name -> count, newest id), most frequent first, at most kTopCount.
std::vector<NamedCount> top(const std::map<std::string, NamedCount>& counts) {
  std::vector<NamedCount> out;
  for (const auto& [name, c] : counts) out.push_back(c);
  std::stable_sort(out.begin(), out.end(), [](const NamedCount& a, const NamedCount& b) { return a.count > b.count; });
  if (out.size() > kTopCount) out.resize(kTopCount);
  return out;
}

void count(std::map<std::string, NamedCount>& counts, const std::string& name, const std::string& id) {
  NamedCount& c = counts[name];
  if (c.count++ == 0) {
    c.name = name;
    c.last_id = id;  // records come newest first
  }
}

std::string percent_text(std::size_t part, std::size_t whole) {
  return std::to_string(whole ? part * 100 / whole : 0) + "%";
}

std::string seconds_text(std::uint64_t ms) {
  const std::uint64_t tenths = (ms + 50) / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

}  // namespace

std::string fix_source(const HistoryRecord& r) {
  if (!r.fix.fixer.empty()) return "fixer";
  if (!r.fix.patch_file.empty() || !r.fix.patch_sha256.empty()) return "patch";
  return "none";
}

std::vector<FlakyTestCount> flaky_tests_in(const std::vector<HistoryRecord>& records,
                                           const std::vector<FlakyTestCount>& store) {
  std::map<std::string, FlakyTestCount> by_name;
  for (const HistoryRecord& r : records)
    for (const std::string& name : r.tests.flaky) {
      FlakyTestCount& f = by_name.try_emplace(name, FlakyTestCount{name, 0, ""}).first->second;
      ++f.flakes;
      f.last_seen = std::max(f.last_seen, r.ended);  // ISO 8601 UTC: text order is time order
    }
  for (const FlakyTestCount& f : store) by_name.try_emplace(f.name, f);
  std::vector<FlakyTestCount> out;
  for (auto& [name, f] : by_name) out.push_back(std::move(f));
  return out;
}

std::vector<FlakyTestCount> most_flaky(std::vector<FlakyTestCount> flaky, std::size_t limit) {
  std::sort(flaky.begin(), flaky.end(), [](const FlakyTestCount& a, const FlakyTestCount& b) {
    return a.flakes != b.flakes ? a.flakes > b.flakes : a.name < b.name;
  });
  if (flaky.size() > limit) flaky.resize(limit);
  return flaky;
}

HistoryStats history_stats(const std::vector<HistoryRecord>& records, const std::vector<FlakyTestCount>& flaky) {
  HistoryStats s;
  s.flaky_tests = most_flaky(flaky, kTopCount);
  s.records = records.size();
  std::map<std::string, AcceptanceRate> commands, sources;
  std::map<std::string, NamedCount> signatures, broken;
  std::map<std::string, std::vector<std::uint64_t>> phase_ms;
  std::uint64_t all_ms = 0;
  for (const HistoryRecord& r : records) {
    for (auto [map, name] : {std::pair{&commands, r.command}, std::pair{&sources, fix_source(r)}}) {
      AcceptanceRate& rate = (*map)[name];
      rate.name = name;
      ++rate.runs;
      if (!rejected(r)) ++rate.accepted;
    }
    if (failed_fix(r) && !r.failure.signature.empty()) count(signatures, r.failure.signature, r.id);
    for (const std::string& test : r.tests.broken) count(broken, test, r.id);
    if (r.command == "batch") continue;
    for (const auto& [phase, ms] : r.phase_ms) {
      phase_ms[phase].push_back(ms);
      all_ms += ms;
    }
  }
  s.by_command = rates(commands);
  s.by_fix_source = rates(sources);
  s.signatures = top(signatures);
  s.broken_tests = top(broken);
  for (auto& [phase, times] : phase_ms) {
    PhaseTime p;
    p.phase = phase;
    p.runs = times.size();
    std::sort(times.begin(), times.end());
    const std::size_t n = times.size();
    p.median_ms = n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
    for (std::uint64_t t : times) p.total_ms += t;
    p.percent = all_ms ? static_cast<unsigned>(p.total_ms * 100 / all_ms) : 0;
    s.phases.push_back(p);
  }
  std::stable_sort(s.phases.begin(), s.phases.end(),
                   [](const PhaseTime& a, const PhaseTime& b) { return a.total_ms > b.total_ms; });

  // A test that broke in many of the newest rejected runs.
  std::vector<const HistoryRecord*> recent;
  for (const HistoryRecord& r : records)
    if (failed_fix(r) && r.command != "batch" && recent.size() < kRecentRejections) recent.push_back(&r);
  std::map<std::string, std::size_t> recent_broken;
  for (const HistoryRecord* r : recent)
    for (const std::string& test : r->tests.broken) ++recent_broken[test];
  std::vector<std::pair<std::string, std::size_t>> tests(recent_broken.begin(), recent_broken.end());
  std::stable_sort(tests.begin(), tests.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [test, n] : tests)
    if (n >= 2 && n * 2 >= recent.size())
      s.recommendations.push_back("test " + test + " broke " + std::to_string(n) + " of the last " +
                                  std::to_string(recent.size()) + " rejected runs: look at it before the next run");
  // The same failure again and again.
  for (const NamedCount& c : s.signatures)
    if (c.count >= 3)
      s.recommendations.push_back(std::to_string(c.count) + " rejected runs failed the same way (" + c.name +
                                  ", last in " + c.last_id + "): retrying the same fix will not help; change the approach");
  // A phase that takes most of the time.
  for (const PhaseTime& p : s.phases)
    if (p.percent >= 40 && s.phases.size() > 1)
      s.recommendations.push_back("the " + p.phase + " phase took " + std::to_string(p.percent) + "% of gate time (" +
                                  seconds_text(p.total_ms) + " of " + seconds_text(all_ms) + " over " +
                                  std::to_string(p.runs) + " runs, median " + seconds_text(p.median_ms) + ")");
  // A test that keeps flaking.
  for (const FlakyTestCount& f : s.flaky_tests)
    if (f.flakes >= kFlakyRecommendation)
      s.recommendations.push_back("test " + f.name + " flaked " + std::to_string(f.flakes) + " times" +
                                  (f.last_seen.empty() ? std::string() : " (last " + f.last_seen + ")") +
                                  ": fix or quarantine it, its failures cost re-runs and hide regressions");
  // A source of fixes that is mostly rejected.
  for (const AcceptanceRate& rate : s.by_fix_source)
    if (rate.name != "none" && rate.runs >= 5 && rate.accepted * 2 < rate.runs)
      s.recommendations.push_back("fixes from a " + rate.name + " were accepted in " + std::to_string(rate.accepted) +
                                  " of " + std::to_string(rate.runs) + " runs (" + percent_text(rate.accepted, rate.runs) +
                                  "): look at the rejections before sending more");
  return s;
}

}  // namespace autofix
