#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""On-demand rig: how often does a 30%-flaky test make `autofix-gate attempt` reject a correct fix, and is
a fix that breaks a test for good still rejected every time?

Seeded and reproducible: the flaky test's outcome in each run is a hash of (seed, scenario, attempt, run
number), so a given --seed gives the same sequence of outcomes every time. Every attempt computes its
baseline afresh (flakiness at baseline matters too). Exit status 0 when the measured rates meet the
targets (false rejections below --max-false-rejection, true rejections 100%) and the rig ran cleanly,
1 otherwise. See bench/README.md.

    python3 bench/flaky_rig.py --gate build/autofix-gate --seed 1 --attempts 200 --true-attempts 50 -j 2

Standard library only.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_common import describe_exit, isolated_env

RESULTS_FILE = "flaky-rig-results.json"
HERE = Path(__file__).resolve().parent

# Environment variables that would change what cmake, ctest or the gate do; the rig runs without them.
DROPPED_ENV_PREFIXES = ("GIT_", "GTEST_", "CTEST_", "CMAKE_", "AUTOFIX_GATE_")
DROPPED_ENV = {"XDG_CONFIG_HOME", "MAKEFLAGS", "MFLAGS", "NINJA_STATUS", "CI"}

# Scenarios. "fix" is what the patch does besides repairing `target`; "expect" the verdict a correct gate
# gives every time.
SCENARIOS = {
    "untouched": {"title": "A: the fix repairs `target` and never touches `flaky` (a rejection is false)",
                  "breaks": None, "expect": "accepted"},
    "breaks-stable": {"title": "B1: the fix also makes `stable` fail always (must be rejected)",
                      "breaks": "stable", "expect": "rejected"},
    "breaks-flaky": {"title": "B2: the fix also makes `flaky` fail always (must be rejected)",
                     "breaks": "flaky", "expect": "rejected"},
}

Z95 = 1.959963984540054


class RigError(Exception):
    pass


# ---------------------------------------------------------------------------------------------------------
# Statistics


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for k successes out of n (95% by default)."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    d = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return max(0.0, centre - half), min(1.0, centre + half)


def model_rates(p: float, r: int) -> dict[str, float]:
    """What docs/tiers.md ("Flaky tests") predicts for a test failing independently with probability p,
    with r = flaky_reruns:

    - untouched: a false rejection needs the fixed tree's run and all r re-runs to fail (p^(r+1)), after
      a baseline that passed (1-p) or was flaky at baseline (p(1-p^r)): p^(r+1) (1 - p^(r+1)).
    - breaks-flaky: missed when the baseline failed in every one of its r+1 runs (p^(r+1)): the test is
      then FAIL_TO_FAIL and not flaky at baseline, so it is no regression however its re-runs go.
    - breaks-stable: never missed.
    These are the rates of a test with no flake history; once the gate has seen it flake
    (.git/autofix/flaky.json) it is re-run 2r times, so a false rejection after a passing baseline needs
    p^(2r+1); the history never changes a transition, so the break above is still missed.
    """
    q = p ** (r + 1)
    return {"untouched": q * (1 - q), "breaks-flaky": q, "breaks-stable": 0.0}


