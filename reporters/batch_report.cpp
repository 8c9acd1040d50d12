// SPDX-License-Identifier: MIT
#include "reporters/batch_report.h"

#include <sstream>

#include "reporters/junit_document.h"

namespace autofix::reporters {

namespace {

nlohmann::json optional_json(const auto& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

// A table cell: no line breaks, no unescaped pipes.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

std::string joined(const std::vector<std::string>& items, const std::string& none = "") {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ", ") + i;
  return out.empty() ? none : out;
}

}  // namespace

nlohmann::json batch_report_json(const BatchResult& r) {
  nlohmann::json fixes = nlohmann::json::array();
  for (const BatchFixResult& f : r.fixes)
    fixes.push_back({{"id", f.id},
                     {"source", f.source},
                     {"verdict", to_string(f.verdict)},
                     {"reason", f.reason},
                     {"depends_on", f.depends_on},
                     {"commits", f.commits},
                     {"tests_fixed", f.tests_fixed},
                     {"tests_broken", f.tests_broken},
                     {"step", optional_json(f.step)},
                     {"partner", optional_json(f.partner)}});
  nlohmann::json steps = nlohmann::json::array();
  for (const BatchStepResult& s : r.steps)
    steps.push_back({{"set", s.set}, {"purpose", s.purpose}, {"verdict", s.verdict}, {"reason", s.reason},
                     {"seconds", s.seconds}, {"report", optional_json(s.report)}});
  nlohmann::json checkpoints = nlohmann::json::array();
  for (const BatchCheckpointResult& c : r.checkpoints)
    checkpoints.push_back(
        {{"number", c.number}, {"fixes", c.fixes}, {"step", c.step}, {"ref", c.ref}, {"commit", c.commit}});
  return {{"format_version", kBatchReportFormat},
          {"kind", "batch"},
          {"batch_id", r.batch_id},
          {"started", r.started},
          {"source", r.source},
          {"strategy", to_string(r.strategy)},
          {"checkpoint_every", r.checkpoint_every},
          {"on_accept", to_string(r.on_accept)},
          {"dry_run", r.dry_run},
          {"outcome", r.outcome},
          {"reason", r.reason},
          {"fixes", fixes},
          {"steps", steps},
          {"checkpoints", checkpoints},
          {"branches", r.branches},
          {"commit", optional_json(r.commit)},
          {"resumed", r.resumed ? nlohmann::json{{"steps_read_back", r.resumed->steps_read_back},
                                                 {"steps_judged_now", r.resumed->steps_judged_now}}
                                : nlohmann::json(nullptr)},
          {"totals",
           {{"fixes", r.fixes.size()},
            {"accepted", r.count(FixVerdict::accepted)},
            {"rejected", r.count(FixVerdict::rejected)},
            {"interaction", r.count(FixVerdict::interaction)},
            {"skipped", r.count(FixVerdict::skipped)},
            {"refused", r.count(FixVerdict::refused)},
            {"runs", r.runs},
            {"one_by_one_runs", r.one_by_one_runs},
            {"seconds", r.seconds}}}};
}

std::string batch_junit(const BatchResult& r) {
  std::vector<JunitSuite> suites;
  for (const BatchFixResult& f : r.fixes) {
    JunitSuite s;
    s.name = "autofix-batch." + f.id;
    s.timestamp = r.started;
    s.properties = {{"verdict", to_string(f.verdict)}, {"source", f.source}};
    JunitCase c;
    c.classname = "autofix-batch." + f.id;
    c.name = "verdict";
    c.message = f.reason;
    switch (f.verdict) {
      case FixVerdict::accepted: c.result = JunitCase::Result::passed; break;
      case FixVerdict::skipped:
      case FixVerdict::pending: c.result = JunitCase::Result::skipped; break;
      case FixVerdict::rejected:
      case FixVerdict::interaction:
      case FixVerdict::refused:
        c.result = JunitCase::Result::failure;
        c.type = to_string(f.verdict);
        c.text = f.reason + (f.tests_broken.empty() ? "" : "\nbroken: " + joined(f.tests_broken));
        break;
    }
    s.cases.push_back(std::move(c));
    suites.push_back(std::move(s));
  }
  return junit_documents("autofix-batch " + r.batch_id, suites);
}

std::string batch_summary(const BatchResult& r) {
  std::ostringstream out;
  out << "# Autofix batch " << r.batch_id << ": " << r.count(FixVerdict::accepted) << " of " << r.fixes.size()
      << " fixes accepted\n\n"
      << "Strategy `" << to_string(r.strategy) << "`"
      << (r.strategy == BatchStrategy::checkpoint ? " (every " + std::to_string(r.checkpoint_every) + ")" : "")
      << ", on accept `" << to_string(r.on_accept) << "`: " << r.runs << " build+test run(s), against "
      << r.one_by_one_runs << " one by one.";
  if (r.outcome == "error") out << "\n\n**The batch could not be judged**: " << r.reason << ".";
  if (r.outcome == "refused_breaker_open")
    out << "\n\n**Refused by the circuit breaker**: " << r.reason << "; nothing was changed (docs/breaker.md).";
  out << "\n\n| fix | verdict | reason | commit |\n| --- | --- | --- | --- |\n";
  for (const BatchFixResult& f : r.fixes)
    out << "| " << cell(f.id) << " | " << to_string(f.verdict) << " | " << cell(f.reason) << " | "
        << (f.commits.empty() ? std::string("—") : f.commits.front().substr(0, 12)) << " |\n";
  out << "\n## Decisions\n\n";
  for (const BatchFixResult& f : r.fixes)
    out << "- `" << f.id << "` " << to_string(f.verdict) << (f.step ? " in step " + std::to_string(*f.step) : "")
        << ": " << f.reason << "\n";
  if (!r.branches.empty()) out << "\nBranches: " << joined(r.branches) << "\n";
  return out.str();
}

}  // namespace autofix::reporters
