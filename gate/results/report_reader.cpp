#include "gate/results/report_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>

#include "gate/util/atomic_file.h"
#include "gate/util/error.h"
#include "gate/util/io_errors.h"

namespace autofix {

using nlohmann::json;

namespace {

constexpr Verdict kVerdicts[] = {Verdict::accepted, Verdict::rejected, Verdict::needs_review, Verdict::error,
                                 Verdict::planned};
constexpr RunStatus kRunStatuses[] = {RunStatus::passed, RunStatus::failed, RunStatus::timeout, RunStatus::not_run,
                                      RunStatus::skipped};
constexpr TierStatus kTierStatuses[] = {TierStatus::passed, TierStatus::failed, TierStatus::skipped, TierStatus::error};

template <typename E, size_t N>
std::optional<E> from_string(const E (&values)[N], std::string_view text) noexcept {
  for (E v : values)
    if (text == to_string(v)) return v;
  return std::nullopt;
}

// "a, b or c"
template <typename E, size_t N>
std::string alternatives(const E (&values)[N]) {
  std::string out;
  for (size_t i = 0; i < N; ++i) out += std::string(i == 0 ? "" : i + 1 == N ? " or " : ", ") + to_string(values[i]);
  return out;
}

const char* const kHint =
    "read only the report.json files that autofix-gate writes; run the gate again rather than editing one";

// A value in the document and where it is, for error messages.
struct Node {
  const json& v;
  std::string path;  // "tests[3].after.status"; empty for the top level
};

class Reader {
 public:
  explicit Reader(const std::string& source) : source_(source) {}

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw Error(ErrorKind::usage, source_ + ": " + (path.empty() ? "(top level)" : path) + ": " + what, kHint);
  }

  void expect(const Node& n, json::value_t type, const char* expected) const {
    if (n.v.type() != type) fail(n.path, std::string("expected ") + expected + ", got " + describe(n.v));
  }

  // The member `key` of the object `obj` (already checked to be an object).
  Node member(const Node& obj, const char* key, const char* expected) const {
    std::string path = obj.path.empty() ? key : obj.path + "." + key;
    auto it = obj.v.find(key);
    if (it == obj.v.end()) fail(path, std::string("missing (expected ") + expected + ")");
    return {*it, path};
  }

  Node object(const Node& obj, const char* key) const {
    Node n = member(obj, key, "an object");
    expect(n, json::value_t::object, "an object");
    return n;
  }
  Node array(const Node& obj, const char* key) const {
    Node n = member(obj, key, "an array");
    expect(n, json::value_t::array, "an array");
    return n;
  }
  std::vector<Node> items(const Node& arr) const {
    std::vector<Node> out;
    out.reserve(arr.v.size());
    for (size_t i = 0; i < arr.v.size(); ++i) out.push_back({arr.v[i], arr.path + "[" + std::to_string(i) + "]"});
    return out;
  }
  // Each element of the array `key`, checked to be an object.
  std::vector<Node> objects(const Node& obj, const char* key) const {
    std::vector<Node> out = items(array(obj, key));
    for (const Node& n : out) expect(n, json::value_t::object, "an object");
    return out;
  }

  std::string str(const Node& n) const {
    expect(n, json::value_t::string, "a string");
    return n.v.get<std::string>();
  }
  std::string str(const Node& obj, const char* key) const { return str(member(obj, key, "a string")); }

  std::optional<std::string> optional_str(const Node& obj, const char* key) const {
    Node n = member(obj, key, "a string or null");
    if (n.v.is_null()) return std::nullopt;
    expect(n, json::value_t::string, "a string or null");
    return n.v.get<std::string>();
  }

  std::vector<std::string> strings(const Node& obj, const char* key) const {
    std::vector<std::string> out;
    for (const Node& n : items(array(obj, key))) out.push_back(str(n));
    return out;
  }

  bool boolean(const Node& obj, const char* key) const {
    Node n = member(obj, key, "a boolean");
    expect(n, json::value_t::boolean, "a boolean");
    return n.v.get<bool>();
  }

  double number(const Node& n) const {
    if (!n.v.is_number()) fail(n.path, "expected a number, got " + describe(n.v));
    double d = n.v.get<double>();
    if (!std::isfinite(d)) fail(n.path, "expected a finite number, got " + n.v.dump());
    return d;
  }
  double number(const Node& obj, const char* key) const { return number(member(obj, key, "a number")); }

  // A count or a position: an integer from 0 to INT_MAX.
  int count(const Node& obj, const char* key) const {
    Node n = member(obj, key, "an integer");
    bool ok = false;
    if (n.v.is_number_unsigned()) ok = n.v.get<std::uint64_t>() <= std::uint64_t(std::numeric_limits<int>::max());
    else if (n.v.is_number_integer()) ok = n.v.get<std::int64_t>() >= 0 && n.v.get<std::int64_t>() <= std::numeric_limits<int>::max();
    if (!ok) fail(n.path, "expected an integer from 0 to " + std::to_string(std::numeric_limits<int>::max()) + ", got " + describe(n.v));
    return static_cast<int>(n.v.get<std::int64_t>());
  }

