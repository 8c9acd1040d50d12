#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""On-demand benchmark: what the static tier of an attempt costs once the tree without the fix is analysed.

Two attempts with the same fix on a copy of examples/calculator, with the tiers `tests` (ctest) and
`static` (clang-tidy or cppcheck): the first against a tree nothing is stored for (it builds and tests the
baseline and analyses the changed translation unit with and without the fix), the second against the same
tree (the stored baseline and, with this gate, the stored analysis). Reports the static tier's seconds of
each (report.json `tiers[].duration_s`) against one run of the analyzer over the changed translation unit,
the command the gate runs, timed on its own; and, given `--main-gate`, the same attempts by another build
of the gate (main). Never a timed assertion: missing the target does not fail the run. See bench/README.md.

    python3 bench/static_bench.py --gate build/autofix-gate --main-gate /tmp/main-build/autofix-gate \\
        --runs 5 -j 2 --workdir /tmp/static-bench

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_common import describe_exit, isolated_env

TARGET_RATIO = 1.1  # static tier of the second attempt / one analyzer run over the changed units
RESULTS_FILE = "static-bench-results.json"
HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"
CHANGED_UNIT = "mathlib/mathlib.cpp"  # what examples/fixes/correct-fix.diff changes
# What runners/static_analyzer.{h,cpp} passes; keep in step with it.
DEFAULT_CLANG_TIDY_CHECKS = "-*,bugprone-*,clang-analyzer-*,performance-*,-bugprone-easily-swappable-parameters"
CPPCHECK_OPTIONS = ["--xml", "--xml-version=2", "--enable=warning,style,performance,portability", "--inline-suppr",
                    "--quiet", "--suppress=missingIncludeSystem", "--suppress=missingInclude",
                    "--suppress=unmatchedSuppression", "--suppress=checkersReport"]


class BenchError(Exception):
    pass


