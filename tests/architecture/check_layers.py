#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the dependency rule of docs/architecture.md on the includes of AutofixGate's own code.

    util <- results <- {git <- snapshot, runners, reporters} <- {policy, state} <- judge <- run <- cli

A file may include headers of its own folder and of the folders its folder may use (listed below, the
rule spelled out); <git2.h> only under gate/git/ and gate/snapshot/, and only code there calls a libgit2
function (git_*(), outside comments; a member such as repo.git_dir() is ours); no two files (a header and its
.cpp count as one) may include each other, directly or through others. Every source file must be in a
known folder, so a new folder is placed in the rule before it is used.

Usage: check_layers.py [ROOT] [--stats]   (exit 0: the rule holds; 1: it does not, each breach named)
--stats prints the include graph's numbers (files, folders, folder-level cycles, files including git2.h,
libgit2 calls outside gate/git and gate/snapshot) for the architecture notes.
"""
import re
import sys
from pathlib import Path

# Each folder and the folders it may include, besides itself.
ALLOWED = {
    "gate/util": set(),
    "gate/results": {"gate/util"},
    "gate/git": {"gate/results", "gate/util"},
    "gate/snapshot": {"gate/git", "gate/results", "gate/util"},
    "runners": {"gate/results", "gate/util"},
    "reporters": {"gate/results", "gate/util"},
}
_BELOW_POLICY = {"gate/snapshot", "gate/git", "runners", "reporters", "gate/results", "gate/util"}
ALLOWED["gate/policy"] = set(_BELOW_POLICY)
ALLOWED["gate/state"] = set(_BELOW_POLICY)
ALLOWED["gate/judge"] = _BELOW_POLICY | {"gate/policy", "gate/state"}
ALLOWED["gate/run"] = ALLOWED["gate/judge"] | {"gate/judge"}
ALLOWED["gate/cli"] = ALLOWED["gate/run"] | {"gate/run"}

GIT2_FOLDERS = {"gate/git", "gate/snapshot"}
SOURCE_ROOTS = ("gate", "runners", "reporters")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
# A call of a libgit2 function: git_x( not preceded by a name character, '.' or '->' (our own members).
LIBGIT2_CALL = re.compile(r"(?<![\w.>])git_[a-z0-9_]+\s*\(")
LINE_COMMENT = re.compile(r"//[^\n]*")


def libgit2_calls(text: str) -> list[str]:
    return [m.group(0).rstrip("( \t") for m in LIBGIT2_CALL.finditer(LINE_COMMENT.sub("", text))]


def folder_of(rel: str) -> str | None:
    parts = rel.split("/")
    if parts[0] in ("runners", "reporters"):
        return parts[0] if len(parts) == 2 else None
    if parts[0] == "gate" and len(parts) == 3:
        return "gate/" + parts[1]
    return None


def sources(root: Path) -> list[str]:
    out = []
    for top in SOURCE_ROOTS:
        for p in sorted((root / top).rglob("*")):
            if p.suffix in (".h", ".cpp") and p.is_file():
                out.append(p.relative_to(root).as_posix())
    return out


def includes(root: Path, rel: str) -> list[tuple[str, str]]:
    """(kind, path) of each include: kind '"' for the project's own headers, '<' for system ones."""
    text = (root / rel).read_text(encoding="utf-8", errors="replace")
    return [(m.group(1), m.group(2)) for m in INCLUDE.finditer(text)]


def unit_of(rel: str) -> str:
    return rel.rsplit(".", 1)[0]  # gate/git/patch.h and gate/git/patch.cpp are one unit


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    WHITE, GREY, BLACK = 0, 1, 2
    color = {n: WHITE for n in graph}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        color[n] = GREY
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if color.get(m, BLACK) == GREY:
                return stack[stack.index(m):] + [m]
            if color.get(m) == WHITE:
                if (found := visit(m)):
                    return found
        stack.pop()
        color[n] = BLACK
        return None

    for n in sorted(graph):
        if color[n] == WHITE and (found := visit(n)):
            return found
    return None


