#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks a configured consumer project of the CMake module (tests/consumer/CMakeLists.txt).

    check_consumer.py [--ctest CTEST] [--cmake CMAKE] SCENARIO --build-dir DIR --source-dir DIR [--runner PATH]

Every scenario compares the generated configuration with the exact document expected, the tests that
`ctest -N -L autofix` lists with the exact list, and each autofix test's command and properties.
Exit 0 when everything matches, 1 with the differences otherwise.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

CTEST = "ctest"
CMAKE = "cmake"


class Failure(Exception):
    pass


def expect(what, actual, expected):
    if actual != expected:
        raise Failure(f"{what}:\n  expected: {json.dumps(expected, indent=None, ensure_ascii=False)}\n"
                      f"  actual:   {json.dumps(actual, indent=None, ensure_ascii=False)}")


def run(argv, cwd=None):
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise Failure(f"{' '.join(argv)} exited {result.returncode}:\n{result.stdout}{result.stderr}")
    return result.stdout


def listed_tests(build_dir, *args):
    """Test names in the order `ctest -N [args]` lists them."""
    out = run([CTEST, "--test-dir", build_dir, "-N", *args])
    return re.findall(r"^\s*Test\s+#\d+: (\S+)\s*$", out, re.MULTILINE)


def test_details(build_dir):
    """name -> (command, {property: value}) from `ctest --show-only=json-v1`. CTest leaves out the command
    of a test whose executable is not built yet; that one is read from the top CTestTestfile.cmake."""
    doc = json.loads(run([CTEST, "--test-dir", build_dir, "--show-only=json-v1"]))
    details = {t["name"]: (t.get("command"), {p["name"]: p["value"] for p in t.get("properties", [])})
               for t in doc["tests"]}
    with open(os.path.join(build_dir, "CTestTestfile.cmake"), encoding="utf-8") as f:
        for m in re.finditer(r"^add_test\(\[=\[(.*?)\]=\] (.*)\)$", f.read(), re.MULTILINE):
            name = m.group(1)
            if name in details and details[name][0] is None:
                args = [re.sub(r"\\(.)", r"\1", a) for a in re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2))]
                details[name] = (args, details[name][1])
    return details


SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def check_config(path, expected):
    if not os.path.isfile(path):
        raise Failure(f"no configuration generated at {path}")
    with open(path, encoding="utf-8") as f:
        expect(f"configuration {path}", json.load(f), expected)
    # And valid against docs/schemas/autofix-gate.schema.json, with Debian's python3-jsonschema (the python3
    # running this may have no jsonschema).
    validate = [
        "/usr/bin/python3", os.path.join(SOURCE_ROOT, "tests", "schemas", "validate_json.py"),
        os.path.join(SOURCE_ROOT, "docs", "schemas", "autofix-gate.schema.json"), path,
    ]
    proc = subprocess.run(validate, capture_output=True, text=True)
    if proc.returncode != 0:
        raise Failure(f"configuration {path} is not valid against its schema:\n{proc.stdout}{proc.stderr}")


def check_autofix_tests(build_dir, source_dir, runner, config, report_dir, tiers, base=None, others=()):
    """The autofix tests are exactly autofix.verdict and one autofix.tier.<name> per tier, in order."""
    names = ["autofix.verdict"] + [f"autofix.tier.{t}" for t in tiers]
    expect("ctest -N -L autofix", listed_tests(build_dir, "-L", "autofix"), names)
    expect("ctest -N (every test)", sorted(listed_tests(build_dir)), sorted(names + list(others)))
    details = test_details(build_dir)
    verdict = [runner, "verify", "-C", source_dir, "--source-dir", source_dir, "--config", config, "--build-dir", build_dir,
               "--report-dir", report_dir] + (["--base", base] if base else [])
    expect("autofix.verdict command", details["autofix.verdict"][0], verdict)
    expect("autofix.verdict properties", details["autofix.verdict"][1],
           {"LABELS": ["autofix"], "RUN_SERIAL": True, "TIMEOUT": 3600.0, "WORKING_DIRECTORY": build_dir})
    for tier in tiers:
        name = f"autofix.tier.{tier}"
        expect(f"{name} command", details[name][0],
               [runner, "tier-status", "--report", f"{report_dir}/report.json", "--tier", tier])
        expect(f"{name} properties", details[name][1],
               {"LABELS": ["autofix"], "DEPENDS": ["autofix.verdict"], "WORKING_DIRECTORY": build_dir})


def check_runner_runs(runner):
    out = run([runner, "--version"])
    if not re.match(r"autofix-gate \d+\.\d+\.\d+\n", out):
        raise Failure(f"{runner} --version printed {out!r}")


def cache_value(build_dir, name):
    with open(os.path.join(build_dir, "CMakeCache.txt"), encoding="utf-8") as f:
        for line in f:
            m = re.match(rf"^{re.escape(name)}:[A-Z]+=(.*)$", line.rstrip("\n"))
            if m:
                return m.group(1)
    return None


