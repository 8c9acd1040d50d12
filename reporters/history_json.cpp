// SPDX-License-Identifier: MIT
#include "reporters/history_json.h"

#include "gate/util/json_reader.h"

namespace autofix::reporters {

nlohmann::ordered_json history_record_json(const HistoryRecord& r) {
  nlohmann::ordered_json j;
  j["format"] = kHistoryRecordFormat;
  j["id"] = r.id;
  j["started"] = r.started;
  j["ended"] = r.ended;
  j["command"] = r.command;
  j["args"] = r.args;
  j["who"] = {{"name", r.who.name}, {"email", r.who.email}, {"host", r.who.host}, {"ci_run_url", r.who.ci_run_url}};
  j["fix"] = {{"patch_sha256", r.fix.patch_sha256}, {"patch_file", r.fix.patch_file}, {"fixer", r.fix.fixer}};
  j["base"] = r.base;
  j["head"] = r.head;
  j["lane"] = r.lane;
  j["risk"] = r.risk;
  j["verdict"] = r.verdict;
  j["reason"] = r.reason;
  j["failure"] = {{"type", r.failure.type}, {"signature", r.failure.signature}};
  j["tests"] = {{"run", r.tests.run}, {"passed", r.tests.passed}, {"fixed", r.tests.fixed}, {"broken", r.tests.broken},
                {"flaky", r.tests.flaky}};
  nlohmann::ordered_json phases = nlohmann::ordered_json::object();
  for (const auto& [phase, ms] : r.phase_ms) phases[phase] = ms;
  j["phase_ms"] = std::move(phases);
  j["snapshot"] = r.snapshot;
  j["branch"] = r.branch;
  j["commit"] = r.commit;
  j["gate_version"] = r.gate_version;
  j["breaker_key"] = r.breaker_key;
  return j;
}

std::string history_record_text(const HistoryRecord& record) { return history_record_json(record).dump(2) + "\n"; }

HistoryRecord read_history_record(std::string_view text, const std::string& name) {
  const JsonSource source{name, ErrorKind::usage, "a damaged history record is skipped; `autofix-gate history show ID --json` shows the rest"};
  const JsonDocument doc = parse_json_strictly(text, source, source.hint);
  const JsonValue root(doc, source);
  root.object();
  const std::int64_t format = root.integer("format", 1, 1'000'000);
  if (format > kHistoryRecordFormat)
    root.at("format", "").fail("format " + std::to_string(format) + " is newer than this gate reads (" +
                               std::to_string(kHistoryRecordFormat) + ")");
  HistoryRecord r;
  r.id = root.at("id", "expected the record's id").text();
  if (!is_history_id(r.id)) root.at("id", "").fail("not a history id: " + quoted_text(r.id));
  r.started = root.string("started");
  r.ended = root.string("ended");
  r.command = root.at("command", "expected the command").text();
  r.args = root.strings("args");
  const JsonValue who = root.object("who");
  r.who = {who.string("name"), who.string("email"), who.string("host"), who.string("ci_run_url")};
  const JsonValue fix = root.object("fix");
  r.fix = {fix.string("patch_sha256"), fix.string("patch_file"), fix.strings("fixer")};
  r.base = root.string("base");
  r.head = root.string("head");
  r.lane = root.string("lane");
  r.risk = root.string("risk");
  r.verdict = root.at("verdict", "expected the verdict").text();
  r.reason = root.string("reason");
  const JsonValue failure = root.object("failure");
  r.failure = {failure.string("type"), failure.string("signature")};
  const JsonValue tests = root.object("tests");
  // "flaky" is absent from records written before 0.3.
  r.tests = {tests.unsigned_integer("run"), tests.unsigned_integer("passed"), tests.strings("fixed"), tests.strings("broken"),
             tests.find("flaky") ? tests.strings("flaky") : std::vector<std::string>{}};
  for (auto& [phase, ms] : root.object("phase_ms").members()) r.phase_ms.emplace_back(phase, ms.unsigned_integer());
  r.snapshot = root.string("snapshot");
  r.branch = root.string("branch");
  r.commit = root.string("commit");
  r.gate_version = root.string("gate_version");
  r.breaker_key = root.string("breaker_key");
  return r;
}

}  // namespace autofix::reporters
