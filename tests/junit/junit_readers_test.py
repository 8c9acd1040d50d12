#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tests of junit_readers.py: each rule it re-implements, on small JUnit files written here."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import junit_readers  # noqa: E402


class Files(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="junit readers ")
        self.dir = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path


class GitLabTest(Files):
    def test_status_comes_from_the_first_of_failure_error_skipped_and_keys_must_differ(self):
        path = self.write("a.xml", """<testsuites><testsuite name="s">
            <testcase classname="C" name="fails"><failure/><error/></testcase>
            <testcase classname="C" name="errs"><error message="x"/></testcase>
            <testcase classname="C" name="skips"><skipped/></testcase>
            <testcase classname="C" name="flaky"><flakyFailure type="t"><stackTrace/></flakyFailure></testcase>
            <testcase classname="C" name="rerun"><rerunFailure type="t"><stackTrace/></rerunFailure></testcase>
            <testcase classname="C" name="dup" file="a.cpp"/>
            <testcase classname="C" name="dup"/>
            <testsuite name="nested"><testcase classname="C" name="dup"/></testsuite>
          </testsuite></testsuites>""")
        g = junit_readers.gitlab(path)
        # flakyFailure and rerunFailure are not read: both cases are successes.
        self.assertEqual(g["counts"], {"success": 4, "failed": 1, "skipped": 1, "error": 1, "total": 7})
        self.assertEqual(g["duplicates"], ["s/C/dup"])
        self.assertEqual([c["file"] for c in g["cases"] if c["name"] == "dup"], ["a.cpp", None, None])
        self.assertEqual(g["cases"][-1]["suite"], "nested")

    def test_a_testsuite_root_is_read_and_cases_outside_a_suite_are_not(self):
        root = self.write("b.xml", '<testsuite name="one"><testcase classname="C" name="n"/></testsuite>')
        self.assertEqual(junit_readers.gitlab(root)["counts"]["total"], 1)
        bare = self.write("c.xml", '<testsuites><testcase classname="C" name="n"/></testsuites>')
        self.assertEqual(junit_readers.gitlab(bare)["counts"]["total"], 0)


class MikepenzTest(Files):
    def annotations(self, xml, workspace=None):
        return junit_readers.mikepenz(self.write("r.xml", xml), workspace or self.dir)

    def test_testcase_file_and_line_win_over_the_failures(self):
        self.write("src/a_test.cpp", "")
        m = self.annotations("""<testsuite name="s" file="suite.cpp" line="1">
            <testcase classname="Suite" name="Case" file="src/a_test.cpp" line="12">
              <failure message="Expected 1" file="other.cpp" line="99">src/a_test.cpp:30: Failure</failure>
            </testcase></testsuite>""")
        self.assertEqual(m["annotations"], [{"path": "src/a_test.cpp", "line": 12, "title": "src/a_test.cpp.Case",
                                             "message": "Expected 1", "level": "failure", "retries": 0,
                                             "testcase": {"classname": "Suite", "name": "Case", "file": "src/a_test.cpp",
                                                          "line": "12"}}])

    def test_without_a_line_the_failure_text_is_searched_for_file_colon_line(self):
        m = self.annotations("""<testsuite name="s">
            <testcase classname="Suite" name="Case" file="a_test.cpp">
              <failure>at /x/a_test.cpp:7: first
 then /x/a_test.cpp:9: Failure</failure></testcase></testsuite>""")
        self.assertEqual((m["annotations"][0]["path"], m["annotations"][0]["line"]), ("a_test.cpp", 9))

    def test_without_a_file_the_classname_is_the_file_and_line_1(self):
        m = self.annotations("""<testsuite name="s"><testcase classname="ns.FormatterTest" name="TwoDecimals">
            <failure>one
two
three</failure></testcase></testsuite>""")
        a = m["annotations"][0]
        self.assertEqual((a["path"], a["line"], a["title"], a["message"]),
                         ("FormatterTest", 1, "FormatterTest.TwoDecimals", "one\ntwo"))

    def test_a_path_that_does_not_exist_is_globbed_as_name_dot_anything(self):
        self.write("lib/FormatterTest.cpp", "")
        self.write("build/FormatterTest.cpp", "")
        m = self.annotations("""<testsuite name="s"><testcase classname="FormatterTest" name="X">
            <error message="m"/></testcase></testsuite>""")
        self.assertEqual(m["annotations"][0]["path"], "lib/FormatterTest.cpp")

    def test_counts_title_and_flaky_notices(self):
        m = self.annotations("""<testsuite name="s">
            <testcase classname="C" name="C"><failure message="m"/></testcase>
            <testcase classname="C" name="two"><failure message="a"/><error message="b"/></testcase>
            <testcase classname="C" name="skipped"><skipped/></testcase>
            <testcase classname="C" name="disabled" status="disabled"/>
            <testcase classname="C" name="skipped failure"><skipped/><failure/></testcase>
            <testcase classname="C" name="flaky"><flakyFailure type="t"><stackTrace/></flakyFailure></testcase>
            <testcase classname="C" name="passes"/>
          </testsuite>""")
        self.assertEqual({k: m[k] for k in ("total", "passed", "failed", "skipped")},
                         {"total": 7, "passed": 2, "failed": 2, "skipped": 3})
        self.assertEqual([(a["title"], a["level"], a["retries"]) for a in m["annotations"]],
                         [("C", "failure", 0), ("C.two (failure 1/2)", "failure", 0),
                          ("C.two (failure 2/2)", "failure", 0), ("C.flaky", "notice", 1)])


