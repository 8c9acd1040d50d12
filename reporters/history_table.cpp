// SPDX-License-Identifier: MIT
#include "reporters/history_table.h"

#include <algorithm>

#include "gate/util/shell_words.h"

namespace autofix::reporters {

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string s;
  for (const std::string& item : items) s += (s.empty() ? "" : ";") + item;
  return s;
}

std::string phases(const HistoryRecord& r) {
  std::string s;
  for (const auto& [phase, ms] : r.phase_ms) s += (s.empty() ? "" : ";") + phase + "=" + std::to_string(ms);
  return s;
}

std::vector<std::string> cells(const HistoryRecord& r) {
  return {r.id,
          r.started,
          r.ended,
          r.command,
          joined(r.args),
          r.who.name,
          r.who.email,
          r.who.host,
          r.who.ci_run_url,
          r.fix.patch_sha256,
          r.fix.patch_file,
          joined(r.fix.fixer),
          r.base,
          r.head,
          r.lane,
          r.risk,
          r.verdict,
          r.reason,
          r.failure.type,
          r.failure.signature,
          std::to_string(r.tests.run),
          std::to_string(r.tests.passed),
          joined(r.tests.fixed),
          joined(r.tests.broken),
          phases(r),
          r.snapshot,
          r.branch,
          r.commit,
          r.gate_version,
          r.breaker_key,
          joined(r.tests.flaky)};
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string padded(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

}  // namespace

const std::vector<std::string>& history_csv_columns() {
  static const std::vector<std::string> columns = {
      "id",           "started",     "ended",          "command",           "args",        "who_name",
      "who_email",    "who_host",    "ci_run_url",     "patch_sha256",      "patch_file",  "fixer",
      "base",         "head",        "lane",           "risk",              "verdict",     "reason",
      "failure_type", "failure_signature", "tests_run", "tests_passed",     "tests_fixed", "tests_broken",
      "phase_ms",     "snapshot",    "branch",         "commit",            "gate_version", "breaker_key",
      "tests_flaky"};
  return columns;
}

std::string csv_cell(std::string_view text) {
  const bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!quote) return std::string(text);
  std::string s = "\"";
  for (char c : text) {
    if (c == '"') s += '"';
    s += c;
  }
  return s + "\"";
}

std::string history_csv_header() {
  std::string line;
  for (const std::string& c : history_csv_columns()) line += (line.empty() ? "" : ",") + c;
  return line + "\r\n";
}

std::string history_csv_row(const HistoryRecord& r) {
  std::string line;
  bool first = true;
  for (const std::string& c : cells(r)) {
    line += (first ? "" : ",") + csv_cell(c);
    first = false;
  }
  return line + "\r\n";
}

std::string history_line(const HistoryRecord& r) {
  std::string who = r.who.name + (r.who.email.empty() ? "" : " <" + r.who.email + ">");
  return r.id + "  " + padded(r.verdict, 12) + "  " + padded(r.command, 10) + "  " + who + "  " + first_line(r.reason);
}

std::string history_details(const HistoryRecord& r) {
  std::string s;
  auto field = [&s](std::string_view name, const std::string& value) {
    if (!value.empty()) s += padded(std::string(name) + ":", 14) + value + "\n";
  };
  field("id", r.id);
  field("command", r.command + (r.args.empty() ? "" : " " + shell_words(r.args)));
  field("started", r.started);
  field("ended", r.ended);
  field("who", r.who.name + (r.who.email.empty() ? "" : " <" + r.who.email + ">") +
                   (r.who.host.empty() ? "" : " on " + r.who.host));
  field("ci run", r.who.ci_run_url);
  field("patch", r.fix.patch_file + (r.fix.patch_sha256.empty() ? "" : " (sha256 " + r.fix.patch_sha256 + ")"));
  field("fixer", r.fix.fixer.empty() ? std::string() : shell_words(r.fix.fixer));
  field("base", r.base);
  field("head", r.head);
  field("lane", r.lane);
  field("risk", r.risk);
  field("verdict", r.verdict);
  field("reason", r.reason);
  field("failure", r.failure.type + (r.failure.signature.empty() ? "" : ": " + r.failure.signature));
  field("tests", std::to_string(r.tests.passed) + " of " + std::to_string(r.tests.run) + " passed");
  field("fixed", joined(r.tests.fixed));
  field("broken", joined(r.tests.broken));
  field("flaky", joined(r.tests.flaky));
  field("phases (ms)", phases(r));
  field("snapshot", r.snapshot);
  field("branch", r.branch);
  field("commit", r.commit);
  field("gate version", r.gate_version);
  field("breaker key", r.breaker_key);
  return s;
}

}  // namespace autofix::reporters
