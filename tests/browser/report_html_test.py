#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""report.html of a real rejected attempt, opened in headless Chromium (Debian's `chromium`).

The page comes from the end-to-end test Tiers.BrokenOtherModuleIsTracedAsCascading (a fix of the example
project that breaks another module: two cascading regressions), run with AUTOFIX_GATE_KEEP_REPORTS so
that it copies the attempt's report set out. The page is opened from file:// and must:
  - hold, in the DOM Chromium built (--dump-dom), the verdict headline, the reason, every regressed
    test name (report.json's PASS_TO_FAIL tests and cascading tests) as a test name, and each regression's
    source excerpt (report.json's `excerpt`): its marked line as a marked source cell, the file's
    `#include <gtest/gtest.h>` as text (escaped in the page, a text node in the DOM, no element);
  - reference nothing outside itself: no script, no src attribute, no link or url() to http(s);
  - print no console message (it has no script: an error or a Content-Security-Policy violation would
    be one), read from --enable-logging=stderr;
  - start no network request: in --log-net-log, no request initiated by a document (the browser's own
    background requests carry the initiator "not an origin"); every host name resolves to nothing anyway;
  - not scroll sideways at 390 px (a copy of the page with a script that writes its scroll width into the
    title);
  - give screenshots at 1280x800 and 390x844 of that size, not blank (many colours), with the verdict's
    colour at the top (so the inline style sheet applied).
Both detectors are first shown to catch a probe page that throws, logs and loads an http image: a check
that cannot fail would prove nothing.

Usage: report_html_test.py --e2e-binary PATH [--chromium PATH] [--keep DIR]
  --keep DIR: also copy the screenshots and the report set there (a CI artifact, docs/images/report.png).
Exit codes: 0 passed, 1 failed, 77 skipped (no chromium; scripts/install-deps.sh installs it).
"""
import argparse
import html.parser
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import urllib.parse
import zlib
from pathlib import Path

SKIP = 77
E2E_TEST = "Tiers.BrokenOtherModuleIsTracedAsCascading"
REJECTED_RGB = (0xB3, 0x26, 0x1E)  # header.rejected in reporters/html_report.cpp
CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\] (.*)")

failures: list[str] = []


def check(ok: bool, what: str) -> bool:
    print(("ok      " if ok else "FAILED  ") + what)
    if not ok:
        failures.append(what)
    return ok


class Chromium:
    def __init__(self, binary: str, work: Path):
        self.binary, self.work, self.runs = binary, work, 0

    def run(self, url: str, *extra: str) -> tuple[subprocess.CompletedProcess, Path]:
        """One headless run in a fresh profile; returns the process and its net log."""
        self.runs += 1
        profile = self.work / f"profile {self.runs}"
        netlog = self.work / f"net log {self.runs}.json"
        cmd = [self.binary, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
               "--no-first-run", "--disable-extensions", "--disable-background-networking",
               "--disable-component-update", "--host-resolver-rules=MAP * ~NOTFOUND",
               "--enable-logging=stderr", "--v=0", f"--log-net-log={netlog}", *extra, url]
        proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=120)
        if proc.returncode != 0:
            raise RuntimeError(f"chromium exited {proc.returncode}: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
        return proc, netlog


def console_messages(stderr: str) -> list[str]:
    return [m.group(1) for m in CONSOLE.finditer(stderr)]


def page_requests(netlog: Path) -> list[str]:
    """URLs of requests a document started that leave the machine (not file: or data:)."""
    log = json.loads(netlog.read_text(errors="replace"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params", {})
        # Only a job's start carries its URL and initiator (its end is logged too, without them).
        if event["type"] != start_job or "url" not in params or params.get("initiator") == "not an origin":
            continue
        url = params["url"]
        if urllib.parse.urlsplit(url).scheme not in ("file", "data"):
            urls.append(url)
    return urls


class Dom(html.parser.HTMLParser):
    """What a check needs of a page: its text, the test names shown, the tags, the external references."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.texts: list[str] = []
        self.test_names: list[str] = []
        self.headline = ""
        self.title = ""
        self.references: list[str] = []
        self.marked_source: list[str] = []  # the text of each excerpt's marked line
        self._open: list[tuple[str, str]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        attrs = dict(attrs)
        for name in ("src", "srcset", "href", "action", "data", "poster"):
            if name in attrs and not (name == "href" and (attrs[name] or "").startswith("#")):
                self.references.append(f"{tag}@{name}={attrs[name]}")
        if re.search(r"url\(|@import", attrs.get("style") or ""):
            self.references.append(f"{tag}@style={attrs['style']}")
        if tag not in ("meta", "br", "hr", "img", "input", "link", "wbr"):
            self._open.append((tag, attrs.get("class") or ""))

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        self.texts.append(data)
        if not self._open:
            return
        tag, cls = self._open[-1]
        if tag == "code" and cls == "test-name":
            self.test_names.append(data)
        elif tag == "h1":
            self.headline += data
        elif tag == "td" and cls == "src" and len(self._open) >= 2 and self._open[-2] == ("tr", "hit"):
            self.marked_source.append(data)
        elif tag == "title" and len(self._open) >= 2 and self._open[-2][0] == "head":  # not an SVG <title>
            self.title += data
        elif tag == "style" and re.search(r"url\(|@import", data):
            self.references.append("style sheet: " + data)

    def text(self) -> str:
        return " ".join(" ".join(self.texts).split())


def png_pixels(path: Path) -> tuple[int, int, int, list[bytes]]:
    """Width, height, bytes per pixel (3: RGB, 4: RGBA) and the unfiltered rows of an 8-bit truecolour PNG."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"{path}: unexpected PNG format (depth {depth}, colour type {colour}, interlace {interlace})")
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def check_screenshot(path: Path, size: tuple[int, int]) -> None:
    width, height, bpp, rows = png_pixels(path)
    check((width, height) == size, f"screenshot {size[0]}x{size[1]}: size is {width}x{height}")
    colours = {row[i:i + 3] for row in rows for i in range(0, len(row), bpp)}
    check(len(colours) >= 32, f"screenshot {size[0]}x{size[1]}: not blank ({len(colours)} distinct colours, want >= 32)")
    top = tuple(rows[4][4 * bpp:4 * bpp + 3])
    check(top == REJECTED_RGB, f"screenshot {size[0]}x{size[1]}: the verdict's colour at the top (pixel 4,4 is {top})")


def probe_detectors(chromium: Chromium, work: Path) -> None:
    probe = work / "probe page.html"
    probe.write_text('<!DOCTYPE html><title>probe</title><p>probe</p><img src="http://probe.invalid/x.png">'
                     '<script>console.error("probe-console");throw new Error("probe-error")</script>')
    proc, netlog = chromium.run(probe.as_uri(), "--dump-dom")
    messages = console_messages(proc.stderr)
    check(any("probe-console" in m for m in messages) and any("Uncaught Error: probe-error" in m for m in messages),
          f"probe: the console detector sees a logged error and an uncaught exception ({messages})")
    check(any("probe.invalid" in u for u in page_requests(netlog)),
          f"probe: the network detector sees the page's http request ({page_requests(netlog)})")
    check(Dom(proc.stdout).references != [], "probe: the DOM check sees the image's src")


def reject_attempt_reports(e2e_binary: str, keep: Path) -> None:
    env = dict(os.environ, AUTOFIX_GATE_KEEP_REPORTS=str(keep))
    proc = subprocess.run([e2e_binary, f"--gtest_filter={E2E_TEST}"], env=env, capture_output=True, text=True,
                          errors="replace", timeout=900)
    if proc.returncode != 0 or not (keep / "report.html").is_file():
        raise RuntimeError(f"{E2E_TEST} failed or kept no report.html (exit {proc.returncode}):\n"
                           f"{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--e2e-binary", required=True)
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    if not args.chromium:
        print("SKIPPED: no chromium on PATH (scripts/install-deps.sh installs Debian's chromium)")
        return SKIP

    with tempfile.TemporaryDirectory(prefix="report html ") as tmp:
        work = Path(tmp)
        chromium = Chromium(args.chromium, work)
        probe_detectors(chromium, work)

        reports = work / "rejected attempt"
        reject_attempt_reports(args.e2e_binary, reports)
        page = reports / "report.html"
        report = json.loads((reports / "report.json").read_text())
        regressed = sorted(set(report["tests_status"]["PASS_TO_FAIL"]) | {c["test"] for c in report["cascading"]})
        check(report["verdict"] == "rejected" and len(regressed) == 2,
              f"the attempt was rejected for 2 regressions ({report['verdict']}, {regressed})")

        proc, netlog = chromium.run(page.as_uri(), "--dump-dom")
        dom = Dom(proc.stdout)
        check(dom.headline == "AutofixGate: Rejected", f"DOM: the headline is the verdict ({dom.headline!r})")
        check(" ".join(report["reason"].split()) in dom.text(), "DOM: the reason is on the page")
        for name in regressed:
            check(name in dom.test_names, f"DOM: regressed test {name} is shown as a test name")
        excerpts = [t["excerpt"] for t in report["tests"] if t["name"] in regressed and t.get("excerpt")]
        marked = [e["lines"][e["line"] - e["first_line"]] for e in excerpts]
        check(len(excerpts) == 2 and dom.marked_source == marked,
              f"DOM: each regression's excerpt with its line marked ({dom.marked_source} == {marked})")
        check("#include <gtest/gtest.h>" in dom.texts and "gtest" not in " ".join(sorted(dom.tags)),
              "DOM: an excerpt's '#include <gtest/gtest.h>' is text, not an element")
        check("svg" in dom.tags and "rect" in dom.tags, "DOM: the timeline is an inline SVG with bars")
        check(not ({"script", "link", "img", "iframe", "object", "embed"} & dom.tags),
              f"DOM: no script, link, img, iframe, object or embed ({sorted(dom.tags)})")
        check(dom.references == [], f"DOM: no reference outside the page ({dom.references})")
        check(console_messages(proc.stderr) == [], f"console: no message ({console_messages(proc.stderr)})")
        check(page_requests(netlog) == [], f"network: no request from the page ({page_requests(netlog)})")

        # Phone width: how wide the page's content is when the page is 390 px wide, measured by a script in
        # a copy (the page itself forbids scripts). A window is never narrower than 500 px (the phone style
        # applies from 600 px down), so the copy makes its root 390 px wide; the content's width is the
        # body's scroll width (text that does not wrap included) or the furthest right edge of any element.
        measured = work / "measured page.html"
        text = page.read_text()
        text, csp = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
        measure = ('<style>html{width:390px}</style><script>'
                   'const edge = Math.max(...Array.from(document.querySelectorAll("body *"), '
                   'e => e.getBoundingClientRect().right));'
                   'document.title = "width " + Math.ceil(Math.max(document.body.scrollWidth, edge)) + " of " + '
                   'document.body.clientWidth;</script></body>')
        measured.write_text(text.replace("</body>", measure))
        proc, _ = chromium.run(measured.as_uri(), "--window-size=390,844", "--dump-dom")
        title = Dom(proc.stdout).title
        m = re.fullmatch(r"width (\d+) of (\d+)", title)
        check(csp == 1 and m is not None and m.group(2) == "390" and int(m.group(1)) <= 390,
              f"390 px: nothing sticks out sideways ({title!r})")

        for size in ((1280, 800), (390, 844)):
            shot = work / f"screenshot {size[0]}x{size[1]}.png"
            chromium.run(page.as_uri(), f"--window-size={size[0]},{size[1]}", f"--screenshot={shot}",
                         "--hide-scrollbars")
            check_screenshot(shot, size)
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(shot, args.keep / shot.name)
        if args.keep:
            shutil.copytree(reports, args.keep / "reports", dirs_exist_ok=True)

    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
