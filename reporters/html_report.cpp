// SPDX-License-Identifier: MIT
#include "reporters/html_report.h"

#include <pugixml.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>
#include <sstream>

#include "gate/util/byte_names.h"
#include "gate/util/signals.h"
#include "gate/util/utf8_text.h"

namespace autofix::reporters {

namespace {

// The page's whole style. The serializer escapes '<', '>' and '&' in every text node, so the sheet must
// not contain them (no child combinator): checked at compile time below.
constexpr std::string_view kStyle = R"css(
:root{--bad:#b3261e;--good:#1b6e3a;--warn:#8a5a00;--info:#1d4f91;--muted:#5f6368;--line:#d9dce1;--panel:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2328;background:#fff;overflow-wrap:anywhere}
main{max-width:1200px;margin:0 auto;padding:0 16px 32px}
header.verdict{padding:20px 16px;color:#fff;background:var(--muted)}
header.verdict div{max-width:1200px;margin:0 auto}
header.accepted{background:var(--good)}
header.rejected{background:var(--bad)}
header.needs_review{background:var(--warn)}
header.planned{background:var(--info)}
h1{margin:0 0 6px;font-size:26px}
h2{margin:28px 0 10px;font-size:19px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{margin:0;font-size:15px}
p{margin:6px 0}
.reason{font-size:17px;margin:0}
.facts{margin:8px 0 0;opacity:.92;font-size:13px}
code,pre,.mono,table.excerpt{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:13px}
pre{white-space:pre-wrap;background:var(--panel);border:1px solid var(--line);border-radius:4px;padding:8px;margin:6px 0;max-height:24em;overflow:auto}
nav{margin:12px 0 0;font-size:14px}
nav a{margin-right:14px;color:var(--info)}
.counts{display:flex;flex-wrap:wrap;gap:6px;margin:8px 0}
.count{border:1px solid var(--line);border-radius:12px;padding:1px 10px;font-size:13px;background:var(--panel)}
.card{border:1px solid var(--line);border-left:5px solid var(--line);border-radius:4px;padding:8px 12px;margin:8px 0}
.card.bad{border-left-color:var(--bad)}
.card.good{border-left-color:var(--good)}
.card.warn{border-left-color:var(--warn)}
.card.muted{border-left-color:var(--muted)}
.badge{display:inline-block;border-radius:3px;padding:0 6px;margin-right:6px;font-size:12px;font-weight:600;color:#fff;background:var(--muted);vertical-align:1px}
.badge.bad{background:var(--bad)}
.badge.good{background:var(--good)}
.badge.warn{background:var(--warn)}
.badge.info{background:var(--info)}
.where{color:var(--muted);font-size:13px}
.chain{display:flex;flex-wrap:wrap;align-items:center;gap:4px 0;margin:6px 0}
.node{border:1px solid var(--line);border-radius:4px;padding:2px 8px;background:var(--panel)}
.node.file{border-color:var(--warn);background:#fff6e0}
.node.test{border-color:var(--bad);background:#fdecea}
.arrow{padding:0 6px;color:var(--muted)}
details{margin:8px 0}
summary{cursor:pointer;color:var(--info)}
ul{margin:6px 0;padding-left:22px}
table.excerpt{width:100%;table-layout:fixed;border-collapse:collapse;margin:6px 0;background:var(--panel);border:1px solid var(--line)}
table.excerpt caption{text-align:left;color:var(--muted);padding:2px 0}
table.excerpt td{padding:0 8px;vertical-align:top;white-space:pre-wrap;overflow-wrap:anywhere;tab-size:4}
table.excerpt td.ln{width:5.5em;text-align:right;color:var(--muted);border-right:1px solid var(--line);user-select:none}
table.excerpt tr.hit td{background:#fff1c2}
table.excerpt tr.hit td.ln{color:#1f2328;font-weight:600}
.cut{color:var(--muted);font-style:italic}
.timeline svg{display:block;width:100%;height:28px;border:1px solid var(--line);border-radius:3px}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:13px}
.swatch{display:inline-block;width:10px;height:10px;margin-right:5px;border-radius:2px}
.c0{fill:#1d4f91;background:#1d4f91}.c1{fill:#2e8b57;background:#2e8b57}.c2{fill:#c77c02;background:#c77c02}
.c3{fill:#7b3fa0;background:#7b3fa0}.c4{fill:#b3261e;background:#b3261e}.c5{fill:#00838f;background:#00838f}
.c6{fill:#6d4c41;background:#6d4c41}.c7{fill:#546e7a;background:#546e7a}
@media (max-width:600px){main{padding:0 10px 24px}header.verdict{padding:14px 10px}h1{font-size:21px}.reason{font-size:15px}.card{padding:6px 8px}table.excerpt td{padding:0 4px}table.excerpt td.ln{width:3.5em}}
)css";
static_assert(kStyle.find_first_of("<>&") == std::string_view::npos, "the serializer would escape these");

using pugi::xml_node;
using html::add;
using html::add_text;
using html::append_text;
using html::fixed;
using html::set_attribute;

std::string location_text(const std::string& file, int line) {
  return line > 0 ? file + ":" + std::to_string(line) : file;
}

const char* headline(Verdict v) {
  switch (v) {
    case Verdict::accepted: return "Accepted";
    case Verdict::rejected: return "Rejected";
    case Verdict::needs_review: return "Needs review";
    case Verdict::planned: return "Planned (dry run)";
    case Verdict::refused_breaker_open: return "Refused (circuit breaker open)";
    case Verdict::error: break;
  }
  return "Error";
}

// How a transition looks: the badge's colour class.
const char* tone_of(Transition t) {
  switch (t) {
    case Transition::PASS_TO_FAIL:
    case Transition::MISSING: return "bad";
    case Transition::FAIL_TO_PASS: return "good";
    case Transition::FAIL_TO_FAIL:
    case Transition::FLAKY: return "warn";
    case Transition::NEW: return "info";
    case Transition::PASS_TO_PASS:
    case Transition::SKIPPED: break;
  }
  return "muted";
}

// The order tests are shown in: regressions, then what else needs a look, then what the fix repaired.
int rank_of(const TestOutcome& t, bool regression) {
  if (regression) return 0;
  switch (t.transition) {
    case Transition::MISSING: return 1;
    case Transition::PASS_TO_FAIL: return 2;
    case Transition::FAIL_TO_FAIL: return 3;
    case Transition::FLAKY: return 4;
    case Transition::FAIL_TO_PASS: return 5;
    case Transition::NEW: return 6;
    case Transition::PASS_TO_PASS:
    case Transition::SKIPPED: break;
  }
  return 7;
}

// " · ran in shard 2", " · ran in shards 1, 2": which shards of a merged run ran a tier; nothing otherwise.
std::string shards_text(const std::vector<int>& shards) {
  if (shards.empty()) return "";
  std::string text = shards.size() == 1 ? " · ran in shard " : " · ran in shards ";
  for (size_t i = 0; i < shards.size(); ++i) text += (i ? ", " : "") + std::to_string(shards[i]);
  return text;
}

std::string runs_text(const std::vector<RunStatus>& runs) {
  std::string text;
  for (size_t i = 0; i < runs.size(); ++i) text += std::string(i ? ", " : "") + to_string(runs[i]);
  return text;
}

void header_section(xml_node body, const AttemptResult& r) {
  xml_node header = add(body, "header", (std::string("verdict ") + to_string(r.verdict)).c_str());
  xml_node inner = add(header, "div");
  add_text(inner, "h1", std::string("AutofixGate: ") + headline(r.verdict), "headline");
  add_text(inner, "p", r.reason, "reason");
  std::string facts = (r.mode == "verify" ? "verify " : "attempt ") + r.attempt_id;
  if (!r.started.empty()) facts += " · started " + r.started;
  if (r.shard) facts += " · shard " + *r.shard;
  if (r.branch) facts += " · branch " + *r.branch;
  facts += " · tests run " + std::to_string(r.tests_run()) + ", passed " + std::to_string(r.tests_passed());
  add_text(inner, "p", facts, "facts");
}

void navigation(xml_node main, const AttemptResult& r) {
  xml_node nav = add(main, "nav");
  auto link = [&](const char* target, const char* label) {
    xml_node a = add(nav, "a");
    a.append_attribute("href") = target;
    append_text(a, label);
  };
  link("#tests", "Tests");
  if (!r.cascading.empty()) link("#chains", "Chains");
  if (!r.tiers.empty()) link("#tiers", "Tiers");
  if (!r.names_with(Transition::FLAKY).empty()) link("#flaky", "Flaky");
  if (!r.durations.empty()) link("#timeline", "Timeline");
  link("#attempt", "Attempt");
}

// What decided besides the tests, and what the user must know first (their own edits kept).
void other_causes(xml_node main, const AttemptResult& r) {
  if (r.interrupted_after_decision)
    add_text(main, "p",
             "Interrupted by " + std::string(signal_name(r.interrupted_after_decision)) +
                 " after the outcome was committed: it stands.",
             "card warn");
  if (!r.outside_edits.empty()) {
    xml_node card = add(main, "div", "card warn");
    add_text(card, "h3", "Changed during the attempt by someone other than the fix");
    xml_node list = add(card, "ul");
    for (const OutsideEdit& e : r.outside_edits) {
      xml_node li = add(list, "li");
      add_text(li, "code", quoted_name(e.path));
      std::string what = e.action == "set_aside"
                             ? "the fix was undone there and this version kept under " + r.kept_ref.value_or("refs/autofix/kept/")
                         : e.action == "restored" ? "put back as it was before the fix"
                                                  : "kept as it is";
      append_text(li, " (" + std::string(to_string(e.change)) + "): " + what);
    }
  }
  if (!r.tampering.empty()) {
    xml_node card = add(main, "div", "card bad");
    add_text(card, "h3", "Weakened tests (a fix must not make a test pass by disabling it)");
    xml_node list = add(card, "ul");
    for (const TamperFinding& f : r.tampering) {
      xml_node li = add(list, "li");
      add_text(li, "span", std::string(f.downgraded ? "warning: " : "") + to_string(f.kind), "badge warn");
      if (!f.test.empty()) add_text(li, "code", f.test);
      if (!f.file.empty()) add_text(li, "span", " at " + location_text(f.file, f.line), "where");
      if (!f.detail.empty()) append_text(li, ": " + f.detail);
    }
  }
  if (r.risk.level != RiskLevel::normal) {
    xml_node card = add(main, "p", "card warn");
    append_text(card, "Risk " + std::string(to_string(r.risk.level)) + ": ");
    add_text(card, "code", r.risk.path);
    append_text(card, " matches ");
    add_text(card, "code", r.risk.pattern);
  }
  if (r.build.ran && !r.build.ok) {
    xml_node card = add(main, "div", "card bad");
    add_text(card, "h3", "Build failed: " + r.build.failure);
    std::string errors;
    for (const std::string& e : r.build.errors) errors += e + "\n";
    if (!errors.empty()) add_text(card, "pre", errors);
  }
}

// The lines of the source around what a finding or a regression is about, numbered, its own line marked.
void excerpt_table(xml_node parent, const std::optional<SourceExcerpt>& excerpt) {
  if (!excerpt) return;
  xml_node table = add(parent, "table", "excerpt");
  add_text(table, "caption", location_text(excerpt->file, excerpt->line));
  xml_node body = add(table, "tbody");
  for (int n = excerpt->first_line; n <= excerpt->last_line(); ++n) {
    xml_node row = add(body, "tr", n == excerpt->line ? "hit" : nullptr);
    add_text(row, "td", std::to_string(n), "ln");
    xml_node source = add_text(row, "td", *excerpt->text_of(n), "src");
    if (excerpt->is_cut(n)) add_text(source, "span", " \u2026 (line cut)", "cut");
  }
}

void test_card(xml_node parent, const TestOutcome& t, bool regression) {
  xml_node card = add(parent, "div", (std::string("card test ") + (regression ? "bad" : tone_of(t.transition))).c_str());
  xml_node title = add(card, "h3");
  add_text(title, "span", to_string(t.transition), (std::string("badge ") + tone_of(t.transition)).c_str());
  if (regression) add_text(title, "span", "regression", "badge bad");
  add_text(title, "code", t.name, "test-name");
  if (!t.observed.empty()) add_text(card, "p", t.observed);
  if (t.defined_at.known()) add_text(card, "p", "defined at " + location_text(t.defined_at.file, t.defined_at.line), "where");
  if (t.first_failure) {
    const FailedAssertion& a = *t.first_failure;
    add_text(card, "p",
             "first failing assertion" + (a.location.known() ? " at " + location_text(a.location.file, a.location.line) : ""),
             "where");
    if (!a.message.empty()) add_text(card, "pre", a.message, "assertion");
  }
  excerpt_table(card, t.excerpt);
  for (const std::string& line : t.new_failures) add_text(card, "pre", line, "new-failure");
  if (!t.reruns.empty()) add_text(card, "p", "re-runs: " + runs_text(t.reruns), "where");
  if (t.shard) add_text(card, "p", "ran in shard " + std::to_string(t.shard), "where shard");
}

void tests_section(xml_node main, const AttemptResult& r) {
  xml_node h = add_text(main, "h2", "Tests");
  h.append_attribute("id") = "tests";
  xml_node counts = add(main, "div", "counts");
  for (Transition t : kTransitions.values())
    if (size_t n = r.names_with(t).size())
      add_text(counts, "span", std::string(to_string(t)) + " " + std::to_string(n), "count");

  std::vector<std::string> regressions = r.regressions();
  std::set<std::string> regressed(regressions.begin(), regressions.end());
  std::vector<const TestOutcome*> shown, quiet;
  for (const TestOutcome& t : r.tests) {
    bool regression = regressed.count(t.name) > 0;
    (rank_of(t, regression) < 7 ? shown : quiet).push_back(&t);
  }
  std::stable_sort(shown.begin(), shown.end(), [&](const TestOutcome* a, const TestOutcome* b) {
    return rank_of(*a, regressed.count(a->name) > 0) < rank_of(*b, regressed.count(b->name) > 0);
  });
  if (r.tests.empty()) add_text(main, "p", "No test ran.");
  for (const TestOutcome* t : shown) test_card(main, *t, regressed.count(t->name) > 0);
  if (!quiet.empty()) {
    xml_node details = add(main, "details");
    add_text(details, "summary", std::to_string(quiet.size()) + " test(s) unchanged or skipped");
    xml_node list = add(details, "ul", "mono");
    for (const TestOutcome* t : quiet) add_text(list, "li", t->name + " (" + to_string(t->transition) + ")");
  }
}

// changed file → ... → test target → test: the chain is stored from the test target to the file.
void chain_boxes(xml_node parent, const std::vector<std::string>& chain, const std::string& test) {
  xml_node row = add(parent, "div", "chain");
  for (size_t i = chain.size(); i-- > 0;) {
    add_text(row, "span", chain[i], i + 1 == chain.size() ? "node file" : "node target");
    add_text(row, "span", "→", "arrow");
  }
  add_text(row, "span", test, "node test");
}

void chains_section(xml_node main, const AttemptResult& r) {
  if (r.cascading.empty()) return;
  xml_node h = add_text(main, "h2", "How each regression connects to the change");
  h.append_attribute("id") = "chains";
  for (const CascadeEntry& c : r.cascading) {
    xml_node card = add(main, "div", c.kind == CascadeKind::direct ? "card warn" : "card bad");
    xml_node title = add(card, "h3");
    add_text(title, "span", to_string(c.kind), c.kind == CascadeKind::cascading ? "badge bad" : "badge warn");
    add_text(title, "code", c.test);
    if (!c.chain.empty()) {
      chain_boxes(card, c.chain, c.test);
    } else if (c.candidates.size() > 1) {
      add_text(card, "p", "Its build reaches " + std::to_string(c.candidates.size()) +
                              " changed files, any of which may be the cause:");
      for (const CascadeCandidate& k : c.candidates) chain_boxes(card, k.chain, c.test);
    } else {
      add_text(card, "p",
               c.kind == CascadeKind::unrelated ? "Its build reaches no file the fix changed."
                                                : "No build graph says how it connects to the change.",
               "where");
    }
  }
}

void finding_item(xml_node list, const Finding& f) {
  xml_node li = add(list, "li", "finding");
  add_text(li, "span", f.severity, f.blocking ? "badge bad" : "badge muted");
  if (!f.blocking) add_text(li, "span", "not blocking", "badge");
  add_text(li, "code", f.rule.empty() ? "(no rule)" : f.rule);
  if (!f.file.empty()) add_text(li, "span", " at " + location_text(f.file, f.line), "where");
  if (!f.message.empty()) add_text(li, "p", f.message);
  excerpt_table(li, f.excerpt);
  if (!f.detail.empty()) add_text(li, "pre", f.detail);
}

void tiers_section(xml_node main, const AttemptResult& r) {
  if (r.tiers.empty()) return;
  xml_node h = add_text(main, "h2", "Tiers");
  h.append_attribute("id") = "tiers";
  for (const TierResult& t : r.tiers) {
    const char* tone = t.status == TierStatus::passed ? "good"
                       : t.status == TierStatus::skipped ? "muted"
                       : t.required ? "bad"
                                    : "warn";
    xml_node card = add(main, "div", (std::string("card tier ") + tone).c_str());
    xml_node title = add(card, "h3");
    add_text(title, "span", to_string(t.status), (std::string("badge ") + tone).c_str());
    add_text(title, "span", t.name);
    add_text(title, "span",
             std::string(" · ") + to_string(t.kind) + (t.required ? ", required" : ", advisory") + " · " +
                 fixed(t.duration_s, 1) + " s" + shards_text(t.shards),
             "where");
    if (!t.reason.empty()) add_text(card, "p", t.reason);
    if (t.kind == TierKind::ctest) continue;  // its failures are the tests above
    size_t unchanged = 0, absent = 0;
    std::vector<const Finding*> fresh;
    for (const Finding& f : t.findings) {
      if (f.state == FindingState::new_) fresh.push_back(&f);
      else (f.state == FindingState::unchanged ? unchanged : absent)++;
    }
    if (!fresh.empty()) {
      add_text(card, "p", std::to_string(fresh.size()) + " new finding(s):");
      xml_node list = add(card, "ul", "findings");
      for (const Finding* f : fresh) finding_item(list, *f);
    }
    if (unchanged || absent)
      add_text(card, "p",
               std::to_string(unchanged) + " unchanged finding(s) (there without the fix too; listed in report.json), " +
                   std::to_string(absent) + " removed by the fix",
               "where");
  }
}

void flaky_section(xml_node main, const AttemptResult& r) {
  std::vector<const TestOutcome*> flaky;
  for (const TestOutcome& t : r.tests)
    if (t.transition == Transition::FLAKY) flaky.push_back(&t);
  if (flaky.empty()) return;
  xml_node h = add_text(main, "h2", "Flaky tests");
  h.append_attribute("id") = "flaky";
  add_text(main, "p", "Their results differ between runs of one tree: neither fixed nor broken by the fix.");
  xml_node list = add(main, "ul");
  for (const TestOutcome* t : flaky) {
    xml_node li = add(list, "li");
    add_text(li, "code", t->name);
    std::string runs;
    if (t->after) runs = to_string(t->after->status);
    if (!t->reruns.empty()) runs += (runs.empty() ? "" : ", then re-runs: ") + runs_text(t->reruns);
    if (!runs.empty()) append_text(li, ": with the fix " + runs);
    if (t->baseline_flaky) append_text(li, "; flaky without the fix too");
    if (t->known_flakes > 1) append_text(li, "; seen flaking " + std::to_string(t->known_flakes) + " times");
    if (!t->observed.empty()) add_text(li, "div", t->observed, "where");
  }
}

// The phases in order as one bar, each as wide as its share of the time, and a legend with the seconds.
void timeline_section(xml_node main, const AttemptResult& r) {
  if (r.durations.empty()) return;
  xml_node h = add_text(main, "h2", "Timeline");
  h.append_attribute("id") = "timeline";
  double total = 0;
  for (const auto& [phase, s] : r.durations) total += std::max(0.0, s);
  xml_node box = add(main, "div", "timeline");
  add_text(box, "p", "Total " + fixed(total, 2) + " s", "where");
  constexpr double kWidth = 1000;
  xml_node svg = add(box, "svg");
  svg.append_attribute("viewBox") = ("0 0 " + fixed(kWidth, 0) + " 20").c_str();
  svg.append_attribute("preserveAspectRatio") = "none";
  svg.append_attribute("role") = "img";
  set_attribute(svg, "aria-label", "phases of the attempt, " + fixed(total, 2) + " s in all");
  xml_node legend = add(box, "ol", "legend");
  double x = 0;
  for (size_t i = 0; i < r.durations.size(); ++i) {
    const auto& [phase, seconds] = r.durations[i];
    double s = std::max(0.0, seconds);
    std::string colour = "c" + std::to_string(i % 8);
    std::string label = phase + " " + fixed(s, 2) + " s" + (total > 0 ? " (" + fixed(100 * s / total, 0) + "%)" : "");
    double width = total > 0 ? kWidth * s / total : 0;
    if (width > 0) {
      xml_node rect = add(svg, "rect", colour.c_str());
      rect.append_attribute("x") = fixed(x, 2).c_str();
      rect.append_attribute("y") = "0";
      rect.append_attribute("width") = fixed(width, 2).c_str();
      rect.append_attribute("height") = "20";
      add_text(rect, "title", label);
      x += width;
    }
    xml_node li = add(legend, "li");
    add(li, "span", ("swatch " + colour).c_str());
    append_text(li, label);
  }
}

void attempt_section(xml_node main, const AttemptResult& r) {
  xml_node h = add_text(main, "h2", "Attempt");
  h.append_attribute("id") = "attempt";
  xml_node list = add(main, "ul");
  add_text(list, "li", "id " + r.attempt_id + (r.started.empty() ? "" : ", started " + r.started));
  add_text(list, "li", std::string("baseline ") + (r.baseline.cached ? "reused" : "computed") +
                           (r.baseline.key.empty() ? "" : " (" + r.baseline.key.substr(0, 12) + ")"));
  if (r.lane.reason.size()) add_text(list, "li", std::string("lane ") + to_string(r.lane.lane) + ": " + r.lane.reason);
  if (r.fixer) {
    xml_node li = add(list, "li");
    append_text(li, "fixer ");
    add_text(li, "code", r.fixer->command.empty() ? "" : r.fixer->command.front());
    append_text(li, ": " + r.fixer->result);
  }
  if (r.mode == "verify")
    add_text(list, "li", "verified " + r.base.value_or("?").substr(0, 12) + ".." + r.head.value_or("?").substr(0, 12) +
                             "; the checkout was restored");
  else if (r.verdict == Verdict::planned)
    add_text(list, "li", "a dry run: nothing was changed, built, tested or judged");
  else if (r.verdict == Verdict::refused_breaker_open)
    add_text(list, "li", "refused by the circuit breaker" + (r.breaker ? " of " + r.breaker->key : std::string()) +
                             ": nothing was changed, built, tested or judged");
  else if (r.verdict != Verdict::accepted || r.on_accept == OnAccept::branch)
    add_text(list, "li", "the work tree was restored to snapshot " + r.snapshot + " and verified");
  if (!r.files_changed.empty()) {
    add_text(main, "p", "Files changed by the fix:");
    xml_node files = add(main, "ul", "mono");
    for (const FileChange& f : r.files_changed)
      add_text(files, "li", quoted_name(f.path) + " (" + to_string(f.status) + ")");
  }
}

}  // namespace

std::string attempt_html(const AttemptResult& r) {
  html::Page page(std::string("AutofixGate: ") + headline(r.verdict) + " · " + r.attempt_id, kStyle);
  xml_node body = page.body();
  header_section(body, r);
  xml_node main = add(body, "main");
  navigation(main, r);
  other_causes(main, r);
  tests_section(main, r);
  chains_section(main, r);
  tiers_section(main, r);
  flaky_section(main, r);
  timeline_section(main, r);
  attempt_section(main, r);

  return page.str();
}

}  // namespace autofix::reporters
