// SPDX-License-Identifier: MIT
// merge_partials (declared in gate/run/shard.h): N partial results of `verify --shard K/N` → one result.
#include <algorithm>
#include <map>
#include <tuple>

#include "gate/policy/decide.h"
#include "gate/policy/recovery_plan.h"
#include "gate/policy/classify.h"
#include "gate/results/report_reader.h"
#include "gate/run/shard.h"
#include "gate/util/error.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

const char* const kMergeHint = "merge the report.json files of one `verify --shard K/N` run, one per shard";

struct Partial {
  fs::path file;
  AttemptResult result;
  ShardSpec spec;
};

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

[[noreturn]] void fail(const std::string& message) { throw Error(ErrorKind::usage, message, kMergeHint); }

int status_rank(TierStatus s) {
  switch (s) {
    case TierStatus::skipped: return 0;
    case TierStatus::passed: return 1;
    case TierStatus::failed: return 2;
    case TierStatus::error: return 3;
  }
  return 3;
}

bool same_run(const std::optional<TestRecord>& a, const std::optional<TestRecord>& b) {
  return a.has_value() == b.has_value() && (!a || a->status == b->status);
}

// Two partials agree on a test when they saw the same results (durations may differ between runs).
bool same_result(const TestOutcome& a, const TestOutcome& b) {
  return a.transition == b.transition && same_run(a.baseline, b.baseline) && same_run(a.after, b.after) &&
         a.reruns == b.reruns && a.baseline_flaky == b.baseline_flaky;
}

template <typename T>
void push_unique(std::vector<T>& out, const T& value) {
  if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(value);
}

bool same_cascade(const CascadeEntry& a, const CascadeEntry& b) {
  return std::tie(a.test, a.kind, a.changed_file, a.chain) == std::tie(b.test, b.kind, b.changed_file, b.chain);
}

bool same_tamper(const TamperFinding& a, const TamperFinding& b) {
  return std::tie(a.kind, a.file, a.line, a.test, a.detail, a.downgraded) ==
         std::tie(b.kind, b.file, b.line, b.test, b.detail, b.downgraded);
}

bool same_files(const std::vector<FileChange>& a, const std::vector<FileChange>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const FileChange& x, const FileChange& y) { return x.path == y.path && x.status == y.status; });
}

std::string or_none(const std::optional<std::string>& s) { return s ? printable(*s) : "(none)"; }

// Reads every partial and checks that together they are shards 1..N of one run; sorted by K.
std::vector<Partial> load_partials(const std::vector<fs::path>& files) {
  if (files.empty()) fail("merge needs the report.json of every shard, got none");
  std::vector<Partial> partials;
  for (const fs::path& file : files) {
    AttemptResult r = read_report_file(file);
    if (!r.shard)
      fail(quoted(file) + " is not a partial result: its shard is null (partials are written by `verify --shard K/N`)");
    if (r.mode != "verify")
      fail(quoted(file) + " is a result of mode '" + printable(r.mode) + "', not a partial result of verify");
    if (r.verdict == Verdict::planned)
      fail(quoted(file) + " is the plan of a dry run, not a partial result of verify");
    ShardSpec spec;
    try {
      spec = parse_shard(*r.shard);
    } catch (const Error&) {
      fail(quoted(file) + ": shard: '" + printable(*r.shard) + "' is not K/N with 1 <= K <= N <= 1000");
    }
    partials.push_back({file, std::move(r), spec});
  }
  const Partial& first = partials.front();
  for (const Partial& p : partials) {
    if (p.spec.count != first.spec.count)
      fail(quoted(p.file) + " is shard " + p.spec.text() + " but " + quoted(first.file) + " is shard " +
           first.spec.text() + ": the partials come from different splits");
    if (p.result.base != first.result.base)
      fail(quoted(p.file) + " verifies base " + or_none(p.result.base) + " but " + quoted(first.file) +
           " verifies base " + or_none(first.result.base) + ": the partials are not of one run");
    if (p.result.head != first.result.head)
      fail(quoted(p.file) + " verifies head " + or_none(p.result.head) + " but " + quoted(first.file) +
           " verifies head " + or_none(first.result.head) + ": the partials are not of one run");
  }
  std::map<int, const Partial*> by_index;
  for (const Partial& p : partials) {
    auto [it, added] = by_index.emplace(p.spec.index, &p);
    if (!added)
      fail("shard " + p.spec.text() + " appears twice: " + quoted(it->second->file) + " and " + quoted(p.file));
  }
  std::vector<std::string> missing;
  for (int k = 1; k <= first.spec.count; ++k)
    if (!by_index.count(k)) missing.push_back(std::to_string(k) + "/" + std::to_string(first.spec.count));
  if (!missing.empty()) {
    std::string which;
    for (size_t i = 0; i < missing.size(); ++i)
      which += (i == 0 ? "" : i + 1 == missing.size() ? " and " : ", ") + missing[i];
    std::string got;
    for (const auto& [k, p] : by_index) got += (got.empty() ? "" : ", ") + p->spec.text() + " from " + quoted(p->file);
    fail((missing.size() == 1 ? "shard " + which + " is missing" : "shards " + which + " are missing") +
         ": got " + got);
  }
  std::sort(partials.begin(), partials.end(),
            [](const Partial& a, const Partial& b) { return a.spec.index < b.spec.index; });
  return partials;
}

