#!/usr/bin/env bash
# The walk-through of docs/operations.md on a throwaway copy of examples/inventory (a C++ library over an
# ignored SQLite database, with a `sqlite` state hook), every step checked:
#   1. a migration fixer that fixes the code: accepted (exit 0), committed, the database stays migrated
#   2. a migration fixer that breaks tests: rejected (exit 1), the database restored (rows and schema)
#   3. a fix that passes alone but breaks together with later work: `health --revert` reverts it
#   4. emergency rollback to the last green version: `versions`, a dry run, then for real
#
#   examples/run-operations.sh [PATH/TO/autofix-gate]
# AUTOFIX_OPERATIONS_DIR=DIR runs it in DIR (kept) instead of a temporary directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
gate=${1:-$here/../build/autofix-gate}
[ -x "$gate" ] || { echo "run-operations: no autofix-gate at $gate; build first (scripts/build.sh)" >&2; exit 2; }
gate=$(cd "$(dirname "$gate")" && pwd)/$(basename "$gate")
command -v sqlite3 >/dev/null || { echo "run-operations: needs the sqlite3 CLI (apt-get install sqlite3)" >&2; exit 2; }

if [ -n "${AUTOFIX_OPERATIONS_DIR:-}" ]; then
  work=$AUTOFIX_OPERATIONS_DIR; mkdir -p "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/autofix operations XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi
repo="$work/inventory project"
cp -r "$here/inventory" "$repo"
export GIT_AUTHOR_NAME=Ops GIT_AUTHOR_EMAIL=ops@example.com GIT_COMMITTER_NAME=Ops GIT_COMMITTER_EMAIL=ops@example.com
cd "$repo"

bold() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# Each step builds on the one before: the first unexpected result ends the walk-through.
fail() { echo "run-operations: $*" >&2; exit 1; }
# step EXPECTED-EXIT COMMAND...: shows and runs one command of the walk-through, checks its exit code.
step() {
  local expected=$1; shift
  local shown=() a
  for a in "$@"; do
    [ "$a" = "$gate" ] && a=autofix-gate
    case $a in *[\ \<]*) a="\"$a\"" ;; esac
    shown+=("$a")
  done
  echo "\$ ${shown[*]}"
  local rc=0
  "$@" || rc=$?
  [ "$rc" -eq "$expected" ] || fail "expected exit $expected from '$*', got $rc"
}
db() { sqlite3 data/inventory.sqlite "$@"; }
# expect_db ROWS COLUMNS: the database's row count and the items table's columns, in order.
expect_db() {
  local rows columns
  rows=$(db 'SELECT count(*) FROM items')
  columns=$(db "SELECT group_concat(name, ',') FROM pragma_table_info('items')")
  echo "items: $rows rows; columns: $columns"
  [ "$rows" = "$1" ] || fail "expected $1 rows, found $rows"
  [ "$columns" = "$2" ] || fail "expected the columns $2, found $columns"
}
v1_columns=id,name,quantity,price_cents
v2_columns=$v1_columns,reorder_level

bold "0. the project: code in git, the database (data/, ignored) created from schema.sql"
step 0 scripts/setup-db.sh
git init -q -b main && git add . && git commit -q -m "inventory: low_stock() ignores reorder levels"
step 0 cat autofix-gate.json
expect_db 6 "$v1_columns"

bold "1. a migration fixer that fixes the code: accepted, committed, the database stays migrated"
step 0 "$gate" attempt -j 2 --on-accept commit -- fixers/add-reorder-level.sh
git log --oneline -1
expect_db 6 "$v2_columns"

bold "2. a migration fixer that breaks tests: rejected, the database restored"
before=$(db .dump)
step 1 "$gate" attempt -j 2 -- fixers/purge-cheap-items.sh
expect_db 6 "$v2_columns"
[ "$(db .dump)" = "$before" ] || fail "the database is not exactly as before the rejected fix"
[ -z "$(git status --porcelain)" ] || fail "the tree changed after a rejected fix"

bold "3. a fix that passes alone, then later work that it breaks: the health check reverts it"
step 0 "$gate" attempt -j 2 --on-accept commit -- fixers/count-in-stock.sh
fix=$(git rev-parse HEAD)
# Later work by someone else: a migration that adds a discontinued item (quantity 0), applied.
cat > migrations/003_gaskets.sql <<'SQL'
INSERT INTO items (name, quantity, price_cents, reorder_level) VALUES ('gaskets', 0, 75, 0);
SQL
echo "\$ sqlite3 data/inventory.sqlite < migrations/003_gaskets.sql"
db < migrations/003_gaskets.sql
git add migrations && git commit -q -m "gaskets are discontinued, and stay listed"
expect_db 7 "$v2_columns"
step 0 "$gate" health -j 2 --since 1h --revert
git log --oneline -2
expect_db 7 "$v2_columns"
[ "$(git log -1 --format=%s)" = "Revert \"$(git log -1 --format=%s "$fix")\"" ] || fail "the health check did not revert $fix"

bold "4. emergency rollback to the last green version"
# A release commit that no test catches, and that has to go now.
printf '\n// Restock orders go out on Mondays.\nlong restock_day() { return 1; }\n' >> inventory.cpp
git commit -q -am "restock orders on Mondays"
step 0 "$gate" versions --limit 3
green=$("$gate" versions --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["last_green"])')
head_before=$(git rev-parse HEAD)
step 5 "$gate" rollback --to last-green --level complete --dry-run
[ "$(git rev-parse HEAD)" = "$head_before" ] || fail "the dry run moved the branch"
step 0 "$gate" rollback -j 2 --to last-green --level complete --reason "restock orders broke the warehouse"
[ -z "$(git diff "$green" HEAD)" ] || fail "the branch's content is not the last green version's"
expect_db 7 "$v2_columns"
report=$(ls -td build/autofix/rollbacks/*/ | head -1)
sed -n '/^## Tests/,/^Undo/p' "$report/rollback-report.md"
python3 - "$report/report.json" <<'PY' || fail "report.json's tests_before is not the three tests passing"
import json, sys
before = json.load(open(sys.argv[1]))["tests_before"]
sys.exit(before != {"built": True, "stored": False, "reason": None, "failed": [],
                    "passed": ["inventory.count", "inventory.value", "inventory.low_stock"]})
PY

bold "every step as expected"
