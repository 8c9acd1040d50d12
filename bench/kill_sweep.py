#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""On-demand fault-injection campaign: SIGKILL `autofix-gate attempt` at its n-th system call, run
`autofix-gate recover`, and check that the work tree and `.git` are exactly what they were, that no journal
is left and that nothing the attempt started still runs. Plus the misbehaving-fixer and concurrent-user
scenarios of issue 17 (items 1-8), each tried a few times.

Never part of the test suite (tests/e2e/syscall_kill_test.cpp runs a small slice of it). See bench/README.md,
"Kill sweep", for what exactly is checked and how to read the table.

    python3 bench/kill_sweep.py --build build --step 40 --workdir /tmp/kill-sweep

Standard library only; needs the `syscall_killer` helper built beside the tests (tests/e2e/).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from bench_common import describe_exit, isolated_env

# Bump when the prepared repository changes shape, so the cached template is rebuilt.
TEMPLATE_VERSION = 2
HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"
REPO_NAME = "calculator project"
RESULTS_FILE = "kill-sweep-results.json"
DROPPED_ENV_PREFIXES = ("GIT_", "GTEST_", "CTEST_", "CMAKE_", "AUTOFIX_GATE_")
DROPPED_ENV = frozenset({"XDG_CONFIG_HOME", "MAKEFLAGS", "MFLAGS", "CI"})
TAG_VARIABLE = "AUTOFIX_SWEEP_TAG"  # inherited by everything the gate starts: finds what it left running

# The gate's own state, which an attempt changes by design: never compared.
GATE_STATE = ("autofix/", "refs/autofix/")
# git's own stores that legitimately change (objects, reflogs): never compared.
GIT_STORES = ("objects/", "logs/")
# The accepted fix's branch (and a review branch): the outcome of an attempt, reported, not compared.
GATE_BRANCHES = ("refs/heads/autofix/",)


class SweepError(Exception):
    pass


# ---------------------------------------------------------------------------------------------------------
# Environment and commands


def make_env(workdir: Path) -> dict[str, str]:
    return isolated_env(workdir, DROPPED_ENV_PREFIXES, DROPPED_ENV)


def run(cmd: list[str], cwd: Path, env: dict[str, str], check: bool = True,
        timeout: float = 600) -> subprocess.CompletedProcess:
    p = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    if check and p.returncode != 0:
        raise SweepError(f"{' '.join(cmd)} ({describe_exit(p.returncode)}) in {cwd}\n"
                         f"{p.stdout.decode(errors='replace')[-3000:]}\n{p.stderr.decode(errors='replace')[-3000:]}")
    return p


def git(repo: Path, env: dict[str, str], *args: str) -> str:
    return run(["git", *args], repo, env).stdout.decode()


# ---------------------------------------------------------------------------------------------------------
# Fingerprints: what must be exactly as before. Files are read directly (never through git, which would
# run a planted core.fsmonitor or hook).


def _digest(path: Path) -> str:
    h = hashlib.sha1()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _entry(path: Path) -> str:
    st = os.lstat(path)
    mode = stat.S_IMODE(st.st_mode)
    if stat.S_ISLNK(st.st_mode):
        return f"link {os.readlink(path)}"
    if stat.S_ISDIR(st.st_mode):
        return f"dir {mode:o}"
    if stat.S_ISREG(st.st_mode):
        try:
            return f"file {mode:o} {_digest(path)}"
        except PermissionError:
            return f"file {mode:o} unreadable"
    return f"special {stat.S_IFMT(st.st_mode):o} {mode:o}"


def _walk(root: Path, skip: Callable[[str, bool], bool]) -> dict[str, str]:
    """Every path below `root` (relative, '/'-separated) -> its kind, mode, content; `skip(rel, is_dir)`."""
    out: dict[str, str] = {}
    stack = [root]
    while stack:
        d = stack.pop()
        try:
            names = os.listdir(d)
        except PermissionError:
            out[str(d.relative_to(root))] = f"dir unlistable {stat.S_IMODE(os.lstat(d).st_mode):o}"
            continue
        for name in names:
            p = d / name
            rel = p.relative_to(root).as_posix()
            is_dir = p.is_dir() and not p.is_symlink()
            if skip(rel, is_dir):
                continue
            out[rel] = _entry(p)
            if is_dir:
                stack.append(p)
    return out


def tree_fingerprint(repo: Path) -> dict[str, str]:
    """The work tree, ignored files included, but not .git and not the build directory (which every
    attempt changes by design); nested repositories' .git directories are part of the tree."""
    return _walk(repo, lambda rel, is_dir: rel in (".git", "build"))