  template <typename E, size_t N>
  E enumerated(const Node& obj, const char* key, const char* what, const E (&values)[N]) const {
    return enumerated(member(obj, key, "a string"), what, values);
  }
  template <typename E, size_t N>
  E enumerated(const Node& n, const char* what, const E (&values)[N]) const {
    std::string text = str(n);
    std::optional<E> v = from_string(values, text);
    if (!v) fail(n.path, std::string("unknown ") + what + " " + quoted(text) + " (expected " + alternatives(values) + ")");
    return *v;
  }

  std::optional<TestRecord> record(const Node& obj, const char* key, const std::string& test) const {
    Node n = member(obj, key, "an object or null");
    if (n.v.is_null()) return std::nullopt;
    expect(n, json::value_t::object, "an object or null");
    TestRecord r;
    r.name = test;
    r.status = enumerated(n, "status", "test status", kRunStatuses);
    r.duration_s = number(n, "duration_s");
    return r;
  }

  // A short description of an unexpected value: its type, and the value itself when it is short.
  static std::string describe(const json& v) {
    std::string type = v.type_name();
    if (v.is_number() || v.is_boolean()) return type + " " + v.dump();
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      if (s.size() <= 40) return type + " " + quoted(s);
    }
    return type;
  }

  static std::string quoted(const std::string& text) { return "'" + printable(text) + "'"; }

 private:
  const std::string& source_;
};

Finding read_finding(const Reader& r, const Node& n) {
  Finding f;
  f.rule = r.str(n, "rule");
  f.file = r.str(n, "file");
  f.line = r.count(n, "line");
  f.column = r.count(n, "column");
  f.severity = r.str(n, "severity");
  f.message = r.str(n, "message");
  f.fingerprint = r.str(n, "fingerprint");
  f.state = r.str(n, "state");
  f.detail = r.str(n, "detail");
  f.blocking = r.boolean(n, "blocking");
  return f;
}

TierResult read_tier(const Reader& r, const Node& n) {
  TierResult t;
  t.name = r.str(n, "name");
  t.kind = r.str(n, "kind");
  t.required = r.boolean(n, "required");
  t.status = r.enumerated(n, "status", "tier status", kTierStatuses);
  t.reason = r.str(n, "reason");
  t.duration_s = r.number(n, "duration_s");
  for (const Node& f : r.objects(n, "findings")) t.findings.push_back(read_finding(r, f));
  t.tests = r.strings(n, "tests");
  return t;
}

TestOutcome read_test(const Reader& r, const Node& n) {
  TestOutcome t;
  t.name = r.str(n, "name");
  t.transition = r.enumerated(n, "transition", "transition", kAllTransitions);
  t.baseline = r.record(n, "baseline", t.name);
  t.after = r.record(n, "after", t.name);
  for (const Node& s : r.items(r.array(n, "reruns"))) t.reruns.push_back(r.enumerated(s, "test status", kRunStatuses));
  t.baseline_flaky = r.boolean(n, "baseline_flaky");
  t.known_flakes = r.count(n, "known_flakes");
  t.ctest_test = r.str(n, "ctest_test");
  t.case_name = r.str(n, "case");
  t.new_failures = r.strings(n, "new_failures");
  t.observed = r.str(n, "observed");
  for (std::optional<TestRecord>* rec : {&t.baseline, &t.after})
    if (*rec) {
      (*rec)->ctest_test = t.ctest_test;
      (*rec)->case_name = t.case_name;
    }
  // The records a transition implies: without them every reader of the model would have to guess.
  bool needs_baseline = t.transition != Transition::NEW && t.transition != Transition::FLAKY;
  bool needs_after = t.transition != Transition::MISSING;
  if (needs_baseline && !t.baseline)
    r.fail(n.path + ".baseline", std::string("null, but a ") + to_string(t.transition) + " test has a baseline run");
  if (needs_after && !t.after)
    r.fail(n.path + ".after", std::string("null, but a ") + to_string(t.transition) + " test has a run with the fix");
  return t;
}

}  // namespace

std::string printable(std::string_view text) {
  constexpr size_t kMax = 80;
  // Cut on a UTF-8 character boundary, so the cut itself never makes the text invalid.
  size_t cut = text.size();
  if (cut > kMax) {
    cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  }
  std::string j = json(std::string(text.substr(0, cut))).dump(-1, ' ', false, json::error_handler_t::replace);
  return j.substr(1, j.size() - 2) + (cut < text.size() ? "..." : "");
}