def replay(outcomes: list[bool], r: int, known: bool = False) -> dict:
    """The documented algorithm replayed on the flaky test's runs in the order they happened (True =
    passed): baseline run, baseline re-runs while failing, run with the fix, then, unless it passed on both
    trees, re-runs until one disagrees: 2r for a test with a flake history (flaky at baseline, or `known`:
    an earlier attempt saw it flake, .git/autofix/flaky.json), else one for a fix (failing every baseline
    run, passing with the fix), else r. Then what the runs showed decides (gate/policy/observations.h):
    mixed at baseline and failing every run with the fix is PASS_TO_FAIL; mixed on either tree is FLAKY;
    otherwise the first runs' transition stands. The history buys re-runs only, never a transition.
    Returns the transition the gate should report and how many runs that takes, or None when the runs do
    not fit (e.g. the gate ran the test a different number of times)."""
    it = iter(outcomes)
    used = 0

    def nxt() -> bool | None:
        nonlocal used
        v = next(it, None)
        if v is not None:
            used += 1
        return v

    base = nxt()
    if base is None:
        return {"transition": None, "runs": used}
    base_flaky = False
    if not base:
        for _ in range(r):
            v = nxt()
            if v is None:
                return {"transition": None, "runs": used}
            if v:
                base_flaky = True
                break
    after = nxt()
    if after is None:
        return {"transition": None, "runs": used}
    if base and after:
        return {"transition": "PASS_TO_PASS", "runs": used, "baseline_flaky": base_flaky}
    budget = 2 * r if (base_flaky or known) else min(1, r) if after else r
    reruns = []
    for _ in range(budget):
        v = nxt()
        if v is None:
            return {"transition": None, "runs": used}
        reruns.append(v)
        if v != after:
            break
    after_mixed = any(v != after for v in reruns)
    if base_flaky and not after and not after_mixed and reruns:
        transition = "PASS_TO_FAIL"
    elif base_flaky or after_mixed:
        transition = "FLAKY"
    else:
        transition = {(True, False): "PASS_TO_FAIL", (False, True): "FAIL_TO_PASS",
                      (False, False): "FAIL_TO_FAIL"}[(base, after)]
    return {"transition": transition, "runs": used, "baseline_flaky": base_flaky}


# ---------------------------------------------------------------------------------------------------------
# The project: one C++ library + probe executable, three tests


FLAKY_SCRIPT = r'''"""The rig's flaky test: fails with a seeded probability, and always when `probe flaky` fails."""
import hashlib
import json
import os
import subprocess
import sys

state, probe = sys.argv[1], sys.argv[2]
with open(os.path.join(state, "current.json")) as f:
    cfg = json.load(f)  # {"key": "<seed>:<scenario>:<attempt>", "fail_rate": 0.3}
# The run number: one counter per attempt, reset by the rig. The gate never runs this test twice at once.
counter = os.path.join(state, "counter")
try:
    with open(counter) as f:
        n = int(f.read().strip() or "0")
except FileNotFoundError:
    n = 0
with open(counter + ".tmp", "w") as f:
    f.write(f"{n + 1}\n")
os.replace(counter + ".tmp", counter)
u = int.from_bytes(hashlib.sha256(f"{cfg['key']}:{n}".encode()).digest()[:8], "big") / 2.0 ** 64
random_fail = u < cfg["fail_rate"]
probe_ok = subprocess.run([probe, "flaky"]).returncode == 0
passed = probe_ok and not random_fail
with open(os.path.join(state, "runs.log"), "a") as f:
    f.write(json.dumps({"n": n, "u": round(u, 6), "random_fail": random_fail, "probe_ok": probe_ok,
                        "passed": passed}) + "\n")
print(f"flaky run {n}: u={u:.4f} probe_ok={probe_ok} -> {'pass' if passed else 'FAIL'}")
sys.exit(0 if passed else 1)
'''


def lib_source(fixed: bool, breaks: str | None) -> str:
    return "\n".join([
        '#include "rig.h"',
        "",
        f"int answer() {{ return {42 if fixed else 41}; }}  // `target` wants 42",
        f"int stable_value() {{ return {8 if breaks == 'stable' else 7}; }}  // `stable` wants 7",
        f"int flaky_ok() {{ return {0 if breaks == 'flaky' else 1}; }}  // `flaky` fails always unless 1",
        ""])


PROBE_SOURCE = """#include <cstring>

#include "rig.h"

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  if (std::strcmp(argv[1], "answer") == 0) return answer() == 42 ? 0 : 1;
  if (std::strcmp(argv[1], "stable") == 0) return stable_value() == 7 ? 0 : 1;
  if (std::strcmp(argv[1], "flaky") == 0) return flaky_ok() == 1 ? 0 : 1;
  return 2;
}
"""


