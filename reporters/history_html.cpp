// SPDX-License-Identifier: MIT
#include "reporters/history_html.h"

#include <algorithm>
#include <string_view>

#include "reporters/html_document.h"

namespace autofix::reporters {

namespace {

using html::add;
using html::add_text;
using html::append_text;
using html::fixed;
using html::set_attribute;
using pugi::xml_node;

// The page's whole style; no '<', '>' or '&' (the serializer would escape them).
constexpr std::string_view kStyle = R"css(
:root{--bad:#b3261e;--good:#1b6e3a;--warn:#8a5a00;--info:#1d4f91;--muted:#5f6368;--line:#d9dce1;--panel:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2328;background:#fff;overflow-wrap:anywhere}
main{max-width:1200px;margin:0 auto;padding:0 16px 32px}
header.top{padding:20px 16px;color:#fff;background:var(--info)}
header.top div{max-width:1200px;margin:0 auto}
h1{margin:0 0 6px;font-size:26px}
h2{margin:28px 0 10px;font-size:19px;border-bottom:1px solid var(--line);padding-bottom:4px}
p{margin:6px 0}
.facts{margin:8px 0 0;opacity:.92;font-size:13px}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:13px}
nav{margin:12px 0 0;font-size:14px}
nav a{margin-right:14px;color:var(--info)}
.empty{font-size:17px;color:var(--muted);margin:24px 0}
.where{color:var(--muted);font-size:13px}
.warn{color:var(--warn)}
table{width:100%;border-collapse:collapse;margin:6px 0;font-size:14px}
th,td{text-align:left;vertical-align:top;padding:3px 8px;border-bottom:1px solid var(--line);overflow-wrap:anywhere}
th{background:var(--panel);font-weight:600}
td.n{text-align:right;white-space:nowrap}
th.n{text-align:right}
td.sig{white-space:pre-wrap}
svg.chart{display:block;width:100%;height:180px;border:1px solid var(--line);border-radius:3px;background:var(--panel)}
svg.bars{display:block;width:100%;height:16px;margin:2px 0 8px;border-radius:3px;background:var(--panel)}
.axis{display:flex;justify-content:space-between;font-size:12px;color:var(--muted)}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:13px}
.swatch{display:inline-block;width:10px;height:10px;margin-right:5px;border-radius:2px}
.badge{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px;font-weight:600;color:#fff;background:var(--muted)}
.badge.open{background:var(--bad)}.badge.half_open{background:var(--warn)}.badge.closed{background:var(--good)}
.v-accepted{fill:#1b6e3a;background:#1b6e3a}.v-rejected{fill:#b3261e;background:#b3261e}
.v-needs_review{fill:#c77c02;background:#c77c02}.v-error{fill:#7b3fa0;background:#7b3fa0}
.v-refused_breaker_open{fill:#546e7a;background:#546e7a}.v-reset{fill:#00838f;background:#00838f}
.v-other{fill:#6d4c41;background:#6d4c41}.share{fill:#1d4f91;background:#1d4f91}
details{margin:8px 0}
summary{cursor:pointer;color:var(--info)}
@media (max-width:600px){main{padding:0 10px 24px}header.top{padding:14px 10px}h1{font-size:21px}th,td{padding:2px 4px}}
)css";
static_assert(kStyle.find_first_of("<>&") == std::string_view::npos, "the serializer would escape these");

constexpr std::string_view kKnownVerdicts[] = {"accepted", "rejected", "needs_review", "error", "refused_breaker_open", "reset"};

// The class of a verdict's colour: its own for the known ones, "v-other" for any other name.
std::string verdict_class(const std::string& verdict) {
  return std::find(std::begin(kKnownVerdicts), std::end(kKnownVerdicts), verdict) != std::end(kKnownVerdicts)
             ? "v-" + verdict
             : std::string("v-other");
}

std::string percent(std::size_t part, std::size_t whole) { return std::to_string(whole ? part * 100 / whole : 0) + "%"; }

std::string seconds(std::uint64_t ms) { return fixed(static_cast<double>(ms) / 1000.0, 1) + " s"; }

xml_node section(xml_node main, const char* id, const char* title) {
  xml_node h = add_text(main, "h2", title);
  h.append_attribute("id") = id;
  return h;
}

xml_node table_with(xml_node parent, std::initializer_list<std::pair<const char*, bool>> columns) {
  xml_node table = add(parent, "table");
  xml_node row = add(add(table, "thead"), "tr");
  for (const auto& [name, numeric] : columns) add_text(row, "th", name, numeric ? "n" : nullptr);
  return add(table, "tbody");
}

xml_node svg(xml_node parent, const char* cls, double width, double height, std::string_view label) {
  xml_node s = add(parent, "svg", cls);
  s.append_attribute("viewBox") = ("0 0 " + fixed(width, 0) + " " + fixed(height, 0)).c_str();
  s.append_attribute("preserveAspectRatio") = "none";
  s.append_attribute("role") = "img";
  set_attribute(s, "aria-label", label);
  return s;
}

xml_node rect(xml_node svg, const std::string& cls, double x, double y, double width, double height) {
  xml_node r = add(svg, "rect", cls.c_str());
  r.append_attribute("x") = fixed(x, 2).c_str();
  r.append_attribute("y") = fixed(y, 2).c_str();
  r.append_attribute("width") = fixed(width, 2).c_str();
  r.append_attribute("height") = fixed(height, 2).c_str();
  return r;
}

void header(xml_node body, const HistoryDashboard& d) {
  xml_node top = add(add(body, "header", "top"), "div");
  add_text(top, "h1", "AutofixGate history");
  std::string window = d.since.empty() && d.until.empty() ? std::string("all records")
                       : "records that started" + (d.since.empty() ? std::string() : " from " + d.since) +
                             (d.until.empty() ? std::string() : " before " + d.until);
  add_text(top, "p", std::to_string(d.records) + " run(s): " + window + " · written " + d.generated_at, "facts");
}

void navigation(xml_node main) {
  xml_node nav = add(main, "nav");
  for (auto [id, name] : {std::pair{"verdicts", "Verdicts"}, {"sources", "Fix sources"}, {"signatures", "Failures"},
                          {"breakers", "Breakers"}, {"flaky", "Flaky tests"}, {"phases", "Phases"}}) {
    xml_node a = add_text(nav, "a", name);
    a.append_attribute("href") = (std::string("#") + id).c_str();
  }
}

// One bar per day, stacked by verdict from the bottom, as tall as the day's runs against the busiest day.
void verdicts_section(xml_node main, const HistoryDashboard& d) {
  section(main, "verdicts", "Verdicts by day");
  std::vector<std::size_t> totals(d.verdicts.size(), 0);
  std::size_t busiest = 0;
  for (const DashboardDay& day : d.days) {
    busiest = std::max(busiest, day.total);
    for (std::size_t i = 0; i < day.counts.size() && i < totals.size(); ++i) totals[i] += day.counts[i];
  }
  xml_node legend = add(main, "ul", "legend");
  for (std::size_t i = 0; i < d.verdicts.size(); ++i) {
    xml_node li = add(legend, "li");
    set_attribute(li, "data-verdict", d.verdicts[i]);
    li.append_attribute("data-count") = std::to_string(totals[i]).c_str();
    add(li, "span", ("swatch " + verdict_class(d.verdicts[i])).c_str());
    append_text(li, d.verdicts[i] + " " + std::to_string(totals[i]));
  }
  constexpr double kSlot = 24, kBar = 18, kHeight = 160;
  const double width = std::max(kSlot * static_cast<double>(d.days.size()), kSlot * 10);
  xml_node chart = svg(main, "chart", width, kHeight,
                       "runs per day by verdict, " + std::to_string(d.days.size()) + " day(s), at most " +
                           std::to_string(busiest) + " a day");
  for (std::size_t i = 0; i < d.days.size(); ++i) {
    const DashboardDay& day = d.days[i];
    xml_node g = add(chart, "g");
    set_attribute(g, "data-day", day.day);
    g.append_attribute("data-total") = std::to_string(day.total).c_str();
    double y = kHeight;
    for (std::size_t v = 0; v < day.counts.size() && v < d.verdicts.size(); ++v) {
      if (day.counts[v] == 0) continue;
      const double h = busiest ? kHeight * static_cast<double>(day.counts[v]) / static_cast<double>(busiest) : 0;
      y -= h;
      xml_node r = rect(g, verdict_class(d.verdicts[v]), kSlot * static_cast<double>(i) + (kSlot - kBar) / 2, y, kBar, h);
      set_attribute(r, "data-day", day.day);
      set_attribute(r, "data-verdict", d.verdicts[v]);
      r.append_attribute("data-count") = std::to_string(day.counts[v]).c_str();
      add_text(r, "title", day.day + ": " + std::to_string(day.counts[v]) + " " + d.verdicts[v]);
    }
  }
  xml_node axis = add(main, "div", "axis");
  add_text(axis, "span", d.days.front().day);
  add_text(axis, "span", "busiest day: " + std::to_string(busiest) + " run(s)");
  add_text(axis, "span", d.days.back().day);

  xml_node details = add(main, "details");
  add_text(details, "summary", "The numbers, day by day");
  xml_node table = add(details, "table", "days");
  xml_node head = add(add(table, "thead"), "tr");
  add_text(head, "th", "day");
  for (const std::string& v : d.verdicts) add_text(head, "th", v, "n");
  add_text(head, "th", "all", "n");
  xml_node body = add(table, "tbody");
  for (const DashboardDay& day : d.days) {
    if (day.total == 0) continue;
    xml_node row = add(body, "tr");
    add_text(row, "td", day.day, "mono");
    for (std::size_t v = 0; v < d.verdicts.size(); ++v)
      add_text(row, "td", std::to_string(v < day.counts.size() ? day.counts[v] : 0), "n");
    add_text(row, "td", std::to_string(day.total), "n");
  }
}

void sources_section(xml_node main, const HistoryDashboard& d) {
  section(main, "sources", "Acceptance by fix source");
  for (const AcceptanceRate& r : d.by_fix_source) {
    xml_node p = add(main, "p");
    add_text(p, "strong", r.name);
    append_text(p, ": " + std::to_string(r.accepted) + " of " + std::to_string(r.runs) + " accepted (" +
                       percent(r.accepted, r.runs) + ")");
    xml_node bar = svg(main, "bars", 1000, 16, r.name + ": " + percent(r.accepted, r.runs) + " accepted");
    set_attribute(bar, "data-source", r.name);
    bar.append_attribute("data-runs") = std::to_string(r.runs).c_str();
    bar.append_attribute("data-accepted") = std::to_string(r.accepted).c_str();
    const double share = r.runs ? 1000.0 * static_cast<double>(r.accepted) / static_cast<double>(r.runs) : 0;
    if (share > 0) rect(bar, "v-accepted", 0, 0, share, 16);
    if (share < 1000) rect(bar, "v-rejected", share, 0, 1000 - share, 16);
  }
}

void signatures_section(xml_node main, const HistoryDashboard& d) {
  section(main, "signatures", "Most frequent failures");
  if (d.signatures.empty()) {
    add_text(main, "p", "No run that was not accepted has a failure signature.", "where");
    return;
  }
  xml_node body = table_with(main, {{"runs", true}, {"failure signature", false}, {"last seen", false}});
  for (const DashboardSignature& s : d.signatures) {
    xml_node row = add(body, "tr");
    add_text(row, "td", std::to_string(s.count), "n");
    add_text(add(row, "td", "sig"), "code", s.signature);
    xml_node last = add_text(row, "td", s.last_seen);
    add_text(last, "div", s.last_id, "where mono");
  }
}

void breakers_section(xml_node main, const HistoryDashboard& d) {
  section(main, "breakers", "Circuit breakers");
  if (d.breakers.empty()) {
    add_text(main, "p", "No run had a circuit breaker key.", "where");
    return;
  }
  xml_node body = table_with(main, {{"key", false}, {"state", false}, {"rejections", true}, {"opened", false},
                                    {"half-opens", false}, {"last failure", false}});
  for (const DashboardBreaker& b : d.breakers) {
    xml_node row = add(body, "tr");
    set_attribute(row, "data-state", b.status);
    add_text(add(row, "td"), "code", b.key);
    add_text(add(row, "td"), "span", b.status, ("badge " + std::string(b.status == "open" || b.status == "half_open" ? b.status : "closed")).c_str());
    add_text(row, "td", std::to_string(b.consecutive_rejections), "n");
    add_text(row, "td", b.opened_at);
    add_text(row, "td", b.half_opens_at);
    add_text(add(row, "td", "sig"), "code", b.last_signature);
  }
}

void flaky_section(xml_node main, const HistoryDashboard& d) {
  section(main, "flaky", "Flaky tests");
  if (d.flaky_tests.empty()) {
    add_text(main, "p", "No test was seen flaking in this clone (.git/autofix/flaky.json).", "where");
    return;
  }
  xml_node body = table_with(main, {{"test", false}, {"flakes", true}, {"last seen", false}});
  for (const FlakyTestCount& f : d.flaky_tests) {
    xml_node row = add(body, "tr");
    add_text(add(row, "td"), "code", f.name, "test-name");
    add_text(row, "td", std::to_string(f.flakes), "n");
    add_text(row, "td", f.last_seen);
  }
}

void phases_section(xml_node main, const HistoryDashboard& d) {
  section(main, "phases", "Slowest phases");
  if (d.phases.empty()) {
    add_text(main, "p", "No run recorded the time of its phases.", "where");
    return;
  }
  for (const PhaseTime& p : d.phases) {
    xml_node line = add(main, "p");
    add_text(line, "strong", p.phase);
    append_text(line, ": " + std::to_string(p.percent) + "% of gate time, median " + seconds(p.median_ms) + " over " +
                          std::to_string(p.runs) + " run(s), " + seconds(p.total_ms) + " in all");
    xml_node bar = svg(main, "bars", 100, 16, p.phase + ": " + std::to_string(p.percent) + "% of gate time");
    set_attribute(bar, "data-phase", p.phase);
    bar.append_attribute("data-percent") = std::to_string(p.percent).c_str();
    bar.append_attribute("data-median-ms") = std::to_string(p.median_ms).c_str();
    if (p.percent > 0) rect(bar, "share", 0, 0, p.percent, 16);
  }
}

}  // namespace

std::string history_html(const HistoryDashboard& d) {
  html::Page page("AutofixGate history · " + std::to_string(d.records) + " run(s)", kStyle);
  xml_node body = page.body();
  header(body, d);
  xml_node main = add(body, "main");
  if (!d.damaged.empty()) {
    xml_node p = add_text(main, "p", std::to_string(d.damaged.size()) + " damaged record(s) were skipped: ", "warn");
    for (std::size_t i = 0; i < d.damaged.size() && i < 10; ++i) add_text(p, "code", (i ? "; " : "") + d.damaged[i]);
  }
  if (d.records == 0) {
    add_text(main, "p",
             d.since.empty() && d.until.empty()
                 ? "The history has no records yet: every attempt, verify, batch and breaker reset adds one "
                   "(refs/autofix/history; `autofix-gate history sync` brings the remote's)."
                 : "No record of the history started in this window.",
             "empty");
    if (!d.breakers.empty()) breakers_section(main, d);
    if (!d.flaky_tests.empty()) flaky_section(main, d);
    return page.str();
  }
  navigation(main);
  verdicts_section(main, d);
  sources_section(main, d);
  signatures_section(main, d);
  breakers_section(main, d);
  flaky_section(main, d);
  phases_section(main, d);
  return page.str();
}

}  // namespace autofix::reporters
