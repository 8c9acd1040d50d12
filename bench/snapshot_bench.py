#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""On-demand benchmark: `autofix-gate snapshot` + `restore` against `git stash` and `git status`.

Never part of the test suite and never a timed assertion: it prints numbers and compares them with the
targets, but only a correctness failure (a restore that does not bring the tree back, a command that
fails) makes it exit non-zero. See bench/README.md for what exactly is timed and how to read it.

    python3 bench/snapshot_bench.py --gate build/autofix-gate --sizes 10000,100000 --runs 5 --workdir /tmp/bench

Standard library only.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_common import describe_exit, isolated_env

# Bump when the generated repository changes shape, so cached repositories are regenerated.
GENERATOR_VERSION = 1
MARKER = "autofix-bench-generated.json"  # inside .git/, written last: no marker = incomplete, regenerate
FILE_SIZE = 1024
LEAF_DIRS = 1000  # 10 top directories x 10 x 10 leaf directories
MIN_FILES = 100

# Targets at the largest size (informational; printed, never asserted).
TARGET_SIZE = 100_000
TARGET_OURS_OVER_STATUS = 2.0  # snapshot+restore at most 2x `git status`
TARGET_STASH_OVER_OURS = 3.0  # and at least 3x faster than stash push + pop

METHODS = ("status", "ours", "stash")
ROWS = (  # (key, label) in table order
    ("status", "git status --porcelain"),
    ("snapshot", "autofix-gate snapshot"),
    ("restore", "autofix-gate restore ID"),
    ("ours", "  ours: snapshot + restore"),
    ("stash_push", "git stash push --include-untracked"),
    ("stash_pop", "git stash pop"),
    ("stash", "  stash push + pop"),
)


class BenchError(Exception):
    pass


# ---------------------------------------------------------------------------------------------------------
# Environment and commands


def make_env(workdir: Path) -> dict[str, str]:
    """A fixed, isolated environment for git and autofix-gate alike."""
    return isolated_env(workdir)