def run(cmd: list[str], env: dict[str, str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    p = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if check and p.returncode != 0:
        raise BenchError(f"{' '.join(cmd)} ({describe_exit(p.returncode)})\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    return p


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    p = run(cmd, env, cwd)
    return time.perf_counter() - t0, p


class Calculator:
    """A committed copy of examples/calculator, configured and built in build/ (Ninja), a patch that fixes
    mean(), and a gate configuration per analyzer outside the repository."""

    def __init__(self, workdir: Path, env: dict[str, str], jobs: int):
        self.env = env
        self.repo = workdir / "calculator"
        self.patch = workdir / "calculator-fix.diff"
        if self.repo.exists():
            shutil.rmtree(self.repo)
        shutil.copytree(EXAMPLES / "calculator", self.repo)
        shutil.copyfile(EXAMPLES / "fixes" / "correct-fix.diff", self.patch)
        for args in (["init", "-q", "-b", "main"], ["config", "gc.auto", "0"], ["add", "-A"],
                     ["commit", "-q", "-m", "calculator with a bug in mean()"]):
            self.git(*args)
        run(["cmake", "-S", str(self.repo), "-B", str(self.repo / "build"), "-G", "Ninja"], env, self.repo)
        run(["cmake", "--build", str(self.repo / "build"), "-j", str(jobs)], env, self.repo)

    def git(self, *args: str) -> str:
        return run(["git", *args], self.env, self.repo).stdout

    def config(self, workdir: Path, analyzer: str) -> Path:
        path = workdir / f"autofix-gate-{analyzer}.json"
        path.write_text(json.dumps({"version": 1, "tiers": [{"name": "tests", "kind": "ctest"},
                                                             {"name": "static", "kind": analyzer}]}) + "\n")
        return path

    def reset(self, gate: str, forget: bool) -> None:
        """Back to the unfixed commit; `forget`: nothing stored (no baseline, no analysis)."""
        run([gate, "recover", "-C", str(self.repo)], self.env, self.repo)
        run([gate, "snapshots", "prune", "--keep", "0", "-C", str(self.repo)], self.env, self.repo)
        for ref in self.git("for-each-ref", "--format=%(refname)", "refs/heads/autofix/").split():
            self.git("update-ref", "-d", ref)
        self.git("checkout", "-q", "--", ".")
        self.git("clean", "-fdq")
        if forget:
            for stored in ("baselines", "analysis"):
                shutil.rmtree(self.repo / ".git" / "autofix" / stored, ignore_errors=True)
        if self.git("status", "--porcelain").strip():
            raise BenchError(f"{self.repo} is not the unfixed commit")


def attempt(c: Calculator, gate: str, config: Path, jobs: int) -> dict:
    cmd = [gate, "attempt", "--patch", str(c.patch), "--config", str(config), "-j", str(jobs), "-C", str(c.repo)]
    t0 = time.perf_counter()
    p = run(cmd, c.env, c.repo, check=False)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise BenchError(f"the attempt was not accepted ({describe_exit(p.returncode)}):\n{p.stderr[-4000:]}")
    report = json.loads((c.repo / "build" / "autofix" / "latest" / "report.json").read_text())
    static = next(t for t in report["tiers"] if t["name"] == "static")
    if static["status"] != "passed":
        raise BenchError(f"the static tier did not pass: {static['status']}: {static['reason']}")
    notes = [line.strip() for line in p.stderr.splitlines() if "[static]" in line]
    return {"wall_s": wall, "static_s": static["duration_s"], "baseline_cached": report["baseline"]["cached"],
            "static_reason": static["reason"], "notes": notes}


def analyzer_once(c: Calculator, analyzer: str, scratch: Path) -> float:
    """One run of the analyzer over the changed translation unit with the fix, as the gate runs it."""
    c.git("apply", str(c.patch))
    try:
        unit = c.repo / CHANGED_UNIT
        if analyzer == "clang-tidy":
            cmd = ["clang-tidy", "-p", str(c.repo / "build"), "--quiet", "--checks=" + DEFAULT_CLANG_TIDY_CHECKS,
                   f"--header-filter=^{c.repo}/", str(unit)]
        else:
            entries = [e for e in json.loads((c.repo / "build" / "compile_commands.json").read_text())
                       if Path(e["directory"], e["file"]).resolve() == unit.resolve()]
            db = scratch / "compile_commands.json"
            db.write_text(json.dumps(entries))
            cmd = ["cppcheck", f"--project={db}", *CPPCHECK_OPTIONS]
        dt, _ = timed(cmd, c.env, c.repo)
        return dt
    finally:
        c.git("checkout", "-q", "--", ".")


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gate", required=True, help="the autofix-gate binary to measure")
    ap.add_argument("--main-gate", help="another build (main) to measure the same way, for comparison")
    ap.add_argument("--analyzers", default="clang-tidy,cppcheck")
    ap.add_argument("--runs", type=int, default=5, help="rounds of (first attempt, second attempt); medians reported")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "autofix-gate-static-bench"))
    args = ap.parse_args()
    workdir = Path(args.workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    env = isolated_env(workdir, ("GIT_", "AUTOFIX_GATE_", "CTEST_", "GTEST_"))
    gates = {"this": str(Path(args.gate).resolve())}
    if args.main_gate:
        gates["main"] = str(Path(args.main_gate).resolve())

    t0 = time.perf_counter()
    c = Calculator(workdir, env, args.jobs)
    print(f"prepared {c.repo} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    results: dict = {"jobs": args.jobs, "runs": args.runs, "cpus": os.cpu_count(), "load_start": os.getloadavg(),
                     "analyzers": {}}
    for analyzer in args.analyzers.split(","):
        config = c.config(workdir, analyzer)
        samples: dict[str, list] = {f"{g}:{n}": [] for g in gates for n in ("first", "second")}
        samples["bare"] = []
        with tempfile.TemporaryDirectory() as scratch:
            for round_ in range(args.runs):
                order = list(gates) if round_ % 2 == 0 else list(reversed(gates))  # drift hits both alike
                for g in order:
                    c.reset(gates[g], forget=True)
                    first = attempt(c, gates[g], config, args.jobs)
                    c.reset(gates[g], forget=False)
                    second = attempt(c, gates[g], config, args.jobs)
                    c.reset(gates[g], forget=False)
                    if first["baseline_cached"] or not second["baseline_cached"]:
                        raise BenchError("the first attempt must compute the baseline and the second reuse it")
                    samples[f"{g}:first"].append(first)
                    samples[f"{g}:second"].append(second)
                samples["bare"].append(analyzer_once(c, analyzer, Path(scratch)))
                print(f"{analyzer}: round {round_ + 1}/{args.runs} done", file=sys.stderr)
        bare = median(samples["bare"])
        summary = {"bare_analyzer_s": bare, "samples": samples}
        print(f"\n{analyzer} over {CHANGED_UNIT}: one run of the analyzer {bare:.2f} s (median of {args.runs})")
        print(f"| gate | attempt | static tier s (median) | / one analyzer run | attempt wall s |")
        print(f"|---|---|---:|---:|---:|")
        for g in gates:
            for n in ("first", "second"):
                static = median([s["static_s"] for s in samples[f"{g}:{n}"]])
                wall = median([s["wall_s"] for s in samples[f"{g}:{n}"]])
                summary[f"{g}:{n}"] = {"static_s": static, "ratio": static / bare, "wall_s": wall}
                print(f"| {g} | {n} | {static:.2f} | {static / bare:.2f} | {wall:.2f} |")
        ratio = summary["this:second"]["ratio"]
        # Per round: the second attempt's tier against the analyzer run of the same round (load drifts).
        paired = median([a["static_s"] / b for a, b in zip(samples["this:second"], samples["bare"])])
        summary["this:second"]["paired_ratio"] = paired
        print(f"second attempt / one analyzer run: {ratio:.2f} (median of the rounds' ratios: {paired:.2f}; "
              f"target <= {TARGET_RATIO} for the first: {'met' if ratio <= TARGET_RATIO else 'MISSED'})")
        if "main" in gates:
            print(f"second attempt, main / this: {summary['main:second']['static_s'] / summary['this:second']['static_s']:.2f}x")
        print("notes of this gate's second attempt: " + " / ".join(samples["this:second"][-1]["notes"]))
        results["analyzers"][analyzer] = summary
    results["load_end"] = os.getloadavg()
    (workdir / RESULTS_FILE).write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print(f"static_bench: {e}", file=sys.stderr)
        sys.exit(1)
