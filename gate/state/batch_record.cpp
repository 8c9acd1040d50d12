// SPDX-License-Identifier: MIT
#include "gate/state/batch_record.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include <nlohmann/json.hpp>

#include "gate/util/atomic_file.h"
#include "gate/util/error.h"
#include "gate/util/io_errors.h"
#include "gate/util/json_reader.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

const char* kStartAgain = "start the batch again from its file: autofix-gate batch FILE";

// A batch id names a directory: never a path.
const std::string& checked_id(const std::string& id) {
  if (id.empty() || id.front() == '.' || id.find_first_of("/\\") != std::string::npos ||
      id.find('\0') != std::string::npos)
    throw Error(ErrorKind::usage, "'" + printable(id) + "' is not a batch id",
                "a batch id is the one `autofix-gate batch` printed, e.g. 20261207T192829Z-4c8cda");
  return id;
}

// Reasons and test names may hold bytes that are not UTF-8 (paths in git's messages): replaced.
std::string dumped(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string patch_name(std::size_t index) {
  std::string n = std::to_string(index + 1);
  return "patches/" + std::string(n.size() < 4 ? 4 - n.size() : 0, '0') + n + ".diff";
}

nlohmann::json step_json(const BatchRecordStep& s) {
  nlohmann::json j = {{"set", s.set},
                      {"verdict", s.verdict},
                      {"fix", s.fix},
                      {"reason", s.reason},
                      {"seconds", s.seconds},
                      {"tests_fixed", s.tests_fixed},
                      {"tests_broken", s.tests_broken},
                      {"tests_run", s.tests_run},
                      {"tests_passed", s.tests_passed}};
  if (s.suspects) {
    nlohmann::json groups = nlohmann::json::array();
    for (const SuspectGroup& g : *s.suspects) groups.push_back({{"test", g.test}, {"fixes", g.fixes}});
    j["suspects"] = std::move(groups);
  }
  return j;
}

BatchRecordStep step_from(const JsonValue& v) {
  v.object().allow_only({"set", "verdict", "fix", "reason", "seconds", "tests_fixed", "tests_broken", "tests_run",
                         "tests_passed", "suspects"});
  BatchRecordStep s;
  for (const JsonValue& i : v.array("set", "fix indices")) s.set.push_back(i.unsigned_integer());
  s.verdict = v.string("verdict");
  if (s.verdict != "passed" && s.verdict != "failed" && s.verdict != "not_applied")
    v.at("verdict", "").fail("unknown step verdict '" + printable(s.verdict) + "' (expected passed, failed or not_applied)");
  s.fix = v.unsigned_integer("fix");
  s.reason = v.string("reason");
  s.seconds = v.number("seconds");
  s.tests_fixed = v.strings("tests_fixed");
  s.tests_broken = v.strings("tests_broken");
  s.tests_run = v.unsigned_integer("tests_run");
  s.tests_passed = v.unsigned_integer("tests_passed");
  if (std::optional<JsonValue> groups = v.find("suspects")) {
    s.suspects.emplace();
    for (const JsonValue& g : groups->array("suspect groups")) {
      g.object().allow_only({"test", "fixes"});
      SuspectGroup group{g.string("test"), {}};
      for (const JsonValue& i : g.array("fixes", "fix indices")) group.fixes.push_back(i.unsigned_integer());
      s.suspects->push_back(std::move(group));
    }
  }
  return s;
}

void write_steps_file(const fs::path& path, const std::vector<BatchRecordStep>& steps) {
  std::string text;
  for (const BatchRecordStep& s : steps) text += dumped(step_json(s)) + "\n";
  write_file_atomically(path, text);
}

}  // namespace

void BatchRecordStore::create(const BatchRecord& r) const {
  const fs::path d = dir(checked_id(r.batch_id));
  try {
    fs::create_directories(d / "patches");
  } catch (const fs::filesystem_error& e) {
    throw io_error_from(e);
  }
  nlohmann::json fixes = nlohmann::json::array();
  for (std::size_t i = 0; i < r.fixes.size(); ++i) {
    const BatchRecordFix& f = r.fixes[i];
    write_file_atomically(d / patch_name(i), f.patch_text);
    fixes.push_back({{"id", f.id},
                     {"source", f.source},
                     {"patch", patch_name(i)},
                     {"depends_on", f.depends_on},
                     {"refused", f.refused ? nlohmann::json(*f.refused) : nlohmann::json(nullptr)}});
  }
  nlohmann::json j = {{"version", kBatchRecordVersion},
                      {"batch_id", r.batch_id},
                      {"started", r.started},
                      {"source", r.source},
                      {"strategy", to_string(r.strategy)},
                      {"checkpoint_every", r.checkpoint_every},
                      {"on_accept", to_string(r.on_accept)},
                      {"base_tree", r.base_tree},
                      {"head", r.head ? nlohmann::json(*r.head) : nlohmann::json(nullptr)},
                      {"fixes", fixes}};
  write_file_atomically(d / "steps.jsonl", "");
  // batch.json last: a record without it is one whose creation was cut short, and is not listed.
  write_file_atomically(d / "batch.json", dumped(j, 2) + "\n");
}

void BatchRecordStore::append_step(const std::string& batch_id, const BatchRecordStep& step) const {
  const fs::path path = dir(checked_id(batch_id)) / "steps.jsonl";
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) throw_errno("cannot open the batch's record", path.string(), errno);
  write_all(fd.get(), dumped(step_json(step)) + "\n", path);
  if (::fsync(fd.get()) != 0) throw_errno("cannot fsync", path.string(), errno);
}

