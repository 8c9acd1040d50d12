#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""On-demand benchmark: `autofix-gate batch` against judging the same fixes one by one with `attempt`.

A generated CMake project (40 source files, a CTest test for each), a batch of 32 fixes of which 0, 1, 2
and 4 are bad (each bad fix breaks its own test): the batch's total time and build+test runs, against
32 `attempt --patch` runs in the same repository on the same machine in the same run. Never part of the
test suite and never a timed assertion: only a correctness failure (a wrong accepted set, a command that
fails) makes it exit non-zero. Reports the load average around every measurement (the machine is shared).

    python3 bench/batch_bench.py --gate build/autofix-gate --workdir /tmp/batch-bench -j 2 [--bad 0,1,2,4]

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench_common import describe_exit, isolated_env

SOURCES = 40
FIXES = 32
BAD_POSITIONS = (5, 17, 23, 29)  # the first k of these are bad


class BenchError(Exception):
    pass


def run(cmd: list[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess:
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if p.returncode not in ok:
        raise BenchError(f"{' '.join(cmd)}: {describe_exit(p.returncode)}\n{p.stdout[-2000:]}\n{p.stderr[-4000:]}")
    return p


def unit_source(i: int, body: str) -> str:
    return f'#include "unit_{i:02d}.h"\n\nint value_{i:02d}() {{\n  {body}\n}}\n'


def generate(repo: Path, env: dict[str, str]) -> None:
    """src/unit_NN.{h,cpp} as a library each, tests/test_NN.cpp linking it (sources outside tests/ are not
    test sources: a fix there needs no review)."""
    (repo / "src").mkdir(parents=True)
    (repo / "tests").mkdir()
    cmake = ["cmake_minimum_required(VERSION 3.16)", "project(batchbench CXX)", "enable_testing()"]
    for i in range(SOURCES):
        (repo / "src" / f"unit_{i:02d}.h").write_text(f"#pragma once\nint value_{i:02d}();\n")
        (repo / "src" / f"unit_{i:02d}.cpp").write_text(unit_source(i, f"return {i};"))
        (repo / "tests" / f"test_{i:02d}.cpp").write_text(
            f'#include "unit_{i:02d}.h"\n\nint main() {{ return value_{i:02d}() == {i} ? 0 : 1; }}\n')
        cmake += [f"add_library(unit_{i:02d} STATIC src/unit_{i:02d}.cpp)",
                  f"target_include_directories(unit_{i:02d} PUBLIC src)",
                  f"add_executable(test_{i:02d} tests/test_{i:02d}.cpp)",
                  f"target_link_libraries(test_{i:02d} PRIVATE unit_{i:02d})",
                  f"add_test(NAME unit_{i:02d} COMMAND test_{i:02d})"]
    (repo / "CMakeLists.txt").write_text("\n".join(cmake) + "\n")
    (repo / ".gitignore").write_text("build/\n")
    run(["git", "init", "-q", "-b", "main"], repo, env)
    run(["git", "add", "-A"], repo, env)
    run(["git", "commit", "-qm", "generated"], repo, env)


def write_fixes(repo: Path, out: Path, bad: set[int], env: dict[str, str]) -> None:
    """Fix i changes unit_i.cpp: a good one keeps its value, a bad one breaks its test."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for i in range(FIXES):
        path = repo / "src" / f"unit_{i:02d}.cpp"
        original = path.read_text()
        body = f"return {i} + 1;  // bad" if i in bad else f"return ({i});  // tidied"
        path.write_text(unit_source(i, body))
        diff = run(["git", "diff"], repo, env).stdout
        path.write_text(original)
        (out / f"fix-{i:02d}.diff").write_text(diff)


def loadavg() -> str:
    return "%.2f %.2f %.2f" % os.getloadavg()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gate", required=True, type=Path)
    ap.add_argument("--workdir", required=True, type=Path)
    ap.add_argument("-j", "--jobs", default="2")
    ap.add_argument("--bad", default="0,1,2,4", help="numbers of bad fixes, comma-separated")
    ap.add_argument("--one-by-one-bad", type=int, default=2, help="k for the one-by-one reference run")
    args = ap.parse_args()
    gate = args.gate.resolve()
    work = args.workdir.resolve()
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    env = isolated_env(work)
    repo = work / "project with spaces"
    generate(repo, env)
    t = time.monotonic()
    run([str(gate), "baseline", "-j", args.jobs], repo, env)
    print(f"baseline (configure, build, tests): {time.monotonic() - t:.1f} s, load {loadavg()}", flush=True)

    rows = []
    for k in [int(x) for x in args.bad.split(",")]:
        bad = set(BAD_POSITIONS[:k])
        fixes = work / f"fixes-{k}"
        write_fixes(repo, fixes, bad, env)
        load_before = loadavg()
        t = time.monotonic()
        p = run([str(gate), "batch", "-j", args.jobs, "--patch-dir", str(fixes), "--json"], repo, env, ok=(0, 1))
        seconds = time.monotonic() - t
        report = json.loads(p.stdout)
        rejected = {f["id"] for f in report["fixes"] if f["verdict"] != "accepted"}
        expected = {f"fix-{i:02d}" for i in bad}
        if rejected != expected:
            raise BenchError(f"k={k}: not accepted {sorted(rejected)}, expected {sorted(expected)}")
        runs = report["totals"]["runs"]
        bound = 1 + 2 * k * math.ceil(math.log2(FIXES))
        rows.append({"k": k, "batch_seconds": seconds, "runs": runs, "bound": bound, "load_before": load_before,
                     "load_after": loadavg()})
        print(f"k={k}: batch {seconds:.1f} s, {runs} runs (bound {bound}), load {load_before} -> {loadavg()}",
              flush=True)

    k = args.one_by_one_bad
    fixes = work / f"fixes-{k}"
    write_fixes(repo, fixes, set(BAD_POSITIONS[:k]), env)
    load_before = loadavg()
    t = time.monotonic()
    for patch in sorted(fixes.glob("*.diff")):
        run([str(gate), "attempt", "-j", args.jobs, "--patch", str(patch)], repo, env, ok=(0, 1))
    one_by_one = time.monotonic() - t
    print(f"one by one (k={k}): {FIXES} attempts, {one_by_one:.1f} s, load {load_before} -> {loadavg()}", flush=True)

    print("\n| bad fixes k | batch s | runs | bound 1+2k*ceil(log2 32) | one by one s (32 runs) | speed-up |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['k']} | {r['batch_seconds']:.1f} | {r['runs']} | {r['bound']} | {one_by_one:.1f} | "
              f"{one_by_one / r['batch_seconds']:.1f}x |")
    (work / "batch-bench-results.json").write_text(json.dumps({"rows": rows, "one_by_one_seconds": one_by_one}, indent=2))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print(f"batch_bench: {e}", file=sys.stderr)
        sys.exit(1)