def refs_of(gitdir: Path) -> dict[str, str]:
    """Every ref -> its value ("<sha>" or "ref: <target>"), loose ones over packed ones (as git reads them):
    packing or unpacking refs is not a difference, a changed, missing or new ref is."""
    refs: dict[str, str] = {}
    packed = gitdir / "packed-refs"
    if packed.is_file():
        last = ""
        for line in packed.read_text(errors="replace").splitlines():
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith("^"):
                refs[last] += " peeled " + line[1:]
                continue
            value, _, last = line.partition(" ")
            refs[last] = value
    for p in (gitdir / "refs").rglob("*"):
        if p.is_file() and not p.name.endswith(".lock"):
            refs[p.relative_to(gitdir).as_posix()] = p.read_text(errors="replace").strip()
    return refs


def git_fingerprint(repo: Path) -> dict[str, str]:
    """.git: config, hooks, info, HEAD, the index's bytes, every ref by value, and any other file git keeps
    there (ORIG_HEAD, a stray index.lock or refs/**.lock), except the gate's own state and git's object and
    log stores. The accepted fix's branch (refs/heads/autofix/...) is left out too (see gate_branches())."""
    gitdir = repo / ".git"

    def skip(rel: str, is_dir: bool) -> bool:
        r = rel + "/" if is_dir else rel
        if r == "packed-refs" or (r.startswith("refs/") and not r.endswith(".lock")):
            return not is_dir or any(r.startswith(p) for p in GATE_STATE + GATE_BRANCHES)
        return any(r.startswith(p) for p in GATE_STATE + GIT_STORES + GATE_BRANCHES)

    # Directories under refs/ come and go as git packs refs: only lock files there are entries of their own.
    entries = {k: v for k, v in _walk(gitdir, skip).items()
               if not ((k == "refs" or k.startswith("refs/")) and v.startswith("dir"))}
    for ref, value in refs_of(gitdir).items():
        if not (ref + "/").startswith(GATE_STATE[1:] + GATE_BRANCHES):
            entries["ref " + ref] = value
    return entries


def gate_branches(repo: Path) -> list[str]:
    return sorted(r for r in refs_of(repo / ".git") if r.startswith(GATE_BRANCHES))


def differences(before: dict[str, str], after: dict[str, str]) -> list[str]:
    out = []
    for path in sorted(set(before) | set(after)):
        b, a = before.get(path), after.get(path)
        if b == a:
            continue
        if a is None:
            out.append(f"missing {path} ({b})")
        elif b is None:
            out.append(f"extra {path} ({a})")
        else:
            out.append(f"differs {path}: {b} -> {a}")
    return out


def temporaries(repo: Path) -> list[str]:
    """Temporary files a killed write can leave where the fingerprints do not look (.git, build/): the
    gate's '<file>.autofix-tmp-PID-N' and '<file>.tmp-PID-N'. Garbage, not damage: listed, not counted.
    (In the work tree they are differences of the tree fingerprint.)"""
    out = []
    for dirpath, dirnames, filenames in os.walk(repo):
        rel = os.path.relpath(dirpath, repo)
        if rel == ".":
            dirnames[:] = [d for d in dirnames if d in (".git", "build")]
            continue
        for name in filenames + dirnames:
            if ".autofix-tmp-" in name or (".tmp-" in name and name.rsplit(".tmp-", 1)[1][:1].isdigit()):
                out.append(os.path.relpath(os.path.join(dirpath, name), repo))
    return sorted(out)


# ---------------------------------------------------------------------------------------------------------
# Processes: everything started by the attempt carries TAG_VARIABLE in its environment (unless a fixer
# cleared it); anything else whose working directory is inside the repository counts too.


def processes_of(tag: str, repo: Path) -> list[dict]:
    out = []
    me = os.getpid()
    root = str(repo)
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == me:
            continue
        pid = int(name)
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                state = f.read().rsplit(b")", 1)[1].split()[0].decode()
            if state == "Z":
                continue
            with open(f"/proc/{pid}/environ", "rb") as f:
                env = f.read()
            try:
                cwd = os.readlink(f"/proc/{pid}/cwd")
            except OSError:
                cwd = ""
            if f"{TAG_VARIABLE}={tag}".encode() not in env.split(b"\0") and not (cwd == root or cwd.startswith(root + "/")):
                continue
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
            out.append({"pid": pid, "cmd": cmd[:200], "cwd": cwd})
        except (OSError, IndexError):
            continue
    return out


def settle(tag: str, repo: Path, quiet: float) -> list[dict]:
    """Waits up to `quiet` seconds for the attempt's processes to end; returns those still running."""
    deadline = time.monotonic() + quiet
    left = processes_of(tag, repo)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = processes_of(tag, repo)
    return left


def kill_all(processes: list[dict]) -> None:
    for p in processes:
        try:
            os.kill(p["pid"], signal.SIGKILL)
        except OSError:
            pass