def project_files(state: Path, python: str) -> dict[str, str]:
    def q(s: str) -> str:
        return '"' + s.replace("\\", "/").replace('"', '\\"') + '"'

    return {
        ".gitignore": "/build/\n",
        "CMakeLists.txt": "\n".join([
            "# Generated by bench/flaky_rig.py: three tests, one of them flaky, one fixed by the patch.",
            "cmake_minimum_required(VERSION 3.16)",
            "project(FlakyRig LANGUAGES CXX)",
            "enable_testing()",
            "add_library(rig STATIC src/rig.cpp)",
            "target_include_directories(rig PUBLIC include)",
            "add_executable(probe src/probe.cpp)",
            "target_link_libraries(probe PRIVATE rig)",
            "add_test(NAME target COMMAND probe answer)",
            "add_test(NAME stable COMMAND probe stable)",
            f"add_test(NAME flaky COMMAND {q(python)} -I ${{CMAKE_CURRENT_SOURCE_DIR}}/scripts/flaky_check.py",
            f"         {q(str(state))} $<TARGET_FILE:probe>)",
            ""]),
        "include/rig.h": "#pragma once\n\nint answer();\nint stable_value();\nint flaky_ok();\n",
        "src/rig.cpp": lib_source(False, None),
        "src/probe.cpp": PROBE_SOURCE,
        "scripts/flaky_check.py": FLAKY_SCRIPT,
    }