def check(root: Path) -> list[str]:
    problems = []
    files = sources(root)
    known = set(files)
    units: dict[str, set[str]] = {}
    for rel in files:
        folder = folder_of(rel)
        if folder is None or folder not in ALLOWED:
            problems.append(f"{rel}: not in a folder of the rule (docs/architecture.md); add the folder to the rule first")
            continue
        unit = unit_of(rel)
        units.setdefault(unit, set())
        if folder not in GIT2_FOLDERS:
            calls = libgit2_calls((root / rel).read_text(encoding="utf-8", errors="replace"))
            if calls:
                problems.append(f"{rel}: calls libgit2 ({', '.join(sorted(set(calls)))}); only gate/git/ and "
                                "gate/snapshot/ do (add a function to gate/git/)")
        for kind, target in includes(root, rel):
            if kind == "<":
                if target == "git2.h" or target.startswith("git2/"):
                    if folder not in GIT2_FOLDERS:
                        problems.append(f"{rel}: includes <{target}>; only gate/git/ and gate/snapshot/ call libgit2 "
                                        "(add what you need to gate/git/)")
                continue
            if target not in known:
                if folder_of(target) is not None:
                    problems.append(f'{rel}: includes "{target}", which does not exist')
                continue
            to = folder_of(target)
            if to != folder and to not in ALLOWED[folder]:
                problems.append(f'{rel}: includes "{target}": {folder} may not use {to} '
                                f"(it may use: {', '.join(sorted(ALLOWED[folder])) or 'nothing'})")
            if unit_of(target) != unit:
                units[unit].add(unit_of(target))
    if (cycle := find_cycle(units)):
        problems.append("include cycle between files: " + " -> ".join(cycle))
    return problems


def stats(root: Path) -> str:
    files = sources(root)
    folders: dict[str, set[str]] = {}
    git2, calls = [], 0
    units: dict[str, set[str]] = {}
    for rel in files:
        units.setdefault(unit_of(rel), set())
        folder = rel.rsplit("/", 1)[0]
        folders.setdefault(folder, set())
        text = (root / rel).read_text(encoding="utf-8", errors="replace")
        for kind, target in includes(root, rel):
            if kind == "<" and (target == "git2.h" or target.startswith("git2/")):
                git2.append(rel)
            elif kind == '"' and (root / target).is_file():
                if unit_of(target) != unit_of(rel):
                    units[unit_of(rel)].add(unit_of(target))
                to = target.rsplit("/", 1)[0]
                if to != folder:
                    folders[folder].add(to)
        if folder not in GIT2_FOLDERS:
            calls += len(libgit2_calls(text))
    cycles = 0
    seen = set()
    for a in folders:
        for b in folders[a]:
            if a in folders.get(b, ()) and (b, a) not in seen:
                seen.add((a, b))
                cycles += 1
    deeper = find_cycle({k: set(v) for k, v in folders.items()}) if not cycles else None
    file_cycle = find_cycle(units)
    return (f"files {len(files)}, folders {len(folders)}, folder pairs that include each other {cycles}"
            f", file-level cycle: {' -> '.join(file_cycle) if file_cycle else 'none'}"
            f"{' (longer folder cycle: ' + ' -> '.join(deeper) + ')' if deeper else ''}, "
            f"files including git2.h {len(set(git2))} ({', '.join(sorted(set(git2)))}), "
            f"libgit2 calls outside gate/git and gate/snapshot {calls}")


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    root = Path(args[0]) if args else Path(__file__).resolve().parents[2]
    if "--stats" in sys.argv:
        print(stats(root))
        return 0
    problems = check(root)
    for p in problems:
        print(f"check_layers: {p}", file=sys.stderr)
    if problems:
        print(f"check_layers: {len(problems)} breach(es) of the dependency rule (docs/architecture.md)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