void merge_tests(const std::vector<Partial>& partials, AttemptResult& out) {
  std::map<std::tuple<std::string, std::string, std::string>, std::pair<TestOutcome, const Partial*>> tests;
  for (const Partial& p : partials)
    for (const TestOutcome& t : p.result.tests) {
      auto [it, added] = tests.emplace(std::tuple(t.name, t.ctest_test, t.case_name), std::make_pair(t, &p));
      if (!added && !same_result(it->second.first, t))
        fail("test '" + printable(t.name) + "' is in " + quoted(it->second.second->file) + " (" +
             to_string(it->second.first.transition) + ") and in " + quoted(p.file) + " (" + to_string(t.transition) +
             ") with different results");
    }
  for (auto& [key, entry] : tests) {  // sorted by name, as classify() sorts
    entry.first.shard = entry.second->spec.index;  // the first shard that ran it (any other agrees)
    out.tests.push_back(std::move(entry.first));
  }
}

void merge_tiers(const std::vector<Partial>& partials, AttemptResult& out) {
  struct Seen {
    TierResult tier;
    const Partial* first;
    int shards = 0;
    int worst_shard = 0;     // the first shard with the worst status
    std::string worst_reason;
  };
  std::vector<Seen> merged;
  for (const Partial& p : partials)
    for (const TierResult& t : p.result.tiers) {
      auto it = std::find_if(merged.begin(), merged.end(), [&](const Seen& s) { return s.tier.name == t.name; });
      if (it == merged.end()) {
        Seen s{t, &p, 1, p.spec.index, t.reason};
        s.tier.findings.clear();
        s.tier.tests.clear();
        s.tier.shards.clear();
        s.tier.duration_s = 0;
        merged.push_back(std::move(s));
        it = std::prev(merged.end());
      } else {
        if (it->tier.kind != t.kind)
          fail("tier '" + printable(t.name) + "' is of kind '" + to_string(it->tier.kind) + "' in " +
               quoted(it->first->file) + " but '" + to_string(t.kind) + "' in " + quoted(p.file));
        ++it->shards;
        if (status_rank(t.status) > status_rank(it->tier.status)) {
          it->tier.status = t.status;
          it->worst_shard = p.spec.index;
          it->worst_reason = t.reason;
        }
      }
      it->tier.shards.push_back(p.spec.index);  // partials come sorted by K: ascending
      it->tier.duration_s += t.duration_s;
      for (const std::string& name : t.tests) push_unique(it->tier.tests, name);
      for (const Finding& f : t.findings) {
        bool dup = std::any_of(it->tier.findings.begin(), it->tier.findings.end(), [&](const Finding& g) {
          return std::tie(g.fingerprint, g.state, g.file, g.line) == std::tie(f.fingerprint, f.state, f.file, f.line);
        });
        if (!dup) it->tier.findings.push_back(f);
      }
    }
  for (Seen& s : merged) {
    s.tier.reason = "merged from " + std::to_string(s.shards) + " shard" + (s.shards == 1 ? "" : "s") + ": " +
                    to_string(s.tier.status) + " in shard " + std::to_string(s.worst_shard) + ": " + s.worst_reason;
    out.tiers.push_back(std::move(s.tier));
  }
}

}  // namespace