class Runner:
    def __init__(self, env: dict[str, str]):
        self.env = env

    def run(self, cmd: list[str], cwd: Path | None = None, check: bool = True,
            extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        env = {**self.env, **extra_env} if extra_env else self.env
        p = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        if check and p.returncode != 0:
            raise RigError(f"command failed ({describe_exit(p.returncode)}): {' '.join(cmd)}\n"
                           f"--- stdout ---\n{p.stdout[-4000:]}\n--- stderr ---\n{p.stderr[-4000:]}")
        return p


class Rig:
    def __init__(self, r: Runner, gate: str, workdir: Path, seed: str, fail_rate: float, jobs: int,
                 flaky_reruns: int | None, generator: str, trace: bool):
        self.r = r
        self.gate = gate
        self.workdir = workdir
        self.repo = workdir / "project"
        self.state = workdir / "state"
        self.seed = seed
        self.fail_rate = fail_rate
        self.jobs = jobs
        self.flaky_reruns = flaky_reruns
        self.generator = generator
        self.trace = trace
        self.patches: dict[str, Path] = {}

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.r.run(["git", *args], cwd=self.repo, check=check)

    # -- preparation ---------------------------------------------------------------------------------

    def prepare(self) -> float:
        t0 = time.perf_counter()
        for d in (self.repo, self.state):
            if d.exists():
                shutil.rmtree(d)
            d.mkdir(parents=True)
        files = project_files(self.state, os.path.realpath(sys.executable))
        if self.flaky_reruns is not None:
            files["autofix-gate.json"] = json.dumps({"flaky_reruns": self.flaky_reruns}, indent=2) + "\n"
        for rel, text in files.items():
            f = self.repo / rel
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(text)
        self.git("init", "-q", "-b", "main")
        self.git("config", "gc.auto", "0")
        self.git("config", "user.name", "AutofixGate Flaky Rig")
        self.git("config", "user.email", "rig@autofix-gate.invalid")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "flaky rig: `target` fails (answer() returns 41), `flaky` fails 30% of runs")
        # The patches are what git says each variant of the fix is.
        for name, sc in SCENARIOS.items():
            (self.repo / "src/rig.cpp").write_text(lib_source(True, sc["breaks"]))
            patch = self.git("diff", "--no-color", "--no-ext-diff").stdout
            if not patch.strip():
                raise RigError(f"the {name} patch changes nothing")
            self.patches[name] = self.workdir / f"fix-{name}.diff"
            self.patches[name].write_text(patch)
        self.git("checkout", "-q", "--", ".")
        self.r.run(["cmake", "-S", str(self.repo), "-B", str(self.repo / "build"), "-G", self.generator])
        self.r.run(["cmake", "--build", str(self.repo / "build"), "-j", str(self.jobs)])
        self.require_clean("after preparing the project")
        return time.perf_counter() - t0

    # -- one attempt ---------------------------------------------------------------------------------

    def require_clean(self, when: str) -> None:
        s = self.git("status", "--porcelain", "--untracked-files=all").stdout
        if s.strip():
            raise RigError(f"the work tree of {self.repo} is not the unfixed commit {when}:\n{s}")

    def reset_scenario(self) -> None:
        """Each scenario starts with no flake history, so scenarios do not depend on their order."""
        for p in (self.repo / ".git" / "autofix" / "flaky.json",):
            if p.exists():
                p.unlink()

    def attempt(self, scenario: str, index: int) -> dict:
        self.require_clean("before an attempt")
        key = f"{self.seed}:{scenario}:{index}"
        (self.state / "current.json").write_text(json.dumps({"key": key, "fail_rate": self.fail_rate}) + "\n")
        (self.state / "counter").write_text("0\n")
        log = self.state / "runs.log"
        if log.exists():
            log.unlink()
        # A fresh baseline every attempt: flakiness at baseline is half of what is measured.
        shutil.rmtree(self.repo / ".git" / "autofix" / "baselines", ignore_errors=True)
        report_path = self.repo / "build" / "autofix" / "latest" / "report.json"
        if report_path.exists():
            report_path.unlink()
        cmd = [self.gate, "attempt", "--patch", str(self.patches[scenario]), "-j", str(self.jobs), "-C", str(self.repo)]
        t0 = time.perf_counter()
        p = self.r.run(cmd, check=False, extra_env={"AUTOFIX_GATE_TRACE": "1"} if self.trace else None)
        dt = time.perf_counter() - t0
        runs = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        try:
            report = json.loads(report_path.read_text())
        except (OSError, ValueError):
            report = {}
        verdict = report.get("verdict") or f"no report ({describe_exit(p.returncode)})"
        tests = {t.get("name"): t for t in report.get("tests") or [] if isinstance(t, dict)}
        status = report.get("tests_status") or {}

        def transition(name: str) -> str | None:
            for k, names in status.items():
                if name in (names or []):
                    return k
            t = tests.get(name) or {}
            return t.get("transition")

        flaky = tests.get("flaky") or {}
        rec = {
            "index": index,
            "key": key,
            "seconds": dt,
            "exit": p.returncode,
            "verdict": verdict,
            "reason": report.get("reason"),
            "baseline_cached": (report.get("baseline") or {}).get("cached"),
            "transitions": {n: transition(n) for n in ("target", "stable", "flaky")},
            "flaky": {k: flaky.get(k) for k in ("baseline", "after", "reruns", "baseline_flaky", "known_flakes")},
            "flaky_runs": [bool(x["passed"]) for x in runs],
            "flaky_runs_u": [x["u"] for x in runs],
            "durations": report.get("durations"),
        }
        if self.trace:
            rec["trace"] = [line for line in p.stderr.splitlines() if "trace:" in line]
        if not report:
            rec["stderr_tail"] = p.stderr[-2000:]
        # Put the repository back the way the next attempt needs it (not timed): the branch of an accepted
        # fix and its snapshot are dropped; the gate has already restored the work tree.
        refs = self.git("for-each-ref", "--format=%(refname)", "refs/heads/autofix/").stdout.split()
        for ref in refs:
            self.git("update-ref", "-d", ref)
        self.r.run([self.gate, "snapshots", "prune", "--keep", "0", "-C", str(self.repo)])
        self.require_clean(f"after attempt {key} (verdict {verdict})")
        return rec


# ---------------------------------------------------------------------------------------------------------
# Summaries