class Runner:
    def __init__(self, env: dict[str, str]):
        self.env = env

    def run(self, cmd: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
        p = subprocess.run(cmd, cwd=cwd, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            raise BenchError(
                f"command failed ({describe_exit(p.returncode)}): {' '.join(cmd)}\n"
                f"--- stdout ---\n{p.stdout[-4000:]}\n--- stderr ---\n{p.stderr[-4000:]}"
            )
        return p

    def timed(self, cmd: list[str], cwd: Path | None = None, extra_env: dict[str, str] | None = None) -> tuple[float, str, str]:
        """Wall-clock seconds of one command, process start-up included (the same for every method)."""
        env = {**self.env, **extra_env} if extra_env else self.env
        t0 = time.perf_counter()
        p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        dt = time.perf_counter() - t0
        if p.returncode != 0:
            raise BenchError(
                f"timed command failed ({describe_exit(p.returncode)}): {' '.join(cmd)}\n"
                f"--- stdout ---\n{p.stdout[-4000:]}\n--- stderr ---\n{p.stderr[-4000:]}"
            )
        return dt, p.stdout, p.stderr


# ---------------------------------------------------------------------------------------------------------
# The generated repository and the change


def file_path(i: int, n: int) -> str:
    leaves = min(LEAF_DIRS, n)
    leaf = i % leaves
    return f"t{leaf // 100}/m{(leaf // 10) % 10}/l{leaf % 10}/file{i:06d}.txt"


def file_content(i: int) -> bytes:
    """About 1 KB of deterministic text, different for every file."""
    seed = hashlib.sha256(f"autofix-bench-{i}".encode()).hexdigest()  # 64 hex chars
    lines = []
    size = 0
    k = 0
    while size < FILE_SIZE:
        line = f"{i:08d} {k:03d} {seed[k % 64:] + seed[: k % 64]}\n"
        lines.append(line)
        size += len(line)
        k += 1
    return "".join(lines).encode()[:FILE_SIZE - 1] + b"\n"


class Change:
    """The change under test: 5 modified files, 2 new untracked files, 1 deleted file.

    `fix` is a further clean tracked file that the "fixer" edits between snapshot and restore.
    """

    def __init__(self, n: int):
        self.n = n
        used: set[int] = set()

        def pick(i: int) -> int:  # the first file from i on not picked yet
            i %= n
            while i in used:
                i = (i + 1) % n
            used.add(i)
            return i

        # Different leaf directories (file i lives in leaf i % 1000) in different top directories.
        self.modified = [pick((k * n) // 5 + 3 + 211 * k) for k in range(5)]
        self.deleted = pick(n // 2 + 588)
        self.fix = pick(n - 1)
        self.untracked = ["t0/m0/l0/untracked-1.txt", "t0/m0/new-dir/untracked-2.txt"]

    def describe(self) -> dict:
        return {
            "modified": [file_path(i, self.n) for i in self.modified],
            "untracked": list(self.untracked),
            "deleted": file_path(self.deleted, self.n),
            "fix_between_snapshot_and_restore": file_path(self.fix, self.n),
        }

    def apply(self, repo: Path) -> None:
        for i in self.modified:
            (repo / file_path(i, self.n)).write_bytes(file_content(i) + b"modified by the benchmark's change\n")
        for k, rel in enumerate(self.untracked):
            p = repo / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(file_content(10_000_000 + k))
        (repo / file_path(self.deleted, self.n)).unlink()

    def apply_fix(self, repo: Path) -> None:
        p = repo / file_path(self.fix, self.n)
        p.write_bytes(b"# reformatted by the pretend fixer\n" + file_content(self.fix))

    def expected_status_v2(self) -> list[str]:
        """Sorted (kind, path) lines of `git status --porcelain=v2` for the changed tree."""
        out = [f"1 .M {file_path(i, self.n)}" for i in self.modified]
        out.append(f"1 .D {file_path(self.deleted, self.n)}")
        out.append("? t0/m0/l0/untracked-1.txt")
        out.append("? t0/m0/new-dir/")
        return sorted(out)


def read_marker(repo: Path) -> dict | None:
    try:
        return json.loads((repo / ".git" / MARKER).read_text())
    except (OSError, ValueError):
        return None


def generate(r: Runner, repo: Path, n: int) -> float:
    """Creates the repository of `n` committed files; returns the seconds it took."""
    t0 = time.perf_counter()
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    made = set()
    for i in range(n):
        rel = file_path(i, n)
        d = repo / rel.rsplit("/", 1)[0]
        if d not in made:
            d.mkdir(parents=True, exist_ok=True)
            made.add(d)
        (repo / rel).write_bytes(file_content(i))
    r.run(["git", "init", "-q", "-b", "main"], cwd=repo)
    r.run(["git", "config", "gc.auto", "0"], cwd=repo)  # no surprise `gc --auto` inside a timed command
    r.run(["git", "add", "-A"], cwd=repo)
    r.run(["git", "commit", "-q", "-m", f"bench: {n} files"], cwd=repo)
    r.run(["git", "gc", "-q"], cwd=repo)  # packed, like a real repository
    (repo / ".git" / MARKER).write_text(json.dumps({"version": GENERATOR_VERSION, "files": n}) + "\n")
    return time.perf_counter() - t0


def ensure_repo(r: Runner, workdir: Path, n: int, regenerate: bool) -> tuple[Path, float | None]:
    repo = workdir / f"repo-{n}"
    marker = read_marker(repo)
    if regenerate or marker != {"version": GENERATOR_VERSION, "files": n}:
        return repo, generate(r, repo, n)
    return repo, None


TRACE_PREFIX = "autofix-gate: trace: "


def parse_trace(stderr: str) -> dict[str, float]:
    """{"trace: <phase>": seconds} from AUTOFIX_GATE_TRACE lines; a phase seen twice is summed."""
    out: dict[str, float] = {}
    for line in stderr.splitlines():
        if not line.startswith(TRACE_PREFIX):
            continue
        parts = line[len(TRACE_PREFIX):].split()
        if len(parts) < 3 or parts[-1] != "ms":
            continue
        try:
            ms = float(parts[-2])
        except ValueError:
            continue
        key = "trace: " + " ".join(parts[:-2])
        out[key] = out.get(key, 0.0) + ms / 1000
    return out


# ---------------------------------------------------------------------------------------------------------
# One run of each method. Every run starts from the same state: `prepare` (not timed).


class Bench:
    def __init__(self, r: Runner, gate: str, repo: Path, change: Change, trace: bool):
        self.r = r
        self.gate = gate
        self.repo = repo
        self.change = change
        # AUTOFIX_GATE_TRACE=1 makes autofix-gate print "autofix-gate: trace: <phase> <ms> ms" on stderr.
        self.gate_env = {"AUTOFIX_GATE_TRACE": "1"} if trace else None

    def git(self, *args: str) -> subprocess.CompletedProcess:
        return self.r.run(["git", *args], cwd=self.repo)

    def prune_snapshots(self) -> None:
        self.r.run([self.gate, "snapshots", "prune", "--keep", "0", "-C", str(self.repo)])

    def reset_repository(self) -> None:
        """Once per size: clear whatever an interrupted earlier invocation may have left."""
        self.r.run([self.gate, "recover", "-C", str(self.repo)])
        self.prune_snapshots()
        self.git("stash", "clear")
        # Objects of dropped snapshots (each holds a copy of the index) would pile up over invocations.
        self.git("prune", "--expire=now")
        self.prepare()

    def prepare(self) -> None:
        """The committed tree with a fresh index, then the change applied. Not timed."""
        self.git("reset", "-q", "--hard", "HEAD")
        self.git("clean", "-fdq")
        self.change.apply(self.repo)

    def run_status(self) -> dict[str, float]:
        dt, _, _ = self.r.timed(["git", "status", "--porcelain"], cwd=self.repo)
        return {"status": dt}

    def run_ours(self) -> dict[str, float]:
        t_snap, out, err_snap = self.r.timed([self.gate, "snapshot", "-C", str(self.repo)], extra_env=self.gate_env)
        snap_id = out.strip()
        if not snap_id:
            raise BenchError("autofix-gate snapshot printed no id")
        self.change.apply_fix(self.repo)  # not timed: the pretend fixer edits one more file
        t_restore, _, err_restore = self.r.timed([self.gate, "restore", snap_id, "-C", str(self.repo)],
                                                 extra_env=self.gate_env)
        self.prune_snapshots()  # not timed
        result = {"snapshot": t_snap, "restore": t_restore, "ours": t_snap + t_restore}
        if self.gate_env:
            result.update(parse_trace(err_snap + err_restore))
        return result

    def run_stash(self) -> dict[str, float]:
        t_push, _, _ = self.r.timed(["git", "stash", "push", "--include-untracked", "-q"], cwd=self.repo)
        t_pop, _, _ = self.r.timed(["git", "stash", "pop", "-q"], cwd=self.repo)
        if self.git("stash", "list").stdout.strip():
            raise BenchError("git stash pop left a stash entry behind")
        return {"stash_push": t_push, "stash_pop": t_pop, "stash": t_push + t_pop}

    def run(self, method: str) -> dict[str, float]:
        self.prepare()
        return getattr(self, f"run_{method}")()

    # -- correctness, once per size (not timed) ------------------------------------------------------

    def status_v2(self) -> str:
        return self.git("status", "--porcelain=v2").stdout

    def tree_state(self) -> dict[str, tuple]:
        """Every directory, file and link of the work tree (not .git) with its kind, mode and content hash."""
        out: dict[str, tuple] = {}
        root = str(self.repo)
        for dirpath, dirnames, filenames in os.walk(root):
            rel_dir = os.path.relpath(dirpath, root)
            if rel_dir == ".":
                rel_dir = ""
                if ".git" in dirnames:
                    dirnames.remove(".git")
            for name in dirnames + filenames:
                rel = f"{rel_dir}/{name}" if rel_dir else name
                p = os.path.join(dirpath, name)
                st = os.lstat(p)
                if os.path.islink(p):
                    out[rel] = ("link", os.readlink(p))
                elif os.path.isdir(p):
                    out[rel] = ("dir",)
                else:
                    with open(p, "rb") as f:
                        digest = hashlib.sha1(f.read()).hexdigest()
                    out[rel] = ("file", bool(st.st_mode & 0o111), digest)
        return out

    def verify(self) -> dict:
        self.prepare()
        status_before = self.status_v2()
        kinds = sorted(
            (" ".join(line.split(" ")[:2]) + " " + line.split(" ")[-1]) if line.startswith("1 ") else line
            for line in status_before.splitlines()
        )
        if kinds != self.change.expected_status_v2():
            raise BenchError(
                "the change did not produce the expected `git status`:\n"
                f"expected {self.change.expected_status_v2()}\ngot      {kinds}"
            )
        tree_before = self.tree_state()
        index_before = (self.repo / ".git" / "index").read_bytes()

        snap = json.loads(self.r.run([self.gate, "snapshot", "--json", "-C", str(self.repo)]).stdout)
        self.change.apply_fix(self.repo)
        if self.tree_state() == tree_before:
            raise BenchError("the pretend fix did not change the tree: the check below would prove nothing")
        restore = json.loads(self.r.run([self.gate, "restore", snap["id"], "--json", "-C", str(self.repo)]).stdout)

        index_after = (self.repo / ".git" / "index").read_bytes()  # before `git status` refreshes it

        problems = []
        status_after = self.status_v2()
        if status_after != status_before:
            problems.append(f"`git status --porcelain=v2` differs:\n--- before\n{status_before}--- after\n{status_after}")
        tree_after = self.tree_state()
        if tree_after != tree_before:
            differ = sorted(k for k in set(tree_before) | set(tree_after) if tree_before.get(k) != tree_after.get(k))
            problems.append(f"{len(differ)} path(s) differ after restore, e.g.: " + ", ".join(differ[:10]))
        if index_after != index_before:
            problems.append("the index file differs after restore")
        if problems:
            raise BenchError(f"VERIFICATION FAILED for snapshot {snap['id']} in {self.repo}:\n" + "\n".join(problems))
        self.prune_snapshots()
        return {"snapshot_manifest_counts": snap.get("counts"), "restore_report": restore}


# ---------------------------------------------------------------------------------------------------------
# Driver


def fmt_ratio(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}x"


def bench_size(r: Runner, gate: str, workdir: Path, n: int, runs: int, regenerate: bool, trace: bool) -> dict:
    print(f"\n== {n:,} files ==", flush=True)
    repo, gen_seconds = ensure_repo(r, workdir, n, regenerate)
    if gen_seconds is None:
        print(f"repository: {repo} (cached; pass --regenerate to rebuild)", flush=True)
    else:
        print(f"repository: {repo} (generated in {gen_seconds:.1f} s, not part of any timing)", flush=True)

    change = Change(n)
    b = Bench(r, gate, repo, change, trace)
    try:
        b.reset_repository()
    except BenchError as e:
        if gen_seconds is not None:
            raise
        # A cached repository left unrecoverable (say by a crashed or older autofix-gate): it is only a cache.
        print(f"cannot reset the cached repository, regenerating it:\n  {str(e).splitlines()[0]}", flush=True)
        gen_seconds = generate(r, repo, n)
        print(f"repository: {repo} (generated in {gen_seconds:.1f} s, not part of any timing)", flush=True)
        b.reset_repository()

    t0 = time.perf_counter()
    verification = b.verify()
    print(f"verified: snapshot + restore brings back status, contents and index ({time.perf_counter() - t0:.1f} s)",
          flush=True)

    for method in METHODS:  # warm the page cache: one unmeasured run of each
        b.run(method)

    samples: dict[str, list[float]] = {key: [] for key, _ in ROWS}
    for i in range(runs):
        order = METHODS[i % len(METHODS):] + METHODS[: i % len(METHODS)]  # rotate so drift hits all alike
        for method in order:
            for key, seconds in b.run(method).items():
                samples.setdefault(key, []).append(seconds)
        print(f"  run {i + 1}/{runs}: status {samples['status'][-1]:.3f} s, ours {samples['ours'][-1]:.3f} s, "
              f"stash {samples['stash'][-1]:.3f} s", flush=True)
    b.prepare()  # leave the repository in the changed state, ready for profiling by hand

    median = {k: statistics.median(v) for k, v in samples.items()}
    ratios = {
        "ours_over_status": median["ours"] / median["status"] if median["status"] > 0 else None,
        "stash_over_ours": median["stash"] / median["ours"] if median["ours"] > 0 else None,
    }

    print(f"\n{'median of ' + str(runs) + ' runs':<38}{'median':>10}{'min':>10}{'max':>10}")
    for key, label in ROWS:
        v = samples[key]
        print(f"{label:<38}{median[key]:>9.3f}s{min(v):>9.3f}s{max(v):>9.3f}s")
    at_target = n == TARGET_SIZE
    r1, r2 = ratios["ours_over_status"], ratios["stash_over_ours"]
    note1 = note2 = ""
    if at_target:
        note1 = f"   target <= {TARGET_OURS_OVER_STATUS:g}x: " + ("met" if r1 is not None and r1 <= TARGET_OURS_OVER_STATUS else "MISSED")
        note2 = f"   target >= {TARGET_STASH_OVER_OURS:g}x: " + ("met" if r2 is not None and r2 >= TARGET_STASH_OVER_OURS else "MISSED")
    print(f"ours / (git status)                   {fmt_ratio(r1):>9}{note1}")
    print(f"(stash push + pop) / ours             {fmt_ratio(r2):>9}{note2}", flush=True)
    traced = [k for k in samples if k.startswith("trace: ")]
    if traced:
        print(f"{'phases inside autofix-gate (--trace)':<38}{'median':>10}{'min':>10}{'max':>10}")
        for key in traced:
            v = samples[key]
            print(f"  {key[len('trace: '):]:<36}{median[key] * 1000:>8.1f}ms{min(v) * 1000:>8.1f}ms"
                  f"{max(v) * 1000:>8.1f}ms" + (f"  (in {len(v)} of {runs} runs)" if len(v) != runs else ""))

    return {
        "files": n,
        "repository": str(repo),
        "generation_seconds": gen_seconds,
        "cached": gen_seconds is None,
        "change": change.describe(),
        "verification": verification,
        "samples_seconds": samples,
        "median_seconds": median,
        "min_seconds": {k: min(v) for k, v in samples.items()},
        "ratios": ratios,
        "targets": {
            "applies": at_target,
            "ours_over_status_max": TARGET_OURS_OVER_STATUS,
            "stash_over_ours_min": TARGET_STASH_OVER_OURS,
            "ours_over_status_met": (r1 is not None and r1 <= TARGET_OURS_OVER_STATUS) if at_target else None,
            "stash_over_ours_met": (r2 is not None and r2 >= TARGET_STASH_OVER_OURS) if at_target else None,
        },
    }


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(s.replace("_", "")) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes wants numbers separated by commas, not '{text}'")
    if not sizes or any(n < MIN_FILES for n in sizes):
        raise argparse.ArgumentTypeError(f"every size must be at least {MIN_FILES}")
    return sizes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gate", required=True, help="path to the autofix-gate binary")
    ap.add_argument("--sizes", type=parse_sizes, default=parse_sizes("10000,100000"),
                    help="committed file counts, comma-separated (default 10000,100000)")
    ap.add_argument("--runs", type=int, default=5, help="measured runs per method and size; medians are reported (default 5)")
    ap.add_argument("--workdir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "autofix-gate-bench"),
                    help="where the generated repositories are cached and bench-results.json is written")
    ap.add_argument("--regenerate", action="store_true", help="rebuild the repositories even if cached")
    ap.add_argument("--trace", action="store_true",
                    help="run autofix-gate with AUTOFIX_GATE_TRACE=1 and also report its phase timings")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    gate = shutil.which(args.gate) if os.sep not in args.gate else args.gate
    if not gate or not os.access(gate, os.X_OK):
        ap.error(f"no executable autofix-gate at '{args.gate}'")
    gate = os.path.abspath(gate)
    workdir = Path(args.workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    r = Runner(make_env(workdir))

    gate_version = r.run([gate, "--version"]).stdout.strip()
    git_version = r.run(["git", "--version"]).stdout.strip()
    load_start = os.getloadavg()
    print(f"{gate_version} ({gate})\n{git_version}; {os.cpu_count()} CPU(s); load average {load_start[0]:.2f} "
          f"{load_start[1]:.2f} {load_start[2]:.2f}; workdir {workdir}")
    print("Wall-clock seconds per command, process start-up included; the machine may be shared, so expect noise.")

    results = {
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "gate": gate,
        "gate_version": gate_version,
        "git_version": git_version,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "runs": args.runs,
        "trace": args.trace,
        "load_average_start": load_start,
        "sizes": {},
    }
    out_path = workdir / "bench-results.json"
    try:
        for n in args.sizes:
            results["sizes"][str(n)] = bench_size(r, gate, workdir, n, args.runs, args.regenerate, args.trace)
    except BenchError as e:
        print(f"\nBENCHMARK FAILED: {e}", file=sys.stderr)
        results["error"] = str(e)
        out_path.write_text(json.dumps(results, indent=2) + "\n")
        return 1
    results["load_average_end"] = os.getloadavg()
    out_path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nload average at the end {results['load_average_end'][0]:.2f}; results written to {out_path}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted; the cached repositories are reset at the next run", file=sys.stderr)
        sys.exit(130)
