#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""On-demand benchmark: `autofix-gate history --limit 20 --json` on a history of RECORDS records (issue 14:
under 200 ms on 10,000 records).

The history is written as the gate writes it (docs/history.md#storage): refs/autofix/history, a chain of
one commit per record, each adding records/YYYY-MM/DD/<id>.json (one record an hour, so 10,000 span
about 14 months) and, for one record in three, its breaker index entry. It is written with
`git fast-import` (one pack) instead of 10,000 gate runs; the records are the JSON the gate writes
(reporters/history_json.cpp, format 1), so the gate reads and checks every one it lists. Then the
listing is timed RUNS times (median and max), with a filter that reads more records (--verdict accepted,
one record in three) and a --since window. Not part of the test suite; only a failing command or a
listing that is not what was written makes it exit non-zero.

    python3 bench/history_log_bench.py --gate build/autofix-gate --records 10000 --runs 7 --workdir /tmp/history-log-bench

Standard library only.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_common import isolated_env

TARGET_MS = 200.0


def record(n: int, start: datetime.datetime) -> dict:
    t = start + datetime.timedelta(hours=n)
    rid = t.strftime("%Y%m%dT%H%M%SZ") + "-%08x" % (0x9e3779b1 * (n + 1) & 0xffffffff)
    accepted = n % 3 == 0
    return {
        "format": 1, "id": rid, "started": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ended": (t + datetime.timedelta(seconds=42)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": "attempt", "args": ["--patch", "fix-%d.diff" % n],
        "who": {"name": "Bench Bot", "email": "bot@example.invalid", "host": "runner-%d" % (n % 7),
                "ci_run_url": "https://github.com/o/r/actions/runs/%d" % (1000 + n)},
        "fix": {"patch_sha256": hashlib.sha256(b"%d" % n).hexdigest(), "patch_file": "fix-%d.diff" % n, "fixer": []},
        "base": hashlib.sha1(b"b%d" % n).hexdigest(), "head": "", "lane": "standard", "risk": "normal",
        "verdict": "accepted" if accepted else "rejected",
        "reason": "all tests passed" if accepted else "1 test(s) broken by the fix: calc.add passed without the fix",
        "failure": {"type": "" if accepted else "test_regression", "signature": "" if accepted else "calc.add <N>"},
        "tests": {"run": 120, "passed": 120 if accepted else 119, "fixed": ["calc.mul"] if accepted else [],
                  "broken": [] if accepted else ["calc.add"]},
        "phase_ms": {"baseline": 1200, "apply": 3, "build": 8000, "tests": 15000, "rollback": 40},
        "snapshot": rid, "branch": "autofix/" + rid if accepted else "", "commit": "", "gate_version": "0.1.0",
        "breaker_key": "" if n % 3 else "github.com/o/r\nmain\nissue %d" % (n % 11),
    }


def git_blob_hash(text: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(text) + text).hexdigest()


def write_history(repo: Path, records: list[dict], env: dict[str, str]) -> None:
    out = []
    parent = None
    for i, r in enumerate(records):
        text = (json.dumps(r, indent=2, ensure_ascii=False) + "\n").encode()
        rid = r["id"]
        path = "records/%s-%s/%s/%s.json" % (rid[0:4], rid[4:6], rid[6:8], rid)
        msg = ("autofix-gate history: %s attempt %s\n" % (rid, r["verdict"])).encode()
        out.append(b"blob\nmark :%d\ndata %d\n" % (2 * i + 1, len(text)) + text + b"\n")
        out.append(b"commit refs/autofix/history\nmark :%d\n" % (2 * i + 2))
        out.append(b"committer Bench Bot <bot@example.invalid> 1700000000 +0000\n")
        out.append(b"data %d\n" % len(msg) + msg)
        if parent:
            out.append(b"from :%d\n" % parent)
        out.append(b"M 100644 :%d %s\n" % (2 * i + 1, path.encode()))
        if r["breaker_key"]:
            key_hash = git_blob_hash(r["breaker_key"].encode())
            out.append(b"M 100644 :%d breaker/%s/%s.json\n" % (2 * i + 1, key_hash.encode(), rid.encode()))
        out.append(b"\n")
        parent = 2 * i + 2
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=b"".join(out), env=env, check=True)


def timed(gate: str, repo: Path, args: list[str], env: dict[str, str], runs: int) -> tuple[list[float], str]:
    times = []
    out = ""
    for _ in range(runs):
        start = time.perf_counter()
        p = subprocess.run([gate, *args], cwd=repo, env=env, capture_output=True, text=True)
        times.append((time.perf_counter() - start) * 1000)
        if p.returncode != 0:
            sys.exit("autofix-gate %s failed (exit %d): %s" % (" ".join(args), p.returncode, p.stderr))
        if p.stderr:
            sys.exit("autofix-gate %s warned: %s" % (" ".join(args), p.stderr))
        out = p.stdout
    return times, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gate", required=True)
    ap.add_argument("--records", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--workdir", type=Path, required=True)
    a = ap.parse_args()
    gate = str(Path(a.gate).resolve())
    shutil.rmtree(a.workdir, ignore_errors=True)
    repo = a.workdir / "history repo"
    repo.mkdir(parents=True)
    env = isolated_env(a.workdir)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, env=env, check=True)
    (repo / "README.md").write_text("bench\n")
    subprocess.run(["git", "add", "README.md"], cwd=repo, env=env, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "bench"], cwd=repo, env=env, check=True)

    start = datetime.datetime(2025, 10, 1, tzinfo=datetime.timezone.utc)
    records = [record(n, start) for n in range(a.records)]
    t0 = time.perf_counter()
    write_history(repo, records, env)
    print("wrote %d records in %.1f s (git fast-import)" % (len(records), time.perf_counter() - t0))

    newest = [r["id"] for r in reversed(records)]
    cases = [
        ("history --limit 20 --json", ["history", "--limit", "20", "--json"], newest[:20]),
        ("history --limit 20 --verdict accepted --json", ["history", "--limit", "20", "--verdict", "accepted", "--json"],
         [r["id"] for r in reversed(records) if r["verdict"] == "accepted"][:20]),
        ("history --since <48 h before the newest> --json",
         ["history", "--limit", "1000", "--json", "--since",
          (start + datetime.timedelta(hours=a.records - 48)).strftime("%Y-%m-%dT%H:%M:%SZ")], newest[:48]),
    ]
    failed = False
    for name, args, expected in cases:
        times, out = timed(gate, repo, args, env, a.runs)
        got = [r["id"] for r in json.loads(out)]
        if got != expected:
            print("WRONG: %s listed %d records, not the %d expected" % (name, len(got), len(expected)))
            failed = True
        print("%-52s median %6.1f ms  max %6.1f ms  (%d runs)%s" % (
            name, statistics.median(times), max(times), a.runs,
            "" if statistics.median(times) <= TARGET_MS else "  over the %d ms target" % TARGET_MS))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