def summarize(scenario: str, recs: list[dict], reruns: int, fail_rate: float, max_false: float) -> dict:
    sc = SCENARIOS[scenario]
    n = len(recs)
    verdicts: dict[str, int] = {}
    for x in recs:
        verdicts[x["verdict"]] = verdicts.get(x["verdict"], 0) + 1
    flaky_tr: dict[str, int] = {}
    for x in recs:
        t = x["transitions"]["flaky"] or "none"
        flaky_tr[t] = flaky_tr.get(t, 0) + 1
    # docs/tiers.md's expectation of `rate` below: the false-rejection rate, or 1 - the miss rate.
    miss = model_rates(fail_rate, reruns)[scenario]
    model = miss if sc["expect"] == "accepted" else 1 - miss
    mismatches = []
    for x in recs:
        # Known before this attempt: the count after it, less the flake this attempt itself recorded.
        f = x["flaky"]
        recorded = 1 if (x["transitions"]["flaky"] == "FLAKY" or f.get("baseline_flaky")) else 0
        rp = replay(x["flaky_runs"], reruns, known=(f.get("known_flakes") or 0) - recorded > 0)
        x["replay"] = rp
        if rp["transition"] != x["transitions"]["flaky"] or rp["runs"] != len(x["flaky_runs"]):
            mismatches.append({"index": x["index"], "gate": x["transitions"]["flaky"], "replay": rp,
                               "runs": x["flaky_runs"]})
    baseline_flaky = sum(1 for x in recs if x["flaky"].get("baseline_flaky"))
    baseline_fail_all = sum(1 for x in recs if x["flaky_runs"] and not any(x["flaky_runs"][:reruns + 1])
                            and len(x["flaky_runs"]) >= reruns + 1 and not x["flaky"].get("baseline_flaky"))
    secs = [x["seconds"] for x in recs]
    out = {
        "title": sc["title"],
        "attempts": n,
        "expected_verdict": sc["expect"],
        "verdicts": verdicts,
        "flaky_transitions": flaky_tr,
        "flaky_baseline_flaky": baseline_flaky,
        "flaky_runs_total": sum(len(x["flaky_runs"]) for x in recs),
        "flaky_runs_failed": sum(1 for x in recs for v in x["flaky_runs"] if not v),
        "flaky_failed_every_baseline_run": baseline_fail_all,
        # The first run of each attempt is not conditioned on anything: an unbiased estimate of the fail rate.
        "flaky_first_run_failed": sum(1 for x in recs if x["flaky_runs"] and not x["flaky_runs"][0]),
        "model_rate": model,
        "replay_mismatches": mismatches,
        "seconds": {"total": sum(secs), "median": statistics.median(secs) if secs else None,
                    "min": min(secs, default=None), "max": max(secs, default=None)},
    }
    if sc["expect"] == "accepted":
        bad = [x for x in recs if x["verdict"] == "rejected"]
        other = [x for x in recs if x["verdict"] not in ("accepted", "rejected")]
        k = len(bad)
        lo, hi = wilson(k, n)
        out.update({
            "measure": "false rejections",
            "count": k,
            "rate": k / n if n else None,
            "wilson95": [lo, hi],
            "target": f"< {pct(max_false)}",
            "met": n > 0 and k / n < max_false and not other,
            "upper_bound_below_target": hi < max_false,
            "false_rejections": [{"index": x["index"], "key": x["key"], "reason": x["reason"],
                                  "flaky_runs": x["flaky_runs"], "transitions": x["transitions"]} for x in bad],
            "other_verdicts": [{"index": x["index"], "verdict": x["verdict"], "reason": x["reason"]} for x in other],
        })
        # Every accepted attempt must have fixed `target`; anything else is a rig problem.
        out["target_not_fixed"] = [x["index"] for x in recs if x["verdict"] == "accepted"
                                   and x["transitions"]["target"] != "FAIL_TO_PASS"]
    else:
        good = [x for x in recs if x["verdict"] == "rejected"]
        missed = [x for x in recs if x["verdict"] != "rejected"]
        k = len(good)
        lo, hi = wilson(k, n)
        broken = SCENARIOS[scenario]["breaks"]
        out.update({
            "measure": "true rejections",
            "count": k,
            "rate": k / n if n else None,
            "wilson95": [lo, hi],
            "target": "= 100%",
            "met": n > 0 and k == n,
            "missed": [{"index": x["index"], "key": x["key"], "verdict": x["verdict"], "reason": x["reason"],
                        "flaky_runs": x["flaky_runs"], "transitions": x["transitions"]} for x in missed],
            "rejected_without_regression_of_broken_test": [
                x["index"] for x in good if x["transitions"].get(broken) != "PASS_TO_FAIL"],
        })
    return out


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.2f}%"


