// SPDX-License-Identifier: MIT
#include "gate/state/flake_store.h"

#include <nlohmann/json.hpp>
#include <set>

#include "gate/util/atomic_file.h"
#include "gate/util/clock.h"

namespace autofix {

std::map<std::string, FlakeEntry> FlakeStore::load() const {
  std::map<std::string, FlakeEntry> out;
  std::optional<std::string> text = read_file_if_exists(file_);
  if (!text) return out;
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object() || !j.contains("tests") || !j["tests"].is_object()) return out;
  for (const auto& [name, e] : j["tests"].items()) {
    if (!e.is_object() || !e.contains("flakes") || !e["flakes"].is_number_integer()) continue;
    out[name] = {e["flakes"].get<int>(), e.value("last_seen", std::string())};
  }
  return out;
}

void FlakeStore::record(const std::vector<TestOutcome>& tests, const std::vector<std::string>& baseline_flaky) const {
  std::set<std::string> names(baseline_flaky.begin(), baseline_flaky.end());
  for (const TestOutcome& t : tests)
    if (t.transition == Transition::FLAKY) names.insert(t.name);
  if (names.empty()) return;
  std::map<std::string, FlakeEntry> all = load();
  std::string now = format_iso8601_utc(std::chrono::system_clock::now());
  for (const std::string& n : names) {
    all[n].flakes += 1;
    all[n].last_seen = now;
  }
  nlohmann::json tests_json = nlohmann::json::object();
  for (const auto& [name, e] : all) tests_json[name] = {{"flakes", e.flakes}, {"last_seen", e.last_seen}};
  std::filesystem::create_directories(file_.parent_path());
  write_file_atomically(file_, nlohmann::json{{"format", 1}, {"tests", tests_json}}.dump(1, ' ', false,
                                                                  nlohmann::json::error_handler_t::replace) + "\n",
                        0644, Durability::cache);
}

void FlakeStore::annotate(std::vector<TestOutcome>& tests) const {
  std::map<std::string, FlakeEntry> all = load();
  for (TestOutcome& t : tests) {
    auto it = all.find(t.name);
    t.known_flakes = it == all.end() ? 0 : it->second.flakes;
  }
}

}  // namespace autofix
