#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Test-seconds of the suite per CTest label, from the cost file CTest itself writes.

After `ctest --test-dir BUILD ...`, CTest keeps each test's run time in
BUILD/Testing/Temporary/CTestCostData.txt (one line per test: name, number of runs, average seconds;
then `---` and the names of the tests that failed last). The labels come from
`ctest --show-only=json-v1`, i.e. from the test properties, not from the test names.

CTest averages a test's cost over all the runs it has seen, so for the numbers of ONE run delete the
cost file first (as on a fresh clone) and run the whole suite once. Tests run more than once are counted
with their average and flagged.

    python3 bench/suite_time_by_label.py build            # table per label
    python3 bench/suite_time_by_label.py build --top 20   # and the 20 most expensive test groups

Exit status 0; 2 when the cost file or ctest is missing.
"""

import argparse
import collections
import json
import pathlib
import shutil
import subprocess
import sys


def read_costs(cost_file):
    """{test name: (runs, average seconds)} and the list of tests that failed in the last run."""
    costs, failed = {}, []
    in_failed = False
    for line in cost_file.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.strip() == "---":
            in_failed = True
            continue
        if not line.strip():
            continue
        if in_failed:
            failed.append(line.strip())
            continue
        # The name may contain spaces; runs and cost are the last two fields.
        name, runs, cost = line.rsplit(" ", 2)
        costs[name] = (int(runs), float(cost))
    return costs, failed


def read_labels(build_dir, ctest):
    """{test name: [labels]} for every test registered in the build tree."""
    # `ctest --show-only` rewrites Testing/Temporary/LastTest.log: keep the log of the run being measured.
    last_log = build_dir / "Testing" / "Temporary" / "LastTest.log"
    kept = last_log.read_bytes() if last_log.is_file() else None
    try:
        out = subprocess.run([ctest, "--test-dir", str(build_dir), "--show-only=json-v1"],
                             check=True, capture_output=True, text=True).stdout
    finally:
        if kept is not None:
            last_log.write_bytes(kept)
    labels = {}
    for test in json.loads(out)["tests"]:
        names = []
        for prop in test.get("properties", []):
            if prop["name"] == "LABELS":
                names = list(prop["value"])
        labels[test["name"]] = names
    return labels


def group_of(name):
    """`Suite.Test/param` -> `Suite` (gtest suites, with their parameter prefix); `consumer.x` -> `consumer`."""
    return name.split(".", 1)[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build_dir", type=pathlib.Path)
    parser.add_argument("--ctest", default=shutil.which("ctest") or "ctest")
    parser.add_argument("--top", type=int, default=0, help="also list the N most expensive test groups")
    args = parser.parse_args()

    cost_file = args.build_dir / "Testing" / "Temporary" / "CTestCostData.txt"
    if not cost_file.is_file():
        print(f"suite_time_by_label: no {cost_file}: run `ctest --test-dir {args.build_dir}` first",
              file=sys.stderr)
        return 2
    try:
        labels = read_labels(args.build_dir, args.ctest)
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"suite_time_by_label: cannot list the tests with {args.ctest}: {error}", file=sys.stderr)
        return 2
    costs, failed = read_costs(cost_file)

    per_label = collections.defaultdict(lambda: [0, 0.0])
    per_group = collections.defaultdict(lambda: [0, 0.0, ""])
    not_run = [name for name in labels if name not in costs]
    averaged = 0
    total = 0.0
    for name, (runs, cost) in costs.items():
        if name not in labels:
            continue  # a test no longer registered: its cost line is stale
        averaged += runs > 1
        total += cost
        for label in labels[name] or ["(none)"]:
            per_label[label][0] += 1
            per_label[label][1] += cost
        group = per_group[group_of(name)]
        group[0] += 1
        group[1] += cost
        group[2] = ",".join(labels[name]) or "(none)"

    print(f"| label | tests | test-seconds | share |")
    print(f"| --- | ---: | ---: | ---: |")
    for label, (count, seconds) in sorted(per_label.items(), key=lambda item: -item[1][1]):
        share = 100.0 * seconds / total if total else 0.0
        print(f"| {label} | {count} | {seconds:.1f} | {share:.1f}% |")
    print(f"| total | {sum(c for c, _ in per_label.values())} | {total:.1f} | |")
    if args.top:
        print()
        print("| group | label | tests | test-seconds |")
        print("| --- | --- | ---: | ---: |")
        for name, (count, seconds, label) in sorted(per_group.items(), key=lambda item: -item[1][1])[:args.top]:
            print(f"| {name} | {label} | {count} | {seconds:.1f} |")
    if averaged:
        print(f"\nnote: {averaged} test(s) ran more than once; their cost is CTest's average over those runs",
              file=sys.stderr)
    if not_run:
        print(f"note: {len(not_run)} registered test(s) have no cost line (not run yet)", file=sys.stderr)
    if failed:
        print(f"note: {len(failed)} test(s) failed in the last run: {', '.join(failed[:5])}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