AttemptResult merge_partials(const std::vector<fs::path>& files) {
  std::vector<Partial> partials = load_partials(files);
  const Partial& first = partials.front();  // shard 1
  const Partial* judged = nullptr;          // the first partial that got as far as a judgement
  for (const Partial& p : partials)
    if (p.result.verdict != Verdict::error) {
      judged = &p;
      break;
    }
  if (judged)
    for (const Partial& p : partials)
      if (p.result.verdict != Verdict::error && !same_files(p.result.files_changed, judged->result.files_changed))
        fail(quoted(p.file) + " (shard " + p.spec.text() + ") lists other changed files than " + quoted(judged->file) +
             " (shard " + judged->spec.text() + "): the partials are not of one change");

  AttemptResult out;
  const AttemptResult& one = first.result;
  out.attempt_id = "merged-" + one.attempt_id;
  out.snapshot = one.snapshot;
  out.started = one.started;
  out.dry_run = one.dry_run;
  out.on_accept = one.on_accept;
  out.patch_applied = one.patch_applied;
  out.files_changed = (judged ? judged : &first)->result.files_changed;
  out.fixer = one.fixer;
  out.branch = one.branch;
  out.commit = one.commit;
  out.mode = one.mode;
  out.base = one.base;
  out.head = one.head;
  out.shard = std::nullopt;
  out.lane = one.lane;
  out.baseline.key = one.baseline.key;
  out.baseline.cached = true;
  out.baseline.build_ok = true;
  out.build.ok = true;

  const Partial* riskiest = &first;
  for (const Partial& p : partials) {
    const AttemptResult& r = p.result;
    if (r.started < out.started) out.started = r.started;  // ISO 8601 UTC: the earliest start
    out.stopped_early = out.stopped_early || r.stopped_early;
    if (p.result.risk.level > riskiest->result.risk.level) riskiest = &p;

    out.build.ran = out.build.ran || r.build.ran;
    out.build.duration_s += r.build.duration_s;
    if (!r.build.ok && out.build.ok) {
      out.build.ok = false;
      out.build.errors = r.build.errors;
      out.build.failure = r.build.failure;
    }
    out.baseline.cached = out.baseline.cached && r.baseline.cached;
    out.baseline.runs = std::max(out.baseline.runs, r.baseline.runs);
    out.baseline.build_ok = out.baseline.build_ok && r.baseline.build_ok;

    for (const std::string& name : r.require_fixed) push_unique(out.require_fixed, name);
    for (const auto& [phase, seconds] : r.durations) {
      auto it = std::find_if(out.durations.begin(), out.durations.end(), [&](const auto& d) { return d.first == phase; });
      if (it == out.durations.end()) out.durations.emplace_back(phase, seconds);
      else it->second += seconds;
    }
    for (const CascadeEntry& c : r.cascading)
      if (std::none_of(out.cascading.begin(), out.cascading.end(), [&](const CascadeEntry& d) { return same_cascade(c, d); }))
        out.cascading.push_back(c);
    for (const TamperFinding& f : r.tampering)
      if (std::none_of(out.tampering.begin(), out.tampering.end(), [&](const TamperFinding& g) { return same_tamper(f, g); }))
        out.tampering.push_back(f);
    // Each tool as the first shard that used it says (merging runs none).
    out.tool_versions.insert(r.tool_versions.begin(), r.tool_versions.end());
  }
  out.risk = riskiest->result.risk;
  // In test order, as an unsharded run lists them (its regressions come sorted by name).
  std::stable_sort(out.cascading.begin(), out.cascading.end(),
                   [](const CascadeEntry& a, const CascadeEntry& b) { return a.test < b.test; });
  merge_tests(partials, out);
  merge_tiers(partials, out);

  // Fail closed: a shard that could not judge its share leaves the whole change unjudged.
  auto failed = std::find_if(partials.begin(), partials.end(),
                             [](const Partial& p) { return p.result.verdict == Verdict::error; });
  if (failed != partials.end()) {
    out.verdict = Verdict::error;
    out.reason = "shard " + failed->spec.text() + ": " + failed->result.reason;
  } else {
    Decision d = decide(out);
    out.verdict = d.verdict;
    out.reason = d.reason;
  }
  explain_outcome(out);
  return out;
}

}  // namespace autofix
