#!/usr/bin/env bash
# Runs AutofixGate on a throwaway copy of examples/calculator (a CMake project with GoogleTest tests
# and one real bug) with each example fix, and shows every verdict:
#   correct fix → accepted (exit 0), committed on autofix/<id>, your checkout untouched
#   a fix that breaks another module → rejected (exit 1), tree restored
#   a patch that does not apply → rejected (exit 1), nothing changed
#   a "fix" that deletes the failing test → needs review (exit 3): kept on autofix/review/<id>, tree restored
#   a fixer that hangs → rejected (exit 1) after --timeout, its processes ended, tree restored
#   a fixer command that repairs the code → accepted, kept in the work tree (--on-accept keep)
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

bold() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
failures=0
# attempt EXPECTED-EXIT DESCRIPTION ARGS...: runs one attempt and checks its exit code and the tree.
attempt() {
  local expected=$1 what=$2; shift 2
  bold "$what"
  echo "\$ autofix-gate attempt $*"
  local before rc=0
  before=$(git status --porcelain=v2 --untracked-files=all; git ls-files -s)
  "$gate" attempt "$@" || rc=$?
  local after
  after=$(git status --porcelain=v2 --untracked-files=all; git ls-files -s)
  if [ "$rc" -ne "$expected" ]; then
    echo "run-demo: expected exit $expected, got $rc" >&2; failures=$((failures + 1))
  fi
  if [ "$expected" -ne 0 ] && [ "$before" != "$after" ]; then
    echo "run-demo: the tree changed after a refused fix" >&2; failures=$((failures + 1))
  fi
  head -1 build/autofix/latest/summary.md
}

bold "your uncommitted work: a staged note and an untracked scratch file (kept through every attempt)"
echo "TODO: document mean()" > NOTES.md && git add NOTES.md
echo "scratch" > scratch.txt
git status --short

attempt 0 "a correct fix" --patch "$here/fixes/correct-fix.diff"
git log --oneline -1 "$(git branch --list 'autofix/*' --format='%(refname:short)' | head -1)"
git status --short

attempt 1 "a fix that repairs mean() but breaks the formatter module" --patch "$here/fixes/breaks-other-module.diff"
attempt 1 "a patch that does not apply" --patch "$here/fixes/does-not-apply.diff"
attempt 3 "a \"fix\" that deletes the failing test" --patch "$here/fixes/deletes-failing-test.diff"
attempt 1 "a fixer that hangs (limited to 5 s)" --timeout 5 -- "$here/fixers/hanging-fixer.sh"
# Three rejections in a row for the same target open the circuit breaker (docs/breaker.md): a fourth
# attempt would be refused (exit 6) without touching anything, until it half-opens or is reset.
attempt 6 "a fourth try at the same target: the circuit breaker refuses it" --patch "$here/fixes/breaks-other-module.diff"
bold "autofix-gate breaker list"
"$gate" breaker list
bold "autofix-gate breaker reset --all (a different fixer is worth a try)"
"$gate" breaker reset --all --reason "demo: trying another fixer"
attempt 0 "a fixer command, its fix kept in the work tree" --on-accept keep -- "$here/fixers/sed-fix.sh"
git status --short

bold "reports of the last attempt: $repo/build/autofix/latest (each attempt has a directory of its own)"
ls build/autofix/latest/
bold "autofix-gate status"
"$gate" status | head -4

if [ "$failures" -ne 0 ]; then
  echo "run-demo: $failures unexpected result(s)" >&2
  exit 1
fi
bold "every verdict as expected"
