#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""On-demand compatibility corpus: `autofix-gate attempt` on real bug fixes of real open-source projects.

Never part of the test suite, never run in CI: it needs clones of third-party repositories that the user
provides (nothing of theirs is in this repository; manifest.json names repositories and commits only).
See bench/real_projects/README.md.

    python3 bench/real_projects/run_corpus.py --gate build/autofix-gate \\
        --clones /path/to/clones --work /path/to/scratch [--case ID ...] [--timeout S]

For each case: a work repository per project (cloned from --clones once, reused), the base commit with the
test part of the fix committed on top as the baseline state, a build directory per project outside the
repository (configured once, reused), then

  1. `autofix-gate baseline` (untimed in the ratio),
  2. `attempt --patch fix.diff` (the non-test part of the fix): must be accepted, FAIL_TO_PASS named,
  3. `attempt --patch bad.diff` (the fix plus the breaking edit): must be rejected, the broken tests named,
  4. after each attempt the work tree must be byte-exact (every file, untracked ones too, modes, symlink
     targets, `git status --porcelain=v2`, HEAD, the index),
  5. a bare `cmake --build` + `ctest` with the fix applied on the same build directory, then reverted.

Prints a markdown table and writes a JSON results file; exits 1 when any case is wrong.
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
import stat
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from bench_common import describe_exit, isolated_env  # noqa: E402

MANIFEST = HERE / "manifest.json"
RESULTS_FILE = "corpus-results.json"

# Variables that would change what cmake, ninja, ctest or a test framework does for one side only.
DROPPED_ENV_PREFIXES = ("GIT_", "GTEST_", "CTEST_", "CMAKE_", "AUTOFIX_GATE_")
DROPPED_ENV = frozenset({"XDG_CONFIG_HOME", "MAKEFLAGS", "MFLAGS", "NINJA_STATUS", "CI"})

GATE_EXIT = {0: "accepted", 1: "rejected", 2: "usage", 3: "needs_review", 4: "error"}


class CorpusError(Exception):
    """The corpus itself cannot run a case (a missing clone, a commit, a configure failure)."""


# ---------------------------------------------------------------------------------------------------------
# Commands


