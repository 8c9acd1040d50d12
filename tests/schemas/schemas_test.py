#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The JSON Schemas under docs/schemas/ (python3-jsonschema, draft 2020-12): each is a valid schema; the
configurations in tests/data/config/valid and the one docs/configuration.md shows are valid against
autofix-gate.schema.json, and every file in tests/data/config/invalid is not (the unit test
ConfigSchema.* checks that the gate itself agrees on each file). Reports are checked where they are
written: tests/unit/report_reader_test.cpp and the end-to-end attempts.

    schemas_test.py --root SOURCE_DIR [unittest arguments]
"""
import argparse
import glob
import json
import os
import re
import sys
import unittest

import jsonschema

ROOT = None


def schema(name):
    with open(os.path.join(ROOT, "docs", "schemas", name), encoding="utf-8") as f:
        return json.load(f)


def config_files(kind):
    files = sorted(glob.glob(os.path.join(ROOT, "tests", "data", "config", kind, "*.json")))
    assert files, f"no configurations in tests/data/config/{kind}"
    return files


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class SchemaTest(unittest.TestCase):
    def test_both_are_valid_schemas(self):
        for name in ("report.schema.json", "autofix-gate.schema.json", "batch.schema.json", "batch-report.schema.json"):
            with self.subTest(name):
                jsonschema.Draft202012Validator.check_schema(schema(name))

    def test_the_valid_configurations_pass(self):
        validator = jsonschema.Draft202012Validator(schema("autofix-gate.schema.json"))
        for path in config_files("valid"):
            with self.subTest(os.path.basename(path)):
                self.assertEqual([e.message for e in validator.iter_errors(load(path))], [])

    def test_each_invalid_configuration_fails(self):
        validator = jsonschema.Draft202012Validator(schema("autofix-gate.schema.json"))
        for path in config_files("invalid"):
            with self.subTest(os.path.basename(path)):
                self.assertFalse(validator.is_valid(load(path)), f"{path} passed the schema")

    def test_the_documented_example_passes(self):
        with open(os.path.join(ROOT, "docs", "configuration.md"), encoding="utf-8") as f:
            text = f.read()
        example = re.search(r"## Format \(version 1\)\n.*?```json\n(.*?)\n```", text, re.S)
        self.assertIsNotNone(example, "docs/configuration.md has no example under '## Format (version 1)'")
        validator = jsonschema.Draft202012Validator(schema("autofix-gate.schema.json"))
        self.assertEqual([e.message for e in validator.iter_errors(json.loads(example.group(1)))], [])

    def test_the_documented_batch_file_passes(self):
        with open(os.path.join(ROOT, "docs", "batch.md"), encoding="utf-8") as f:
            text = f.read()
        example = re.search(r"## The batch file \(version 1\)\n.*?```json\n(.*?)\n```", text, re.S)
        self.assertIsNotNone(example, "docs/batch.md has no example under '## The batch file (version 1)'")
        validator = jsonschema.Draft202012Validator(schema("batch.schema.json"))
        self.assertEqual([e.message for e in validator.iter_errors(json.loads(example.group(1)))], [])

    def test_batch_files_the_gate_refuses_fail_the_schema(self):
        validator = jsonschema.Draft202012Validator(schema("batch.schema.json"))
        fix = {"id": "a", "patch": "a.diff"}
        refused = {
            "unknown key": {"version": 1, "fixes": [fix], "strategyy": "best_effort"},
            "no fixes": {"version": 1, "fixes": []},
            "both": {"version": 1, "fixes": [{"id": "a", "patch": "a.diff", "fixer": ["x"]}]},
            "neither": {"version": 1, "fixes": [{"id": "a"}]},
            "patch with timeout": {"version": 1, "fixes": [{"id": "a", "patch": "a.diff", "timeout": 3}]},
            "blank in id": {"version": 1, "fixes": [{"id": "a b", "patch": "a.diff"}]},
            "unknown strategy": {"version": 1, "strategy": "best", "fixes": [fix]},
        }
        for name, doc in refused.items():
            with self.subTest(name):
                self.assertFalse(validator.is_valid(doc), f"{name} passed the schema")

    def test_a_report_missing_a_required_key_fails(self):
        validator = jsonschema.Draft202012Validator(schema("report.schema.json"))
        errors = [e.message for e in validator.iter_errors({"format_version": 1})]
        self.assertIn("'verdict' is a required property", errors)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    args, rest = parser.parse_known_args()
    ROOT = args.root
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