# ---------------------------------------------------------------------------------------------------------
# The repository: examples/calculator committed, with a user's state around it (branches, tags, packed
# refs, a hook, config, an exclude rule and an ignored file, an unstaged change, a staged new file,
# untracked files), built, and its baseline stored. Built once at the run path, kept as a pristine copy
# and copied back before every run (same path: the build directory needs no relocation; cp -a keeps mtimes).

USER_FILES_NOTE = "Notes of the user, committed.\n"


def template_key(gate: Path) -> str:
    h = hashlib.sha256(f"kill-sweep template v{TEMPLATE_VERSION}\n".encode())
    for p in sorted((EXAMPLES / "calculator").rglob("*")):
        if p.is_file():
            h.update(p.relative_to(EXAMPLES).as_posix().encode() + b"\0" + p.read_bytes())
    h.update(_digest(gate).encode())  # a stored baseline is the gate's own format
    return h.hexdigest()[:16]


class Project:
    def __init__(self, workdir: Path, gate: Path, env: dict[str, str], jobs: int):
        self.workdir = workdir
        self.gate = gate
        self.env = env
        self.jobs = jobs
        self.pristine = workdir / "pristine" / REPO_NAME
        self.repo = workdir / "run here" / REPO_NAME
        self.marker = workdir / "pristine" / "complete"

    def prepare(self) -> None:
        key = template_key(self.gate)
        if self.marker.is_file() and self.marker.read_text() == key and self.pristine.is_dir():
            return
        start = time.monotonic()
        shutil.rmtree(self.workdir / "pristine", ignore_errors=True)
        shutil.rmtree(self.repo.parent, ignore_errors=True)
        self.repo.parent.mkdir(parents=True)
        shutil.copytree(EXAMPLES / "calculator", self.repo, symlinks=True)
        r, env = self.repo, self.env
        (r / "NOTES.md").write_text(USER_FILES_NOTE)
        git(r, env, "init", "-q", "-b", "main")
        git(r, env, "add", "-A")
        git(r, env, "commit", "-q", "-m", "calculator with a bug in mean()")
        git(r, env, "tag", "v1")
        git(r, env, "tag", "-a", "v1-annotated", "-m", "release")
        git(r, env, "branch", "feature")
        git(r, env, "pack-refs", "--all")
        git(r, env, "branch", "topic")  # loose, beside the packed ones
        git(r, env, "config", "sweep.marker", "kept")
        hook = r / ".git" / "hooks" / "pre-commit"
        hook.write_text("#!/bin/sh\nexit 0\n")
        hook.chmod(0o755)
        with open(r / ".git" / "info" / "exclude", "a") as f:
            f.write("*.local\n")
        (r / "notes.local").write_text("ignored by the user's exclude rule\n")
        (r / "NOTES.md").write_text(USER_FILES_NOTE + "An unstaged edit.\n")
        (r / "docs").mkdir()
        (r / "docs" / "todo.txt").write_text("a staged new file\n")
        git(r, env, "add", "docs/todo.txt")
        (r / "scratch.txt").write_text("untracked\n")
        (r / "drafts").mkdir()
        (r / "drafts" / "idea.txt").write_text("an untracked file in an untracked directory\n")
        query = r / "build" / ".cmake" / "api" / "v1" / "query"
        query.mkdir(parents=True)
        (query / "codemodel-v2").write_text("")
        run(["cmake", "-S", str(r), "-B", str(r / "build"), "-G", "Unix Makefiles"], r, env)
        run(["cmake", "--build", str(r / "build"), "-j", str(self.jobs)], r, env)
        run([str(self.gate), "baseline", "-j", str(self.jobs)], r, env)
        run([str(self.gate), "snapshots", "prune", "--keep", "0"], r, env)
        self.pristine.parent.mkdir(parents=True)
        os.rename(r, self.pristine)
        self.marker.write_text(key)
        print(f"[template] prepared in {time.monotonic() - start:.1f} s: {self.pristine}", flush=True)

    def fresh_copy(self) -> Path:
        """The pristine repository at the run path; the index refreshed for the copy's new inodes."""
        if self.repo.exists():
            make_writable(self.repo)
            shutil.rmtree(self.repo)
        self.repo.parent.mkdir(parents=True, exist_ok=True)
        run(["cp", "-a", str(self.pristine), str(self.repo)], self.workdir, self.env)
        run(["git", "update-index", "-q", "--refresh"], self.repo, self.env, check=False)
        return self.repo


def make_writable(root: Path) -> None:
    """A fixer may have left a 000 directory: make everything removable again."""
    for dirpath, dirnames, _ in os.walk(root):
        for d in dirnames:
            p = os.path.join(dirpath, d)
            if not os.path.islink(p):
                os.chmod(p, 0o755)
    os.chmod(root, 0o755)