void BatchRecordStore::rewrite_steps(const std::string& batch_id, const std::vector<BatchRecordStep>& steps) const {
  write_steps_file(dir(checked_id(batch_id)) / "steps.jsonl", steps);
}

void BatchRecordStore::mark_finished(const std::string& batch_id, const std::string& outcome,
                                     const std::string& when) const {
  write_file_atomically(dir(checked_id(batch_id)) / "finished.json",
                        dumped({{"outcome", outcome}, {"finished", when}}) + "\n");
}

BatchRecord BatchRecordStore::read(const std::string& batch_id) const {
  const fs::path d = dir(checked_id(batch_id));
  const fs::path path = d / "batch.json";
  JsonSource source{"batch record " + path.string(), ErrorKind::usage, kStartAgain};
  std::optional<std::string> text = read_file_if_exists(path);
  if (!text) source.fail("", "missing");
  JsonDocument doc = parse_json_strictly(*text, source, kStartAgain);
  JsonValue v(doc, source);
  v.object();
  const std::int64_t version = v.integer("version", 0, 1'000'000);
  if (version != kBatchRecordVersion)
    v.at("version", "").fail("version " + std::to_string(version) + " (this autofix-gate reads version " +
                                 std::to_string(kBatchRecordVersion) + ")",
                             "resume it with the autofix-gate that started it, or " + std::string(kStartAgain));
  v.allow_only({"version", "batch_id", "started", "source", "strategy", "checkpoint_every", "on_accept", "base_tree",
                "head", "fixes"});
  BatchRecord r;
  r.batch_id = v.string("batch_id");
  if (r.batch_id != batch_id) v.at("batch_id", "").fail("'" + printable(r.batch_id) + "', not '" + batch_id + "'");
  r.started = v.string("started");
  r.source = v.string("source");
  r.strategy = v.one_of("strategy", kBatchStrategies, "strategy");
  r.checkpoint_every = v.unsigned_integer("checkpoint_every");
  r.on_accept = v.one_of("on_accept", kOnAcceptModes, "--on-accept mode");
  r.base_tree = v.string("base_tree");
  r.head = v.string_or_null("head");
  for (const JsonValue& f : v.objects("fixes")) {
    f.allow_only({"id", "source", "patch", "depends_on", "refused"});
    BatchRecordFix fix;
    fix.id = f.string("id");
    fix.source = f.string("source");
    std::string patch = f.string("patch");
    if (patch != patch_name(r.fixes.size())) f.at("patch", "").fail("expected '" + patch_name(r.fixes.size()) + "'");
    std::optional<std::string> patch_text = read_file_if_exists(d / patch);
    if (!patch_text) f.at("patch", "").fail("no such file '" + (d / patch).string() + "'");
    fix.patch_text = std::move(*patch_text);
    fix.depends_on = f.strings("depends_on");
    fix.refused = f.string_or_null("refused");
    r.fixes.push_back(std::move(fix));
  }
  return r;
}

BatchRecordSteps BatchRecordStore::read_steps(const std::string& batch_id) const {
  const fs::path path = dir(checked_id(batch_id)) / "steps.jsonl";
  const std::string text = read_file_if_exists(path).value_or("");
  BatchRecordSteps out;
  std::size_t at = 0, line = 0;
  while (at < text.size()) {
    ++line;
    std::size_t end = text.find('\n', at);
    const bool last = end == std::string::npos || end + 1 == text.size();
    JsonSource source{path.string() + ":" + std::to_string(line), ErrorKind::usage, kStartAgain};
    try {
      if (end == std::string::npos) source.fail("", "cut short (no end of line)");
      JsonDocument doc = parse_json_strictly(std::string_view(text).substr(at, end - at), source, kStartAgain);
      out.steps.push_back(step_from(JsonValue(doc, source)));
    } catch (const Error& e) {
      if (!last) throw;
      // The process was killed while it appended this step: the step is judged again.
      out.damaged = std::string(e.what()) + "; that step is judged again";
    }
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return out;
}

bool BatchRecordStore::exists(const std::string& batch_id) const {
  std::error_code ec;
  return fs::exists(dir(checked_id(batch_id)) / "batch.json", ec);
}

bool BatchRecordStore::finished(const std::string& batch_id) const {
  std::error_code ec;
  return fs::exists(dir(checked_id(batch_id)) / "finished.json", ec);
}

std::vector<std::string> BatchRecordStore::all() const {
  std::vector<std::string> ids;
  std::error_code ec;
  for (fs::directory_iterator it(root_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name.front() == '.') continue;
    std::error_code exists_ec;
    if (fs::exists(it->path() / "batch.json", exists_ec)) ids.push_back(name);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<std::string> BatchRecordStore::unfinished() const {
  std::vector<std::string> ids;
  for (std::string& id : all())
    if (!finished(id)) ids.push_back(std::move(id));
  return ids;
}

void BatchRecordStore::remove(const std::string& batch_id) const {
  std::error_code ec;
  fs::remove_all(dir(checked_id(batch_id)), ec);
  if (ec)
    throw Error(ErrorKind::io, "cannot remove the batch record '" + dir(batch_id).string() + "': " + ec.message(),
                "remove the directory by hand");
}

}  // namespace autofix