class ValidateTest(Files):
    def test_our_shape_validates_with_file_and_line_on_a_testcase(self):
        path = self.write("ok.xml", """<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="s" tests="1" failures="1" errors="0" skipped="0" time="1.500">
  <testcase name="n" classname="c" time="1.500" file="a b/x.cpp" line="3">
    <failure message="m" type="PASS_TO_FAIL">text</failure>
    <rerunFailure message="r" type="failed"><stackTrace>s</stackTrace></rerunFailure>
  </testcase>
</testsuite>""")
        self.assertEqual(junit_readers.validate(path), [])

    def assert_invalid(self, name, xml, *schemas):
        problems = junit_readers.validate(self.write(name, xml))
        for schema in schemas:
            self.assertTrue(any(schema in p for p in problems), (schema, problems))
        return problems

    def test_what_the_schemas_refuse(self):
        self.assert_invalid("props.xml", """<testsuite name="s" tests="1" failures="0" errors="0" skipped="0">
            <testcase name="n" time="0"><properties><property name="a" value="b"/></properties></testcase>
            </testsuite>""", "junit-10.xsd", "surefire-test-report.xsd")
        self.assert_invalid("rerun.xml", """<testsuite name="s" tests="1" failures="1" errors="0" skipped="0">
            <testcase name="n" time="0"><failure/><rerunFailure message="m"/></testcase></testsuite>""",
                            "junit-10.xsd", "surefire-test-report.xsd")
        self.assert_invalid("suites.xml", '<testsuites><testsuite name="s" tests="0" failures="0" errors="0" '
                            'skipped="0"/></testsuites>', "surefire-test-report.xsd")
        self.assert_invalid("order.xml", """<testsuite name="s" tests="1" failures="1" errors="0" skipped="0">
            <testcase name="n" time="0"><system-out>x</system-out><failure type="t"/></testcase></testsuite>""",
                            "surefire-test-report.xsd")
        self.assert_invalid("notime.xml", """<testsuite name="s" tests="1" failures="0" errors="0" skipped="0">
            <testcase name="n"/></testsuite>""", "surefire-test-report.xsd")

    def test_a_location_anywhere_but_on_a_testcase_is_a_problem(self):
        problems = self.assert_invalid("suitefile.xml", """<testsuite name="s" tests="0" failures="0" errors="0"
            skipped="0" file="a.cpp"/>""")
        self.assertIn("`file` on <testsuite>", problems[0])

    def test_bytes_that_are_not_xml_are_refused(self):
        path = os.path.join(self.dir, "bad.xml")
        with open(path, "wb") as f:
            f.write(b'<testsuite name="\x01" tests="0" failures="0" errors="0" skipped="0"/>')
        self.assertIn("not well-formed", junit_readers.validate(path)[0])


