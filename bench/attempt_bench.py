#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""On-demand benchmark: an accepted `autofix-gate attempt` (warm baseline) against a bare build + ctest.

Never part of the test suite and never a timed assertion: it prints numbers and compares them with the
target, but only a correctness failure (a command that fails, an attempt that is not accepted, a run
whose baseline was not reused, runs that did not rebuild the same outputs) makes it exit non-zero. See
bench/README.md for what exactly is timed and how to read it.

    python3 bench/attempt_bench.py --gate build/autofix-gate --runs 5 -j 2 --workdir /tmp/attempt-bench

Standard library only.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_common import describe_exit, isolated_env

# Bump when a prepared repository changes shape, so cached repositories are rebuilt.
GENERATOR_VERSION = 1
MARKER = "autofix-attempt-bench.json"  # inside .git/, written last: no marker = incomplete, rebuild
RESULTS_FILE = "attempt-bench-results.json"  # not bench-results.json: snapshot_bench.py may share the workdir

TARGET_RATIO = 1.05  # gate (branch) / bare (cmake --build + ctest), warm baseline; informational
TARGET_FIXED_SECONDS = 0.150  # the gate's own fixed cost (issue 12, goal 3); informational
# Phases whose time is the project's work (building, running tests, the tiers' analyzers), not the gate's:
# the fixed cost is the wall time of the process less these.
WORK_PHASES = ("build", "test", "rerun", "tier")

PROJECTS = ("calculator", "gtest")
METHODS = ("gate_branch", "gate_keep", "bare")

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"

# Environment variables that would change what cmake, ninja, ctest or GoogleTest do, for one side only
# or for both; the benchmark runs without them.
DROPPED_ENV_PREFIXES = ("GIT_", "GTEST_", "CTEST_", "CMAKE_", "AUTOFIX_GATE_")
DROPPED_ENV = {"XDG_CONFIG_HOME", "MAKEFLAGS", "MFLAGS", "NINJA_STATUS", "CI"}


class BenchError(Exception):
    pass


# ---------------------------------------------------------------------------------------------------------
# Environment and commands


def make_env(workdir: Path) -> dict[str, str]:
    """A fixed, isolated environment for git, cmake, ctest and autofix-gate alike."""
    return isolated_env(workdir, DROPPED_ENV_PREFIXES, frozenset(DROPPED_ENV))


def failure(what: str, cmd: list[str], returncode: int, out: str, err: str) -> BenchError:
    return BenchError(f"{what} ({describe_exit(returncode)}): {' '.join(cmd)}\n"
                      f"--- stdout ---\n{out[-4000:]}\n--- stderr ---\n{err[-4000:]}")


