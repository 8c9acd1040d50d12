#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Our JUnit files (junit.xml, autofix-tiers.xml) as the readers that CI platforms use see them.

Re-implements, rule for rule, what two readers take from a JUnit file, so that a test can check that our
files give the counts and locations we mean (docs/junit.md):

  gitlab    GitLab's parser, lib/gitlab/ci/parsers/test/junit.rb and lib/gitlab/ci/reports/test_suite.rb
            (gitlabhq/gitlabhq d23f0cff): test cases under at least one <testsuite>, status from the first
            of <failure> (failed), <error> (error), <skipped> (skipped), else success; `file` from
            testcase@file only; a case is keyed by "<suite name>_<classname>_<name>" and a later case with
            the same key and status replaces the earlier one.
  mikepenz  mikepenz/action-junit-report v6.4.2, src/testParser.ts with the action's defaults: counts
            (skipped: <skipped> or status disabled/ignored; failed: <failure>/<error> and not skipped), and
            an annotation per failure of a failing case (flaky passing cases get a notice): path and line
            from testcase@file/line, else failure@file/line, else testsuite@file/line; when either is
            missing, a search of the failure text for "<file>...:<line>", the file defaulting to the last
            '.'-part of the classname; the path kept when it exists under the workspace, else globbed as
            "**/<path>.*" (excluding /build/ and /__pycache__/); title "<file>.<name>", or "<name>" when the
            file is the name; message failure@message, else the first two lines of its text, else the name.

Commands (each prints JSON):
  validate FILE...               xmllint --schema against tests/data/schemas/{junit-10,surefire-test-report}.xsd;
                                 testcase@file and @line, which neither schema declares, are taken out first
  read FILE [--workspace DIR]    what both readers see
  check REPORT_DIR [--workspace DIR]
                                 validate and read junit.xml and autofix-tiers.xml, and compare what the
                                 readers see with what report.json says (counts; every regression's first
                                 failing assertion annotated; every testcase@file in the workspace);
                                 junit-strict.xml valid as written and equal to junit.xml without
                                 testcase@file/@line; exit 1 listing every difference
