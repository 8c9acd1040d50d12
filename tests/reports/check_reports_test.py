#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Tests of check_reports.py and, through it, of the report writers:

  SampleReportsTest   the report sets sample_reports writes from hand-built attempts (every tier kind and
                      finding state, strange paths and rule ids) hold against the SARIF schema, GitHub's
                      upload rules and GitLab's Code Quality rules, and carry what they must;
  GitHubRulesTest, CodeQualityRulesTest, SchemaTest
                      the checker finds each kind of breach (a check that cannot fail proves nothing).

    check_reports_test.py --schemas DIR --samples SAMPLE_REPORTS_BINARY [unittest arguments]
"""
import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest

import check_reports as cr

ARGS = None


def valid_upload():
    """A minimal SARIF log that meets every rule check_reports holds autofix.sarif to."""
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "cppcheck", "semanticVersion": "2.10.0", "rules": [{
                "id": "nullPointer",
                "shortDescription": {"text": "cppcheck check nullPointer"},
                "fullDescription": {"text": "A null pointer."},
                "help": {"text": "Do not.", "markdown": "Do **not**."},
                "properties": {"tags": ["cppcheck"], "precision": "high", "problem.severity": "error"},
            }]}},
            "automationDetails": {"id": "static/"},
            "originalUriBaseIds": {"SRCROOT": {"description": {"text": "root"}}},
            "results": [{
                "ruleId": "nullPointer", "ruleIndex": 0, "level": "error", "message": {"text": "null"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": "src/a%20b.cpp", "uriBaseId": "SRCROOT"},
                                                    "region": {"startLine": 3, "startColumn": 2}}}],
                "partialFingerprints": {"primaryLocationLineHash": "0123"},
                "baselineState": "new",
            }],
        }],
    }


def valid_code_quality():
    return [{"description": "d", "check_name": "cppcheck/x", "fingerprint": "f1", "severity": "minor",
             "location": {"path": "src/a.cpp", "lines": {"begin": 3}}}]


def upload_problems(doc):
    return cr.github_upload_problems(doc, json.dumps(doc).encode())


class SampleReportsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="sample reports ")
        cls.out = os.path.join(cls.tmp.name, "report sets")
        subprocess.run([ARGS.samples, cls.out], check=True)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def load(self, attempt, name):
        with open(os.path.join(self.out, attempt, name), encoding="utf-8") as f:
            return json.load(f)

    def test_every_sample_holds(self):
        for attempt in ("every-kind", "nothing-new", "no-tiers"):
            with self.subTest(attempt=attempt):
                self.assertEqual(cr.check_report_dir(os.path.join(self.out, attempt), ARGS.schemas), [])

    def test_the_upload_log_has_the_new_findings_with_a_location(self):
        runs = self.load("every-kind", "autofix.sarif")["runs"]
        counts = {run["automationDetails"]["id"]: len(run["results"]) for run in runs}
        # The ctest tier "unit" has no run: its regression is the tests run's.
        self.assertEqual(counts, {"autofix-gate/tests/": 2, "static/": 3, "cppcheck/": 2, "secrets/": 3, "asan/": 3,
                                  "lint/": 0})
        full = self.load("every-kind", "autofix-full.sarif")["runs"]
        self.assertEqual([len(run["results"]) for run in full], [4, 5, 3, 3, 4, 2])

    def test_test_regressions_are_placed_at_their_assertion(self):
        run = self.load("every-kind", "autofix.sarif")["runs"][0]
        self.assertEqual(run["tool"]["driver"]["name"], "autofix-gate tests")
        places = [(r["properties"]["test"], r["locations"][0]["physicalLocation"]) for r in run["results"]]
        self.assertEqual(places, [
            ("calc_test::Calc.Adds", {"artifactLocation": {"uri": "tests/calc%20%231%25.cpp", "uriBaseId": "SRCROOT"},
                                      "region": {"startLine": 7, "startColumn": 1, "endLine": 7, "endColumn": 47,
                                                 "snippet": {"text": '  EXPECT_EQ(add(1, 1), 3) << "</script><b> &";'}},
                                      "contextRegion": {"startLine": 6, "endLine": 8, "snippet": {
                                          "text": 'TEST(Calc, Adds) {\n  EXPECT_EQ(add(1, 1), 3) << "</script><b> &";\n}'}}}),
            ("calc_test::Calc.Throws", {"artifactLocation": {"uri": "tests/calc_test.cpp", "uriBaseId": "SRCROOT"},
                                        "region": {"startLine": 20}})])
        self.assertEqual([r["ruleId"] for r in run["results"]], ["test-regression"] * 2)
        self.assertEqual(run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"].split(" ", 1)[0], "2")
        full = self.load("every-kind", "autofix-full.sarif")["runs"][0]
        self.assertEqual([r["properties"]["test"] for r in full["results"] if "locations" not in r],
                         ["calc_test::Calc.\u00e9t\u00e9 [x]*", "selfcheck"])

    def test_a_findings_region_is_in_utf16_code_units_with_an_end(self):
        run = self.load("every-kind", "autofix.sarif")["runs"][1]
        self.assertEqual(run["columnKind"], "utf16CodeUnits")
        physical = run["results"][0]["locations"][0]["physicalLocation"]
        self.assertEqual(physical["region"], {"startLine": 4, "startColumn": 9, "endLine": 4, "endColumn": 14,
                                              "snippet": {"text": "count"}})
        self.assertEqual(physical["contextRegion"]["startLine"], 2)
        self.assertEqual(physical["contextRegion"]["snippet"]["text"].splitlines()[2], "  caf\u00e9= count / 2;")

    def test_runs_without_results_are_uploadable(self):
        runs = self.load("nothing-new", "autofix.sarif")["runs"]
        self.assertEqual([(r["automationDetails"]["id"], len(r["results"])) for r in runs],
                         [("autofix-gate/tests/", 0), ("static/", 0), ("secrets/", 0)])
        self.assertEqual(cr.check_report_dir(os.path.join(self.out, "nothing-new"), ARGS.schemas), [])

    def test_security_rules(self):
        for run in self.load("every-kind", "autofix.sarif")["runs"]:
            kind = run["automationDetails"]["id"]
            for rule in run["tool"]["driver"]["rules"]:
                tagged = "security" in rule["properties"]["tags"]
                self.assertEqual(tagged, kind in ("secrets/", "asan/"), rule["id"])
                self.assertEqual("security-severity" in rule["properties"], tagged, rule["id"])

    def test_code_quality_has_the_new_findings_of_the_analyses(self):
        entries = self.load("every-kind", "gl-code-quality-report.json")
        self.assertEqual([e["check_name"] for e in entries], [
            "clang-tidy/bugprone-integer-division", "clang-tidy/clang-analyzer-core.NullDereference",
            "clang-tidy/clang-diagnostic-error", "cppcheck/shadowFunction", "cppcheck/passedByValue",
            "secrets/aws-access-key-id", "secrets/stripe-key", "secrets/rule `with` ``backticks``",
            "sanitizers/heap-buffer-overflow", "sanitizers/memory leak", "sanitizers/never-seen-kind"])
        self.assertEqual(entries[3]["location"], {"path": "src/\u00e9t\u00e9.cpp", "lines": {"begin": 3}})
        self.assertEqual(self.load("nothing-new", "gl-code-quality-report.json"), [])
        self.assertEqual(self.load("no-tiers", "gl-code-quality-report.json"), [])


class GitHubRulesTest(unittest.TestCase):
    def assertBreach(self, mutate, expected):
        doc = valid_upload()
        mutate(doc)
        problems = upload_problems(doc)
        self.assertTrue(any(expected in p for p in problems), f"{expected!r} not in {problems}")

    def test_the_valid_log_holds(self):
        self.assertEqual(upload_problems(valid_upload()), [])

    def run0(self, doc):
        return doc["runs"][0]

    def rule0(self, doc):
        return doc["runs"][0]["tool"]["driver"]["rules"][0]

    def result0(self, doc):
        return doc["runs"][0]["results"][0]

    def location0(self, doc):
        return doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]

    def test_log_and_run_breaches(self):
        self.assertBreach(lambda d: d.pop("$schema"), "$.$schema: required")
        self.assertBreach(lambda d: d.update(runs=[copy.deepcopy(d["runs"][0]) for _ in range(21)]), "at most 20")
        self.assertBreach(lambda d: self.run0(d)["tool"]["driver"].pop("rules"), "rules: required array")
        self.assertBreach(lambda d: self.run0(d)["tool"]["driver"].update(semanticVersion="2.10"), "Semantic Versioning")
        self.assertBreach(lambda d: self.run0(d).update(results=[self.result0(d)] * 25001), "at most 25000 per run")
        self.assertBreach(lambda d: d["runs"].append(copy.deepcopy(d["runs"][0])), "a second run of 'cppcheck'")
        self.assertBreach(lambda d: self.run0(d)["originalUriBaseIds"]["SRCROOT"].update(uri="src/"), "absolute URI")

    def test_rule_breaches(self):
        self.assertBreach(lambda d: self.rule0(d).pop("fullDescription"), "fullDescription.text: required")
        self.assertBreach(lambda d: self.rule0(d)["shortDescription"].update(text="x" * 1025), "longer than 1024")
        self.assertBreach(lambda d: self.rule0(d)["help"].update(text=""), "help.text: required")
        self.assertBreach(lambda d: self.rule0(d)["properties"].update(precision="certain"), "precision")
        self.assertBreach(lambda d: self.rule0(d)["properties"].update(tags=[str(i) for i in range(21)]), "more than 20")
        self.assertBreach(lambda d: self.rule0(d)["properties"].update(**{"problem.severity": "note"}), "problem.severity")
        self.assertBreach(lambda d: self.rule0(d)["properties"].update(tags=["security"], **{"security-severity": 9.5}),
                          "must be a string")
        for score in ("0.0", "10.1", "high", "nan"):
            self.assertBreach(lambda d: self.rule0(d)["properties"].update(tags=["security"], **{"security-severity": score}),
                              "not a number above 0.0 up to 10.0")
        self.assertBreach(lambda d: self.rule0(d)["properties"].update(**{"security-severity": "5.0"}), "only with the tag")
        self.assertBreach(lambda d: self.rule0(d)["properties"].update(tags=["security"]), "needs one")

    def test_result_breaches(self):
        self.assertBreach(lambda d: self.result0(d).update(ruleId="other"), "'other' is no rule of the run")
        self.assertBreach(lambda d: self.result0(d).update(ruleIndex=3), "ruleIndex")
        self.assertBreach(lambda d: self.result0(d).update(baselineState="unchanged"), "only new results")
        self.assertBreach(lambda d: self.result0(d).pop("partialFingerprints"), "primaryLocationLineHash: required")
        self.assertBreach(lambda d: self.result0(d).pop("locations"), "at least one is required")
        self.assertBreach(lambda d: self.result0(d).update(locations=self.result0(d)["locations"] * 11), "more than 10")
        self.assertBreach(lambda d: self.result0(d).update(message={"text": ""}), "message.text: required")

    def test_location_breaches(self):
        for uri, why in (("file:///src/a.cpp", "is not relative"), ("/src/a.cpp", "is absolute"),
                         ("./src/a.cpp", "starts with './'"), ("src/../a.cpp", "'..' segment"),
                         ("src/a b.cpp", "characters to percent-encode"), ("src/a%zz.cpp", "characters to percent-encode")):
            self.assertBreach(lambda d: self.location0(d)["artifactLocation"].update(uri=uri), why)
        self.assertBreach(lambda d: self.location0(d)["artifactLocation"].pop("uriBaseId"), "not SRCROOT")
        self.assertBreach(lambda d: self.run0(d).pop("originalUriBaseIds"), "not in the run's originalUriBaseIds")
        self.assertBreach(lambda d: self.location0(d).pop("region"), "startLine: required")
        self.assertBreach(lambda d: self.location0(d)["region"].update(startLine=0), "startLine: required")
        self.assertBreach(lambda d: self.location0(d)["region"].update(startColumn=0), "startColumn: must be 1 or more")
        self.assertBreach(lambda d: self.location0(d)["region"].update(endLine=2), "endLine: before startLine")
        self.assertBreach(lambda d: self.location0(d)["region"].update(endLine=3, endColumn=1), "before startColumn on one line")
        self.assertBreach(lambda d: self.location0(d).update(contextRegion={"startLine": 4, "endLine": 6}),
                          "contextRegion: does not hold lines 3 to 3 of the region")


class CodeQualityRulesTest(unittest.TestCase):
    def problems(self, doc, raw=None):
        schema = cr.load_schema(ARGS.schemas, cr.GITLAB_SCHEMA)
        return cr.code_quality_problems(raw if raw is not None else json.dumps(doc).encode(), schema)

    def assertBreach(self, mutate, expected):
        doc = valid_code_quality()
        mutate(doc)
        problems = self.problems(doc)
        self.assertTrue(any(expected in p for p in problems), f"{expected!r} not in {problems}")

    def test_the_valid_report_holds(self):
        self.assertEqual(self.problems(valid_code_quality()), [])
        self.assertEqual(self.problems([]), [])
        positions = valid_code_quality()
        positions[0]["location"] = {"path": "a.cpp", "positions": {"begin": {"line": 2, "column": 1}}}
        self.assertEqual(self.problems(positions), [])

    def test_breaches(self):
        self.assertEqual(self.problems(None, b"\xef\xbb\xbf[]"), ["$: starts with a byte order mark, which GitLab's parser refuses"])
        self.assertEqual(self.problems({"a": 1}), ["$: must be a JSON array"])
        self.assertBreach(lambda d: d[0].pop("fingerprint"), "'fingerprint' is a required property")  # GitLab's schema
        self.assertBreach(lambda d: d[0].update(fingerprint=7), "7 is not of type 'string'")
        self.assertBreach(lambda d: d[0].pop("check_name"), "check_name: required")
        self.assertBreach(lambda d: d[0].update(severity="high"), "'high' is none of")
        self.assertBreach(lambda d: d[0]["location"].update(path="./src/a.cpp"), "starts with './'")
        self.assertBreach(lambda d: d[0]["location"].update(path="/src/a.cpp"), "is absolute")
        self.assertBreach(lambda d: d[0]["location"].pop("lines"), "lines.begin: required")
        self.assertBreach(lambda d: d[0]["location"]["lines"].update(begin=0), "lines.begin: required")
        self.assertBreach(lambda d: d.append(copy.deepcopy(d[0])), "the same as $[0]")


class SchemaTest(unittest.TestCase):
    def test_the_sarif_schema_is_applied(self):
        schema = cr.load_schema(ARGS.schemas, cr.SARIF_SCHEMA)
        self.assertEqual(cr.schema_problems(valid_upload(), schema), [])
        doc = valid_upload()
        doc["version"] = "2.0.0"
        doc["runs"][0]["results"][0]["level"] = "fatal"
        doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
        doc["runs"][0]["unknown"] = 1
        problems = cr.schema_problems(doc, schema)
        for expected in ("$.version: '2.0.0' is not one of ['2.1.0']", "'fatal' is not one of",
                         "region.startLine: 0 is less than the minimum of 1", "'unknown' was unexpected"):
            self.assertTrue(any(expected in p for p in problems), f"{expected!r} not in {problems}")


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--schemas", required=True)
    parser.add_argument("--samples", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