class Runner:
    def __init__(self, env: dict[str, str]):
        self.env = env

    def run(self, cmd: list[str], cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
        p = subprocess.run(cmd, cwd=cwd, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        if check and p.returncode != 0:
            raise failure("command failed", cmd, p.returncode, p.stdout, p.stderr)
        return p

    def timed(self, cmd: list[str], cwd: Path | None = None) -> tuple[float, str, str]:
        """Wall-clock seconds of one command, process start-up included."""
        t0 = time.perf_counter()
        p = subprocess.run(cmd, cwd=cwd, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        dt = time.perf_counter() - t0
        if p.returncode != 0:
            raise failure("timed command failed", cmd, p.returncode, p.stdout, p.stderr)
        return dt, p.stdout, p.stderr

    def timed_lines(self, cmd: list[str], cwd: Path | None = None, extra_env: dict[str, str] | None = None
                    ) -> tuple[float, int, str, list[tuple[float, str]]]:
        """Wall-clock seconds of one command, and every stderr line with the time it arrived (seconds
        since the process was started). autofix-gate flushes stderr after each phase line, so the arrival
        times are the phase boundaries, to well under a millisecond. stdout goes to a file (no deadlock)."""
        env = {**self.env, **extra_env} if extra_env else self.env
        lines: list[tuple[float, str]] = []
        with tempfile.TemporaryFile() as out:
            t0 = time.perf_counter()
            p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE)
            assert p.stderr is not None
            for raw in p.stderr:  # readline returns as soon as a whole line has arrived
                lines.append((time.perf_counter() - t0, raw.decode("utf-8", "replace").rstrip("\n")))
            rc = p.wait()
            dt = time.perf_counter() - t0
            out.seek(0)
            stdout = out.read().decode("utf-8", "replace")
        return dt, rc, stdout, lines


def load_now() -> float:
    return os.getloadavg()[0]


# ---------------------------------------------------------------------------------------------------------
# autofix-gate's stderr: phase lines ("autofix-gate: [build] building with the fix ..." then
# "autofix-gate: [build] built (1.2 s)"), notes, and with AUTOFIX_GATE_TRACE=1 "autofix-gate: trace: ..."

PREFIX = "autofix-gate: "
BEGIN_RE = re.compile(r"^autofix-gate: \[([a-z-]+)\] (.*) \.\.\.$")
END_RE = re.compile(r"^autofix-gate: \[([a-z-]+)\] (.*) \((\d+(?:\.\d+)?) s\)$")
SNAPSHOT_NOTE_RE = re.compile(r"^autofix-gate: \[snapshot\] ")
BASELINE_REUSED_RE = re.compile(r"^autofix-gate: \[baseline\] reusing ")
TRACE_PREFIX = "autofix-gate: trace: "

# Names of the intervals between two markers when no phase is open (key: previous marker, next marker).
# Every phase after the snapshot starts with a journal write (not fsync'd: only the entry naming the
# snapshot is) before its begin line is printed, so each gap that ends at a "begins" includes one.
GAP_NAMES = {
    ("start", "snapshot saved"): "start-up, patch check, lock, journal, snapshot",
    ("snapshot saved", "baseline reused"): "baseline lookup (configure check, key, load)",
    ("baseline reused", "apply begins"): "journal write before apply",
    ("apply ends", "build begins"): "scan + diff of the fixed tree, journal write",
    ("build ends", "test begins"): "build graph, discovery, journal write",
    ("test ends", "accept begins"): "classify + decide, journal write",
    ("accept ends", "rollback begins"): "journal write before rollback",
}
# Table rows of the breakdown, in order; everything else is summed into "other".
PHASE_ROWS = (
    ("start-up, patch check, lock, journal, snapshot", "snapshot (start-up, check, lock, snapshot)"),
    ("baseline lookup (configure check, key, load)", "baseline lookup (warm)"),
    ("apply", "apply"),
    ("build", "build"),
    ("test", "test"),
    ("accept", "accept"),
    ("rollback", "rollback"),
)


def parse_gate_stderr(lines: list[tuple[float, str]], total: float) -> dict:
    """Splits the gate's wall time at its stderr lines.

    Returns {"intervals": {name: seconds}, "reported": {phase: seconds printed by the gate itself},
    "trace": {what: seconds}, "phases_seen": [...]}. Every second of `total` lands in exactly one interval:
    between a phase's begin and end line it is that phase's; between two phases it is a gap named after
    its neighbours ("between accept and rollback"), or by GAP_NAMES; after the last line, "reports + exit".
    """
    intervals: dict[str, float] = {}
    reported: dict[str, float] = {}
    trace: dict[str, float] = {}
    seen: list[str] = []

    def add(d: dict[str, float], k: str, v: float) -> None:
        d[k] = d.get(k, 0.0) + v

    last_t, last_marker, open_phase = 0.0, "start", None
    for t, line in lines:
        if line.startswith(TRACE_PREFIX):
            parts = line[len(TRACE_PREFIX):].split()
            if len(parts) >= 3 and parts[-1] == "ms":
                try:
                    add(trace, " ".join(parts[:-2]), float(parts[-2]) / 1000)
                except ValueError:
                    pass
            continue
        if m := END_RE.match(line):
            marker, phase = f"{m.group(1)} ends", m.group(1)
            add(reported, phase, float(m.group(3)))
        elif m := BEGIN_RE.match(line):
            marker, phase = f"{m.group(1)} begins", m.group(1)
            seen.append(phase)
        elif SNAPSHOT_NOTE_RE.match(line):
            marker, phase = "snapshot saved", None
        elif BASELINE_REUSED_RE.match(line):
            marker, phase = "baseline reused", None
        else:
            continue  # other notes (warnings) are not boundaries
        if open_phase is not None:
            add(intervals, open_phase, t - last_t)
        else:
            add(intervals, GAP_NAMES.get((last_marker, marker),
                                         f"between {last_marker.split()[0]} and {marker.split()[0]}"), t - last_t)
        if marker.endswith(" begins"):
            open_phase = phase
        elif marker.endswith(" ends"):
            open_phase = None
        last_t, last_marker = t, marker
    add(intervals, "reports + exit" if open_phase is None else f"{open_phase} (unfinished)", total - last_t)
    return {"intervals": intervals, "reported": reported, "trace": trace, "phases_seen": seen}


# ---------------------------------------------------------------------------------------------------------
# Which build outputs a run rebuilt: the lines ninja appended to .ninja_log


def ninja_log(build_dir: Path) -> bytes | None:
    try:
        return (build_dir / ".ninja_log").read_bytes()
    except OSError:
        return None


def rebuilt_outputs(build_dir: Path, before: bytes | None, after: bytes | None) -> list[str] | None:
    """Outputs ninja (re)built between the two reads of .ninja_log, relative to the build directory (ninja
    logs some byproducts under both spellings); None when unknown (no ninja, or the log was recompacted)."""
    if before is None or after is None or not after.startswith(before):
        return None
    prefix = str(build_dir) + "/"
    out = set()
    for line in after[len(before):].decode("utf-8", "replace").splitlines():
        if line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 5:
            out.add(parts[3][len(prefix):] if parts[3].startswith(prefix) else parts[3])
    return sorted(out)


# ---------------------------------------------------------------------------------------------------------
# The projects


def read_marker(repo: Path) -> dict | None:
    try:
        return json.loads((repo / ".git" / MARKER).read_text())
    except (OSError, ValueError):
        return None


def tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def init_repo(r: Runner, repo: Path, message: str) -> None:
    r.run(["git", "init", "-q", "-b", "main"], cwd=repo)
    r.run(["git", "config", "gc.auto", "0"], cwd=repo)  # no surprise `gc --auto` inside a timed command
    r.run(["git", "config", "user.name", "AutofixGate Bench"], cwd=repo)  # libgit2 signs the fix commit
    r.run(["git", "config", "user.email", "bench@autofix-gate.invalid"], cwd=repo)
    r.run(["git", "add", "-A"], cwd=repo)
    r.run(["git", "commit", "-q", "-m", message], cwd=repo)


def configure_and_build(r: Runner, repo: Path, generator: str, jobs: int) -> float:
    t0 = time.perf_counter()
    r.run(["cmake", "-S", str(repo), "-B", str(repo / "build"), "-G", generator], cwd=repo)
    r.run(["cmake", "--build", str(repo / "build"), "-j", str(jobs)], cwd=repo)
    return time.perf_counter() - t0


class Project:
    """A git repository with a CMake build in `build/` (where autofix-gate looks by default), built from
    the unfixed tree, and a patch outside the repository that fixes its bug."""

    def __init__(self, key: str, title: str, repo: Path, patch: Path, fingerprint: dict):
        self.key = key
        self.title = title
        self.repo = repo
        self.patch = patch
        self.fingerprint = fingerprint

    @property
    def build_dir(self) -> Path:
        return self.repo / "build"

    def prepared(self) -> bool:
        return read_marker(self.repo) == self.fingerprint and self.patch.is_file() and (
            self.build_dir / "CMakeCache.txt").is_file()

    def finish(self) -> None:
        (self.repo / ".git" / MARKER).write_text(json.dumps(self.fingerprint) + "\n")


def calculator_project(workdir: Path, generator: str) -> Project:
    src = EXAMPLES / "calculator"
    fix = EXAMPLES / "fixes" / "correct-fix.diff"
    fingerprint = {"version": GENERATOR_VERSION, "project": "calculator", "generator": generator,
                   "source": tree_digest(src), "patch": hashlib.sha256(fix.read_bytes()).hexdigest()}
    return Project("calculator", "examples/calculator (fix: examples/fixes/correct-fix.diff)",
                   workdir / "calculator", workdir / "calculator-fix.diff", fingerprint)


def prepare_calculator(r: Runner, p: Project, jobs: int) -> float:
    t0 = time.perf_counter()
    if p.repo.exists():
        shutil.rmtree(p.repo)
    shutil.copytree(EXAMPLES / "calculator", p.repo)
    shutil.copyfile(EXAMPLES / "fixes" / "correct-fix.diff", p.patch)
    init_repo(r, p.repo, "calculator with a bug in mean()")
    configure_and_build(r, p.repo, p.fingerprint["generator"], jobs)
    p.finish()
    return time.perf_counter() - t0


# The generated project: LIBS libraries mod00..modNN, every one but mod00 linking mod00 ("core"); each with
# PARTS source files of FUNCS functions, one GoogleTest binary of TESTS tests (gtest_discover_tests, so
# each test is one CTest test), and an app linking them all. One function of BUG_LIB returns a wrong value.
PARTS = 3
FUNCS = 4
BUG_PART, BUG_FUNC = 1, 1  # in mod<bug_lib>/src/part1.cpp


def bug_lib(libs: int) -> int:
    return min(7, libs - 1)


def coef(lib: int, part: int, fn: int) -> tuple[int, int]:
    return 3 + (lib * 7 + part * 5 + fn * 3) % 41, 11 + (lib * 13 + part * 17 + fn * 19) % 97


def core_mix(x: int) -> int:
    return x * 31 + 7


def func_value(lib: int, part: int, fn: int, x: int) -> int:
    a, b = coef(lib, part, fn)
    base = core_mix(x) if lib > 0 else x
    return base * a + b + part * 1000 + fn


def part_source(lib: int, part: int, buggy: bool) -> str:
    lines = [f'#include "mod{lib:02d}/mod{lib:02d}.h"', ""]
    if lib > 0:
        lines.insert(1, '#include "mod00/mod00.h"')
    lines.append(f"namespace mod{lib:02d} {{")
    if lib == 0 and part == 0:
        lines += ["", "long long mix(long long x) { return x * 31 + 7; }"]
    for fn in range(FUNCS):
        a, b = coef(lib, part, fn)
        base = "mod00::mix(x)" if lib > 0 else "x"
        offset = part * 1000 + fn
        if buggy and part == BUG_PART and fn == BUG_FUNC:
            offset += 1  # the bug: off by one
        lines += ["", f"long long p{part}_f{fn}(long long x) {{",
                  f"  const long long base = {base};",
                  f"  return base * {a} + {b} + {offset};", "}"]
    lines += ["", f"}}  // namespace mod{lib:02d}", ""]
    return "\n".join(lines)


def header_source(lib: int) -> str:
    decls = [f"long long p{p}_f{f}(long long x);" for p in range(PARTS) for f in range(FUNCS)]
    if lib == 0:
        decls.insert(0, "long long mix(long long x);")
    return "\n".join(["#pragma once", "", f"namespace mod{lib:02d} {{", "", *decls, "",
                      f"}}  // namespace mod{lib:02d}", ""])


def test_source(lib: int, tests: int) -> str:
    lines = ["#include <gtest/gtest.h>", "", f'#include "mod{lib:02d}/mod{lib:02d}.h"', ""]
    for t in range(tests):
        k = t % (PARTS * FUNCS)
        part, fn = divmod(k, FUNCS)
        x = 3 + 17 * t
        lines += [f"TEST(Mod{lib:02d}Part{part}, F{fn}Case{t:03d}) {{",
                  f"  EXPECT_EQ(mod{lib:02d}::p{part}_f{fn}({x}), {func_value(lib, part, fn, x)}LL);", "}", ""]
    return "\n".join(lines)


def generated_files(libs: int, tests: int, buggy: bool) -> dict[str, str]:
    files = {
        ".gitignore": "/build/\n",
        "CMakeLists.txt": "\n".join([
            "# Generated by bench/attempt_bench.py: a CMake project with GoogleTest tests and one real bug.",
            "cmake_minimum_required(VERSION 3.20)",
            "project(AttemptBench LANGUAGES CXX)",
            "set(CMAKE_CXX_STANDARD 17)",
            "set(CMAKE_CXX_STANDARD_REQUIRED ON)",
            "enable_testing()",
            "find_package(GTest REQUIRED)",
            "include(GoogleTest)",
            *[f"add_subdirectory(mod{lib:02d})" for lib in range(libs)],
            "add_subdirectory(app)", ""]),
        "app/CMakeLists.txt": "add_executable(app main.cpp)\ntarget_link_libraries(app PRIVATE "
                              + " ".join(f"mod{lib:02d}" for lib in range(libs)) + ")\n",
        "app/main.cpp": "\n".join(["#include <cstdio>", "",
                                   *[f'#include "mod{lib:02d}/mod{lib:02d}.h"' for lib in range(libs)], "",
                                   "int main() {", "  long long sum = 0;",
                                   *[f"  sum += mod{lib:02d}::p0_f0({lib});" for lib in range(libs)],
                                   '  std::printf("%lld\\n", sum);', "  return 0;", "}", ""]),
    }
    for lib in range(libs):
        name = f"mod{lib:02d}"
        sources = " ".join(f"src/part{p}.cpp" for p in range(PARTS))
        cm = [f"add_library({name} {sources})", f"target_include_directories({name} PUBLIC include)"]
        if lib > 0:
            cm.append(f"target_link_libraries({name} PUBLIC mod00)")
        cm += [f"add_executable({name}_test test/{name}_test.cpp)",
               f"target_link_libraries({name}_test PRIVATE {name} GTest::gtest_main)",
               f"gtest_discover_tests({name}_test)", ""]
        files[f"{name}/CMakeLists.txt"] = "\n".join(cm)
        files[f"{name}/include/{name}/{name}.h"] = header_source(lib)
        for part in range(PARTS):
            files[f"{name}/src/part{part}.cpp"] = part_source(lib, part, buggy and lib == bug_lib(libs))
        files[f"{name}/test/{name}_test.cpp"] = test_source(lib, tests)
    return files


def gtest_project(workdir: Path, generator: str, libs: int, tests: int) -> Project:
    fingerprint = {"version": GENERATOR_VERSION, "project": "gtest", "generator": generator,
                   "libs": libs, "tests_per_lib": tests}
    return Project("gtest", f"generated: {libs} libraries x 1 GoogleTest binary x {tests} tests "
                            f"(gtest_discover_tests), bug in mod{bug_lib(libs):02d}/src/part{BUG_PART}.cpp",
                   workdir / "gtest-project", workdir / "gtest-project-fix.diff", fingerprint)


def prepare_gtest(r: Runner, p: Project, jobs: int) -> float:
    t0 = time.perf_counter()
    libs, tests = p.fingerprint["libs"], p.fingerprint["tests_per_lib"]
    if p.repo.exists():
        shutil.rmtree(p.repo)

    def write(files: dict[str, str]) -> None:
        for rel, text in files.items():
            f = p.repo / rel
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(text)

    write(generated_files(libs, tests, buggy=True))
    init_repo(r, p.repo, f"generated project: {libs} libraries, {libs * tests} tests, one bug")
    # The patch is what git itself says the fix is; then the tree goes back to the bug.
    write(generated_files(libs, tests, buggy=False))
    patch = r.run(["git", "diff", "--no-color", "--no-ext-diff"], cwd=p.repo).stdout
    if not patch.strip():
        raise BenchError("the generated fix changed nothing")
    p.patch.write_text(patch)
    r.run(["git", "checkout", "-q", "--", "."], cwd=p.repo)
    configure_and_build(r, p.repo, p.fingerprint["generator"], jobs)
    p.finish()
    return time.perf_counter() - t0


# ---------------------------------------------------------------------------------------------------------
# One run of each method. Each starts from the unfixed, committed tree with the unfixed sources' objects
# or the fixed ones in the build directory (either way the patch rewrites the fixed file, so the same
# outputs rebuild); anything that resets the tree afterwards is not timed unless stated.


class Bench:
    def __init__(self, r: Runner, gate: str, p: Project, jobs: int, trace: bool):
        self.r = r
        self.gate = gate
        self.p = p
        self.jobs = jobs
        self.gate_env = {"AUTOFIX_GATE_TRACE": "1"} if trace else None

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.r.run(["git", *args], cwd=self.p.repo, check=check)

    def status(self) -> str:
        return self.git("status", "--porcelain", "--untracked-files=all").stdout

    def prune(self) -> None:
        self.r.run([self.gate, "snapshots", "prune", "--keep", "0", "-C", str(self.p.repo)])

    def delete_autofix_branches(self) -> None:
        refs = self.git("for-each-ref", "--format=%(refname)", "refs/heads/autofix/").stdout.split()
        for ref in refs:
            self.git("update-ref", "-d", ref)

    def reset(self) -> None:
        """Once per project: clear whatever an interrupted earlier invocation may have left."""
        self.r.run([self.gate, "recover", "-C", str(self.p.repo)])
        self.prune()
        self.delete_autofix_branches()
        self.git("checkout", "-q", "--", ".")
        self.git("clean", "-fdq")  # not -x: build/ is ignored and stays
        self.git("prune", "--expire=now")  # objects of dropped snapshots and fix commits
        self.require_clean("after resetting the repository")

    def require_clean(self, when: str) -> None:
        s = self.status()  # also refreshes the index, the same before every method
        if s.strip():
            raise BenchError(f"the work tree of {self.p.repo} is not the unfixed commit {when}:\n{s}")

    # -- the gate --------------------------------------------------------------------------------------

    def run_gate(self, mode: str) -> dict:
        self.require_clean("before an attempt")
        log_before = ninja_log(self.p.build_dir)
        cmd = [self.gate, "attempt", "--patch", str(self.p.patch), "-j", str(self.jobs), "-C", str(self.p.repo)]
        if mode == "keep":
            cmd[2:2] = ["--on-accept", "keep"]  # branch is the default: measured without the option
        load = load_now()
        dt, rc, out, lines = self.r.timed_lines(cmd, extra_env=self.gate_env)
        err = "\n".join(line for _, line in lines)
        if rc != 0:
            raise failure(f"autofix-gate attempt ({mode}) was not accepted", cmd, rc, out, err)
        rebuilt = rebuilt_outputs(self.p.build_dir, log_before, ninja_log(self.p.build_dir))
        report = json.loads((self.p.build_dir / "autofix" / "latest" / "report.json").read_text())
        if report.get("verdict") != "accepted":
            raise failure(f"autofix-gate attempt ({mode}) verdict {report.get('verdict')}", cmd, rc, out, err)
        baseline = report.get("baseline") or {}
        # Reset, not timed.
        if mode == "branch":
            self.require_clean("after an accepted attempt in branch mode (it restores the checkout)")
            if not report.get("branch"):
                raise BenchError("an accepted attempt in branch mode reported no branch")
        else:
            if not self.status().strip():
                raise BenchError("an accepted attempt with --on-accept keep left no change in the work tree")
            self.git("checkout", "-q", "--", ".")
        self.delete_autofix_branches()
        self.prune()
        return {
            "total": dt,
            "load_1min": load,
            "baseline_cached": bool(baseline.get("cached")),
            "tests_run": report.get("tests_run"),
            "tests_passed": report.get("tests_passed"),
            "fixed": len((report.get("tests_status") or {}).get("FAIL_TO_PASS") or []),
            "report_durations": report.get("durations") or {},
            "stderr": parse_gate_stderr(lines, dt),
            "rebuilt": rebuilt,
        }

    # -- bare: git apply, cmake --build, ctest, git checkout ----------------------------------------

    def run_bare(self) -> dict:
        self.require_clean("before a bare run")
        log_before = ninja_log(self.p.build_dir)
        repo = self.p.repo
        load = load_now()
        t_apply, _, _ = self.r.timed(["git", "apply", str(self.p.patch)], cwd=repo)
        t_build, _, _ = self.r.timed(["cmake", "--build", str(self.p.build_dir), "-j", str(self.jobs)], cwd=repo)
        t_test, ctest_out, _ = self.r.timed(["ctest", "--test-dir", str(self.p.build_dir), "-j", str(self.jobs)],
                                            cwd=repo)
        t_checkout, _, _ = self.r.timed(["git", "checkout", "-q", "--", "."], cwd=repo)
        rebuilt = rebuilt_outputs(self.p.build_dir, log_before, ninja_log(self.p.build_dir))
        m = re.search(r"(\d+)% tests passed, (\d+) tests failed out of (\d+)", ctest_out)
        if not m or m.group(2) != "0":
            raise BenchError(f"bare ctest did not pass every test with the fix:\n{ctest_out[-2000:]}")
        return {
            "apply": t_apply, "build": t_build, "test": t_test, "checkout": t_checkout,
            "build_test": t_build + t_test,
            "full": t_apply + t_build + t_test + t_checkout,
            "load_1min": load,
            "tests_run": int(m.group(3)),
            "rebuilt": rebuilt,
        }

    # -- probes of the test phase -------------------------------------------------------------------

    def probe_ctest(self, runs: int) -> dict[str, list[float]]:
        """The ctest invocations the gate's test phase makes, one step at a time, against bare ctest, on the
        build directory as the runs left it (built with the fix: every test passes). The flags mirror
        runners/ctest_runner.cpp as of this writing; the gate also parses the reports, which is not probed."""
        bd = self.p.build_dir
        out = bd / "attempt-bench-probe"
        junit, log, gtest_dir = out / "ctest-junit.xml", out / "ctest.log", out / "gtest"
        gate_flags = ["ctest", "--output-junit", str(junit), "--output-log", str(log), "-j", str(self.jobs),
                      "--no-tests=error", "--test-output-size-passed", "4096", "--test-output-size-failed", "65536",
                      "--test-output-truncation", "middle", "--timeout", "600"]
        probes = {
            "ctest (bare)": (["ctest", "--test-dir", str(bd), "-j", str(self.jobs)], None),
            "ctest --show-only=json-v1": (["ctest", "--show-only=json-v1"], None),
            "ctest with the gate's flags": (gate_flags, None),
            "  ... and GTEST_OUTPUT=xml:DIR/": (gate_flags, {"GTEST_OUTPUT": f"xml:{gtest_dir}/"}),
        }
        names = list(probes)
        samples: dict[str, list[float]] = {k: [] for k in names}
        for i in range(runs + 1):  # the first round is a warm-up
            for name in names[i % len(names):] + names[: i % len(names)]:
                cmd, extra = probes[name]
                shutil.rmtree(out, ignore_errors=True)  # as the gate does: nothing stale, not timed
                gtest_dir.mkdir(parents=True)
                env = {**self.r.env, **extra} if extra else self.r.env
                t0 = time.perf_counter()
                pr = subprocess.run(cmd, cwd=bd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
                dt = time.perf_counter() - t0
                if pr.returncode != 0:
                    raise failure("probe failed", cmd, pr.returncode, pr.stdout, pr.stderr)
                if i > 0:
                    samples[name].append(dt)
        shutil.rmtree(out, ignore_errors=True)
        return samples

    def run(self, method: str) -> dict:
        if method == "gate_branch":
            return self.run_gate("branch")
        if method == "gate_keep":
            return self.run_gate("keep")
        return self.run_bare()


# ---------------------------------------------------------------------------------------------------------
# Driver


def fmt_ratio(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}x"


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def gate_row_samples(samples: list[dict]) -> dict[str, list[float]]:
    """Per breakdown row, one value per run (0 when the interval did not occur in that run)."""
    names: list[str] = []
    for s in samples:
        for k in s["stderr"]["intervals"]:
            if k not in names:
                names.append(k)
    return {k: [s["stderr"]["intervals"].get(k, 0.0) for s in samples] for k in names}


def print_breakdown(label: str, samples: list[dict], bare: list[dict]) -> dict:
    rows = gate_row_samples(samples)
    totals = [s["total"] for s in samples]
    t_med = med(totals)
    main = [k for k, _ in PHASE_ROWS]
    other_keys = [k for k in rows if k not in main]
    other = [sum(rows[k][i] for k in other_keys) for i in range(len(samples))]
    bare_for = {"build": med([b["build"] for b in bare]), "test": med([b["test"] for b in bare])}
    reported = {}
    for s in samples:
        for k, v in s["stderr"]["reported"].items():
            reported.setdefault(k, []).append(v)
    report_json = {}
    for s in samples:
        for k, v in s["report_durations"].items():
            report_json.setdefault(k, []).append(v)

    print(f"\nwhere the time of {label} goes (median seconds over {len(samples)} runs; from the arrival times of "
          f"its stderr lines)")
    print(f"  {'':<46}{'median':>9}{'min':>9}{'max':>9}{'share':>8}   {'gate says':>9}   bare")
    out = {}
    for key, title in PHASE_ROWS:
        if key not in rows:
            continue
        v = rows[key]
        says = f"{med(reported[key]):>8.1f}s" if key in reported else " " * 9
        vs = f"   {bare_for[key]:.3f}s ({'cmake --build' if key == 'build' else 'ctest'})" if key in bare_for else ""
        print(f"  {title:<46}{med(v):>8.3f}s{min(v):>8.3f}s{max(v):>8.3f}s{med(v) / t_med:>7.1%}   {says}{vs}")
        out[key] = med(v)
    print(f"  {'other (the gaps below)':<46}{med(other):>8.3f}s{min(other):>8.3f}s{max(other):>8.3f}s"
          f"{med(other) / t_med:>7.1%}")
    out["other"] = med(other)
    for k in other_keys:
        v = rows[k]
        print(f"    {k:<44}{med(v):>8.3f}s{min(v):>8.3f}s{max(v):>8.3f}s")
        out[k] = med(v)
    print(f"  {'total (wall clock of the process)':<46}{t_med:>8.3f}s{min(totals):>8.3f}s{max(totals):>8.3f}s")
    print("  (medians of the rows need not add up to the median total)")
    # The gate's fixed cost: everything but the project's own work (process start, snapshot, baseline
    # lookup, discovery, apply, classify, reports, restore, exit).
    fixed = [s["total"] - sum(s["stderr"]["intervals"].get(k, 0.0) for k in WORK_PHASES) for s in samples]
    print(f"  {'fixed cost (total less ' + ' + '.join(WORK_PHASES) + ')':<46}{med(fixed):>8.3f}s{min(fixed):>8.3f}s"
          f"{max(fixed):>8.3f}s   target <= {TARGET_FIXED_SECONDS:g} s: "
          f"{'met' if med(fixed) <= TARGET_FIXED_SECONDS else 'MISSED'}")
    out["fixed_cost"] = med(fixed)
    traces = {}
    for s in samples:
        for k, v in s["stderr"]["trace"].items():
            traces.setdefault(k, []).append(v)
    if traces:
        print("  AUTOFIX_GATE_TRACE internals:")
        for k, v in traces.items():
            print(f"    {k:<44}{med(v) * 1000:>7.1f}ms{min(v) * 1000:>7.1f}ms{max(v) * 1000:>7.1f}ms")
    return {"rows": out, "gate_reported_median": {k: med(v) for k, v in reported.items()},
            "report_json_durations_median": {k: med(v) for k, v in report_json.items()},
            "trace_median": {k: med(v) for k, v in traces.items()}}


def bench_project(r: Runner, gate: str, p: Project, prepare, runs: int, jobs: int, trace: bool, regenerate: bool,
                  methods: tuple[str, ...], probes: bool) -> dict:
    print(f"\n== {p.key}: {p.title} ==", flush=True)
    prep_seconds = None
    if regenerate or not p.prepared():
        prep_seconds = prepare(r, p, jobs)
        print(f"repository: {p.repo} (prepared and built in {prep_seconds:.1f} s, not part of any timing)", flush=True)
    else:
        print(f"repository: {p.repo} (cached; pass --regenerate to rebuild)", flush=True)
    b = Bench(r, gate, p, jobs, trace)
    try:
        b.reset()
    except BenchError as e:
        if prep_seconds is not None:
            raise
        print(f"cannot reset the cached repository, preparing it again:\n  {str(e).splitlines()[0]}", flush=True)
        prep_seconds = prepare(r, p, jobs)
        b.reset()
    r.run(["git", "apply", "--check", str(p.patch)], cwd=p.repo)

    # Warm-up: computes the baseline if this tree has none stored yet, and warms the page cache.
    warmup = {}
    for method in methods:
        s = b.run(method)
        warmup[method] = s
        extra = ""
        if method.startswith("gate"):
            extra = f" (baseline {'reused' if s['baseline_cached'] else 'computed'})"
        print(f"  warm-up {method}: {s['total'] if 'total' in s else s['build_test']:.3f} s{extra}", flush=True)

    samples: dict[str, list[dict]] = {m: [] for m in methods}
    for i in range(runs):
        order = methods[i % len(methods):] + methods[: i % len(methods)]  # rotate: drift hits all alike
        for method in order:
            samples[method].append(b.run(method))
        parts = []
        for m in methods:
            s = samples[m][-1]
            parts.append(f"{m} {s['total']:.3f} s" if "total" in s else
                         f"bare build+ctest {s['build_test']:.3f} s (full {s['full']:.3f} s)")
        print(f"  run {i + 1}/{runs} (load {load_now():.1f}): " + ", ".join(parts), flush=True)

    problems = []
    for m in methods:
        if m.startswith("gate"):
            cold = [i + 1 for i, s in enumerate(samples[m]) if not s["baseline_cached"]]
            if cold:
                problems.append(f"{m}: the baseline was not reused in run(s) {cold}: not a warm-cache measurement")
    # Same work on every side: the same tests ran, and ninja rebuilt the same outputs.
    tests = {m: sorted({s["tests_run"] for s in samples[m]}) for m in methods}
    if len({tuple(v) for v in tests.values()}) != 1:
        problems.append(f"the number of tests run differs between methods: {tests}")
    rebuilt_sets = {}
    for m in methods:
        for i, s in enumerate(samples[m]):
            if s["rebuilt"] is not None:
                rebuilt_sets.setdefault(tuple(s["rebuilt"]), []).append(f"{m}#{i + 1}")
    if len(rebuilt_sets) > 1:
        problems.append("the runs did not rebuild the same outputs: "
                        + "; ".join(f"{list(k)} in {v}" for k, v in rebuilt_sets.items()))
    rebuilt = list(next(iter(rebuilt_sets))) if len(rebuilt_sets) == 1 else None

    # Table.
    rows: list[tuple[str, str, list[float]]] = []
    if "gate_branch" in methods:
        rows.append(("gate_branch", "autofix-gate attempt (default: branch)", [s["total"] for s in samples["gate_branch"]]))
    if "gate_keep" in methods:
        rows.append(("gate_keep", "autofix-gate attempt --on-accept keep", [s["total"] for s in samples["gate_keep"]]))
    bare = samples["bare"]
    for key, label in (("apply", "bare: git apply"), ("build", "bare: cmake --build"), ("test", "bare: ctest"),
                       ("checkout", "bare: git checkout -- ."), ("build_test", "  bare: cmake --build + ctest"),
                       ("full", "  bare: apply + build + ctest + checkout")):
        rows.append((f"bare_{key}", label, [s[key] for s in bare]))
    median = {k: med(v) for k, _, v in rows}
    print(f"\n{'median of ' + str(runs) + ' runs, -j ' + str(jobs):<44}{'median':>9}{'min':>9}{'max':>9}")
    for _, label, v in rows:
        print(f"{label:<44}{med(v):>8.3f}s{min(v):>8.3f}s{max(v):>8.3f}s")

    ratios = {}
    for m in ("gate_branch", "gate_keep"):
        if m not in methods:
            continue
        paired = [g["total"] / bb["build_test"] for g, bb in zip(samples[m], bare)]
        ratios[m] = {
            "over_bare_build_test": median[m] / median["bare_build_test"],
            "over_bare_full": median[m] / median["bare_full"],
            "paired_median_over_bare_build_test": med(paired),
            "overhead_seconds_over_bare_build_test": median[m] - median["bare_build_test"],
        }
    for m, rr in ratios.items():
        met = rr["over_bare_build_test"] <= TARGET_RATIO
        print(f"{m} / bare (build + ctest)".ljust(44) + f"{fmt_ratio(rr['over_bare_build_test']):>9}"
              f"   target <= {TARGET_RATIO:g}x: {'met' if met else 'MISSED'}"
              f"   (+{rr['overhead_seconds_over_bare_build_test']:.3f} s; paired per-round median "
              f"{fmt_ratio(rr['paired_median_over_bare_build_test'])})")
        print(f"{m} / bare (apply + build + ctest + checkout)".ljust(44) + f"{fmt_ratio(rr['over_bare_full']):>9}")
    print(f"tests per run: {tests['bare'][0] if tests['bare'] else '?'}; rebuilt per run (ninja): "
          + (", ".join(rebuilt) if rebuilt else "unknown"), flush=True)

    breakdown = {}
    for m in ("gate_branch", "gate_keep"):
        if m in methods:
            breakdown[m] = print_breakdown(m, samples[m], bare)

    probe = None
    if probes:
        probe = b.probe_ctest(runs)
        test_phase = {m: breakdown[m]["rows"].get("test") for m in breakdown}
        print(f"\nthe test phase, step by step (median of {runs} runs of each ctest invocation it makes, not part "
              f"of the runs above)")
        for name, v in probe.items():
            print(f"  {name:<46}{med(v):>8.3f}s{min(v):>8.3f}s{max(v):>8.3f}s")
        show_plus_run = med(probe["ctest --show-only=json-v1"]) + med(probe["  ... and GTEST_OUTPUT=xml:DIR/"])
        print(f"  {'show-only + ctest with flags and GTEST_OUTPUT':<46}{show_plus_run:>8.3f}s")
        for m, t in test_phase.items():
            if t is not None:
                print(f"  {'test phase in the ' + m + ' runs above':<46}{t:>8.3f}s   the rest, "
                      f"{t - show_plus_run:+.3f} s: reading the reports, journal writes, process-group checks")
    for problem in problems:
        print(f"PROBLEM: {problem}", flush=True)

    loads = [s["load_1min"] for m in methods for s in samples[m]]
    return {
        "project": p.key,
        "title": p.title,
        "repository": str(p.repo),
        "patch": str(p.patch),
        "fingerprint": p.fingerprint,
        "prepare_seconds": prep_seconds,
        "warmup": warmup,
        "samples": samples,
        "median_seconds": median,
        "min_seconds": {k: min(v) for k, _, v in rows},
        "max_seconds": {k: max(v) for k, _, v in rows},
        "ratios": ratios,
        "target_ratio_max": TARGET_RATIO,
        "target_met": {m: rr["over_bare_build_test"] <= TARGET_RATIO for m, rr in ratios.items()},
        "breakdown": breakdown,
        "test_phase_probes": probe,
        "test_phase_probes_median": {k: med(v) for k, v in probe.items()} if probe else None,
        "tests_per_run": tests,
        "rebuilt_per_run": rebuilt,
        "load_1min_during_runs": {"min": min(loads), "median": med(loads), "max": max(loads)} if loads else None,
        "problems": problems,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gate", required=True, help="path to the autofix-gate binary")
    ap.add_argument("--runs", type=int, default=5, help="measured runs per method and project; medians reported (default 5)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                    help="-j for cmake --build and ctest, on both sides (default: CPU count)")
    ap.add_argument("--projects", default=",".join(PROJECTS), help=f"comma-separated, of {', '.join(PROJECTS)} (default both)")
    ap.add_argument("--libs", type=int, default=10, help="generated project: libraries, one test binary each (default 10)")
    ap.add_argument("--tests-per-lib", type=int, default=24, help="generated project: tests per binary (default 24)")
    ap.add_argument("--no-keep", action="store_true", help="measure only the default --on-accept branch, not keep")
    ap.add_argument("--no-probes", action="store_true",
                    help="skip timing the test phase's ctest invocations one by one after the runs")
    ap.add_argument("--generator", default="Ninja" if shutil.which("ninja") else "Unix Makefiles",
                    help="CMake generator for the projects' build directories (default Ninja when installed)")
    ap.add_argument("--workdir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "autofix-gate-attempt-bench"),
                    help=f"where the prepared repositories are cached and {RESULTS_FILE} is written")
    ap.add_argument("--regenerate", action="store_true", help="prepare the repositories again even if cached")
    ap.add_argument("--trace", action="store_true",
                    help="run autofix-gate with AUTOFIX_GATE_TRACE=1 and add its snapshot/restore internals")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if args.jobs < 1:
        ap.error("-j must be at least 1")
    if args.libs < 2 or args.tests_per_lib < PARTS * FUNCS:
        ap.error(f"--libs must be at least 2 and --tests-per-lib at least {PARTS * FUNCS} (every function tested)")
    projects = [s.strip() for s in args.projects.split(",") if s.strip()]
    if not projects or any(s not in PROJECTS for s in projects):
        ap.error(f"--projects takes a comma-separated list of {', '.join(PROJECTS)}")
    methods = tuple(m for m in METHODS if not (args.no_keep and m == "gate_keep"))

    gate = shutil.which(args.gate) if os.sep not in args.gate else args.gate
    if not gate or not os.access(gate, os.X_OK):
        ap.error(f"no executable autofix-gate at '{args.gate}'")
    gate = os.path.abspath(gate)
    workdir = Path(args.workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    r = Runner(make_env(workdir))

    versions = {
        "gate": r.run([gate, "--version"]).stdout.strip(),
        "git": r.run(["git", "--version"]).stdout.strip(),
        "cmake": r.run(["cmake", "--version"]).stdout.splitlines()[0],
        "ctest": r.run(["ctest", "--version"]).stdout.splitlines()[0],
    }
    if args.generator == "Ninja":
        versions["ninja"] = r.run(["ninja", "--version"]).stdout.strip()
    load_start = os.getloadavg()
    print(f"{versions['gate']} ({gate}); {versions['git']}; {versions['cmake']}; generator {args.generator}")
    print(f"{os.cpu_count()} CPU(s); -j {args.jobs}; load average {load_start[0]:.2f} {load_start[1]:.2f} "
          f"{load_start[2]:.2f}; workdir {workdir}")
    print("Wall-clock seconds, process start-up included; the machine may be shared, so expect noise.")
    if args.generator != "Ninja":
        print("note: without Ninja the benchmark cannot check that every run rebuilt the same outputs")

    results = {
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "gate": gate,
        "versions": versions,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "jobs": args.jobs,
        "runs": args.runs,
        "trace": args.trace,
        "generator": args.generator,
        "methods": list(methods),
        "probes": not args.no_probes,
        "load_average_start": load_start,
        "projects": {},
    }
    out_path = workdir / RESULTS_FILE
    status = 0
    try:
        for key in projects:
            if key == "calculator":
                p, prep = calculator_project(workdir, args.generator), prepare_calculator
            else:
                p, prep = gtest_project(workdir, args.generator, args.libs, args.tests_per_lib), prepare_gtest
            res = bench_project(r, gate, p, prep, args.runs, args.jobs, args.trace, args.regenerate, methods,
                                not args.no_probes)
            results["projects"][key] = res
            if res["problems"]:
                status = 1
    except BenchError as e:
        print(f"\nBENCHMARK FAILED: {e}", file=sys.stderr)
        results["error"] = str(e)
        results["load_average_end"] = os.getloadavg()
        out_path.write_text(json.dumps(results, indent=2) + "\n")
        return 1
    results["load_average_end"] = os.getloadavg()
    out_path.write_text(json.dumps(results, indent=2) + "\n")
    le = results["load_average_end"]
    print(f"\nload average at the end {le[0]:.2f} {le[1]:.2f} {le[2]:.2f}; results written to {out_path}")
    if status:
        print("some runs were not comparable (see PROBLEM lines above)", file=sys.stderr)
    return status


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted; the cached repositories are reset at the next run", file=sys.stderr)
        sys.exit(130)
