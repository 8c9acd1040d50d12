// SPDX-License-Identifier: MIT
#include "reporters/html_report.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <regex>
#include <set>

namespace autofix::reporters {
namespace {

using Strings = std::vector<std::string>;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TestRecord record(const std::string& name, RunStatus status, std::string output = "") {
  TestRecord r;
  r.name = name;
  r.status = status;
  r.output = std::move(output);
  return r;
}

TestOutcome outcome(const std::string& name, Transition t, RunStatus before, RunStatus after) {
  TestOutcome o;
  o.name = name;
  o.ctest_test = name;
  o.transition = t;
  o.baseline = record(name, before);
  o.after = record(name, after);
  return o;
}

const std::string kHostile = "Suite<int>::Case & \"quoted\" 'single' </code><script>alert(1)</script>";
const std::string kHostileEscaped =
    "Suite&lt;int&gt;::Case &amp; \"quoted\" 'single' &lt;/code&gt;&lt;script&gt;alert(1)&lt;/script&gt;";

// A rejected attempt as the gate would record it: two regressions (one with a hostile name), a fixed test,
// a flaky one, a cascading chain, a static tier with new, unchanged and removed findings, three phases.
AttemptResult rejected() {
  AttemptResult r;
  r.attempt_id = "20261122T000000Z-abcdef";
  r.snapshot = r.attempt_id;
  r.started = "2026-11-22T00:00:00Z";
  r.verdict = Verdict::rejected;
  r.reason = "2 test(s) broken by the fix: FormatterTest.TwoDecimals & <one more>";
  r.build = {true, true, 2.5, {}, ""};
  r.files_changed = {{"formatter/formatter.cpp", FileStatus::modified}};

  TestOutcome two = outcome("FormatterTest.TwoDecimals", Transition::PASS_TO_FAIL, RunStatus::passed, RunStatus::failed);
  two.observed = "passed 1 of 1 run without the fix, failed 5 of 5 runs with it";
  two.reruns = {RunStatus::failed, RunStatus::failed};
  two.first_failure = FailedAssertion{{"formatter/formatter_test.cpp", 5},
                                      "Expected equality of these values:\n  calc::format_number(3.14159)\n"
                                      "    Which is: \"3.142\"\n  \"3.14\""};
  two.defined_at = {"formatter/formatter_test.cpp", 3};
  TestOutcome hostile = outcome(kHostile, Transition::PASS_TO_FAIL, RunStatus::passed, RunStatus::failed);
  hostile.first_failure = FailedAssertion{{}, std::string("threw \x01\xff<boom>", 14)};
  TestOutcome fixed = outcome("MathTest.MeanOfThreeValues", Transition::FAIL_TO_PASS, RunStatus::failed, RunStatus::passed);
  TestOutcome flaky = outcome("NetTest.Retry", Transition::FLAKY, RunStatus::passed, RunStatus::failed);
  flaky.reruns = {RunStatus::passed, RunStatus::failed};
  TestOutcome same = outcome("MathTest.Sum", Transition::PASS_TO_PASS, RunStatus::passed, RunStatus::passed);
  r.tests = {two, hostile, fixed, flaky, same};

  CascadeEntry cascade;
  cascade.test = "FormatterTest.TwoDecimals";
  cascade.kind = CascadeKind::cascading;
  cascade.changed_file = "formatter/formatter.cpp";
  cascade.chain = {"formatter_test", "formatter", "formatter/formatter.cpp"};
  cascade.candidates = {{cascade.changed_file, cascade.chain}};
  r.cascading = {cascade};

  TierResult tests_tier;
  tests_tier.name = "tests";
  tests_tier.kind = TierKind::ctest;
  tests_tier.status = TierStatus::failed;
  tests_tier.reason = "2 regression(s)";
  TierResult stat;
  stat.name = "static";
  stat.kind = TierKind::cppcheck;
  stat.required = false;
  stat.status = TierStatus::failed;
  stat.reason = "1 new finding";
  Finding fresh{"knownConditionTrueFalse", "mathlib/mathlib.cpp", 12, 3, "style", "Condition 'n<0' is always false",
                "fp1", FindingState::new_, "frame #0 in mean()", false};
  Finding old{"unusedFunction", "mathlib/old.cpp", 40, 1, "style", "The function 'legacy' is never used", "fp2",
              FindingState::unchanged, "", false};
  Finding gone{"nullPointer", "mathlib/gone.cpp", 7, 1, "error", "Null pointer dereference", "fp3",
               FindingState::absent, "", true};
  stat.findings = {fresh, old, gone};
  r.tiers = {tests_tier, stat};
  r.durations = {{"baseline", 1.0}, {"build", 2.0}, {"test", 0.0}, {"rollback", 1.0}};
  return r;
}

TEST(HtmlText, ReplacesInvalidUtf8AndShowsControlCharacters) {
  EXPECT_EQ(html_text("plain <&\"> text\ttab\nline\r"), "plain <&\"> text\ttab\nline\r");
  EXPECT_EQ(html_text(std::string("a\x01" "b\x1b[0m\x7f", 8)), "a\\x01b\\x1b[0m\\x7f");
  EXPECT_EQ(html_text(std::string("nul\0end", 7)), "nul\\x00end");
  EXPECT_EQ(html_text("bad \xff\xfe byte"), "bad \xEF\xBF\xBD\xEF\xBF\xBD byte");
  EXPECT_EQ(html_text("caf\xC3\xA9 \xE2\x86\x92"), "caf\xC3\xA9 \xE2\x86\x92");  // valid UTF-8 stays
}

TEST(HtmlReport, LeadsWithTheVerdictAndReason) {
  std::string html = attempt_html(rejected());
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>")) << html.substr(0, 200);
  size_t verdict = html.find("<header class=\"verdict rejected\"><div><h1 class=\"headline\">AutofixGate: Rejected</h1>"
                             "<p class=\"reason\">2 test(s) broken by the fix: FormatterTest.TwoDecimals &amp; "
                             "&lt;one more&gt;</p>");
  ASSERT_NE(verdict, std::string::npos) << html;
  EXPECT_LT(verdict, html.find("id=\"tests\"")) << "the verdict comes before everything else";
  EXPECT_TRUE(contains(html, "<title>AutofixGate: Rejected · 20261122T000000Z-abcdef</title>"));
}

TEST(HtmlReport, ShowsEveryRegressionFirstWithItsAssertion) {
  std::string html = attempt_html(rejected());
  const std::string two =
      "<div class=\"card test bad\"><h3><span class=\"badge bad\">PASS_TO_FAIL</span><span class=\"badge bad\">"
      "regression</span><code class=\"test-name\">FormatterTest.TwoDecimals</code></h3>"
      "<p>passed 1 of 1 run without the fix, failed 5 of 5 runs with it</p>"
      "<p class=\"where\">defined at formatter/formatter_test.cpp:3</p>"
      "<p class=\"where\">first failing assertion at formatter/formatter_test.cpp:5</p>"
      "<pre class=\"assertion\">Expected equality of these values:\n  calc::format_number(3.14159)\n"
      "    Which is: \"3.142\"\n  \"3.14\"</pre><p class=\"where\">re-runs: failed, failed</p></div>";
  EXPECT_TRUE(contains(html, two)) << html;
  const std::string hostile = "regression</span><code class=\"test-name\">" + kHostileEscaped + "</code></h3>" +
                              "<p class=\"where\">first failing assertion</p>"
                              "<pre class=\"assertion\">threw \\x01\xEF\xBF\xBD&lt;boom&gt;</pre>";
  EXPECT_TRUE(contains(html, hostile)) << html;
  // Regressions, then the flaky test, then the fixed one; the unchanged test only by name, folded.
  size_t first = html.find(two), flaky = html.find(">NetTest.Retry<"), fixed = html.find(">MathTest.MeanOfThreeValues<");
  EXPECT_LT(first, flaky);
  EXPECT_LT(flaky, fixed);
  EXPECT_TRUE(contains(html, "<details><summary>1 test(s) unchanged or skipped</summary><ul class=\"mono\">"
                             "<li>MathTest.Sum (PASS_TO_PASS)</li></ul></details>"));
  EXPECT_TRUE(contains(html, "<span class=\"count\">PASS_TO_FAIL 2</span>"));
}

TEST(HtmlReport, DrawsTheChainFromTheChangedFileToTheTest) {
  std::string html = attempt_html(rejected());
  EXPECT_TRUE(contains(html, "<div class=\"chain\"><span class=\"node file\">formatter/formatter.cpp</span>"
                             "<span class=\"arrow\">→</span><span class=\"node target\">formatter</span>"
                             "<span class=\"arrow\">→</span><span class=\"node target\">formatter_test</span>"
                             "<span class=\"arrow\">→</span><span class=\"node test\">FormatterTest.TwoDecimals</span></div>"))
      << html;
}

TEST(HtmlReport, ListsNewFindingsInFullAndCountsTheOthers) {
  std::string html = attempt_html(rejected());
  EXPECT_TRUE(contains(html, "<li class=\"finding\"><span class=\"badge muted\">style</span><span class=\"badge\">not "
                             "blocking</span><code>knownConditionTrueFalse</code><span class=\"where\"> at "
                             "mathlib/mathlib.cpp:12</span><p>Condition 'n&lt;0' is always false</p>"
                             "<pre>frame #0 in mean()</pre></li>"))
      << html;
  EXPECT_TRUE(contains(html, "1 unchanged finding(s) (there without the fix too; listed in report.json), 1 removed by the fix"));
  EXPECT_FALSE(contains(html, "legacy")) << "unchanged findings are counted, not listed";
  EXPECT_FALSE(contains(html, "Null pointer")) << "removed findings are counted, not listed";
}

TEST(HtmlReport, ShowsFlakyReRunsAndTheTimeline) {
  std::string html = attempt_html(rejected());
  EXPECT_TRUE(contains(html, "<li><code>NetTest.Retry</code>: with the fix failed, then re-runs: passed, failed</li>")) << html;
  // Three phases with time as bars (the 0 s one only in the legend), 1000 units wide in all.
  EXPECT_TRUE(contains(html, "<rect class=\"c0\" x=\"0.00\" y=\"0\" width=\"250.00\" height=\"20\"><title>baseline 1.00 s (25%)</title></rect>"
                             "<rect class=\"c1\" x=\"250.00\" y=\"0\" width=\"500.00\" height=\"20\"><title>build 2.00 s (50%)</title></rect>"
                             "<rect class=\"c3\" x=\"750.00\" y=\"0\" width=\"250.00\" height=\"20\"><title>rollback 1.00 s (25%)</title></rect></svg>"))
      << html;
  EXPECT_TRUE(contains(html, "<li><span class=\"swatch c2\"></span>test 0.00 s (0%)</li>"));
}

// Nothing is loaded from anywhere and nothing runs: no script, no external resource, and a policy that
// forbids both should a future change add one.
TEST(HtmlReport, IsSelfContained) {
  std::string html = attempt_html(rejected());
  EXPECT_FALSE(contains(html, "<script")) << "the hostile test name must arrive escaped";
  for (const char* load : {"http://", "https://", " src=", "url(", "@import", "<link", "<img", "<iframe", "<object"})
    EXPECT_FALSE(contains(html, load)) << load;
  EXPECT_TRUE(contains(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                             "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\"/>"));
  // Every link points into the page.
  std::smatch m;
  for (std::string rest = html; std::regex_search(rest, m, std::regex("href=\"([^\"]*)\"")); rest = m.suffix())
    EXPECT_TRUE(m[1].str().starts_with("#")) << m[1];
  // An HTML parser reads "<div/>" as an opening tag: only void elements may close themselves.
  for (std::string rest = html; std::regex_search(rest, m, std::regex("<([a-z]+)[^<>]*/>")); rest = m.suffix())
    EXPECT_EQ(m[1], "meta") << m[0];
}

// The page is well-formed XML too, and every stranger's text reads back exactly as html_text() made it.
TEST(HtmlReport, StrangerTextReadsBackExactly) {
  AttemptResult r = rejected();
  r.tests.push_back(outcome(std::string("Ctl\x02Name\xc3(", 10), Transition::NEW, RunStatus::not_run, RunStatus::failed));
  std::string html = attempt_html(r);
  pugi::xml_document doc;
  std::string body = html.substr(html.find('\n') + 1);
  ASSERT_TRUE(doc.load_string(body.c_str())) << body;
  std::set<std::string> shown;
  for (pugi::xpath_node n : doc.select_nodes("//code[@class='test-name']")) shown.insert(n.node().text().get());
  std::set<std::string> expected = {"FormatterTest.TwoDecimals", kHostile, "MathTest.MeanOfThreeValues",
                                    "NetTest.Retry", "Ctl\\x02Name\xEF\xBF\xBD("};
  EXPECT_EQ(shown, expected);
  // The new failing test is a regression too.
  pugi::xpath_node ctl = doc.select_node("//code[@class='test-name'][starts-with(., 'Ctl')]/..");
  EXPECT_STREQ(ctl.node().child("span").next_sibling("span").text().get(), "regression");
}

TEST(HtmlReport, AcceptedAttemptHasNoRegressionsOrChains) {
  AttemptResult r;
  r.attempt_id = "20261122T000000Z-123456";
  r.verdict = Verdict::accepted;
  r.reason = "1 test fixed, no regression";
  r.on_accept = OnAccept::branch;
  r.branch = "autofix/" + r.attempt_id;
  r.tests = {outcome("MathTest.MeanOfThreeValues", Transition::FAIL_TO_PASS, RunStatus::failed, RunStatus::passed)};
  std::string html = attempt_html(r);
  EXPECT_TRUE(contains(html, "<header class=\"verdict accepted\"><div><h1 class=\"headline\">AutofixGate: Accepted</h1>"));
  EXPECT_TRUE(contains(html, "<div class=\"card test good\"><h3><span class=\"badge good\">FAIL_TO_PASS</span>"
                             "<code class=\"test-name\">MathTest.MeanOfThreeValues</code></h3>"));
  for (const char* absent : {">regression<", "id=\"chains\"", "id=\"tiers\"", "id=\"flaky\"", "id=\"timeline\""})
    EXPECT_FALSE(contains(html, absent)) << absent;
}

// A regression's excerpt under its assertion, a finding's under its message: numbered lines, the line it is
// about marked, every character of the source escaped (a line that closes a script and opens markup, an
// ampersand), a cut line said to be cut.
TEST(HtmlReport, ShowsSourceExcerptsEscapedWithTheirLineMarked) {
  AttemptResult r = rejected();
  r.tests[0].excerpt = SourceExcerpt{"formatter/formatter_test.cpp", 5, 4,
                                     {"", "TEST(FormatterTest, TwoDecimals) { EXPECT_EQ(f(), \"3.14\"); }",
                                      "  s = \"</script><b>\" && x;  // caf\xC3\xA9", "\tindented \x01"},
                                     {7}};
  r.tiers[1].findings[0].excerpt = SourceExcerpt{"mathlib/mathlib.cpp", 12, 12, {"  if (n < 0 & m) return;"}, {}};
  std::string html = attempt_html(r);
  const std::string test_excerpt =
      "<pre class=\"assertion\">Expected equality of these values:\n  calc::format_number(3.14159)\n"
      "    Which is: \"3.142\"\n  \"3.14\"</pre>"
      "<table class=\"excerpt\"><caption>formatter/formatter_test.cpp:5</caption><tbody>"
      "<tr><td class=\"ln\">4</td><td class=\"src\"></td></tr>"
      "<tr class=\"hit\"><td class=\"ln\">5</td><td class=\"src\">TEST(FormatterTest, TwoDecimals) { EXPECT_EQ(f(), "
      "\"3.14\"); }</td></tr>"
      "<tr><td class=\"ln\">6</td><td class=\"src\">  s = \"&lt;/script&gt;&lt;b&gt;\" &amp;&amp; x;  // caf\xC3\xA9</td></tr>"
      "<tr><td class=\"ln\">7</td><td class=\"src\">\tindented \\x01<span class=\"cut\"> \u2026 (line cut)</span></td></tr>"
      "</tbody></table><p class=\"where\">re-runs: failed, failed</p>";
  EXPECT_TRUE(contains(html, test_excerpt)) << html;
  EXPECT_TRUE(contains(html, "<p>Condition 'n&lt;0' is always false</p><table class=\"excerpt\"><caption>"
                             "mathlib/mathlib.cpp:12</caption><tbody><tr class=\"hit\"><td class=\"ln\">12</td>"
                             "<td class=\"src\">  if (n &lt; 0 &amp; m) return;</td></tr></tbody></table><pre>frame #0 in mean()</pre>"))
      << html;
  EXPECT_FALSE(contains(html, "<b>")) << "no markup from the source";
  EXPECT_FALSE(contains(html, "</script>"));
  // As XML, the page reads back the lines exactly.
  pugi::xml_document doc;
  std::string body = html.substr(html.find('\n') + 1);
  ASSERT_TRUE(doc.load_string(body.c_str())) << body;
  Strings lines;
  for (pugi::xpath_node n : doc.select_nodes("//table[@class='excerpt'][1]//tr[@class='hit']/td[@class='src']"))
    lines.push_back(n.node().text().get());
  EXPECT_EQ(lines, (Strings{"TEST(FormatterTest, TwoDecimals) { EXPECT_EQ(f(), \"3.14\"); }", "  if (n < 0 & m) return;"}));
}

// A merged result says which shard ran each test and which shards ran each tier; others say nothing of shards.
TEST(HtmlReport, AMergedResultNamesTheShards) {
  AttemptResult r = rejected();
  EXPECT_FALSE(contains(attempt_html(r), "shard"));
  r.tests[0].shard = 2;
  r.tiers[0].shards = {1, 2, 3};
  r.tiers[1].shards = {1};
  std::string html = attempt_html(r);
  EXPECT_TRUE(contains(html, "<p class=\"where\">re-runs: failed, failed</p><p class=\"where shard\">ran in shard 2</p></div>"))
      << html;
  EXPECT_TRUE(contains(html, "<span class=\"where\"> · ctest, required · 0.0 s · ran in shards 1, 2, 3</span>")) << html;
  EXPECT_TRUE(contains(html, "<span class=\"where\"> · cppcheck, advisory · 0.0 s · ran in shard 1</span>")) << html;
}

}  // namespace
}  // namespace autofix::reporters