# ---------------------------------------------------------------------------------------------------------
# One attempt and its checks


@dataclass
class Check:
    """What one try left behind, after recover and a quiet period."""
    scenario: str
    point: int | None = None          # the kill point n (None: a scripted scenario)
    killed: bool = False
    kill: dict = field(default_factory=dict)
    phase: str = ""                   # the journal's phase right after the kill
    attempt_exit: str = ""
    recover_exit: int | None = None
    recover_out: str = ""
    tree: list[str] = field(default_factory=list)      # differences in the work tree
    git: list[str] = field(default_factory=list)       # differences in .git
    journal_left: bool = False
    unfinished: bool = False          # `status --json` still shows an unfinished operation or the lock
    processes: list[dict] = field(default_factory=list)  # the attempt's, still running when recover returned
    temporaries: list[str] = field(default_factory=list)
    tmpdir_left: list[str] = field(default_factory=list)  # what the gate left in its TMPDIR
    branches: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def tree_exact(self) -> bool:
        return not self.tree

    @property
    def git_intact(self) -> bool:
        return not self.git and not self.journal_left and not self.unfinished

    @property
    def ok(self) -> bool:
        return self.tree_exact and self.git_intact and not self.processes and self.recover_exit == 0

    def describe(self) -> str:
        where = f"{self.scenario}" + (f" n={self.point}" if self.point is not None else "")
        if self.kill:
            where += f" [{self.kill.get('comm')}: {self.kill.get('name')}({self.kill.get('path', '')})]"
        if self.phase:
            where += f" phase={self.phase}"
        lines = [where + f": attempt {self.attempt_exit}, recover exit {self.recover_exit}"]
        lines += [f"  tree: {d}" for d in self.tree[:12]]
        lines += [f"  temporary left: {t}" for t in self.temporaries]
        lines += [f"  .git: {d}" for d in self.git[:12]]
        if self.journal_left:
            lines.append("  journal left after recover")
        if self.unfinished:
            lines.append("  `status` still shows an unfinished operation or a lock")
        lines += [f"  process left: {p['pid']} {p['cmd']} (cwd {p['cwd']})" for p in self.processes]
        lines += [f"  TMPDIR left: {t}" for t in self.tmpdir_left]
        lines += [f"  note: {n}" for n in self.notes]
        if self.recover_exit != 0:
            lines.append("  recover said: " + self.recover_out.strip().replace("\n", "\n    ")[:1500])
        return "\n".join(lines)


