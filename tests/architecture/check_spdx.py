#!/usr/bin/env python3
"""Every source file we own names its license: an `SPDX-License-Identifier: MIT` line in its first lines.

Usage: check_spdx.py REPO_ROOT [--fix]
Lists the files (tracked by git, or present when git is not there) that lack it and exits 1; --fix adds it
(after a `#!` or `#compdef` first line) and exits 0. Fixtures that stand for users' projects and test data
(tests/data, tests/e2e/attempt_data, tests/consumer/projects, examples) are not ours to label.
"""
import pathlib
import subprocess
import sys

TAG = "SPDX-License-Identifier: MIT"
OWNED_DIRS = ("gate/", "runners/", "reporters/", "tests/", "cmake/", "scripts/", "bench/", "completions/",
              "packaging/", ".ci/")
NOT_OURS = ("tests/data/", "tests/e2e/attempt_data/", "tests/consumer/projects/")
SLASH_COMMENT = (".cpp", ".h", ".hpp")
HASH_COMMENT = (".py", ".sh", ".cmake", ".in", ".bash", ".txt")
LOOK_AT_LINES = 3


def comment_for(path: str):
    name = path.rsplit("/", 1)[-1]
    if path.endswith(SLASH_COMMENT):
        return "// "
    if path.endswith(HASH_COMMENT) or name in ("CMakeLists.txt", "run") or name.startswith("_"):
        return "# "
    return None


def owned(path: str) -> bool:
    if path.startswith(NOT_OURS):
        return False
    if path == "CMakeLists.txt" or (path.startswith(OWNED_DIRS) and path.endswith("/CMakeLists.txt")):
        return True
    if not path.startswith(OWNED_DIRS) or path.endswith(".txt"):
        return False
    return comment_for(path) is not None


def files(root: pathlib.Path):
    try:
        out = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], check=True, capture_output=True).stdout
        names = [n for n in out.decode("utf-8", "surrogateescape").split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        names = [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and ".git" not in p.parts
                 and "build" not in p.parts]
    return sorted(n for n in names if owned(n) and (root / n).is_file())


def has_tag(text: str) -> bool:
    return any(TAG in line for line in text.splitlines()[:LOOK_AT_LINES])


def with_tag(path: str, text: str) -> str:
    line = comment_for(path) + TAG + "\n"
    if text.startswith(("#!", "#compdef")):
        first, _, rest = text.partition("\n")
        return first + "\n" + line + rest
    return line + text


def main(argv) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = pathlib.Path(argv[1])
    fix = "--fix" in argv[2:]
    missing = []
    for name in files(root):
        path = root / name
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        if has_tag(text):
            continue
        if fix:
            path.write_text(with_tag(name, text), encoding="utf-8", errors="surrogateescape")
        else:
            missing.append(name)
    if missing:
        print(f"{len(missing)} source file(s) lack '{TAG}' in their first {LOOK_AT_LINES} lines "
              f"(add it, or run tests/architecture/check_spdx.py . --fix):", file=sys.stderr)
        for name in missing:
            print("  " + name, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