std::optional<Verdict> verdict_from_string(std::string_view text) noexcept { return from_string(kVerdicts, text); }
std::optional<Transition> transition_from_string(std::string_view text) noexcept {
  return from_string(kAllTransitions, text);
}
std::optional<RunStatus> run_status_from_string(std::string_view text) noexcept {
  return from_string(kRunStatuses, text);
}
std::optional<TierStatus> tier_status_from_string(std::string_view text) noexcept {
  return from_string(kTierStatuses, text);
}

AttemptResult attempt_from_json(const json& j, const std::string& source) {
  Reader r(source);
  Node root{j, ""};
  r.expect(root, json::value_t::object, "an object");
  AttemptResult a;
  a.verdict = r.enumerated(root, "verdict", "verdict", kVerdicts);
  a.reason = r.str(root, "reason");
  a.attempt_id = r.str(root, "attempt_id");
  a.snapshot = r.str(root, "snapshot");
  a.started = r.str(root, "started");
  a.dry_run = r.boolean(root, "dry_run");
  a.on_accept = r.str(root, "on_accept");
  a.patch_applied = r.boolean(root, "patch_applied");
  for (const Node& f : r.objects(root, "files_changed")) a.files_changed.push_back({r.str(f, "path"), r.str(f, "status")});

  Node build = r.object(root, "build");
  a.build.ok = r.boolean(build, "ok");
  a.build.ran = r.boolean(build, "ran");
  a.build.duration_s = r.number(build, "duration_s");
  a.build.errors = r.strings(build, "errors");
  a.build.failure = r.str(build, "failure");
  a.build.timed_out = r.boolean(build, "timed_out");

  Node baseline = r.object(root, "baseline");
  a.baseline.key = r.str(baseline, "key");
  a.baseline.cached = r.boolean(baseline, "cached");
  a.baseline.runs = r.count(baseline, "runs");
  a.baseline.build_ok = r.boolean(baseline, "build_ok");

  a.require_fixed = r.strings(root, "require_fixed");
  std::set<std::string> names;
  for (const Node& t : r.objects(root, "tests")) {
    a.tests.push_back(read_test(r, t));
    if (!names.insert(a.tests.back().name).second)
      r.fail(t.path + ".name", "duplicate test " + Reader::quoted(a.tests.back().name));
  }
  Node durations = r.object(root, "durations");
  for (const auto& [phase, seconds] : durations.v.items())
    a.durations.emplace_back(phase, r.number(Node{seconds, durations.path + "." + printable(phase)}));
  a.branch = r.optional_str(root, "branch");
  a.commit = r.optional_str(root, "commit");

  // Written only when a fixer ran.
  if (auto it = j.find("fixer"); it != j.end()) {
    Node fixer{*it, "fixer"};
    r.expect(fixer, json::value_t::object, "an object");
    FixerOutcome f;
    f.command = r.strings(fixer, "command");
    f.result = r.str(fixer, "result");
    f.ok = r.boolean(fixer, "ok");
    f.out = r.str(fixer, "stdout");
    f.err = r.str(fixer, "stderr");
    a.fixer = std::move(f);
  }
  a.mode = r.str(root, "mode");
  a.base = r.optional_str(root, "base");
  a.head = r.optional_str(root, "head");
  a.shard = r.optional_str(root, "shard");
  a.stopped_early = r.boolean(root, "stopped_early");
  Node lane = r.object(root, "lane");
  a.lane.lane = r.str(lane, "lane");
  a.lane.reason = r.str(lane, "reason");
  Node risk = r.object(root, "risk");
  a.risk.level = r.str(risk, "level");
  a.risk.pattern = r.str(risk, "pattern");
  a.risk.path = r.str(risk, "path");
  for (const Node& t : r.objects(root, "tiers")) a.tiers.push_back(read_tier(r, t));
  for (const Node& c : r.objects(root, "cascading")) {
    CascadeEntry e{r.str(c, "test"), r.str(c, "kind"), r.str(c, "changed_file"), r.strings(c, "chain"), {}};
    for (const Node& k : r.objects(c, "candidates")) e.candidates.push_back({r.str(k, "file"), r.strings(k, "chain")});
    a.cascading.push_back(std::move(e));
  }
  for (const Node& f : r.objects(root, "tampering"))
    a.tampering.push_back({r.str(f, "kind"), r.str(f, "file"), r.count(f, "line"), r.str(f, "test"),
                           r.str(f, "detail"), r.boolean(f, "downgraded")});
  return a;
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
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw Error(ErrorKind::usage, "'" + name + "' is not valid JSON (parse error at byte " + std::to_string(e.byte) + ")",
                "the file may be truncated: " + hint);
  }
  return attempt_from_json(j, name);
}

}  // namespace autofix
