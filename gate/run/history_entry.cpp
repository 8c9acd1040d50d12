// SPDX-License-Identifier: MIT
#include "gate/run/history_entry.h"

#include <unistd.h>

#include <cmath>

#include "gate/state/history_store.h"
#include "gate/util/build_info.h"
#include "gate/util/clock.h"
#include "gate/util/sha256.h"

namespace autofix {

namespace {

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return {};
  return name;
}

// The words after the program's name and the command's own name(s): "attempt --patch x" -> "--patch x".
std::vector<std::string> args_of(const std::vector<std::string>& words, const std::string& command) {
  std::size_t first = words.empty() ? 0 : 1;
  if (first < words.size() && words[first] == command) ++first;
  return {words.begin() + static_cast<std::ptrdiff_t>(std::min(first, words.size())), words.end()};
}

std::string id_for(const std::string& own_id, const std::string& started) {
  if (is_history_id(own_id)) return own_id;
  SystemTime t = std::chrono::system_clock::now();
  try {
    if (!started.empty()) t = parse_iso8601_utc(started);
  } catch (const Error&) {
  }
  return new_history_id(t);
}

}  // namespace

HistoryRecord history_record_header(const HistoryContext& c, const std::string& own_id, const std::string& started) {
  HistoryRecord h;
  h.id = id_for(own_id, started);
  h.started = started;
  h.ended = c.ended;
  h.command = c.command;
  h.args = args_of(c.words, c.command == "batch-step" ? "batch" : c.command);
  h.who = c.who;
  if (c.patch) h.fix.patch_sha256 = sha256_hex(*c.patch);
  if (c.patch_file) h.fix.patch_file = *c.patch_file;
  h.base = c.base;
  h.gate_version = build_info().version;
  return h;
}

std::string ci_run_url(const git::Environment& env) {
  auto set = [&](const char* name) {
    std::optional<std::string> v = env(name);
    return v && !v->empty() ? *v : std::string();
  };
  const std::string server = set("GITHUB_SERVER_URL"), repo = set("GITHUB_REPOSITORY"), run = set("GITHUB_RUN_ID");
  if (!server.empty() && !repo.empty() && !run.empty()) return server + "/" + repo + "/actions/runs/" + run;
  return set("CI_JOB_URL");
}

HistoryWho history_who(const git::Repository& repo, const git::Environment& env) {
  const git::CommitIdentity identity = git::commit_identity_or_fallback(repo);
  return HistoryWho{identity.author.name, identity.author.email, host_name(), ci_run_url(env)};
}

HistoryRecord history_record_of(const AttemptResult& r, const HistoryContext& context) {
  HistoryRecord h = history_record_header(context, context.command == "batch-step" ? std::string() : r.attempt_id, r.started);
  if (r.fixer) h.fix.fixer = r.fixer->command;
  if (r.head) h.head = *r.head;
  h.lane = to_string(r.lane.lane);
  h.risk = to_string(r.risk.level);
  h.verdict = to_string(r.verdict);
  h.reason = r.reason;
  if (r.failure) h.failure = {to_string(r.failure->type), r.failure->signature};
  h.tests = {r.tests_run(), r.tests_passed(), r.names_with(Transition::FAIL_TO_PASS), r.regressions(),
             r.names_with(Transition::FLAKY)};
  for (const auto& [phase, seconds] : r.durations)
    h.phase_ms.emplace_back(phase, static_cast<std::uint64_t>(std::llround(std::max(0.0, seconds) * 1000)));
  h.snapshot = r.snapshot;
  if (r.branch) h.branch = *r.branch;
  if (r.commit) h.commit = *r.commit;
  return h;
}

HistoryRecord history_record_of(const BatchResult& r, const HistoryContext& context) {
  // A resumed batch is another run of the same batch id: a record of its own.
  HistoryRecord h = history_record_header(context, r.resumed ? std::string() : r.batch_id, r.started);
  h.verdict = r.outcome == "ok"                   ? "accepted"
              : r.outcome == "partial"            ? "rejected"
              : r.outcome == kRefusedBreakerOpen  ? kRefusedBreakerOpen
                                                  : "error";
  h.reason = r.reason;
  for (const BatchFixResult& f : r.fixes) {
    h.tests.fixed.insert(h.tests.fixed.end(), f.tests_fixed.begin(), f.tests_fixed.end());
    h.tests.broken.insert(h.tests.broken.end(), f.tests_broken.begin(), f.tests_broken.end());
  }
  h.phase_ms.emplace_back("batch", static_cast<std::uint64_t>(std::llround(std::max(0.0, r.seconds) * 1000)));
  if (!r.branches.empty()) h.branch = r.branches.front();
  if (r.commit) h.commit = *r.commit;
  return h;
}

void record_history_or_warn(const git::Repository& repo, const HistoryRecord& record, std::ostream& err) noexcept {
  try {
    HistoryStore(repo).append(record);
  } catch (const std::exception& e) {
    try {
      err << "autofix-gate: warning: the run was not recorded in the history (" << kHistoryRef << "): " << e.what()
          << "\n";
    } catch (...) {
    }
  } catch (...) {
  }
}

}  // namespace autofix
