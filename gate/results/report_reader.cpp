// SPDX-License-Identifier: MIT
#include "gate/results/report_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <limits>
#include <set>

#include "gate/results/report_format.h"
#include "gate/util/atomic_file.h"
#include "gate/util/enum_table.h"
#include "gate/util/error.h"
#include "gate/util/io_errors.h"

namespace autofix {

namespace {

const char* const kHint =
    "read only the report.json files that autofix-gate writes; run the gate again rather than editing one";

constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();

// Absent from reports written before excerpts existed; null when none was taken. Its lines must hold the
// line it is about: reporters look it up in them.
std::optional<SourceExcerpt> read_excerpt(const JsonValue& parent) {
  std::optional<JsonValue> n = parent.find("excerpt");
  if (!n || n->is_null()) return std::nullopt;
  n->object();
  SourceExcerpt e;
  e.file = n->string("file");
  e.first_line = static_cast<int>(n->integer("first_line", 1, kMaxInt));
  e.lines = n->strings("lines");
  if (e.lines.empty() || e.lines.size() > static_cast<size_t>(kMaxInt - e.first_line) + 1)
    n->at("lines", "").fail("holds " + std::to_string(e.lines.size()) + " line(s) from line " + std::to_string(e.first_line) +
                            ": an excerpt holds at least one line, none numbered beyond " + std::to_string(kMaxInt));
  e.line = static_cast<int>(n->integer("line", e.first_line, e.last_line()));
  for (const JsonValue& cut : n->array("cut_lines", "line numbers"))
    e.cut_lines.push_back(static_cast<int>(cut.integer(e.first_line, e.last_line())));
  return e;
}

Finding read_finding(const JsonValue& n) {
  Finding f;
  f.rule = n.string("rule");
  f.file = n.string("file");
  f.line = static_cast<int>(n.integer("line", 0, std::numeric_limits<int>::max()));
  f.column = static_cast<int>(n.integer("column", 0, std::numeric_limits<int>::max()));
  f.severity = n.string("severity");
  f.message = n.string("message");
  f.fingerprint = n.string("fingerprint");
  f.state = n.one_of("state", kFindingStates, "finding state");
  f.detail = n.string("detail");
  f.blocking = n.boolean("blocking");
  f.excerpt = read_excerpt(n);
  return f;
}

TierResult read_tier(const JsonValue& n) {
  TierResult t;
  t.name = n.string("name");
  t.kind = n.one_of("kind", kTierKinds, "tier kind");
  t.required = n.boolean("required");
  t.status = n.one_of("status", kTierStatuses, "tier status");
  t.reason = n.string("reason");
  t.duration_s = n.number("duration_s");
  for (const JsonValue& f : n.objects("findings")) t.findings.push_back(read_finding(f));
  t.tests = n.strings("tests");
  if (std::optional<JsonValue> shards = n.find("shards"))  // written since merges say which shard ran what
    for (const JsonValue& k : shards->array("shard numbers")) t.shards.push_back(static_cast<int>(k.integer(1, kMaxInt)));
  return t;
}

std::optional<TestRecord> read_record(const JsonValue& test, std::string_view key, const std::string& name) {
  std::optional<JsonValue> n = test.object_or_null(key);
  if (!n) return std::nullopt;
  TestRecord r;
  r.name = name;
  r.status = n->one_of("status", kRunStatuses, "test status");
  r.duration_s = n->number("duration_s");
  return r;
}

// {"file", "line"}; an empty file is an unknown location.
SourceLocation read_location(const JsonValue& n) {
  return {n.string("file"), static_cast<int>(n.integer("line", 0, std::numeric_limits<int>::max()))};
}

TestOutcome read_test(const JsonValue& n) {
  TestOutcome t;
  t.name = n.string("name");
  t.transition = n.one_of("transition", kTransitions, "transition");
  t.baseline = read_record(n, "baseline", t.name);
  t.after = read_record(n, "after", t.name);
  for (const JsonValue& s : n.array("reruns", "test statuses")) t.reruns.push_back(s.one_of(kRunStatuses, "test status"));
  t.baseline_flaky = n.boolean("baseline_flaky");
  t.known_flakes = static_cast<int>(n.integer("known_flakes", 0, std::numeric_limits<int>::max()));
  t.ctest_test = n.string("ctest_test");
  t.case_name = n.string("case");
  t.new_failures = n.strings("new_failures");
  t.observed = n.string("observed");
  // Reports written before tests carried locations have neither key.
  if (std::optional<JsonValue> at = n.find("defined_at"); at && !at->is_null())
    t.defined_at = read_location(at->object());
  if (std::optional<JsonValue> first = n.find("first_failure"); first && !first->is_null())
    t.first_failure = FailedAssertion{read_location(first->object()), first->string("message")};
  t.excerpt = read_excerpt(n);
  if (std::optional<JsonValue> shard = n.find("shard"); shard && !shard->is_null())
    t.shard = static_cast<int>(shard->integer(1, kMaxInt));
  for (std::optional<TestRecord>* rec : {&t.baseline, &t.after})
    if (*rec) {
      (*rec)->ctest_test = t.ctest_test;
      (*rec)->case_name = t.case_name;
    }
  // The records a transition implies: without them every reader of the model would have to guess.
  bool needs_baseline = t.transition != Transition::NEW && t.transition != Transition::FLAKY;
  bool needs_after = t.transition != Transition::MISSING;
  if (needs_baseline && !t.baseline)
    n.at("baseline", "").fail(std::string("null, but a ") + to_string(t.transition) + " test has a baseline run");
  if (needs_after && !t.after)
    n.at("after", "").fail(std::string("null, but a ") + to_string(t.transition) + " test has a run with the fix");
  return t;
}

AttemptResult read_attempt(const JsonValue& root) {
  root.object();
  AttemptResult a;
  a.verdict = root.one_of("verdict", kVerdicts, "verdict");
  a.reason = root.string("reason");
  a.attempt_id = root.string("attempt_id");
  a.snapshot = root.string("snapshot");
  a.started = root.string("started");
  a.dry_run = root.boolean("dry_run");
  a.on_accept = root.one_of("on_accept", kOnAcceptModes, "on-accept mode");
  a.patch_applied = root.boolean("patch_applied");
  for (const JsonValue& f : root.objects("files_changed")) a.files_changed.push_back({f.string("path"), f.one_of("status", kFileStatuses, "file status")});

  JsonValue build = root.object("build");
  a.build.ok = build.boolean("ok");
  a.build.ran = build.boolean("ran");
  a.build.duration_s = build.number("duration_s");
  a.build.errors = build.strings("errors");
  a.build.failure = build.string("failure");
  a.build.timed_out = build.boolean("timed_out");
  if (std::optional<JsonValue> environment = build.find("environment")) a.build.environment = environment->strings();

  JsonValue baseline = root.object("baseline");
  a.baseline.key = baseline.string("key");
  a.baseline.cached = baseline.boolean("cached");
  a.baseline.runs = static_cast<int>(baseline.integer("runs", 0, std::numeric_limits<int>::max()));
  a.baseline.build_ok = baseline.boolean("build_ok");

  a.require_fixed = root.strings("require_fixed");
  std::set<std::string> names;
  for (const JsonValue& t : root.objects("tests")) {
    a.tests.push_back(read_test(t));
    if (!names.insert(a.tests.back().name).second)
      t.at("name", "").fail("duplicate test " + quoted_text(a.tests.back().name));
  }
  for (const auto& [phase, seconds] : root.object("durations").members()) a.durations.emplace_back(phase, seconds.number());
  a.branch = root.string_or_null("branch");
  a.commit = root.string_or_null("commit");

  // Written only when a fixer ran.
  if (std::optional<JsonValue> fixer = root.find("fixer")) {
    fixer->object();
    FixerOutcome f;
    f.command = fixer->strings("command");
    f.result = fixer->string("result");
    f.ok = fixer->boolean("ok");
    f.out = fixer->string("stdout");
    f.err = fixer->string("stderr");
    a.fixer = std::move(f);
  }
  a.mode = root.string("mode");
  a.base = root.string_or_null("base");
  a.head = root.string_or_null("head");
  a.shard = root.string_or_null("shard");
  a.stopped_early = root.boolean("stopped_early");
  JsonValue lane = root.object("lane");
  a.lane.lane = lane.one_of("lane", kLanes, "lane");
  a.lane.reason = lane.string("reason");
  JsonValue risk = root.object("risk");
  a.risk.level = risk.one_of("level", kRiskLevels, "risk level");
  a.risk.pattern = risk.string("pattern");
  a.risk.path = risk.string("path");
  for (const JsonValue& t : root.objects("tiers")) a.tiers.push_back(read_tier(t));
  for (const JsonValue& c : root.objects("cascading")) {
    CascadeEntry e{c.string("test"), c.one_of("kind", kCascadeKinds, "cascade kind"), c.string("changed_file"),
                   c.strings("chain"), {}};
    for (const JsonValue& k : c.objects("candidates")) e.candidates.push_back({k.string("file"), k.strings("chain")});
    a.cascading.push_back(std::move(e));
  }
  for (const JsonValue& f : root.objects("tampering"))
    a.tampering.push_back({f.one_of("kind", kTamperKinds, "tamper kind"), f.string("file"),
                           static_cast<int>(f.integer("line", 0, std::numeric_limits<int>::max())), f.string("test"),
                           f.string("detail"), f.boolean("downgraded")});
  // Absent from reports written before recovery plans existed: no command, no failure, no plan.
  if (std::optional<JsonValue> command = root.find("command")) a.command = command->strings();
  if (std::optional<JsonValue> refused = root.find("patch_refused")) a.patch_refused = refused->boolean();
  if (std::optional<JsonValue> kind = root.find("error_kind"); kind && !kind->is_null()) a.error_kind = kind->text();
  if (std::optional<JsonValue> failure = root.find("failure"); failure && !failure->is_null()) {
    failure->object();
    a.failure = Failure{failure->one_of("type", kFailureTypes, "failure type"), failure->string("signature"),
                        failure->strings("evidence")};
  }
  if (root.find("recovery"))
    for (const JsonValue& step : root.objects("recovery"))
      a.recovery.push_back({step.one_of("action", kRecoveryActions, "recovery action"), step.string("command"),
                            step.string("why")});
  // Absent from reports written before the circuit breaker existed.
  if (std::optional<JsonValue> breaker = root.find("breaker"); breaker && !breaker->is_null()) {
    breaker->object();
    a.breaker = BreakerRefusal{breaker->string("key"),
                               breaker->string("signature"),
                               static_cast<unsigned>(breaker->integer("failures", 0, std::numeric_limits<int>::max())),
                               breaker->string("opened_at"),
                               breaker->string("half_opens_at"),
                               breaker->string("reset_command")};
  }
  // Absent from reports written before they existed: format 1, no tool versions (gate/results/report_format.h).
  if (std::optional<JsonValue> format = root.find("format_version")) {
    std::int64_t version = format->integer(1, std::numeric_limits<int>::max());
    if (version > kReportFormatVersion)
      format->fail("format " + std::to_string(version) + ", newer than this gate reads (" +
                       std::to_string(kReportFormatVersion) + ")",
                   "read it with the autofix-gate that wrote it, or a newer one");
  }
  if (std::optional<JsonValue> tools = root.find("tool_versions"))
    for (const auto& [tool, version] : tools->members()) a.tool_versions[tool] = version.string();
  return a;
}

}  // namespace

AttemptResult attempt_from_json(const JsonDocument& j, const std::string& source) {
  const JsonSource reader{source, ErrorKind::usage, kHint};
  return read_attempt(JsonValue(j, reader));
}

AttemptResult read_report_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  const std::string hint = "pass the report.json that autofix-gate wrote";
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd) {
    if (errno == ENOENT) throw Error(ErrorKind::usage, "no such report: '" + name + "'", hint);
    throw_errno("cannot open", name, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw_errno("cannot stat", name, errno);
  if (!S_ISREG(st.st_mode)) throw Error(ErrorKind::usage, "'" + name + "' is not a regular file", hint);
  auto too_large = [&] {
    return Error(ErrorKind::usage,
                 "'" + name + "' is larger than " + std::to_string(kMaxReportBytes / (1024 * 1024)) +
                     " MiB: not a report autofix-gate writes",
                 hint);
  };
  if (static_cast<std::uintmax_t>(st.st_size) > kMaxReportBytes) throw too_large();
  // Bounded read: the size from fstat is only a first check, the file may grow while it is read.
  std::string text;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("cannot read", name, errno);
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxReportBytes) break;
  }
  if (text.size() > kMaxReportBytes) throw too_large();
  const JsonSource reader{name, ErrorKind::usage, kHint};
  const JsonDocument doc = parse_json_strictly(text, reader, "the file may be truncated: " + hint);
  return read_attempt(JsonValue(doc, reader));
}

}  // namespace autofix
