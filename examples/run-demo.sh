#!/usr/bin/env bash
# Demonstrates AutofixGate's snapshot and rollback on a throwaway copy of examples/calculator:
# a user's uncommitted work, a fix applied and built, then an exact rollback, rebuilt.
#
#   examples/run-demo.sh [PATH/TO/autofix-gate]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
gate=${1:-$here/../build/autofix-gate}
[ -x "$gate" ] || { echo "run-demo: no autofix-gate at $gate; build first (scripts/build.sh)" >&2; exit 2; }
gate=$(cd "$(dirname "$gate")" && pwd)/$(basename "$gate")

work=$(mktemp -d "${TMPDIR:-/tmp}/autofix demo XXXXXX")
trap 'rm -rf "$work"' EXIT
repo="$work/calculator project"
cp -r "$here/calculator" "$repo"
export GIT_AUTHOR_NAME=Demo GIT_AUTHOR_EMAIL=demo@example.com GIT_COMMITTER_NAME=Demo GIT_COMMITTER_EMAIL=demo@example.com
cd "$repo"
git init -q -b main && git add . && git commit -q -m "calculator with a bug in mean()"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
build_and_test() {
  cmake -S . -B build -G Ninja >/dev/null
  cmake --build build >/dev/null
  ./build/app/calc "1, 2, 6"
  ctest --test-dir build 2>&1 | grep -E 'tests passed|tests failed' || true
}

step "the user has uncommitted work: a staged note and an untracked scratch file"
echo "TODO: document mean()" > NOTES.md && git add NOTES.md
echo "scratch" > scratch.txt
git status --short
git status --porcelain=v2 --untracked-files=all > "$work/status-before"
git ls-files -s > "$work/index-before"

step "baseline build: MathTest.MeanOfThreeValues fails"
build_and_test

step "autofix-gate snapshot"
id=$("$gate" snapshot -m "before the fix")
echo "snapshot $id"

step "a fixer changes the tree: applies a patch, stages it, leaves a stray file"
git apply "$here/fixes/correct-fix.diff" && git add mathlib/mathlib.cpp
echo "fixer log" > fixer.log
git status --short
build_and_test

step "autofix-gate restore $id"
"$gate" restore "$id"
git status --short

step "the tree, index and user work are exactly as before"
git status --porcelain=v2 --untracked-files=all | diff -u "$work/status-before" - && echo "status: identical"
git ls-files -s | diff -u "$work/index-before" - && echo "index:  identical"

step "rebuild after the rollback: the restored source is rebuilt, the bug is back"
build_and_test

step "autofix-gate status"
"$gate" status