def print_table(summaries: dict[str, dict]) -> None:
    print(f"\n{'scenario':<15}{'attempts':>9}{'measure':>18}{'count':>7}{'rate':>9}{'95% CI (Wilson)':>21}"
          f"{'target':>9}{'model':>9}  result")
    for name, s in summaries.items():
        ci = f"[{pct(s['wilson95'][0])}, {pct(s['wilson95'][1])}]"
        model = s["model_rate"]
        print(f"{name:<15}{s['attempts']:>9}{s['measure']:>18}{s['count']:>7}{pct(s['rate']):>9}{ci:>21}"
              f"{s['target']:>9}{pct(model):>9}  {'met' if s['met'] else 'MISSED'}")
    print("\nverdicts, and what became of `flaky` (its transition in report.json):")
    for name, s in summaries.items():
        v = ", ".join(f"{k} {c}" for k, c in sorted(s["verdicts"].items()))
        t = ", ".join(f"{k} {c}" for k, c in sorted(s["flaky_transitions"].items()))
        print(f"  {name:<15}verdicts: {v}")
        print(f"  {'':<15}flaky: {t}")
        print(f"  {'':<15}flaky at baseline {s['flaky_baseline_flaky']}; failed every baseline run "
              f"{s['flaky_failed_every_baseline_run']}; first run failed in {s['flaky_first_run_failed']}/{s['attempts']} "
              f"attempts ({pct(s['flaky_first_run_failed'] / s['attempts']) if s['attempts'] else 'n/a'}); "
              f"{s['flaky_runs_total']} runs in all")
        sec = s["seconds"]
        if sec["median"] is not None:
            print(f"  {'':<15}seconds per attempt: median {sec['median']:.2f}, min {sec['min']:.2f}, "
                  f"max {sec['max']:.2f}; total {sec['total']:.0f}")


# ---------------------------------------------------------------------------------------------------------