def keywords(a):
    """projects/package: every keyword of every function."""
    b = a.build_dir
    config = f"{b}/config dir/gate.json"
    report_dir = f"{b}/gate reports"
    check_config(config, {
        "version": 1,
        "build_dir": b,
        "report_dir": report_dir,
        "base": "origin/main",
        "flaky_reruns": 2,
        "test_timeout": 120,
        "allow_test_edits": True,
        "test_paths": ["checks/**", "**/*_check.cpp"],
        "secrets_allowlist": "config/secrets allow",
        "protect_defaults": False,
        "tiers": [
            {"name": "unit", "kind": "ctest", "required": True, "timeout": 900,
             "labels": ["unit", "integration slow"], "lanes": ["standard", "heavy"]},
            {"name": "tidy", "kind": "clang-tidy", "required": False, "fail_on": "warning"},
            {"name": "cppcheck", "kind": "cppcheck", "required": True, "lanes": ["heavy"], "fail_on": "any"},
            {"name": "asan", "kind": "sanitizers", "required": True, "labels": ["unit"]},
            {"name": "secrets", "kind": "secrets", "required": True, "lanes": ["docs", "standard"],
             "gitleaks": "off"},
            {"name": "lint", "kind": "command", "required": False, "timeout": 60, "lanes": ["docs"],
             "command": ["sh", "scripts/lint it.sh", "--message=say \"hi\"\\n", "semi;colon", "tab\there",
                         "ünïcode", "evaluated"],
             "junit": "build/lint results.xml"},
        ],
        "protect": [
            {"level": "critical", "paths": ["src/auth/**", "keys dir/*.pem"]},
            {"level": "high", "paths": ["third_party/**"]},
            {"level": "normal", "paths": ["cmake/generated/**", "*.in"]},
        ],
    })
    if os.path.exists(f"{b}/autofix-gate.json"):
        raise Failure("CONFIG_FILE was given, yet autofix-gate.json was generated in the build directory")
    check_autofix_tests(b, a.source_dir, a.runner, config, report_dir,
                        ["unit", "tidy", "cppcheck", "asan", "secrets", "lint"], base="origin/main")
    check_runner_runs(a.runner)


def defaults(a):
    """projects/module: autofix_gate_enable() alone; the runner from find_program."""
    b = a.build_dir
    check_config(f"{b}/autofix-gate.json",
                 {"version": 1, "build_dir": b, "report_dir": f"{b}/autofix", "protect_defaults": True})
    check_autofix_tests(b, a.source_dir, a.runner, f"{b}/autofix-gate.json", f"{b}/autofix", [])
    expect("AUTOFIX_GATE_EXECUTABLE in the cache", cache_value(b, "AUTOFIX_GATE_EXECUTABLE"), a.runner)
    check_runner_runs(a.runner)


def subproject_checks(b, runner, subproject_bin):
    expect("AUTOFIX_GATE_BUILD_TESTS (off in a subproject)", cache_value(b, "AUTOFIX_GATE_BUILD_TESTS"), "OFF")
    expect("AUTOFIX_GATE_INSTALL (off in a subproject)", cache_value(b, "AUTOFIX_GATE_INSTALL"), "OFF")
    expect("CMAKE_BUILD_TYPE (the consumer's, not forced)", cache_value(b, "CMAKE_BUILD_TYPE"), "")
    for sub in ("tests", "bench"):
        if os.path.exists(os.path.join(subproject_bin, sub)):
            raise Failure(f"AutofixGate's {sub}/ was added in a subproject build ({subproject_bin}/{sub})")


def fetchcontent(a):
    """projects/fetchcontent: the runner built inside the consumer's build."""
    b = a.build_dir
    sub = f"{b}/_deps/autofixgate-build"
    runner = f"{sub}/autofix-gate"
    check_config(f"{b}/autofix-gate.json", {
        "version": 1, "build_dir": b, "report_dir": f"{b}/autofix", "protect_defaults": True,
        "tiers": [{"name": "unit", "kind": "ctest", "required": True, "labels": ["unit"]}]})
    check_autofix_tests(b, a.source_dir, runner, f"{b}/autofix-gate.json", f"{b}/autofix", ["unit"],
                        others=["adder.works"])
    subproject_checks(b, runner, sub)
    check_runner_runs(runner)
    # The consumer's install does not install AutofixGate.
    with tempfile.TemporaryDirectory(prefix="consumer install ") as prefix:
        run([CMAKE, "--install", b, "--prefix", prefix])
        installed = [os.path.join(d, f) for d, _, files in os.walk(prefix) for f in files]
        expect("files the consumer's cmake --install installs", installed, [])


def subdirectory(a):
    """projects/subdirectory: add_subdirectory, configured only."""
    b = a.build_dir
    sub = f"{b}/autofix gate"
    check_config(f"{b}/autofix-gate.json", {
        "version": 1, "build_dir": b, "report_dir": f"{b}/autofix", "base": "HEAD~1", "protect_defaults": True,
        "tiers": [{"name": "secrets", "kind": "secrets", "required": True}]})
    check_autofix_tests(b, a.source_dir, f"{sub}/autofix-gate", f"{b}/autofix-gate.json", f"{b}/autofix",
                        ["secrets"], base="HEAD~1")
    subproject_checks(b, f"{sub}/autofix-gate", sub)


SCENARIOS = {f.__name__: f for f in (keywords, defaults, fetchcontent, subdirectory)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--runner")
    parser.add_argument("--ctest", default="ctest")
    parser.add_argument("--cmake", default="cmake")
    a = parser.parse_args()
    global CTEST, CMAKE
    CTEST, CMAKE = a.ctest, a.cmake
    try:
        SCENARIOS[a.scenario](a)
    except Failure as e:
        print(f"check_consumer.py {a.scenario}: FAILED: {e}", file=sys.stderr)
        return 1
    print(f"check_consumer.py {a.scenario}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