class CheckTest(Files):
    def test_check_compares_both_readers_with_report_json(self):
        report = {"tests": [
            {"name": "A.pass", "ctest_test": "A.pass", "case": "", "after": {"status": "passed"}, "reruns": [],
             "transition": "PASS_TO_PASS", "first_failure": None},
            {"name": "gone", "ctest_test": "gone", "case": "", "after": None, "reruns": [], "transition": "MISSING",
             "first_failure": None},
            {"name": "bin", "ctest_test": "bin", "case": "", "after": {"status": "failed"}, "reruns": [],
             "transition": "PASS_TO_FAIL", "first_failure": None},
            {"name": "bin::S.c", "ctest_test": "bin", "case": "S.c", "after": {"status": "failed"}, "reruns": [],
             "transition": "PASS_TO_FAIL", "first_failure": {"file": "s test.cpp", "line": 4, "message": "m"}}],
            "tiers": [{"status": "failed", "required": False}], "risk": {"level": "normal"}}
        self.write("r/report.json", json.dumps(report))
        self.write("s test.cpp", "")
        self.write("r/junit.xml", """<testsuite name="t" tests="2" failures="1" errors="0" skipped="0">
            <testcase name="pass" classname="A" time="0"/>
            <testcase name="c" classname="S" time="0" file="s test.cpp" line="4"><failure type="PASS_TO_FAIL"/></testcase>
            </testsuite>""")
        self.write("r/junit-strict.xml", """<testsuite name="t" tests="2" failures="1" errors="0" skipped="0">
            <testcase name="pass" classname="A" time="0"/>
            <testcase name="c" classname="S" time="0"><failure type="PASS_TO_FAIL"/></testcase>
            </testsuite>""")
        self.write("r/autofix-tiers.xml", """<testsuite name="t" tests="1" failures="0" errors="0" skipped="1">
            <testcase name="x" classname="autofix.tier.command" time="0"><skipped/></testcase></testsuite>""")
        r = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "junit_readers.py"), "check",
                            os.path.join(self.dir, "r"), "--workspace", self.dir], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(json.loads(r.stdout)["problems"], [])

        # A count that disagrees is named.
        self.write("r/autofix-tiers.xml", """<testsuite name="t" tests="1" failures="1" errors="0" skipped="0">
            <testcase name="x" classname="autofix.tier.command" time="0"><failure type="t"/></testcase></testsuite>""")
        out = junit_readers.check(os.path.join(self.dir, "r"), self.dir)
        self.assertEqual(len(out["problems"]), 2, out["problems"])
        self.assertIn("autofix-tiers.xml: GitLab counts", out["problems"][0])
        self.assertIn("autofix-tiers.xml: mikepenz counts", out["problems"][1])

        # A regression annotated away from its first failing assertion is named, and so is a file the
        # workspace does not have.
        self.write("r/junit.xml", """<testsuite name="t" tests="2" failures="1" errors="0" skipped="0">
            <testcase name="pass" classname="A" time="0"/>
            <testcase name="c" classname="S" time="0" file="gone.cpp" line="9"><failure type="PASS_TO_FAIL"/></testcase>
            </testsuite>""")
        problems = junit_readers.check(os.path.join(self.dir, "r"), self.dir)["problems"]
        self.assertIn("junit.xml: S.c is at gone.cpp, which the workspace does not have", problems)
        self.assertIn("junit.xml: no annotation at s test.cpp:4, a regression's first failing assertion", problems)

    def test_strict_file_is_valid_as_written_and_the_same_cases(self):
        junit = """<testsuite name="t" tests="1" failures="0" errors="0" skipped="0">
            <testcase name="pass" classname="A" time="0" file="a.cpp" line="3"/></testsuite>"""
        self.write("junit.xml", junit)
        strict = os.path.join(self.dir, "junit-strict.xml")
        self.write("junit-strict.xml", junit.replace(' file="a.cpp" line="3"', ""))
        self.assertEqual(junit_readers.check_strict(os.path.join(self.dir, "junit.xml"), strict), [])
        # file/line left in: invalid against both schemas, and not junit.xml without them.
        self.write("junit-strict.xml", junit)
        problems = junit_readers.check_strict(os.path.join(self.dir, "junit.xml"), strict)
        self.assertEqual([p.split(":")[1].strip() for p in problems], ["invalid against junit-10.xsd",
                                                                       "invalid against surefire-test-report.xsd",
                                                                       "not junit.xml without testcase@file and @line"])
        # Valid, but another test case than junit.xml's.
        self.write("junit-strict.xml", junit.replace(' file="a.cpp" line="3"', "").replace("pass", "other"))
        self.assertEqual(junit_readers.check_strict(os.path.join(self.dir, "junit.xml"), strict),
                         [f"{strict}: not junit.xml without testcase@file and @line"])
        os.remove(strict)
        self.assertEqual(junit_readers.check_strict(os.path.join(self.dir, "junit.xml"), strict), [f"{strict}: missing"])


if __name__ == "__main__":
    unittest.main()