def gate_commit() -> dict:
    """The commit of the source tree this script belongs to (the gate's sources, presumably what the binary
    passed with --gate was built from), and whether that tree had uncommitted changes."""
    root = HERE.parent
    out = {"source_tree": str(root)}
    try:
        out["commit"] = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                                       text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.split("\n")
        out["uncommitted_changes"] = [line[3:] for line in dirty if line.strip()]
    except (OSError, subprocess.CalledProcessError):
        out["commit"] = None
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gate", required=True, help="path to the autofix-gate binary")
    ap.add_argument("--seed", default="1", help="seed of the flaky test's outcomes (any string; default 1)")
    ap.add_argument("--attempts", type=int, default=200,
                    help="attempts of scenario A, the correct fix (default 200)")
    ap.add_argument("--true-attempts", type=int, default=50,
                    help="attempts of each scenario B, a fix that breaks a test for good (default 50)")
    ap.add_argument("--scenarios", default=",".join(SCENARIOS),
                    help=f"comma-separated, of {', '.join(SCENARIOS)} (default all)")
    ap.add_argument("--fail-rate", type=float, default=0.3, help="probability that `flaky` fails a run (default 0.3)")
    ap.add_argument("--max-false-rejection", type=float, default=0.01,
                    help="target: scenario A's false-rejection rate must be below this (default 0.01)")
    ap.add_argument("--require-confidence", action="store_true",
                    help="also require the upper end of the 95%% Wilson interval to be below the target "
                         "(0 false rejections in at least ~380 attempts for 1%%)")
    ap.add_argument("--flaky-reruns", type=int, default=None,
                    help="commit an autofix-gate.json with this flaky_reruns (default: none, the gate's default 4)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="-j for the gate, the build and ctest (default 2)")
    ap.add_argument("--generator", default="Ninja" if shutil.which("ninja") else "Unix Makefiles",
                    help="CMake generator (default Ninja when installed)")
    ap.add_argument("--workdir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "autofix-gate-flaky-rig"),
                    help=f"where the project is generated (afresh every invocation) and {RESULTS_FILE} is written")
    ap.add_argument("--trace", action="store_true", help="run the gate with AUTOFIX_GATE_TRACE=1, keep its trace lines")
    args = ap.parse_args()
    if args.attempts < 0 or args.true_attempts < 0:
        ap.error("--attempts and --true-attempts must not be negative")
    if not 0.0 <= args.fail_rate < 1.0:
        ap.error("--fail-rate must be in [0, 1)")
    if args.jobs < 1:
        ap.error("-j must be at least 1")
    if args.flaky_reruns is not None and not 0 <= args.flaky_reruns <= 20:
        ap.error("--flaky-reruns must be 0-20")
    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    if not scenarios or any(s not in SCENARIOS for s in scenarios):
        ap.error(f"--scenarios takes a comma-separated list of {', '.join(SCENARIOS)}")
    gate = shutil.which(args.gate) if os.sep not in args.gate else args.gate
    if not gate or not os.access(gate, os.X_OK):
        ap.error(f"no executable autofix-gate at '{args.gate}'")
    gate = os.path.abspath(gate)
    workdir = Path(args.workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    r = Runner(isolated_env(workdir, DROPPED_ENV_PREFIXES, frozenset(DROPPED_ENV)))
    reruns = 4 if args.flaky_reruns is None else args.flaky_reruns

    versions = {
        "gate": r.run([gate, "--version"]).stdout.strip(),
        "git": r.run(["git", "--version"]).stdout.strip(),
        "cmake": r.run(["cmake", "--version"]).stdout.splitlines()[0],
    }
    binary_sha = hashlib.sha256(Path(gate).read_bytes()).hexdigest()
    commit = gate_commit()
    started = datetime.datetime.now(datetime.timezone.utc)
    load_start = os.getloadavg()
    print(f"{versions['gate']} ({gate}, sha256 {binary_sha[:16]}); sources at commit {commit.get('commit')}"
          + (" with uncommitted changes" if commit.get("uncommitted_changes") else ""))
    print(f"seed {args.seed!r}; `flaky` fails {args.fail_rate:.0%} of runs; flaky_reruns {reruns}"
          f"{'' if args.flaky_reruns is not None else ' (the default)'}; -j {args.jobs}; "
          f"load average {load_start[0]:.2f}; workdir {workdir}")

    results = {
        "created": started.isoformat(timespec="seconds"),
        "seed": args.seed,
        "fail_rate": args.fail_rate,
        "flaky_reruns": reruns,
        "flaky_reruns_configured": args.flaky_reruns is not None,
        "max_false_rejection": args.max_false_rejection,
        "require_confidence": args.require_confidence,
        "jobs": args.jobs,
        "generator": args.generator,
        "gate": gate,
        "gate_sha256": binary_sha,
        "gate_source": commit,
        "versions": versions,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "load_average_start": load_start,
        "summary": {},
        "attempts": {},
    }
    out_path = workdir / RESULTS_FILE
    rig = Rig(r, gate, workdir, args.seed, args.fail_rate, args.jobs, args.flaky_reruns, args.generator, args.trace)
    t_all = time.perf_counter()
    problems: list[str] = []
    try:
        prep = rig.prepare()
        print(f"project generated, configured and built in {prep:.1f} s: {rig.repo}", flush=True)
        results["prepare_seconds"] = prep
        for name in scenarios:
            n = args.attempts if SCENARIOS[name]["expect"] == "accepted" else args.true_attempts
            if n == 0:
                continue
            print(f"\n== {name}: {SCENARIOS[name]['title']}; {n} attempts ==", flush=True)
            rig.reset_scenario()
            recs = []
            t0 = time.perf_counter()
            for i in range(n):
                rec = rig.attempt(name, i)
                recs.append(rec)
                if rec["verdict"] != SCENARIOS[name]["expect"]:
                    print(f"  attempt {i}: {rec['verdict']} ({rec['reason']}); flaky runs "
                          + "".join("P" if v else "F" for v in rec["flaky_runs"])
                          + f"; transitions {rec['transitions']}", flush=True)
                if (i + 1) % 25 == 0 or i + 1 == n:
                    done = sum(1 for x in recs if x["verdict"] == SCENARIOS[name]["expect"])
                    print(f"  {i + 1}/{n}: {done} {SCENARIOS[name]['expect']}; {time.perf_counter() - t0:.0f} s; "
                          f"load {os.getloadavg()[0]:.1f}", flush=True)
            results["attempts"][name] = recs
            results["summary"][name] = summarize(name, recs, reruns, args.fail_rate, args.max_false_rejection)
            results["wall_seconds"] = time.perf_counter() - t_all
            out_path.write_text(json.dumps(results, indent=2) + "\n")  # partial results survive a ^C
    except RigError as e:
        print(f"\nRIG FAILED: {e}", file=sys.stderr)
        results["error"] = str(e)
        results["wall_seconds"] = time.perf_counter() - t_all
        out_path.write_text(json.dumps(results, indent=2) + "\n")
        return 1

    summaries = results["summary"]
    print_table(summaries)
    for name, s in summaries.items():
        if s.get("other_verdicts"):
            problems.append(f"{name}: {len(s['other_verdicts'])} attempt(s) neither accepted nor rejected")
        if s.get("target_not_fixed"):
            problems.append(f"{name}: accepted without `target` FAIL_TO_PASS in attempt(s) {s['target_not_fixed']}")
        if s.get("rejected_without_regression_of_broken_test"):
            problems.append(f"{name}: rejected, but the broken test was not PASS_TO_FAIL in attempt(s) "
                            f"{s['rejected_without_regression_of_broken_test']}")
        if any(x["baseline_cached"] for x in results["attempts"][name]):
            problems.append(f"{name}: some attempts reused a stored baseline")
        if s["replay_mismatches"]:
            print(f"note: {name}: in {len(s['replay_mismatches'])} attempt(s) the gate's transition of `flaky` "
                  f"differs from docs/tiers.md replayed on the same runs (see replay_mismatches in the JSON)")
    a = summaries.get("untouched")
    if a is not None:
        verdict = "below" if a["upper_bound_below_target"] else "NOT below"
        print(f"\nfalse rejections: {a['count']}/{a['attempts']} = {pct(a['rate'])}; the 95% upper bound "
              f"{pct(a['wilson95'][1])} is {verdict} the {pct(args.max_false_rejection)} target"
              + ("" if a["upper_bound_below_target"] else
                 f" (with 0 false rejections it takes {math.ceil(Z95 ** 2 * (1 - args.max_false_rejection) / args.max_false_rejection)}+ attempts)"))
    met = all(s["met"] for s in summaries.values())
    if args.require_confidence and a is not None and not a["upper_bound_below_target"]:
        met = False
    results["targets_met"] = met
    results["problems"] = problems
    results["wall_seconds"] = time.perf_counter() - t_all
    results["load_average_end"] = os.getloadavg()
    out_path.write_text(json.dumps(results, indent=2) + "\n")
    for prob in problems:
        print(f"PROBLEM: {prob}")
    print(f"\nseed {args.seed!r}; {sum(s['attempts'] for s in summaries.values())} attempts in "
          f"{results['wall_seconds']:.0f} s; gate {commit.get('commit', '?')[:12] if commit.get('commit') else '?'}; "
          f"targets {'met' if met and not problems else 'MISSED'}; results written to {out_path}")
    return 0 if met and not problems else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted; the partial results are in the results file of the work directory", file=sys.stderr)
        sys.exit(130)