mikepenz's titles use the check_title_template that action.yml (used by examples/ci/github/autofix-gate.yml) gives it.
"""
import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMAS = [os.path.join(HERE, "..", "data", "schemas", name) for name in ("junit-10.xsd", "surefire-test-report.xsd")]
FILES = ("junit.xml", "autofix-tiers.xml")
LOCATION_ATTRIBUTES = ("file", "line")


# --- validation -------------------------------------------------------------------------------------

def against_schemas(path, shown_as):
    problems = []
    for schema in SCHEMAS:
        r = subprocess.run(["xmllint", "--noout", "--schema", schema, path], capture_output=True, text=True)
        if r.returncode != 0:
            problems.append(f"{shown_as}: invalid against {os.path.basename(schema)}: {r.stderr.strip()}")
    return problems


def without_places(tree):
    for c in tree.iter("testcase"):
        for name in LOCATION_ATTRIBUTES:
            c.attrib.pop(name, None)
    return tree


def check_strict(junit_path, strict_path):
    """junit-strict.xml: valid against both schemas as written, and junit.xml without testcase@file/@line."""
    if not os.path.exists(strict_path):
        return [f"{strict_path}: missing"]
    problems = against_schemas(strict_path, strict_path)
    canonical = lambda tree: ET.tostring(tree.getroot(), encoding="unicode")
    if canonical(ET.parse(strict_path)) != canonical(without_places(ET.parse(junit_path))):
        problems.append(f"{strict_path}: not junit.xml without testcase@file and @line")
    return problems


def validate(path):
    """Problems of `path` against both schemas (an empty list when it is valid)."""
    problems = []
    well_formed = subprocess.run(["xmllint", "--noout", path], capture_output=True, text=True)
    if well_formed.returncode != 0:
        return [f"{path}: not well-formed XML: {well_formed.stderr.strip()}"]
    tree = ET.parse(path)
    for element in tree.iter():
        for name in LOCATION_ATTRIBUTES:
            if name in element.attrib:
                if element.tag != "testcase":
                    problems.append(f"{path}: `{name}` on <{element.tag}>, where no reader looks for it")
                del element.attrib[name]
    with tempfile.TemporaryDirectory() as tmp:
        stripped = os.path.join(tmp, os.path.basename(path))
        tree.write(stripped, encoding="UTF-8", xml_declaration=True)
        problems += against_schemas(stripped, path)
    return problems


# --- GitLab ---------------------------------------------------------------------------------------------

def gitlab(path):
    root = ET.parse(path).getroot()
    cases = []

    def suite(node):  # each_case(node['testcase'], node['name']), then the nested suites
        for tc in node.findall("testcase"):
            cases.append((node.get("name"), tc))
        for child in node.findall("testsuite"):
            suite(child)

    # all_cases: only one top-level <testsuites>; at least one level of <testsuite> above a case.
    if root.tag == "testsuites":
        for s in root.findall("testsuite"):
            suite(s)
    elif root.tag == "testsuite":
        suite(root)
    by_status = {}
    duplicates = []
    listed = []
    for suite_name, tc in cases:
        status = ("failed" if tc.find("failure") is not None else "error" if tc.find("error") is not None
                  else "skipped" if tc.find("skipped") is not None else "success")
        key = hashlib.sha256(f"{suite_name}_{tc.get('classname')}_{tc.get('name')}".encode()).hexdigest()
        bucket = by_status.setdefault(status, {})
        if key in bucket:
            duplicates.append(f"{suite_name}/{tc.get('classname')}/{tc.get('name')}")
        bucket[key] = tc
        listed.append({"suite": suite_name, "classname": tc.get("classname"), "name": tc.get("name"),
                       "file": tc.get("file"), "status": status})
    counts = {s: len(by_status.get(s, {})) for s in ("success", "failed", "skipped", "error")}
    counts["total"] = sum(counts.values())
    return {"counts": counts, "duplicates": duplicates, "cases": listed}


# --- mikepenz/action-junit-report ---------------------------------------------------------------------------

def js_parse_int(text):
    m = re.match(r"\s*([+-]?\d+)", text or "")
    return int(m.group(1)) if m else None


def js_escape_regex(text):
    return re.sub(r"[.*+?^${}()|[\]\\]", lambda m: "\\" + m.group(0), text)


def resolve_file_and_line(file, line, classname, output):
    file_name = file if file else classname.split(".")[-1]
    line_number = js_parse_int(line)
    if file_name and line_number:
        return file_name, line_number
    escaped = js_escape_regex(file_name).replace("::", "/", 1)
    # JavaScript's "." is any character but a line terminator; "[^ ]" crosses lines.
    matches = re.findall(" [^ ]*" + escaped + "[^\n\r\u2028\u2029]*?:\\d+", output)
    if not matches:
        return file_name, line_number or 1
    tokens = matches[-1].split(":")
    found = tokens.pop() or "0"
    prefix = tokens.pop() if tokens else ""
    if prefix.endswith(".rs"):
        file_name = prefix.split(" ")[-1]
    return file_name, js_parse_int(found) or -1


def resolve_path(workspace, name, exclude=("/build/", "/__pycache__/")):
    """The path kept when it exists (the action runs in the workspace), else the first file that the glob
    "<workspace>/**/<name>.*" finds outside `exclude` (walked in sorted order; node-glob's own order is
    the file system's), else the name."""
    if os.path.exists(os.path.join(workspace, name)):
        return name
    normalized = name[2:] if name.startswith("./") else name
    pattern = re.compile(r"(.*/)?" + re.escape(normalized) + r"\.[^/]*")
    for top, dirs, files in os.walk(workspace):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # glob's ** skips dot directories
        for f in sorted(files):
            full = os.path.join(top, f)
            rel = os.path.relpath(full, workspace)
            if pattern.fullmatch(rel) and not any(e in os.path.abspath(full) for e in exclude):
                return rel
    return normalized


def text_of(element):
    return "".join(element.itertext()) if element is not None else ""


def workflow_title_template(report_file):
    """check_title_template of the mikepenz step that publishes `report_file` in the GitHub Action
    (action.yml, which examples/ci/github/autofix-gate.yml uses): the tests' check run for junit.xml, the
    tiers' for autofix-tiers.xml."""
    import yaml  # python3-yaml (scripts/install-deps.sh)
    check = {"junit.xml": "autofix-gate tests", "autofix-tiers.xml": "autofix-gate tiers"}.get(report_file)
    with open(os.path.join(HERE, "..", "..", "action.yml"), encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    for step in doc["runs"]["steps"]:
        inputs = step.get("with", {})
        if step.get("uses", "").startswith("mikepenz/") and inputs.get("check_name") == check:
            return inputs.get("check_title_template")
    return None


def mikepenz(path, workspace, title_template=None):
    root = ET.parse(path).getroot()
    result = {"total": 0, "passed": 0, "failed": 0, "skipped": 0, "annotations": []}

    def suite(node, breadcrumb):
        for tc in node.findall("testcase"):
            case(node, tc, breadcrumb)
        inner = breadcrumb + node.get("name") + "/" if node.get("name") else breadcrumb
        for child in node.findall("testsuite"):
            suite(child, inner)

    def case(node, tc, breadcrumb):
        result["total"] += 1
        issues = tc.findall("failure") + tc.findall("error")
        skip = tc.find("skipped") is not None or tc.get("status") in ("disabled", "ignored")
        failed = bool(issues) and not skip
        success = not issues
        if skip:
            result["skipped"] += 1
        if failed:
            result["failed"] += 1
        flaky = len(tc.findall("flakyFailure"))
        level = "notice" if success or skip else "failure"
        if level != "failure" and flaky == 0:
            return
        for index, issue in enumerate(issues or [None]):
            stack = text_of(issue).strip()
            message = ((issue.get("message") if issue is not None else None) or "\n".join(stack.split("\n")[:2])
                       or tc.get("name")).strip()
            file_name, line = resolve_file_and_line(
                tc.get("file") or (issue.get("file") if issue is not None else None) or node.get("file"),
                tc.get("line") or (issue.get("line") if issue is not None else None) or node.get("line"),
                tc.get("classname") or tc.get("name"), stack)
            resolved = resolve_path(workspace, file_name) if failed else file_name
            if title_template:  # JavaScript's replace: the first occurrence of each
                shown_file = file_name if file_name != tc.get("name") else ""
                title = (title_template.replace("{{FILE_NAME}}", shown_file, 1)
                         .replace("{{BREAD_CRUMB}}", breadcrumb, 1)
                         .replace("{{SUITE_NAME}}", node.get("name") or "", 1)
                         .replace("{{TEST_NAME}}", tc.get("name"), 1)
                         .replace("{{CLASS_NAME}}", (tc.get("classname") or tc.get("name")).split(".")[-1], 1))
            else:
                title = f"{file_name}.{tc.get('name')}" if file_name != tc.get("name") else tc.get("name")
            if len(issues) > 1:
                title += f" (failure {index + 1}/{len(issues)})"
            result["annotations"].append({"path": resolved, "line": line, "title": title, "message": message,
                                          "level": level, "retries": flaky,
                                          # ours, not the action's: which case it came from
                                          "testcase": {k: tc.get(k) for k in ("classname", "name", "file", "line")}})

    if root.tag in ("testsuites", "testsuite"):
        suite(root, "")
    result["passed"] = result["total"] - result["failed"] - result["skipped"]
    return result


def read(path, workspace):
    """Both readers; mikepenz with the check_title_template our GitHub workflow gives it for this file."""
    template = workflow_title_template(os.path.basename(path))
    return {"gitlab": gitlab(path), "mikepenz": mikepenz(path, workspace, template)}


# --- what report.json says ----------------------------------------------------------------------------------

FAILED = ("failed", "timeout", "not_run")


def expected_tests(report):
    """The counts junit.xml should give (reporters/junit.h), from report.json."""
    tests = [t for t in report["tests"] if t.get("after")]
    with_cases = {t["ctest_test"] for t in report["tests"] if t["case"]}
    with_failing_case = {t["ctest_test"] for t in tests if t["case"] and t["after"]["status"] in FAILED}
    counts = {"success": 0, "failed": 0, "skipped": 0, "error": 0}
    for t in tests:
        failing = t["after"]["status"] in FAILED
        if not t["case"] and t["ctest_test"] in with_cases and not (failing and t["ctest_test"] not in with_failing_case):
            continue
        runs = [t["after"]["status"]] + t["reruns"]
        status = t["after"]["status"]
        if status == "skipped":
            counts["skipped"] += 1
        elif "passed" in runs or not failing:
            counts["success"] += 1
        else:
            counts["error" if status == "not_run" else "failed"] += 1
    counts["total"] = sum(counts.values())
    return counts


def expected_places(report):
    """(file, line) of the first failing assertion of each regression that has one inside the repository:
    where an annotation must be. Only PASS_TO_FAIL and NEW tests: their assertion is surely the run with
    the fix's (report.json's first_failure is the baseline's when the run with the fix named none)."""
    places = []
    for t in report["tests"]:
        f = t.get("first_failure")
        if t.get("after") and t["after"]["status"] in ("failed", "timeout") and t["transition"] in ("PASS_TO_FAIL", "NEW") \
                and "passed" not in t["reruns"] and f and f["file"] and f["line"] > 0 \
                and not f["file"].startswith(("/", "../")):
            places.append((f["file"], f["line"]))
    return places


def check_places(name, annotations, workspace, expected):
    problems = []
    failures = [a for a in annotations if a["level"] == "failure"]
    for a in failures:
        tc = a["testcase"]
        if tc["file"] is None:
            continue
        if not os.path.isfile(os.path.join(workspace, tc["file"])):
            problems.append(f"{name}: {tc['classname']}.{tc['name']} is at {tc['file']}, which the workspace does not have")
        elif a["path"] != tc["file"]:
            problems.append(f"{name}: {tc['classname']}.{tc['name']} is at {tc['file']}, mikepenz annotates {a['path']}")
        if tc["line"] is not None and a["line"] != int(tc["line"]):
            problems.append(f"{name}: {tc['classname']}.{tc['name']} is at line {tc['line']}, mikepenz annotates line {a['line']}")
    annotated = [(a["path"], a["line"]) for a in failures]
    for place in expected:
        if place in annotated:
            annotated.remove(place)
        else:
            problems.append(f"{name}: no annotation at {place[0]}:{place[1]}, a regression's first failing assertion")
    return problems


def expected_tiers(report):
    high_risk = report["risk"]["level"] == "high"
    counts = {"success": 0, "failed": 0, "skipped": 0, "error": 0}
    for t in report["tiers"]:
        decides = t["required"] or high_risk
        if t["status"] == "skipped" or (t["status"] in ("failed", "error") and not decides):
            counts["skipped"] += 1
        elif t["status"] == "failed":
            counts["failed"] += 1
        elif t["status"] == "error":
            counts["error"] += 1
        else:
            counts["success"] += 1
    counts["total"] = sum(counts.values())
    return counts


def check(report_dir, workspace):
    problems = []
    out = {}
    with open(os.path.join(report_dir, "report.json"), encoding="utf-8") as f:
        report = json.load(f)
    expected = {"junit.xml": expected_tests(report), "autofix-tiers.xml": expected_tiers(report)}
    for name in FILES:
        path = os.path.join(report_dir, name)
        problems += validate(path)
        seen = read(path, workspace)
        out[name] = seen
        g, m = seen["gitlab"], seen["mikepenz"]
        root = ET.parse(path).getroot()
        declared = {k: int(root.get(k)) for k in ("tests", "failures", "errors", "skipped")}
        if g["duplicates"]:
            problems.append(f"{name}: GitLab keeps one of each of {g['duplicates']}")
        if g["counts"] != expected[name]:
            problems.append(f"{name}: GitLab counts {g['counts']}, report.json says {expected[name]}")
        mine = {"total": m["total"], "failed": m["failed"], "skipped": m["skipped"]}
        meant = {"total": expected[name]["total"], "failed": expected[name]["failed"] + expected[name]["error"],
                 "skipped": expected[name]["skipped"]}
        if mine != meant:
            problems.append(f"{name}: mikepenz counts {mine}, report.json says {meant}")
        as_declared = {"tests": g["counts"]["total"], "failures": g["counts"]["failed"], "errors": g["counts"]["error"],
                       "skipped": g["counts"]["skipped"]}
        if declared != as_declared:
            problems.append(f"{name}: the testsuite declares {declared}, its cases are {as_declared}")
        problems += check_places(name, m["annotations"], workspace, expected_places(report) if name == FILES[0] else [])
    problems += check_strict(os.path.join(report_dir, "junit.xml"), os.path.join(report_dir, "junit-strict.xml"))
    out["problems"] = problems
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate")
    v.add_argument("files", nargs="+")
    r = sub.add_parser("read")
    r.add_argument("file")
    r.add_argument("--workspace", default=".")
    c = sub.add_parser("check")
    c.add_argument("report_dir")
    c.add_argument("--workspace", default=".")
    args = parser.parse_args()
    if args.command == "validate":
        problems = [p for f in args.files for p in validate(f)]
        print(json.dumps({"problems": problems}, indent=2))
        return 1 if problems else 0
    if args.command == "read":
        print(json.dumps(read(args.file, args.workspace), indent=2, ensure_ascii=False))
        return 0
    result = check(args.report_dir, args.workspace)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