class Sweep:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.workdir: Path = args.workdir
        self.gate: Path = args.gate
        self.killer: Path = args.killer
        self.env = make_env(self.workdir)
        self.project = Project(self.workdir, self.gate, self.env, args.jobs)
        self.fixers = self.workdir / "fixers"
        self.results: list[Check] = []
        self.counts: dict[str, list[int]] = {}
        self.log = open(self.workdir / "kill-sweep-points.jsonl", "w")

    def run_env(self, tag: str, tmpdir: Path) -> dict[str, str]:
        env = dict(self.env)
        env[TAG_VARIABLE] = tag
        env["TMPDIR"] = str(tmpdir)
        return env

    def journal_phase(self, repo: Path) -> str:
        try:
            return json.loads((repo / ".git" / "autofix" / "journal.json").read_text()).get("phase", "?")
        except FileNotFoundError:
            return "no journal"
        except (ValueError, OSError):
            return "unreadable journal"

    def recover_and_check(self, c: Check, repo: Path, tag: str, tmpdir: Path, env: dict[str, str],
                          expected_tree: dict[str, str], expected_git: dict[str, str]) -> None:
        p = run([str(self.gate), "recover", "--json"], repo, env, check=False, timeout=300)
        c.recover_exit = p.returncode
        c.recover_out = (p.stdout + p.stderr).decode(errors="replace")
        c.processes = processes_of(tag, repo)  # still running when recover returned
        left = settle(tag, repo, self.args.quiet)
        if c.processes:
            c.notes.append(f"{len(left)} of the {len(c.processes)} processes running after recover still ran "
                           f"{self.args.quiet:g} s later")
        c.tree = differences(expected_tree, tree_fingerprint(repo))
        c.git = differences(expected_git, git_fingerprint(repo))
        c.temporaries = temporaries(repo)
        c.journal_left = (repo / ".git" / "autofix" / "journal.json").exists()
        c.branches = gate_branches(repo)
        st = run([str(self.gate), "status", "--json"], repo, env, check=False, timeout=60)
        try:
            status = json.loads(st.stdout)
            c.unfinished = status.get("unfinished_operation") is not None or status.get("lock") is not None
        except ValueError:
            c.unfinished = True
            c.notes.append(f"status --json unreadable ({describe_exit(st.returncode)}): "
                           f"{st.stderr.decode(errors='replace')[:300]}")
        kill_all(left)
        c.tmpdir_left = sorted(os.listdir(tmpdir)) if tmpdir.is_dir() else []

    def attempt_argv(self, scenario: str) -> tuple[list[str], int]:
        fixes, fixers = EXAMPLES / "fixes", EXAMPLES / "fixers"
        table = {
            "patch-accepted": (["--patch", str(fixes / "correct-fix.diff")], 0),
            "patch-rejected": (["--patch", str(fixes / "breaks-other-module.diff")], 1),
            "fixer-accepted": (["--", "sh", str(fixers / "sed-fix.sh")], 0),
            "fixer-rejected": (["--", "sh", str(self.fixers / "breaking-fix.sh")], 1),
        }
        args, expected = table[scenario]
        return [str(self.gate), "attempt", "-j", str(self.args.jobs), *args], expected

    # --- the sweep -----------------------------------------------------------------------------------

    def one_run(self, scenario: str, point: int | None, trace: Path | None = None) -> tuple[Check, dict]:
        """A fresh copy; the attempt under syscall_killer (killed at `point`, or counted); recover; checks."""
        start = time.monotonic()
        repo = self.project.fresh_copy()
        tree0, git0 = tree_fingerprint(repo), git_fingerprint(repo)
        tag = uuid.uuid4().hex
        tmpdir = self.workdir / "tmp" / tag
        tmpdir.mkdir(parents=True)
        env = self.run_env(tag, tmpdir)
        report = self.workdir / "killer-report.json"
        report.unlink(missing_ok=True)
        argv, expected = self.attempt_argv(scenario)
        killer = [str(self.killer), "--report", str(report)]
        if self.args.children:
            killer.append("--children")
        if self.args.kill_group:
            killer.append("--kill-group")
        if self.args.mutating:
            killer.append("--mutating")
        if point is not None:
            killer += ["--kill-at", str(point)]
        if trace is not None:
            killer += ["--trace", str(trace)]
        p = run(killer + ["--", *argv], repo, env, check=False, timeout=600)
        rep = json.loads(report.read_text()) if report.is_file() else {}
        c = Check(scenario, point)
        c.killed = bool(rep.get("killed"))
        c.kill = rep.get("kill", {})
        c.phase = self.journal_phase(repo) if c.killed else ""
        code = -int(rep["signal"]) if "signal" in rep else int(rep.get("exit_code", p.returncode))
        c.attempt_exit = describe_exit(code)
        if not c.killed and code != expected:
            c.notes.append(f"the attempt ran to its end with {c.attempt_exit}, expected exit {expected}: "
                           + p.stderr.decode(errors="replace")[-800:])
        if c.kill.get("path"):
            c.kill["path"] = c.kill["path"].replace(str(repo), "<repo>").replace(str(tmpdir), "<TMPDIR>")
        if c.killed and self.args.kill_recover:
            self.kill_recover(c, repo, env, point)
        self.recover_and_check(c, repo, tag, tmpdir, env, tree0, git0)
        shutil.rmtree(tmpdir, ignore_errors=True)
        c.seconds = time.monotonic() - start
        return c, rep

    def kill_recover(self, c: Check, repo: Path, env: dict[str, str], point: int) -> None:
        """`recover` killed too, at a seeded system call of its own (1..--kill-recover); the final, plain
        `recover` of recover_and_check() then has to finish both."""
        m = random.Random(f"{self.args.seed}:{c.scenario}:{point}:recover").randint(1, self.args.kill_recover)
        report = self.workdir / "killer-report-recover.json"
        report.unlink(missing_ok=True)
        p = run([str(self.killer), "--report", str(report), "--kill-at", str(m), "--", str(self.gate), "recover"],
                repo, env, check=False, timeout=300)
        rep = json.loads(report.read_text()) if report.is_file() else {}
        if rep.get("killed"):
            k = rep["kill"]
            c.notes.append(f"recover killed at its system call {m}: {k.get('name')}({k.get('path', '').replace(str(repo), '<repo>')})")
        else:
            c.notes.append(f"recover ended before its system call {m} ({describe_exit(p.returncode)})")

    def count(self, scenario: str) -> int:
        """Uninterrupted runs: each must end as expected and leave everything exact; their syscall counts
        (which vary a little: output arrives in chunks of varying size) give the range to sweep."""
        counts = []
        for i in range(self.args.count_runs):
            trace = self.workdir / "traces" / f"{scenario}-{i}.tsv"
            trace.parent.mkdir(exist_ok=True)
            c, rep = self.one_run(scenario, None, trace)
            counts.append(int(rep.get("counted", 0)))
            c.scenario += " uninterrupted"
            self.record(c)
        self.counts[scenario] = counts
        print(f"[count   ] {scenario}: {counts} {'state-changing ' if self.args.mutating else ''}system calls "
              f"({'gate and children' if self.args.children else 'gate'})", flush=True)
        return min(counts)

    def points(self, scenario: str, n: int) -> list[int]:
        pts = self.sampled(scenario, n)
        if self.args.range:
            low, _, high = self.args.range.partition("-")
            pts = [p for p in pts if int(low) <= p <= int(high or p)]
        return pts

    def sampled(self, scenario: str, n: int) -> list[int]:
        rng = random.Random(f"{self.args.seed}:{scenario}")
        if self.args.all:
            return list(range(1, max(self.counts[scenario]) + 1))
        if self.args.step:
            first = rng.randint(1, self.args.step)
            return list(range(first, n + 1, self.args.step))
        k = min(self.args.points, n)
        return sorted({int((i + rng.random()) * n / k) + 1 for i in range(k)})

    def sweep(self, scenario: str) -> None:
        n = self.count(scenario)
        pts = self.points(scenario, n)
        print(f"[sweep   ] {scenario}: {len(pts)} kill points in 1..{n}", flush=True)
        for i, point in enumerate(pts):
            c, _ = self.one_run(scenario, point)
            self.record(c)
            if self.args.verbose or not c.ok or (i + 1) % 25 == 0:
                print(f"  [{i + 1}/{len(pts)}] n={point} {'ok' if c.ok else 'FAILED'} "
                      f"({c.kill.get('name', 'finished first')}, {c.seconds:.1f} s)", flush=True)

    def record(self, c: Check) -> None:
        self.results.append(c)
        d = {k: v for k, v in c.__dict__.items()}
        d.update(ok=c.ok, tree_exact=c.tree_exact, git_intact=c.git_intact)
        self.log.write(json.dumps(d) + "\n")
        self.log.flush()
        if not c.ok:
            print(c.describe(), flush=True)

    # --- the scripted scenarios of issue 17, items 1-8 -------------------------------------------------

    def write_fixers(self) -> None:
        self.fixers.mkdir(parents=True, exist_ok=True)
        # Slow, as real fixers are: a kill before the gate recorded its process group leaves it running, and
        # its edit then lands after recover's restore.
        breaking = ("sleep 0.5\nsed -i 's/values.size() - 1)/values.size())/' mathlib/mathlib.cpp\n"
                    "sed -i 's/%.2f/%.3f/' formatter/formatter.cpp\n")
        (self.fixers / "breaking-fix.sh").write_text("#!/bin/sh\n# Fixes mean() and breaks format_number().\nset -e\n"
                                                     + breaking)

    def scripted(self, name: str, tries: int) -> None:
        for t in range(tries):
            c = getattr(self, "item_" + name.split("-", 1)[0])(name)
            self.record(c)
            print(f"  [{name} {t + 1}/{tries}] {'ok' if c.ok else 'FAILED'} ({c.attempt_exit}, {c.seconds:.1f} s)",
                  flush=True)

    def fixer_attempt(self, name: str, script: str, extra_args: list[str] | None = None,
                      during: Callable[[Path], None] | None = None,
                      expect: Callable[[Path, dict[str, str]], dict[str, str]] | None = None,
                      report_dir: str | None = None) -> Check:
        """A fresh copy; `attempt -- sh FIXER` where the fixer is `script` (run from the repository root,
        with $MARK naming a file it touches when it has done its damage); `during(repo)` runs once that
        file exists; then recover and the checks against the tree before (or `expect(repo, tree0)`). New files
        under `report_dir` (the reports the gate was asked to write there) are not differences."""
        start = time.monotonic()
        repo = self.project.fresh_copy()
        tree0, git0 = tree_fingerprint(repo), git_fingerprint(repo)
        tag = uuid.uuid4().hex
        tmpdir = self.workdir / "tmp" / tag
        tmpdir.mkdir(parents=True)
        env = self.run_env(tag, tmpdir)
        mark = self.workdir / "tmp" / (tag + ".mark")
        env["MARK"] = str(mark)
        fixer = self.fixers / f"{name}.sh"
        fixer.write_text("#!/bin/sh\n" + script)
        argv = [str(self.gate), "attempt", "-j", str(self.args.jobs), *(extra_args or []), "--", "sh", str(fixer)]
        proc = subprocess.Popen(argv, cwd=repo, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        if during is not None:
            deadline = time.monotonic() + 120
            while not mark.exists() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            during(repo)
        out, err = proc.communicate(timeout=600)
        c = Check(name)
        c.attempt_exit = describe_exit(proc.returncode)
        c.notes.append("attempt said: " + (err.decode(errors="replace").strip().splitlines() or [""])[-1][:300])
        expected_tree = expect(repo, tree0) if expect else tree0
        self.recover_and_check(c, repo, tag, tmpdir, env, expected_tree, git0)
        if report_dir:
            c.tree = [d for d in c.tree if not d.startswith(f"extra {report_dir}/")]
        mark.unlink(missing_ok=True)
        shutil.rmtree(tmpdir, ignore_errors=True)
        c.seconds = time.monotonic() - start
        return c

    BREAK = "sed -i 's/%.2f/%.3f/' formatter/formatter.cpp\n"

    def item_1(self, name: str) -> Check:
        """The user edits a tracked file and creates files while the attempt runs: all kept."""
        user_edits = {"NOTES.md": USER_FILES_NOTE + "Edited by the user during the attempt.\n",
                      "user-new.txt": "created by the user during the attempt\n",
                      "newdir/file.txt": "a new directory of the user\n"}
        written: dict[str, str] = {}

        def during(repo: Path) -> None:
            for rel, text in user_edits.items():
                (repo / rel).parent.mkdir(exist_ok=True)
                (repo / rel).write_text(text)
                written[rel] = _entry(repo / rel)
            written["newdir"] = _entry(repo / "newdir")

        def expect(repo: Path, tree0: dict[str, str]) -> dict[str, str]:
            return {**tree0, **written}

        return self.fixer_attempt(name, self.BREAK + "touch \"$MARK\"\nsleep 1\n", during=during, expect=expect)

    def item_2(self, name: str) -> Check:
        return self.fixer_attempt(name, self.BREAK + "rm -rf .git/autofix\nexit 1\n")

    def item_3(self, name: str) -> Check:
        return self.fixer_attempt(name, self.BREAK + (
            "echo overwritten > scratch.txt\necho overwritten > NOTES.md\n"
            "git for-each-ref --format='%(refname)' refs/autofix | while read r; do git update-ref -d \"$r\"; done\n"
            "git reflog expire --expire=now --all\ngit gc -q --prune=now\nexit 1\n"))

    def item_4(self, name: str) -> Check:
        return self.fixer_attempt(name, self.BREAK + "rm -f drafts/idea.txt\nexit 1\n",
                                  extra_args=["--report-dir", "drafts"], report_dir="drafts")

    def item_5(self, name: str) -> Check:
        return self.fixer_attempt(name, self.BREAK + (
            "git config core.fsmonitor \"touch '$MARK.fsmonitor-ran'\"\ngit config core.hooksPath .planted-hooks\n"
            "git branch -D feature\ngit tag -d v1\ngit branch planted\nexit 1\n"))

    def item_6(self, name: str) -> Check:
        return self.fixer_attempt(name, self.BREAK + (
            "( setsid sh -c 'i=0; while [ $i -lt 100 ]; do echo $i >> daemon-output.txt; i=$((i+1)); sleep 0.1; done' "
            "</dev/null >/dev/null 2>&1 & )\nsleep 0.3\nexit 1\n"))

    def item_7(self, name: str) -> Check:
        return self.fixer_attempt(name, self.BREAK + (
            "echo '*.hidden' >> .git/info/exclude\necho hidden > secret.hidden\n"
            "git init -q nested-new\ngit init -q mathlib\ngit init -q drafts\nexit 1\n"))

    def item_8(self, name: str) -> Check:
        return self.fixer_attempt(name, self.BREAK + "chmod 000 NOTES.md\nchmod 000 parser\nexit 1\n")


SWEEP_SCENARIOS = ("patch-accepted", "patch-rejected", "fixer-accepted", "fixer-rejected")
SCRIPTED_SCENARIOS = ("1-concurrent-user-edits", "2-fixer-deletes-autofix-dir", "3-fixer-deletes-refs-and-prunes",
                      "4-report-dir-holds-user-files", "5-fixer-plants-git-config", "6-fixer-daemon",
                      "7-fixer-hidden-and-nested", "8-fixer-chmod-000")


def table(results: list[Check], counts: dict[str, list[int]], children: bool, mutating: bool) -> str:
    rows = ["| scenario | tries | tree exact | .git intact | processes left | recover failed | first failure |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    by: dict[str, list[Check]] = {}
    for c in results:
        by.setdefault(c.scenario, []).append(c)
    for scenario, cs in by.items():
        kills = [c for c in cs if c.point is not None]
        tries = kills if kills else cs
        label = scenario
        if kills:
            label += (f" (kill at {'state-changing ' if mutating else ''}syscall n of "
                      f"{'gate + children' if children else 'the gate'}; N={counts.get(scenario)})")
            tries = [c for c in kills if c.killed]
        first = next((c for c in tries if not c.ok), None)
        first_s = ""
        if first and first.point is not None:
            first_s = f"n={first.point} {first.kill.get('name', '')}({first.kill.get('path', '')})"
        elif first:
            first_s = f"try {tries.index(first) + 1}"
        rows.append(f"| {label} | {len(tries)} | {sum(c.tree_exact for c in tries)} | {sum(c.git_intact for c in tries)} "
                    f"| {sum(bool(c.processes) for c in tries)} | {sum(c.recover_exit != 0 for c in tries)} | {first_s} |")
    return "\n".join(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", type=Path, default=HERE.parent / "build",
                    help="build directory holding autofix-gate and tests/e2e/syscall_killer")
    ap.add_argument("--gate", type=Path, help="autofix-gate binary (default: BUILD/autofix-gate)")
    ap.add_argument("--killer", type=Path, help="syscall_killer binary (default: BUILD/tests/e2e/syscall_killer)")
    ap.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "autofix-kill-sweep")
    ap.add_argument("--scenarios", default=",".join(SWEEP_SCENARIOS + SCRIPTED_SCENARIOS),
                    help="comma-separated; a scripted scenario may be given by its number (1..8)")
    sampling = ap.add_mutually_exclusive_group()
    sampling.add_argument("--points", type=int, default=40, help="kill points per sweep scenario, stratified (default 40)")
    sampling.add_argument("--step", type=int, help="every STEP-th system call (from a seeded offset)")
    sampling.add_argument("--all", action="store_true", help="every system call 1..N")
    ap.add_argument("--range", metavar="A-B", help="only the kill points from A to B (with --all: every one of them)")
    ap.add_argument("--children", action="store_true",
                    help="count the system calls of everything the gate starts too (the kill still hits the gate only)")
    ap.add_argument("--mutating", action="store_true",
                    help="count only the calls that can change a file or start a process (see syscall_killer.cpp): "
                         "a kill at any other call leaves the files as a kill at the next counted one, so --all then "
                         "covers every system call's effect on the files in ~860 points per scenario")
    ap.add_argument("--kill-group", action="store_true",
                    help="kill the gate's whole process group (kill -9 -PGID), not the gate alone")
    ap.add_argument("--kill-recover", type=int, metavar="M", default=0,
                    help="after each kill, run recover under the killer too, killed at a seeded system call in 1..M; "
                         "a second recover must then finish the job")
    ap.add_argument("--count-runs", type=int, default=2, help="uninterrupted runs per scenario to count N (default 2)")
    ap.add_argument("--tries", type=int, default=3, help="tries per scripted scenario (default 3)")
    ap.add_argument("--quiet", type=float, default=3.0,
                    help="seconds to wait after recover for the attempt's processes to end (default 3)")
    ap.add_argument("--seed", default="1")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    args.gate = (args.gate or args.build / "autofix-gate").resolve()
    args.killer = (args.killer or args.build / "tests" / "e2e" / "syscall_killer").resolve()
    for b in (args.gate, args.killer):
        if not os.access(b, os.X_OK):
            print(f"kill_sweep: {b} is not an executable (build autofix-gate and syscall_killer first)", file=sys.stderr)
            return 2
    args.workdir = args.workdir.resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)
    wanted = []
    for s in args.scenarios.split(","):
        s = s.strip()
        match = [x for x in SWEEP_SCENARIOS + SCRIPTED_SCENARIOS if x == s or x.split("-", 1)[0] == s]
        if not match:
            print(f"kill_sweep: unknown scenario {s!r}; known: {', '.join(SWEEP_SCENARIOS + SCRIPTED_SCENARIOS)}",
                  file=sys.stderr)
            return 2
        wanted += match

    sweep = Sweep(args)
    start = time.monotonic()
    sweep.write_fixers()
    sweep.project.prepare()
    for s in wanted:
        if s in SWEEP_SCENARIOS:
            sweep.sweep(s)
        else:
            sweep.scripted(s, args.tries)
    sweep.project.fresh_copy()  # leave a clean repository behind for inspection by hand
    elapsed = time.monotonic() - start
    text = table(sweep.results, sweep.counts, args.children, args.mutating)
    print(f"\n{text}\n\n{len(sweep.results)} runs in {elapsed / 60:.1f} minutes", flush=True)
    failures = [c for c in sweep.results if not c.ok]
    summary = {
        "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "gate": str(args.gate), "gate_sha256": hashlib.sha256(args.gate.read_bytes()).hexdigest(),
        "children": args.children, "mutating": args.mutating, "kill_group": args.kill_group,
        "kill_recover": args.kill_recover, "counts": sweep.counts, "seconds": elapsed, "table": text,
        "failures": [c.describe() for c in failures],
    }
    (args.workdir / RESULTS_FILE).write_text(json.dumps(summary, indent=2) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