class Runner:
    def __init__(self, env: dict[str, str], log: Path):
        self.env = env
        self.log = log

    def run(self, cmd: list[str], cwd: Path | None = None, check: bool = True, input_text: str | None = None,
            timeout: float | None = None) -> subprocess.CompletedProcess:
        with self.log.open("a") as f:
            f.write(f"$ (cd {cwd}) {' '.join(cmd)}\n")
        try:
            p = subprocess.run(cmd, cwd=cwd, env=self.env, input=input_text,
                               stdin=None if input_text is not None else subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
                               timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise CorpusError(f"timed out after {timeout} s: {' '.join(cmd)}") from e
        with self.log.open("a") as f:
            f.write(f"-> {describe_exit(p.returncode)}\n{p.stdout[-3000:]}{p.stderr[-3000:]}\n")
        if check and p.returncode != 0:
            raise CorpusError(f"{' '.join(cmd)} ({describe_exit(p.returncode)}):\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
        return p

    def timed(self, cmd: list[str], cwd: Path | None = None, timeout: float | None = None
              ) -> tuple[float, subprocess.CompletedProcess]:
        t0 = time.perf_counter()
        p = self.run(cmd, cwd=cwd, check=False, timeout=timeout)
        return time.perf_counter() - t0, p


def git(r: Runner, repo: Path, *args: str, check: bool = True, input_text: str | None = None) -> str:
    return r.run(["git", *args], cwd=repo, check=check, input_text=input_text).stdout


# ---------------------------------------------------------------------------------------------------------
# Byte-exact fingerprint of a work tree


def tree_fingerprint(r: Runner, repo: Path) -> dict:
    """Every path under the work tree except .git: type, mode, size and content hash (symlink: its target),
    plus git's own view: status (untracked files listed), HEAD, the index entries. Ignored files are hashed
    apart: the gate never saves nor removes them (docs/snapshots.md), and a project's tests may write
    there (tinyxml2 writes resources/out/*.xml into the source tree), so they are reported, not judged."""
    ignored_listing = git(r, repo, "ls-files", "--others", "--ignored", "--exclude-standard", "--directory", "-z")
    ignored = [e for e in ignored_listing.split("\0") if e]
    ignored_dirs = tuple(e for e in ignored if e.endswith("/"))
    ignored_files = {e for e in ignored if not e.endswith("/")}
    h, hi = hashlib.sha256(), hashlib.sha256()
    files = 0
    ignored_entries = []
    for dirpath, dirnames, filenames in os.walk(repo):
        dirnames.sort()
        if Path(dirpath) == repo and ".git" in dirnames:
            dirnames.remove(".git")
        for name in sorted(dirnames + filenames):
            p = Path(dirpath) / name
            rel = p.relative_to(repo).as_posix()
            st = p.lstat()
            if stat.S_ISLNK(st.st_mode):
                entry = f"L {rel} {os.readlink(p)}"
            elif stat.S_ISDIR(st.st_mode):
                entry = f"D {rel} {stat.S_IMODE(st.st_mode):o}"
            elif stat.S_ISREG(st.st_mode):
                entry = f"F {rel} {stat.S_IMODE(st.st_mode):o} {st.st_size} {hashlib.sha256(p.read_bytes()).hexdigest()}"
                files += 1
            else:
                entry = f"? {rel} {st.st_mode:o}"
            is_ignored = rel in ignored_files or (rel + "/").startswith(ignored_dirs) or rel.startswith(ignored_dirs)
            if is_ignored:
                hi.update(entry.encode("utf-8", "surrogateescape") + b"\n")
                ignored_entries.append(entry)
            else:
                h.update(entry.encode("utf-8", "surrogateescape") + b"\n")
    status = git(r, repo, "status", "--porcelain=v2", "--branch", "--untracked-files=all")
    head = git(r, repo, "rev-parse", "HEAD").strip()
    head_ref = git(r, repo, "symbolic-ref", "-q", "HEAD", check=False).strip()
    index = git(r, repo, "ls-files", "--stage", "-z")
    return {"tree": h.hexdigest(), "files": files, "status": status, "head": head, "head_ref": head_ref,
            "index": hashlib.sha256(index.encode("utf-8", "surrogateescape")).hexdigest(),
            "ignored": hi.hexdigest(), "ignored_entries": ignored_entries}


def fingerprint_diff(before: dict, after: dict) -> list[str]:
    """What makes the tree not exact: every difference outside ignored files."""
    diffs = []
    for key in ("tree", "head", "head_ref", "index"):
        if before[key] != after[key]:
            diffs.append(f"{key}: {before[key]} -> {after[key]}")
    if before["status"] != after["status"]:
        diffs.append("git status:\n  before: " + before["status"].replace("\n", "\n  ") +
                     "\n  after:  " + after["status"].replace("\n", "\n  "))
    return diffs


def ignored_diff(before: dict, after: dict) -> list[str]:
    """Ignored files that appeared, changed or went: reported as notes (the project's own doing)."""
    old, new = set(before["ignored_entries"]), set(after["ignored_entries"])
    return [f"+ {e}" for e in sorted(new - old)] + [f"- {e}" for e in sorted(old - new)]


# ---------------------------------------------------------------------------------------------------------
# Cases


def pathspecs(globs: list[str], exclude: bool) -> list[str]:
    magic = "glob,exclude" if exclude else "glob"
    return [f":({magic}){g}" for g in globs]


def prepare_repo(r: Runner, clones: Path, work: Path, project: str, spec: dict) -> Path:
    """The project's work repository, cloned once from the user's clone; its checkout is reset per case."""
    src = clones / spec.get("clone", project)
    if not (src / ".git").exists() and not (src / "HEAD").exists():
        raise CorpusError(f"no clone of {spec['repository']} at {src}: clone it there (see README.md)")
    repo = work / "repos" / project
    if not (repo / ".git").is_dir():
        repo.parent.mkdir(parents=True, exist_ok=True)
        r.run(["git", "clone", "-q", "--no-checkout", str(src), str(repo)])
        for k, v in (("gc.auto", "0"), ("user.name", "AutofixGate Corpus"),
                     ("user.email", "corpus@autofix-gate.invalid"), ("core.autocrlf", "false")):
            git(r, repo, "config", k, v)
    return repo


def resolve(r: Runner, repo: Path, rev: str) -> str:
    out = git(r, repo, "rev-parse", "--verify", "-q", rev + "^{commit}", check=False).strip()
    if not out:
        raise CorpusError(f"commit {rev} not found in {repo}: is the clone complete and recent enough?")
    return out


def prepare_case(r: Runner, repo: Path, case: dict, case_dir: Path) -> dict:
    """Checks out base + the fix's test part as a commit on branch corpus/<id>; writes fix.diff and bad.diff."""
    base = resolve(r, repo, case["base"])
    fix = resolve(r, repo, case["fix"])
    tests_from = resolve(r, repo, case.get("tests_commit", case["fix"]))
    test_globs = case["test_paths"]
    case_dir.mkdir(parents=True, exist_ok=True)
    test_diff, fix_diff, bad_diff = case_dir / "tests.diff", case_dir / "fix.diff", case_dir / "bad.diff"

    git(r, repo, "reset", "-q", "--hard")
    git(r, repo, "clean", "-q", "-ffdx")
    git(r, repo, "checkout", "-q", "-f", "-B", f"corpus/{case['id']}", base)
    git(r, repo, "clean", "-q", "-ffdx")
    # Patches go through files, never through text decoding: CRLF and binary content stay as they are.
    git(r, repo, "diff", "--binary", f"--output={test_diff}", base, tests_from, "--", *pathspecs(test_globs, False))
    if test_diff.stat().st_size:
        git(r, repo, "apply", "--index", str(test_diff))
    for edit in case.get("baseline_edits", []):
        apply_line_edit(repo, edit)
        git(r, repo, "add", "--", edit["file"])
    git(r, repo, "commit", "-q", "--allow-empty", "-m", f"corpus baseline: {case['id']} (base + test part)")

    git(r, repo, "diff", "--binary", f"--output={fix_diff}", base, fix, "--", ".", *pathspecs(test_globs, True))
    if not fix_diff.stat().st_size:
        raise CorpusError(f"{case['id']}: the fix has no non-test part (test_paths: {test_globs})")

    # bad.diff: the fix with the breaking edit on top, as one patch against the baseline state.
    git(r, repo, "apply", str(fix_diff))
    try:
        apply_line_edit(repo, case["breaking_edit"])
        untracked = git(r, repo, "ls-files", "--others", "--exclude-standard", "-z").split("\0")
        for path in filter(None, untracked):
            git(r, repo, "add", "-N", "--", path)
        git(r, repo, "diff", "--binary", f"--output={bad_diff}")
    finally:
        git(r, repo, "reset", "-q", "--hard")
        git(r, repo, "clean", "-q", "-fd")
    return {"base": base, "fix": fix, "tests_from": tests_from, "baseline": git(r, repo, "rev-parse", "HEAD").strip()}


def apply_line_edit(repo: Path, edit: dict) -> None:
    """Replaces the one line of `file` that equals `line` (surrounding whitespace ignored) by `replacement`."""
    path = repo / edit["file"]
    lines = path.read_bytes().decode("utf-8", "surrogateescape").split("\n")
    hits = [i for i, l in enumerate(lines) if l.strip() == edit["line"].strip()]
    if len(hits) != 1:
        raise CorpusError(f"breaking edit: {edit['file']} has {len(hits)} lines equal to {edit['line']!r}, need exactly 1")
    i = hits[0]
    indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
    eol = "\r" if lines[i].endswith("\r") else ""
    lines[i] = indent + edit["replacement"].strip() + eol
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogateescape"))


def configure(r: Runner, repo: Path, build: Path, spec: dict, case: dict, work: Path, timeout: float) -> float:
    """Configures the project's build directory once (again when the case's options differ), writes the
    project's CTestCustom.cmake when the manifest has one, and builds the baseline state (untimed), so that
    the gate's own baseline only rebuilds what the case changed."""
    options = ["-DCMAKE_BUILD_TYPE=" + spec.get("build_type", "Release"), *spec.get("configure", []),
               *case.get("configure", [])]
    options = [o.replace("@WORK@", str(work)) for o in options]
    stamp = build / "corpus-configure.json"
    want = {"source": str(repo / spec.get("source_subdir", ".")), "options": options}
    t0 = time.perf_counter()
    if not (stamp.is_file() and json.loads(stamp.read_text()) == want and (build / "CMakeCache.txt").is_file()):
        build.mkdir(parents=True, exist_ok=True)
        r.run(["cmake", "-S", want["source"], "-B", str(build), "-G", "Ninja", *options], timeout=timeout)
        stamp.write_text(json.dumps(want))
    custom = spec.get("ctest_custom")
    if custom is not None:
        text = "\n".join(custom).replace("@BUILD@", str(build)).replace("@WORK@", str(work)).replace(
            "@CMAKE@", shutil.which("cmake") or "cmake") + "\n"
        (build / "CTestCustom.cmake").write_text(text)
    r.run(["cmake", "--build", str(build), "-j", str(spec.get("jobs", 2))], timeout=timeout * 12)
    return time.perf_counter() - t0


def read_report(report_dir: Path) -> dict | None:
    try:
        return json.loads((report_dir / "report.json").read_text())
    except (OSError, ValueError):
        return None


def run_attempt(r: Runner, gate: Path, repo: Path, build: Path, report_dir: Path, patch: Path, jobs: int,
                timeout: int) -> tuple[float, int, dict | None]:
    if report_dir.exists():
        shutil.rmtree(report_dir)
    cmd = [str(gate), "attempt", "-C", str(repo), "--build-dir", str(build), "--report-dir", str(report_dir),
           "--patch", str(patch), "--on-accept", "branch", "--timeout", str(timeout), "-j", str(jobs)]
    dt, p = r.timed(cmd, timeout=timeout * 6 + 600)
    return dt, p.returncode, read_report(report_dir)


def names(report: dict | None, transition: str) -> list[str]:
    return list(report.get("tests_status", {}).get(transition, [])) if report else []


def failing_after(report: dict | None) -> set[str]:
    out = set()
    for t in (report or {}).get("tests", []):
        after = t.get("after") or {}
        if after.get("status") not in (None, "passed"):
            out.add(t["name"])
    return out


def judge(case: dict, fix_rc: int, fix_report: dict | None, bad_rc: int, bad_report: dict | None) -> list[str]:
    """What is wrong with the two attempts; empty when both are as expected."""
    problems = []
    want_fix = case.get("fix_verdict", "accepted")
    got_fix = fix_report.get("verdict") if fix_report else f"no report ({GATE_EXIT.get(fix_rc, fix_rc)})"
    if got_fix != want_fix:
        problems.append(f"fix: verdict {got_fix} (exit {fix_rc}), expected {want_fix}: "
                        f"{(fix_report or {}).get('reason', '')}")
    f2p = set(names(fix_report, "FAIL_TO_PASS"))
    missing = [n for n in case["fail_to_pass"] if n not in f2p]
    if missing:
        problems.append(f"fix: FAIL_TO_PASS lacks {missing}; it has {sorted(f2p)[:10]}")

    want_bad = case.get("bad_verdict", "rejected")
    got_bad = bad_report.get("verdict") if bad_report else f"no report ({GATE_EXIT.get(bad_rc, bad_rc)})"
    if got_bad != want_bad:
        problems.append(f"bad: verdict {got_bad} (exit {bad_rc}), expected {want_bad}: "
                        f"{(bad_report or {}).get('reason', '')}")
    if bad_report and bad_report.get("build", {}).get("ran") and not bad_report["build"].get("ok"):
        problems.append("bad: the build failed, so no test was judged (the breaking edit must compile)")
    allowed = {case.get("broken_transition", "PASS_TO_FAIL")}
    broken = {n for tr in allowed for n in names(bad_report, tr)}
    missing = [n for n in case["broken_tests"] if n not in broken]
    if missing:
        problems.append(f"bad: {'/'.join(sorted(allowed))} lacks {missing}; it has {sorted(broken)[:10]}"
                        f" (failing after: {sorted(failing_after(bad_report))[:10]})")
    return problems


def bare_run(r: Runner, repo: Path, build: Path, patch: Path, jobs: int, timeout: int) -> tuple[float, int]:
    """cmake --build + ctest with the fix on the same build directory (built for the baseline first,
    untimed), then the fix reverted. Returns the seconds and ctest's exit code."""
    r.run(["cmake", "--build", str(build), "-j", str(jobs)], timeout=timeout * 4)
    git(r, repo, "apply", str(patch))
    try:
        t0 = time.perf_counter()
        r.run(["cmake", "--build", str(build), "-j", str(jobs)], timeout=timeout * 4)
        p = r.run(["ctest", "--test-dir", str(build), "-j", str(jobs), "--timeout", str(timeout)],
                  check=False, timeout=timeout * 6)
        dt = time.perf_counter() - t0
    finally:
        git(r, repo, "apply", "-R", str(patch))
        git(r, repo, "clean", "-q", "-fd")
    return dt, p.returncode


def run_case(r: Runner, args, manifest: dict, case: dict) -> dict:
    args = argparse.Namespace(**{**vars(args), "timeout": case.get("timeout", args.timeout)})
    project = case["project"]
    spec = manifest["projects"][project]
    work: Path = args.work
    case_dir = work / "cases" / case["id"]
    res: dict = {"id": case["id"], "project": project, "problems": []}
    repo = prepare_repo(r, args.clones, work, project, spec)
    res["commits"] = prepare_case(r, repo, case, case_dir)
    build = work / "build" / project
    res["configure_s"] = round(configure(r, repo, build, spec, case, work, args.timeout), 1)

    dt, p = r.timed([str(args.gate), "baseline", "-C", str(repo), "--build-dir", str(build),
                     "--timeout", str(args.timeout), "-j", str(args.jobs)], timeout=args.timeout * 6 + 600)
    res["baseline_s"], res["baseline_exit"] = round(dt, 2), p.returncode
    if p.returncode != 0:
        res["problems"].append(f"baseline: {describe_exit(p.returncode)}: {p.stderr.strip()[-600:]}")

    before = tree_fingerprint(r, repo)
    res["files"] = before["files"]
    exact = True
    attempts = {}
    for kind in ("fix", "bad"):
        dt, rc, report = run_attempt(r, args.gate, repo, build, case_dir / f"report-{kind}",
                                     case_dir / f"{kind}.diff", args.jobs, args.timeout)
        after = tree_fingerprint(r, repo)
        diff = fingerprint_diff(before, after)
        if notes := ignored_diff(before, after):
            res.setdefault("notes", []).append(f"{kind}: ignored files changed by the project's build or tests "
                                               f"(never saved nor removed by the gate): " + "; ".join(notes[:5]))
        if diff:
            exact = False
            res["problems"].append(f"{kind}: work tree not byte-exact after the attempt:\n    " + "\n    ".join(diff))
            git(r, repo, "reset", "-q", "--hard")
            git(r, repo, "clean", "-q", "-fd")
        attempts[kind] = (dt, rc, report)
        res[kind] = {"seconds": round(dt, 2), "exit": rc,
                     "verdict": report.get("verdict") if report else None,
                     "reason": report.get("reason") if report else None,
                     "tests_run": report.get("tests_run") if report else None,
                     "tests_status": {k: v[:50] for k, v in report.get("tests_status", {}).items()} if report else None,
                     "durations": report.get("durations") if report else None,
                     "tiers": [{"name": t.get("name"), "kind": t.get("kind"), "status": t.get("status")}
                               for t in report.get("tiers", [])] if report else None}
    res["tree_exact"] = exact
    res["problems"] += judge(case, attempts["fix"][1], attempts["fix"][2], attempts["bad"][1], attempts["bad"][2])
    res["names_ok"] = not any(p.startswith(("fix: FAIL_TO_PASS", "bad: PASS_TO_FAIL", "bad: FAIL_TO_FAIL"))
                              for p in res["problems"])

    if not args.no_bare:
        bare_s, ctest_rc = bare_run(r, repo, build, case_dir / "fix.diff", args.jobs, args.timeout)
        res["bare_s"], res["bare_ctest_exit"] = round(bare_s, 2), ctest_rc
        res["gate_s"] = round(attempts["fix"][0], 2)
        res["ratio"] = round(attempts["fix"][0] / bare_s, 2) if bare_s > 0 else None
    else:
        res["gate_s"] = round(attempts["fix"][0], 2)
    res["ok"] = not res["problems"]
    return res


# ---------------------------------------------------------------------------------------------------------
# Output


def table(results: list[dict]) -> str:
    rows = ["| case | project | fix verdict | bad verdict | tests named | tree exact | gate s | bare s | ratio |",
            "|---|---|---|---|---|---|---:|---:|---:|"]
    for x in results:
        if "error" in x:
            rows.append(f"| {x['id']} | {x['project']} | corpus error | | | | | | |")
            continue
        fv = (x.get("fix") or {}).get("verdict") or f"exit {(x.get('fix') or {}).get('exit')}"
        bv = (x.get("bad") or {}).get("verdict") or f"exit {(x.get('bad') or {}).get('exit')}"
        rows.append(f"| {x['id']} | {x['project']} | {fv} | {bv} | {'yes' if x.get('names_ok') else 'no'} | "
                    f"{'yes' if x.get('tree_exact') else 'NO'} | {x.get('gate_s', '')} | {x.get('bare_s', '')} | "
                    f"{x.get('ratio', '')} |")
    return "\n".join(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gate", type=Path, help="the autofix-gate binary")
    ap.add_argument("--clones", type=Path, help="directory with one clone per project (see README.md)")
    ap.add_argument("--work", type=Path, help="scratch directory: work repositories, builds, reports")
    ap.add_argument("--table", type=Path, nargs="+", metavar="RESULTS",
                    help="only print the table of these results files (the last result of each case wins)")
    ap.add_argument("--case", action="append", default=[], help="run only this case (repeatable)")
    ap.add_argument("--manifest", type=Path, default=MANIFEST)
    ap.add_argument("--timeout", type=int, default=300, help="autofix-gate --timeout and ctest --timeout (s)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--results", type=Path, help=f"results file (default WORK/{RESULTS_FILE})")
    ap.add_argument("--no-bare", action="store_true", help="skip the bare cmake --build + ctest timing")
    args = ap.parse_args()
    if args.table:
        latest: dict[str, dict] = {}
        for f in args.table:
            for x in json.loads(f.read_text())["cases"]:
                latest[x["id"]] = x
        order = [c["id"] for c in json.loads(args.manifest.read_text())["cases"]]
        print(table([latest[i] for i in order if i in latest]))
        return 0
    if not (args.gate and args.clones and args.work):
        ap.error("--gate, --clones and --work are required (unless --table)")
    args.gate = args.gate.resolve()
    args.clones = args.clones.resolve()
    args.work = args.work.resolve()
    args.results = (args.results or args.work / RESULTS_FILE).resolve()
    if not os.access(args.gate, os.X_OK):
        print(f"run_corpus: {args.gate} is not an executable", file=sys.stderr)
        return 2

    manifest = json.loads(args.manifest.read_text())
    cases = manifest["cases"]
    if args.case:
        unknown = set(args.case) - {c["id"] for c in cases}
        if unknown:
            print(f"run_corpus: unknown case(s) {sorted(unknown)}", file=sys.stderr)
            return 2
        cases = [c for c in cases if c["id"] in args.case]

    args.work.mkdir(parents=True, exist_ok=True)
    log = args.work / "corpus.log"
    r = Runner(isolated_env(args.work, DROPPED_ENV_PREFIXES, DROPPED_ENV), log)
    print(f"run_corpus: {len(cases)} case(s); commands are logged to {log}", file=sys.stderr)

    t_start = time.perf_counter()
    results = []
    for case in cases:
        t0 = time.perf_counter()
        print(f"run_corpus: [{case['id']}] ...", file=sys.stderr, flush=True)
        try:
            res = run_case(r, args, manifest, case)
        except CorpusError as e:
            res = {"id": case["id"], "project": case["project"], "error": str(e), "ok": False, "problems": [str(e)]}
        res["case_s"] = round(time.perf_counter() - t0, 1)
        results.append(res)
        status = "ok" if res["ok"] else "WRONG"
        print(f"run_corpus: [{case['id']}] {status} ({res['case_s']} s)", file=sys.stderr, flush=True)
        for p in res["problems"]:
            print(f"    {p}", file=sys.stderr)
        args.results.write_text(json.dumps(results_doc(results, args, t_start), indent=2) + "\n")

    print(table(results))
    doc = results_doc(results, args, t_start)
    args.results.write_text(json.dumps(doc, indent=2) + "\n")
    wrong = [x["id"] for x in results if not x["ok"]]
    print(f"\n{len(results) - len(wrong)}/{len(results)} cases as expected; total {doc['total_s']} s; "
          f"results: {args.results}", file=sys.stderr)
    return 1 if wrong else 0


def results_doc(results: list[dict], args, t_start: float) -> dict:
    return {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "gate": str(args.gate), "jobs": args.jobs, "timeout": args.timeout,
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
            "total_s": round(time.perf_counter() - t_start, 1), "cases": results}


if __name__ == "__main__":
    sys.exit(main())
