#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The history's dashboard (`autofix-gate history html`) of a small real history, in headless Chromium.

A throwaway repository in a path with spaces (a CMake project without a compiler whose one test reads a
file, as tests/e2e/history_test.cpp makes) gets a few real attempts: one accepted, three rejected for the
same target (the circuit breaker opens), one the breaker refuses (exit 6), one whose patch does not
apply. The dashboard of that history is written and opened from file://; it must:
  - show, as the chart's bars (each <rect> with data-day, data-verdict and data-count), exactly the counts
    per day and verdict of the records `history export --format jsonl` writes, and the same totals in the
    legend;
  - show the target's breaker as open;
  - print no console message and start no network request (the detectors of report_html_test.py, which
    are first shown to catch a probe page);
  - hold no script, img, link, iframe, object or embed, and reference nothing outside itself;
  - not scroll sideways at 390 px.
Usage: history_html_test.py --gate PATH [--chromium PATH] [--keep DIR]
Exit codes: 0 passed, 1 failed, 77 skipped (no chromium).
"""
import argparse
import collections
import json
import re
import shutil
import subprocess
import sys
import tempfile
import html.parser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import report_html_test as page_checks  # noqa: E402  (the detectors and the DOM reader)

CMAKE = ('cmake_minimum_required(VERSION 3.20)\nproject(history LANGUAGES NONE)\nenable_testing()\n'
         'add_test(NAME value_is_ok COMMAND grep -qx ok "${CMAKE_CURRENT_SOURCE_DIR}/value.conf")\n')
BREAK = "diff --git a/value.conf b/value.conf\n--- a/value.conf\n+++ b/value.conf\n@@ -1 +1 @@\n-ok\n+bad\n"
STALE = "diff --git a/value.conf b/value.conf\n--- a/value.conf\n+++ b/value.conf\n@@ -1 +1 @@\n-nothing\n+x\n"
NOTE = ("diff --git a/notes.txt b/notes.txt\nnew file mode 100644\n--- /dev/null\n+++ b/notes.txt\n@@ -0,0 +1 @@\n"
        "+a note\n")


class Bars(html.parser.HTMLParser):
    """The chart's bars and the legend's totals, from the DOM Chromium built."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.bars: collections.Counter = collections.Counter()
        self.legend: dict[str, int] = {}
        self.breaker_states: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "rect" and "data-verdict" in a:
            self.bars[(a["data-day"], a["data-verdict"])] += int(a["data-count"])
        elif tag == "li" and "data-verdict" in a:
            self.legend[a["data-verdict"]] = int(a["data-count"])
        elif tag == "tr" and "data-state" in a:
            self.breaker_states.append(a["data-state"])


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def gate(binary: str, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([binary, *args], cwd=cwd, capture_output=True, text=True, errors="replace", timeout=120)


def make_history(binary: str, work: Path) -> Path:
    repo = work / "project repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Dash Board")
    git(repo, "config", "user.email", "dash@example.invalid")
    (repo / "CMakeLists.txt").write_text(CMAKE)
    (repo / "value.conf").write_text("ok\n")
    (repo / ".gitignore").write_text("build/\n")
    (repo / "autofix-gate.json").write_text('{"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}]}')
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a project whose tests read files")
    for name, text in (("break.diff", BREAK), ("stale.diff", STALE), ("note.diff", NOTE)):
        (work / name).write_text(text)
    steps = [(("--patch", str(work / "note.diff")), 0)]
    steps += [(("--target", "ISSUE-14", "--flaky-reruns", "0", "--patch", str(work / "break.diff")), 1)] * 3
    steps += [(("--target", "ISSUE-14", "--patch", str(work / "break.diff")), 6),
              (("--patch", str(work / "stale.diff")), 1)]
    for args, want in steps:
        proc = gate(binary, repo, "attempt", *args)
        if proc.returncode != want:
            raise RuntimeError(f"attempt {args} exited {proc.returncode}, not {want}:\n{proc.stdout}\n{proc.stderr}")
    return repo


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gate", required=True)
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    if not args.chromium:
        print("SKIPPED: no chromium on PATH (scripts/install-deps.sh installs Debian's chromium)")
        return page_checks.SKIP
    check = page_checks.check

    with tempfile.TemporaryDirectory(prefix="history html ") as tmp:
        work = Path(tmp)
        chromium = page_checks.Chromium(args.chromium, work)
        page_checks.probe_detectors(chromium, work)

        repo = make_history(args.gate, work)
        export = work / "all records.jsonl"
        proc = gate(args.gate, repo, "history", "export", "--format", "jsonl", "--out", str(export))
        check(proc.returncode == 0, f"history export exits 0 ({proc.returncode}: {proc.stderr.strip()})")
        records = [json.loads(line) for line in export.read_text().splitlines()]
        want = collections.Counter((f"{r['id'][0:4]}-{r['id'][4:6]}-{r['id'][6:8]}", r["verdict"]) for r in records)
        check(len(records) == 6 and sum(1 for r in records if r["verdict"] == "accepted") == 1,
              f"the history holds the 6 attempts, one accepted ({[r['verdict'] for r in records]})")

        page = work / "dash board.html"
        proc = gate(args.gate, repo, "history", "html", "--out", str(page))
        check(proc.returncode == 0 and proc.stdout == f"wrote the dashboard of 6 history record(s) to {page}\n",
              f"history html writes the page ({proc.returncode}: {proc.stdout.strip()} {proc.stderr.strip()})")

        proc, netlog = chromium.run(page.as_uri(), "--dump-dom")
        bars = Bars(proc.stdout)
        check(bars.bars == want, f"DOM: the bars' counts per day and verdict are the records' ({dict(bars.bars)} == {dict(want)})")
        totals = collections.Counter(r["verdict"] for r in records)
        check(bars.legend == dict(totals), f"DOM: the legend's totals are the records' ({bars.legend} == {dict(totals)})")
        check(bars.breaker_states == ["open", "closed"],
              f"DOM: the target's breaker is open, the other key's closed ({bars.breaker_states})")
        dom = page_checks.Dom(proc.stdout)
        check("svg" in dom.tags and "rect" in dom.tags, "DOM: the charts are inline SVG with bars")
        check(not ({"script", "link", "img", "iframe", "object", "embed"} & dom.tags),
              f"DOM: no script, link, img, iframe, object or embed ({sorted(dom.tags)})")
        check(dom.references == [], f"DOM: no reference outside the page ({dom.references})")
        messages = page_checks.console_messages(proc.stderr)
        check(messages == [], f"console: no message ({messages})")
        requests = page_checks.page_requests(netlog)
        check(requests == [], f"network: no request from the page ({requests})")

        # Phone width, measured as report_html_test.py does: a copy without the policy, with a script.
        measured = work / "measured page.html"
        text, csp = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page.read_text())
        measure = ('<style>html{width:390px}</style><script>'
                   'const edge = Math.max(...Array.from(document.querySelectorAll("body *"), '
                   'e => e.getBoundingClientRect().right));'
                   'document.title = "width " + Math.ceil(Math.max(document.body.scrollWidth, edge)) + " of " + '
                   'document.body.clientWidth;</script></body>')
        measured.write_text(text.replace("</body>", measure))
        proc, _ = chromium.run(measured.as_uri(), "--window-size=390,844", "--dump-dom")
        title = page_checks.Dom(proc.stdout).title
        m = re.fullmatch(r"width (\d+) of (\d+)", title)
        check(csp == 1 and m is not None and m.group(2) == "390" and int(m.group(1)) <= 390,
              f"390 px: nothing sticks out sideways ({title!r})")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(page, args.keep / page.name)

    if page_checks.failures:
        print(f"{len(page_checks.failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
