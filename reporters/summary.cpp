// SPDX-License-Identifier: MIT
#include "reporters/summary.h"

#include <algorithm>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <vector>

#include "gate/util/byte_names.h"
#include "gate/util/signals.h"
#include "gate/util/utf8_text.h"

namespace autofix::reporters {

namespace {

// ---- Text from strangers, shown as itself (GitHub's Markdown: CommonMark with GFM tables) ----

// One line of valid UTF-8: control characters (line breaks end a table row or a paragraph) become spaces.
std::string one_line(std::string_view s) {
  std::string clean = sanitize_utf8(s);
  for (char& c : clean)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return clean;
}

// Plain text: each character that Markdown gives a meaning inside a line (emphasis, code, links, raw
// HTML, entities, strikethrough, table cells, a heading's closing '#'s, issue references) behind a
// backslash, which CommonMark allows before any ASCII punctuation. Never put at the start of a line
// (where '-' or "1." would mean something).
std::string text(std::string_view s) {
  std::string out;
  for (char c : one_line(s)) {
    if (std::string_view("\\`*_[]<>|~&#").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// A code span that shows `s` exactly: fenced by more backticks than any run inside it, with a space
// inside each fence when `s` starts or ends with a backtick or with spaces on both ends (CommonMark strips
// one space from each end). In a table cell '|' ends the cell even inside code: GFM reads "\|" as '|'.
std::string code(std::string_view s, bool in_table = false) {
  std::string inner = one_line(s);
  if (inner.empty()) return "(empty)";
  size_t longest = 0, run = 0;
  for (char c : inner) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  bool all_spaces = inner.find_first_not_of(' ') == std::string::npos;
  bool pad = inner.front() == '`' || inner.back() == '`' || (!all_spaces && inner.front() == ' ' && inner.back() == ' ');
  if (in_table) {
    std::string escaped;
    for (char c : inner) escaped += c == '|' ? std::string("\\|") : std::string(1, c);
    inner = std::move(escaped);
  }
  const std::string fence(longest + 1, '`');
  return fence + (pad ? " " : "") + inner + (pad ? " " : "") + fence;
}

// A file name (bytes) as git shows it, in a code span.
std::string path_code(std::string_view path) { return code(quoted_name(path)); }

// A fenced code block of `lines`, indented by `indent` (to sit inside a list item), fenced by more
// backticks than any line starts with.
std::string code_block(const std::vector<std::string>& lines, const std::string& indent = "") {
  size_t longest = 2;
  for (const std::string& l : lines) {
    size_t start = l.find_first_not_of(' '), run = 0;
    while (start != std::string::npos && start + run < l.size() && l[start + run] == '`') ++run;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  std::string out = indent + fence + "\n";
  for (const std::string& l : lines) out += indent + sanitize_utf8(l) + "\n";
  return out + indent + fence + "\n";
}

// "1 test", "2 tests".
std::string count(size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// "`a`, `b`, `c` and 2 more": the first three of `items` (already Markdown).
std::string first_three(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < 3; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > 3) out += " and " + std::to_string(items.size() - 3) + " more";
  return out;
}

std::string location(const std::string& file, int line, int column = 0) {
  if (file.empty()) return {};
  std::string at = file;
  if (line) at += ":" + std::to_string(line) + (column ? ":" + std::to_string(column) : "");
  return code(at);
}

// ---- What the model says, gathered once ----

// A test the fix broke, and why it counts (AttemptResult::regression_reasons, without the name).
struct Regression {
  const TestOutcome* test;
  std::string why;
};

const TestOutcome* find_test(const AttemptResult& r, const std::string& name) {
  auto it = std::find_if(r.tests.begin(), r.tests.end(), [&](const TestOutcome& t) { return t.name == name; });
  return it == r.tests.end() ? nullptr : &*it;
}

std::vector<Regression> regressions_of(const AttemptResult& r) {
  std::vector<std::string> names = r.regressions(), reasons = r.regression_reasons();  // parallel
  std::vector<Regression> out;
  for (size_t i = 0; i < names.size() && i < reasons.size(); ++i) {
    const TestOutcome* t = find_test(r, names[i]);
    if (!t) continue;
    std::string why = reasons[i];
    if (why.starts_with(names[i] + " ")) why.erase(0, names[i].size() + 1);
    out.push_back({t, std::move(why)});
  }
  return out;
}

// The first failure line a broken test printed (runners/failure_lines.h), for a test whose output named
// no assertion the gate could read: for a test that failed before the fix too, the first line the
// baseline never printed.
std::optional<std::string> first_failure_line(const TestOutcome& t) {
  const std::vector<std::string>& lines = !t.new_failures.empty() ? t.new_failures
                                          : t.after                ? t.after->failures
                                                                   : t.new_failures;
  if (lines.empty()) return std::nullopt;
  return lines.front();
}

// Lines of `text`, split at '\n'.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// A broken test's first failing assertion (where, and what it printed), else its first failure line.
void write_first_failure(std::ostream& m, const TestOutcome& t, const std::string& why) {
  if (t.first_failure) {
    const SourceLocation& at = t.first_failure->location;
    m << "  - first failing assertion";
    if (at.known()) m << " at " << code(at.line > 0 ? at.file + ":" + std::to_string(at.line) : at.file);
    if (t.first_failure->message.empty()) {
      m << "\n";
      return;
    }
    m << ":\n\n" << code_block(lines_of(t.first_failure->message), "    ") << "\n";
    return;
  }
  if (std::optional<std::string> first = first_failure_line(t); first && why.find(*first) == std::string::npos)
    m << "  - first failure: " << code(*first) << "\n";
}

// Whether a new finding fails its tier: blocking (at or above a static tier's threshold), and not a
// secrets tier's warning, a key that only works in a provider's test mode (docs/secrets.md: reported,
// never a failure).
bool fails_its_tier(const TierResult& tier, const Finding& f) {
  return f.state == FindingState::new_ && f.blocking && !(tier.kind == TierKind::secrets && f.severity == "warning");
}

// Why a new finding does not fail its tier.
std::string why_not_blocking(const TierResult& tier) {
  return tier.kind == TierKind::secrets ? "a test-mode key" : "below the tier's threshold";
}

// What a failing tier found, in the words of its kind: "1 leaked secret", "2 new static findings".
std::string found_by(const TierResult& tier, size_t n) {
  switch (tier.kind) {
    case TierKind::secrets: return count(n, "leaked secret", "leaked secrets");
    case TierKind::sanitizers: return count(n, "new sanitizer report", "new sanitizer reports");
    case TierKind::clang_tidy:
    case TierKind::cppcheck: return count(n, "new static finding", "new static findings");
    case TierKind::ctest:
    case TierKind::command: break;
  }
  return count(n, "failure", "failures");
}

// The tests a tampering finding names are the weakened ones; a missing test no finding names is listed
// on its own.
bool named_by_tampering(const AttemptResult& r, const TestOutcome& t) {
  return std::any_of(r.tampering.begin(), r.tampering.end(), [&](const TamperFinding& f) {
    return !f.test.empty() && (f.test == t.name || f.test == t.ctest_test);
  });
}

// A build that failed ran no test: its tests are missing for that reason alone.
bool build_failed(const AttemptResult& r) { return r.build.ran && !r.build.ok; }

std::vector<const TestOutcome*> missing_on_their_own(const AttemptResult& r) {
  std::vector<const TestOutcome*> out;
  if (build_failed(r)) return out;
  for (const TestOutcome& t : r.tests)
    if (t.transition == Transition::MISSING && !named_by_tampering(r, t)) out.push_back(&t);
  return out;
}

std::string tamper_text(const TamperFinding& f) {
  std::string out = to_string(f.kind);
  if (!f.test.empty()) out += " " + code(f.test);
  else if (!f.file.empty()) out += " " + path_code(f.file);
  return out;
}

// A required test (--require-fixed) the fix did not fix, and how; empty when it did (or another shard
// runs it).
std::string unfixed_requirement(const AttemptResult& r, const std::string& name) {
  const TestOutcome* t = find_test(r, name);
  if (!t) return r.shard ? "" : "required test " + code(name) + " did not run";
  if (t->transition == Transition::FAIL_TO_PASS) return "";
  return "required test " + code(name) + " is " + to_string(t->transition) + ", not FAIL_TO_PASS";
}

std::vector<std::string> advisory_failures(const AttemptResult& r) {
  std::vector<std::string> out;
  for (const TierResult& t : r.tiers)
    if (!t.required && (t.status == TierStatus::failed || t.status == TierStatus::error)) out.push_back(code(t.name));
  return out;
}

// Every cause of a rejection or a review, most decisive first, one Markdown phrase each (rule by rule,
// gate/policy/decide.cpp): the build; then the regressions, the required tiers that failed and what they
// found, required tests not fixed, a high-risk change with failing advisory tiers; then the weakened and
// missing tests and a critical path. Once the build failed nothing else was judged.
struct Causes {
  std::vector<std::string> reject;
  std::vector<std::string> review;
};

Causes causes_of(const AttemptResult& r, const std::vector<Regression>& regressions) {
  Causes c;
  if (build_failed(r)) {
    c.reject.push_back("the build failed");
    return c;
  }
  if (!regressions.empty()) {
    std::vector<std::string> names;
    for (const Regression& g : regressions) names.push_back(code(g.test->name));
    c.reject.push_back(count(regressions.size(), "test", "tests") + " broken by the fix (" + first_three(names) + ")");
  }
  for (const TierResult& t : r.tiers) {
    if (!t.required || t.status != TierStatus::failed) continue;
    if (t.kind == TierKind::ctest && !regressions.empty()) continue;  // its failures are the regressions
    std::vector<std::string> rules;
    size_t n = 0;
    for (const Finding& f : t.findings) {
      if (!fails_its_tier(t, f)) continue;
      ++n;
      if (std::string rule = code(f.rule); std::find(rules.begin(), rules.end(), rule) == rules.end()) rules.push_back(rule);
    }
    bool counted = n && t.kind != TierKind::command && t.kind != TierKind::ctest;
    c.reject.push_back("required tier " + code(t.name) + (counted ? " found " + found_by(t, n) + " (" + first_three(rules) + ")"
                                                                   : " failed: " + text(t.reason)));
  }
  for (const std::string& name : r.require_fixed)
    if (std::string why = unfixed_requirement(r, name); !why.empty()) c.reject.push_back(why);
  if (std::vector<std::string> advisory = advisory_failures(r); r.risk.level == RiskLevel::high && !advisory.empty())
    c.reject.push_back("a high-risk change (" + path_code(r.risk.path) + ") and failing advisory tiers (" +
                       first_three(advisory) + ")");

  std::vector<std::string> weakened;
  for (const TamperFinding& f : r.tampering)
    if (!f.downgraded) weakened.push_back(tamper_text(f));
  if (!weakened.empty())
    c.review.push_back(count(weakened.size(), "test", "tests") + " weakened (" + first_three(weakened) + ")");
  std::vector<std::string> missing;
  for (const TestOutcome* t : missing_on_their_own(r)) missing.push_back(code(t->name));
  if (!missing.empty()) c.review.push_back(count(missing.size(), "test", "tests") + " missing (" + first_three(missing) + ")");
  if (r.risk.level == RiskLevel::critical) c.review.push_back("a critical path changed (" + path_code(r.risk.path) + ")");
  return c;
}

const char* verdict_word(Verdict v) {
  switch (v) {
    case Verdict::accepted: return "Accepted";
    case Verdict::rejected: return "Rejected";
    case Verdict::needs_review: return "Needs review";
    case Verdict::planned: return "Planned";
    case Verdict::refused_breaker_open: return "Refused (circuit breaker open)";
    case Verdict::error: break;
  }
  return "Error";
}

// The first line: the verdict and every cause of it. An accepted fix, a dry run and a gate error have one
// reason, the gate's own; a rejection or a review names each cause the model shows, and the gate's
// reason too when the model shows none of its kind (a patch that did not apply, a fixer that failed).
std::string headline(const AttemptResult& r, const Causes& c) {
  std::vector<std::string> causes;
  bool rejected = r.verdict == Verdict::rejected, review = r.verdict == Verdict::needs_review;
  if ((rejected && c.reject.empty()) || (review && c.review.empty()) || (!rejected && !review))
    causes.push_back(text(r.reason));
  if (rejected || review) {
    causes.insert(causes.end(), c.reject.begin(), c.reject.end());
    causes.insert(causes.end(), c.review.begin(), c.review.end());
  }
  std::string out = "## AutofixGate: " + std::string(verdict_word(r.verdict));
  for (size_t i = 0; i < causes.size(); ++i) out += (i ? "; " : ": ") + causes[i];
  return out + "\n\n";
}

std::string chain_text(const std::vector<std::string>& chain) {
  std::string out;
  for (size_t i = 0; i < chain.size(); ++i) out += (i ? " → " : "") + code(chain[i]);
  return out;
}

// How a regression connects to the change (gate/policy/cascade.h), as a sub-item; empty when the model
// has no cascade entry for it.
std::string connection(const AttemptResult& r, const TestOutcome& t) {
  auto c = std::find_if(r.cascading.begin(), r.cascading.end(), [&](const CascadeEntry& e) { return e.test == t.name; });
  if (c == r.cascading.end()) return {};
  std::string out = "  - " + std::string(to_string(c->kind));
  if (!c->chain.empty()) return out + ": " + chain_text(c->chain) + "\n";
  if (c->candidates.size() > 1) {
    out += ": its build reaches " + std::to_string(c->candidates.size()) + " changed files, any of which may be the cause:";
    for (size_t i = 0; i < c->candidates.size(); ++i)
      out += std::string(i ? ";" : "") + " " + chain_text(c->candidates[i].chain);
    return out + "\n";
  }
  if (c->kind == CascadeKind::unrelated) return out + ": its build reaches no file the fix changed\n";
  if (c->kind == CascadeKind::unknown) return out + ": it runs no target the build graph knows\n";
  return out + "\n";
}

void write_outside_edits(std::ostream& m, const AttemptResult& r) {
  if (r.outside_edits.empty()) return;
  // Someone's work must never vanish quietly: this comes before everything else about the fix.
  m << "**Changed during the attempt by someone other than the fix** (you, or a build or test writing into the "
       "sources):\n\n";
  const std::string ref = r.kept_ref.value_or("refs/autofix/kept/<id>");
  for (const OutsideEdit& e : r.outside_edits) {
    m << "- " << path_code(e.path) << " (" << to_string(e.change) << "): ";
    if (e.action == "set_aside")
      m << "the fix had changed it too; the fix was undone there and this version kept under " << code(ref) << " ("
        << code("git show " + ref + ":" + quoted_name(e.path)) << ")";
    else if (e.action == "restored")
      m << "the fix had changed it and it was deleted afterwards; put back as it was before the fix";
    else
      m << "kept as it is";
    m << "\n";
  }
  m << "\n";
}

void write_build(std::ostream& m, const AttemptResult& r) {
  if (!build_failed(r)) return;
  m << "### The build failed\n\n" << text(r.build.failure) << "\n\n";
  if (!r.build.errors.empty()) m << code_block(r.build.errors) << "\n";
}

void write_regressions(std::ostream& m, const AttemptResult& r, const std::vector<Regression>& regressions) {
  if (regressions.empty()) return;
  m << "### Tests broken by the fix\n\n";
  for (const Regression& g : regressions) {
    m << "- " << code(g.test->name) << " " << text(g.why) << "\n";
    write_first_failure(m, *g.test, g.why);
    m << connection(r, *g.test);
  }
  m << "\n";
}

// The failure's type and the plan (gate/policy/recovery_plan.h), numbered in the order recommended.
// The open breaker that refused the attempt: its key, the repeated failure, the times and the reset.
void write_breaker(std::ostream& m, const AttemptResult& r) {
  if (!r.breaker) return;
  const BreakerRefusal& b = *r.breaker;
  m << "### Circuit breaker\n\n"
    << "- key " << code(b.key) << "\n"
    << "- " << b.failures << " consecutive rejections; opened at " << text(b.opened_at) << ", half-opens at "
    << text(b.half_opens_at) << "\n";
  if (!b.signature.empty()) m << "- last failure: " << code(b.signature.substr(0, b.signature.find('\n'))) << "\n";
  m << "- reset: " << code(b.reset_command) << "\n\n";
}

void write_recovery(std::ostream& m, const AttemptResult& r) {
  if (!r.failure || r.recovery.empty()) return;
  m << "### What to do next\n\nFailure type: " << code(to_string(r.failure->type)) << ".\n\n";
  for (size_t i = 0; i < r.recovery.size(); ++i) {
    const RecoveryStep& step = r.recovery[i];
    m << i + 1 << ". **" << to_string(step.action) << "**: " << text(step.why);
    if (!step.command.empty()) m << "\n\n   " << code(step.command);
    m << "\n";
  }
  m << "\n";
}

constexpr size_t kDetailLines = 20;  // of a finding's detail; report.json has all of it

void write_finding(std::ostream& m, const TierResult& tier, const Finding& f) {
  m << "- " << code(f.rule) << " (" << text(f.severity);
  if (!fails_its_tier(tier, f)) m << ", not blocking: " << why_not_blocking(tier);
  m << ")";
  if (std::string at = location(f.file, f.line, f.column); !at.empty()) m << " at " << at;
  m << ": " << text(f.message) << "\n";
  if (f.detail.empty()) return;
  std::vector<std::string> lines;
  std::istringstream in(f.detail);
  size_t total = 0;
  for (std::string line; std::getline(in, line); ++total)
    if (lines.size() < kDetailLines) lines.push_back(line);
  if (total > kDetailLines) lines.push_back("[... " + std::to_string(total - kDetailLines) + " more lines in report.json]");
  m << "\n" << code_block(lines, "  ");
}

// Per tier with findings (but ctest tiers, whose findings are the regressions): the new ones in full,
// the others counted, with where to read them.
void write_findings(std::ostream& m, const AttemptResult& r) {
  bool heading = false;
  for (const TierResult& t : r.tiers) {
    if (t.kind == TierKind::ctest || t.findings.empty()) continue;
    if (!heading) m << "### Findings\n\n";
    heading = true;
    size_t fresh = 0, unchanged = 0, gone = 0;
    for (const Finding& f : t.findings)
      (f.state == FindingState::new_ ? fresh : f.state == FindingState::unchanged ? unchanged : gone) += 1;
    m << "**" << code(t.name) << "** (" << to_string(t.kind) << ", " << (t.required ? "required" : "advisory") << "): "
      << (fresh ? count(fresh, "new finding", "new findings") : "no new finding");
    if (unchanged || gone) {
      std::vector<std::string> others;
      if (unchanged) others.push_back(std::to_string(unchanged) + " unchanged (there without the fix too)");
      if (gone) others.push_back(std::to_string(gone) + " gone with the fix");
      m << "; " << others.front() << (others.size() > 1 ? " and " + others.back() : "") << ", listed in `report.json` and `autofix-full.sarif`";
    }
    m << (fresh ? ":\n\n" : ".\n\n");
    // Those that fail the tier first: the finding that decided must not hide below the others.
    for (bool failing : {true, false})
      for (const Finding& f : t.findings)
        if (f.state == FindingState::new_ && fails_its_tier(t, f) == failing) write_finding(m, t, f);
    if (fresh) m << "\n";
  }
}

void write_weakened(std::ostream& m, const AttemptResult& r) {
  std::vector<const TestOutcome*> missing = missing_on_their_own(r);
  if (r.tampering.empty() && missing.empty()) return;
  m << "### Weakened or missing tests\n\nThe fix must not make a test pass by disabling it.\n\n";
  for (const TamperFinding& f : r.tampering) {
    m << "- " << (f.downgraded ? "warning (test edits allowed): " : "") << to_string(f.kind);
    if (!f.test.empty()) m << " " << code(f.test);
    if (std::string at = location(f.file, f.line); !at.empty()) m << " at " << at;
    if (!f.detail.empty()) m << ": " << text(f.detail);
    m << "\n";
  }
  for (const TestOutcome* t : missing)
    m << "- missing " << code(t->name) << ": ran without the fix (" << to_string(t->baseline->status)
      << "), not with it\n";
  m << "\n";
}

void write_risk(std::ostream& m, const AttemptResult& r) {
  if (r.risk.level == RiskLevel::normal) return;
  m << "**Risk: " << to_string(r.risk.level) << "**: " << path_code(r.risk.path) << " matches " << code(r.risk.pattern);
  if (std::vector<std::string> advisory = advisory_failures(r); r.risk.level == RiskLevel::high && !advisory.empty())
    m << "; a high-risk change is accepted only when its advisory tiers pass too";
  m << ".\n\n";
}

void write_requirements(std::ostream& m, const AttemptResult& r) {
  std::vector<std::string> unfixed;
  for (const std::string& name : r.require_fixed)
    if (std::string why = unfixed_requirement(r, name); !why.empty()) unfixed.push_back(why);
  if (unfixed.empty()) return;
  m << "### Required tests not fixed\n\n";
  for (const std::string& u : unfixed) m << "- " << u << "\n";
  m << "\n";
}

void write_tiers(std::ostream& m, const AttemptResult& r) {
  if (r.tiers.empty()) return;
  m << "### Tiers\n\n| tier | kind | required | status | result |\n|---|---|---|---|---|\n";
  for (const TierResult& t : r.tiers)
    m << "| " << code(t.name, true) << " | " << to_string(t.kind) << " | " << (t.required ? "yes" : "no (advisory)") << " | "
      << to_string(t.status) << " | " << (t.reason.empty() ? "-" : text(t.reason)) << " |\n";
  m << "\n";
}

void write_tests_named(std::ostream& m, const AttemptResult& r, Transition which, const std::string& heading) {
  bool any = false;
  for (const TestOutcome& t : r.tests) {
    if (t.transition != which) continue;
    if (!any) m << heading << "\n\n";
    any = true;
    m << "- " << code(t.name);
    if (which == Transition::FLAKY && t.known_flakes > 1) m << " (known flaky: " << t.known_flakes << " times)";
    m << "\n";
  }
  if (any) m << "\n";
}

void write_facts(std::ostream& m, const AttemptResult& r) {
  m << "### Attempt\n\n";
  m << "- attempt " << code(r.attempt_id) << "\n";
  if (r.branch) m << "- branch " << code(*r.branch) << "\n";
  if (!r.lane.reason.empty()) m << "- lane " << to_string(r.lane.lane) << ": " << text(r.lane.reason) << "\n";
  m << "- tests run / passed: " << r.tests_run() << " / " << r.tests_passed() << "\n";
  m << "- baseline " << (r.baseline.cached ? "reused" : "computed") << "\n\n";
  m << "| transition | tests |\n|---|---|\n";
  for (Transition t : kTransitions.values()) m << "| " << to_string(t) << " | " << r.names_with(t).size() << " |\n";
  m << "\n";
}

void write_change(std::ostream& m, const AttemptResult& r) {
  if (!r.files_changed.empty()) {
    m << "Files changed by the fix:\n\n";
    for (const FileChange& f : r.files_changed) m << "- " << path_code(f.path) << " (" << to_string(f.status) << ")\n";
    m << "\n";
  }
  if (r.fixer)
    m << "Fixer " << code(r.fixer->command.empty() ? "" : r.fixer->command.front()) << ": " << text(r.fixer->result)
      << "\n\n";
}

void write_closing(std::ostream& m, const AttemptResult& r) {
  if (r.mode == "verify")
    m << "Verified " << code(r.base.value_or("?").substr(0, 12) + ".." + r.head.value_or("?").substr(0, 12))
      << (r.shard ? " (shard " + text(*r.shard) + ")" : "") << "; the checkout was restored.\n";
  else if (r.verdict == Verdict::planned)
    m << "Nothing was changed: a dry run builds, tests and judges nothing.\n";
  else if (r.verdict == Verdict::refused_breaker_open)
    m << "Nothing was changed: the attempt was refused before a snapshot was taken.\n";
  else if (r.verdict != Verdict::accepted || r.on_accept == OnAccept::branch)
    m << "The work tree was restored to snapshot " << code(r.snapshot) << " and verified.\n";
}

}  // namespace

std::string attempt_summary(const AttemptResult& r) {
  std::ostringstream m;
  const std::vector<Regression> regressions = regressions_of(r);
  m << headline(r, causes_of(r, regressions));
  if (r.interrupted_after_decision)
    m << "**Interrupted** by " << signal_name(r.interrupted_after_decision)
      << " after the outcome was committed: it stands.\n\n";
  write_outside_edits(m, r);
  // What decided comes first, each thing once: the build, the broken tests, the findings, the weakened
  // tests, the risk, the required tests; then the tiers, flaky and fixed tests, the facts, the change.
  write_build(m, r);
  write_regressions(m, r, regressions);
  write_findings(m, r);
  write_weakened(m, r);
  write_risk(m, r);
  write_requirements(m, r);
  write_breaker(m, r);
  write_recovery(m, r);
  write_tiers(m, r);
  write_tests_named(m, r, Transition::FLAKY, "### Flaky\n\nResults differ between runs; neither fixed nor broken.");
  write_tests_named(m, r, Transition::FAIL_TO_PASS, "### Fixed");
  if (r.verdict != Verdict::planned && r.verdict != Verdict::refused_breaker_open) write_facts(m, r);
  write_change(m, r);
  write_closing(m, r);
  return m.str();
}

}  // namespace autofix::reporters
