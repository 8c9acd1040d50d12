#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""On-demand benchmark: does an attempt get slower with the gate's history? (issue 12, goal 5)

Three copies of one tiny CMake project (a library with a bug, two CTest tests, a patch that fixes it):
  fresh            a repository the gate has never seen;
  history          the same after HISTORY earlier runs: HISTORY `autofix-gate snapshot`s (real snapshot
                   commits under refs/autofix/snapshots/), HISTORY discarded work trees
                   (refs/autofix/discarded/), HISTORY stored baselines of other trees, and HISTORY
                   branches refs/heads/autofix/<id> that accepted attempts leave for the user (--branches);
  history-off      the same history with "retention": false (what the gate would carry without it).
Each is warmed up by one attempt (it stores the baseline; in `history` it also prunes, once, down to the
retention limits: timed and shown apart), then the attempts are timed in rotation. The ratio
history / fresh is the goal's number (target <= 1.05). Not part of the test suite; only a failing
command makes it exit non-zero.

    python3 bench/history_bench.py --gate build/autofix-gate --history 1000 --runs 7 --workdir /tmp/history-bench

Standard library only.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_common import describe_exit, isolated_env

TARGET_RATIO = 1.05
RESULTS_FILE = "history-bench-results.json"

SOURCES = {
    "CMakeLists.txt": """cmake_minimum_required(VERSION 3.16)
project(history_bench CXX)
enable_testing()
add_library(calc calc.cpp)
add_executable(calc_test calc_test.cpp)
target_link_libraries(calc_test PRIVATE calc)
add_test(NAME calc.add COMMAND calc_test add)
add_test(NAME calc.mul COMMAND calc_test mul)
""",
    "calc.h": "int add(int a, int b);\nint mul(int a, int b);\n",
    "calc.cpp": '#include "calc.h"\nint add(int a, int b) { return a - b; }\nint mul(int a, int b) { return a * b; }\n',
    "calc_test.cpp": """#include <cstring>
#include "calc.h"
int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "add") == 0) return add(2, 3) == 5 ? 0 : 1;
  return mul(2, 3) == 6 ? 0 : 1;
}
""",
    ".gitignore": "build/\n",
}
FIXED_CALC = '#include "calc.h"\nint add(int a, int b) { return a + b; }\nint mul(int a, int b) { return a * b; }\n'
CONFIG = {"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}]}


class BenchError(Exception):
    pass


class Runner:
    def __init__(self, env: dict[str, str]):
        self.env = env

    def run(self, cmd: list[str], cwd: Path | None = None, check: bool = True, stdin: str | None = None
            ) -> subprocess.CompletedProcess:
        p = subprocess.run(cmd, cwd=cwd, env=self.env, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
        if check and p.returncode != 0:
            raise BenchError(f"{' '.join(cmd)} ({describe_exit(p.returncode)}) in {cwd}:\n{p.stdout[-2000:]}"
                             f"\n{p.stderr[-2000:]}")
        return p

    def timed(self, cmd: list[str], cwd: Path | None = None) -> tuple[float, subprocess.CompletedProcess]:
        t0 = time.perf_counter()
        p = self.run(cmd, cwd=cwd, check=False)
        return time.perf_counter() - t0, p


def load_now() -> float:
    return os.getloadavg()[0]


def med(v: list[float]) -> float:
    return statistics.median(v) if v else float("nan")


def prepare(r: Runner, repo: Path, jobs: int) -> None:
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    for name, text in SOURCES.items():
        (repo / name).write_text(text)
    r.run(["git", "init", "-q", "-b", "main"], cwd=repo)
    r.run(["git", "add", "-A"], cwd=repo)
    r.run(["git", "commit", "-q", "-m", "tiny project with a bug"], cwd=repo)
    r.run(["cmake", "-S", ".", "-B", "build", "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Debug"], cwd=repo)
    r.run(["cmake", "--build", "build", "-j", str(jobs)], cwd=repo)


def add_history(r: Runner, gate: str, repo: Path, n: int, branches: int) -> dict[str, float]:
    """n real snapshots, n discarded refs, `branches` autofix branches (the baselines: add_baselines)."""
    t0 = time.perf_counter()
    ids = []
    for i in range(n):
        p = r.run([gate, "snapshot", "-m", f"history {i}", "-C", str(repo)])
        ids.append(p.stdout.strip())
    t_snap = time.perf_counter() - t0
    head = r.run(["git", "rev-parse", "HEAD"], cwd=repo).stdout.strip()
    lines = []
    for i, sid in enumerate(ids):
        lines.append(f"create refs/autofix/discarded/{sid} {head}\n")
        if i < branches:
            lines.append(f"create refs/heads/autofix/{sid} {head}\n")
    r.run(["git", "update-ref", "--stdin"], cwd=repo, stdin="".join(lines))
    return {"snapshots_seconds": t_snap}


def add_baselines(repo: Path, n: int) -> None:
    """n stored baselines of other trees: copies of the real one under other keys, older than it."""
    d = repo / ".git" / "autofix" / "baselines"
    real = sorted(d.glob("*.json"))
    if not real:
        raise BenchError(f"no stored baseline in {d} after the warm-up attempt")
    text = real[0].read_text()
    now = time.time()
    for i in range(n):
        f = d / f"{i:040x}.json"
        f.write_text(text)
        os.utime(f, (now - 3600 - i, now - 3600 - i))


def counts(r: Runner, repo: Path) -> dict[str, int]:
    def refs(prefix: str) -> int:
        return len(r.run(["git", "for-each-ref", "--format=%(refname)", prefix], cwd=repo).stdout.split())
    baselines = len(list((repo / ".git" / "autofix" / "baselines").glob("*.json")))
    return {"snapshots": refs("refs/autofix/snapshots/"), "discarded": refs("refs/autofix/discarded/"),
            "autofix_branches": refs("refs/heads/autofix/"), "baselines": baselines}


class Copy:
    def __init__(self, r: Runner, gate: str, repo: Path, config: Path, patch: Path, jobs: int):
        self.r, self.gate, self.repo, self.config, self.patch, self.jobs = r, gate, repo, config, patch, jobs
        self.branches_before = set()

    def attempt(self) -> tuple[float, float]:
        before = set(self.r.run(["git", "for-each-ref", "--format=%(refname)", "refs/heads/autofix/"],
                                cwd=self.repo).stdout.split())
        load = load_now()
        cmd = [self.gate, "attempt", "--patch", str(self.patch), "--config", str(self.config), "-j", str(self.jobs),
               "-C", str(self.repo)]
        dt, p = self.r.timed(cmd)
        if p.returncode != 0:
            raise BenchError(f"{' '.join(cmd)}: {describe_exit(p.returncode)}\n{p.stdout[-2000:]}\n{p.stderr[-3000:]}")
        # Not timed: the branch this attempt left goes (the history's branches stay as they were).
        after = set(self.r.run(["git", "for-each-ref", "--format=%(refname)", "refs/heads/autofix/"],
                               cwd=self.repo).stdout.split())
        for ref in after - before:
            self.r.run(["git", "update-ref", "-d", ref], cwd=self.repo)
        return dt, load


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gate", required=True, help="path to the autofix-gate binary")
    ap.add_argument("--history", type=int, default=1000, help="earlier runs to fake in the history copies (default 1000)")
    ap.add_argument("--branches", type=int, default=None,
                    help="refs/heads/autofix/* branches in the history copies (default: as many as --history)")
    ap.add_argument("--runs", type=int, default=7, help="timed attempts per copy, medians reported (default 7)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="-j of the attempts and the preparation (default 2)")
    ap.add_argument("--workdir", required=True, help="where the copies are made and the results written")
    args = ap.parse_args()

    workdir = Path(args.workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    gate = str(Path(args.gate).resolve())
    env = isolated_env(workdir)
    env = {k: v for k, v in env.items() if not k.startswith("AUTOFIX_GATE_")}
    r = Runner(env)

    patch = workdir / "fix.diff"
    config = workdir / "gate.json"
    config_off = workdir / "gate-retention-off.json"
    config.write_text(json.dumps(CONFIG))
    config_off.write_text(json.dumps({**CONFIG, "retention": False}))

    names = ("fresh", "history", "history-off")
    copies: dict[str, Copy] = {}
    prep: dict[str, dict] = {}
    for name in names:
        repo = workdir / f"repo {name}"  # a space in the path, as users have
        print(f"preparing {name} ...", flush=True)
        prepare(r, repo, args.jobs)
        if not patch.exists():
            (repo / "calc.cpp").write_text(FIXED_CALC)
            patch.write_text(r.run(["git", "diff"], cwd=repo).stdout)
            r.run(["git", "checkout", "-q", "--", "."], cwd=repo)
        copies[name] = Copy(r, gate, repo, config_off if name == "history-off" else config, patch, args.jobs)
        prep[name] = {}
        # The warm-up stores the baseline of the tree; the history goes in after it, so that the fake baselines
        # are older than the real one.
        t, _ = copies[name].attempt()
        prep[name]["first_attempt_seconds"] = t
        if name != "fresh":
            branches = args.history if args.branches is None else args.branches
            prep[name].update(add_history(r, gate, repo, args.history, branches))
            add_baselines(repo, args.history)
            prep[name]["counts_with_history"] = counts(r, repo)
            # The first attempt with the history: in `history` it prunes down to the limits, once.
            t, _ = copies[name].attempt()
            prep[name]["first_attempt_with_history_seconds"] = t
        prep[name]["counts_after_warmup"] = counts(r, repo)
        print(f"  {name}: {json.dumps(prep[name])}", flush=True)

    samples: dict[str, list[float]] = {n: [] for n in names}
    loads: list[float] = []
    for i in range(args.runs):
        order = names[i % len(names):] + names[: i % len(names)]
        for n in order:
            dt, load = copies[n].attempt()
            samples[n].append(dt)
            loads.append(load)
        print(f"  run {i + 1}/{args.runs} (load {load_now():.1f}): "
              + ", ".join(f"{n} {samples[n][-1]:.3f} s" for n in names), flush=True)

    print(f"\n{'median of ' + str(args.runs) + ' attempts, -j ' + str(args.jobs):<40}{'median':>9}{'min':>9}{'max':>9}")
    for n in names:
        v = samples[n]
        print(f"{n:<40}{med(v):>8.3f}s{min(v):>8.3f}s{max(v):>8.3f}s")
    ratios = {n: med(samples[n]) / med(samples["fresh"]) for n in names if n != "fresh"}
    for n, x in ratios.items():
        print(f"{n + ' / fresh':<40}{x:>8.3f}x   target <= {TARGET_RATIO:g}x: "
              f"{'met' if x <= TARGET_RATIO else 'MISSED'}")
    final = {n: counts(r, copies[n].repo) for n in names}
    for n in names:
        print(f"{n}: after the runs {json.dumps(final[n])}")
    print(f"load (1 min) during the runs: min {min(loads):.2f}, median {med(loads):.2f}, max {max(loads):.2f}")

    out = {
        "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "gate": gate, "history": args.history, "branches": args.branches, "runs": args.runs, "jobs": args.jobs,
        "preparation": prep, "samples": samples,
        "median_seconds": {n: med(v) for n, v in samples.items()},
        "ratios_over_fresh": ratios, "target_ratio_max": TARGET_RATIO,
        "counts_after_runs": final,
        "load_1min": {"min": min(loads), "median": med(loads), "max": max(loads)},
    }
    (workdir / RESULTS_FILE).write_text(json.dumps(out, indent=2) + "\n")
    print(f"results: {workdir / RESULTS_FILE}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print(f"history_bench: error: {e}", file=sys.stderr)
        sys.exit(1)
