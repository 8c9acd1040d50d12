#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# consumer.verify_flow: `ctest -L autofix` of a consumer project judges the checked-out commit end to end.
#
#   verify_flow.sh WORK_DIR PROJECT_DIR PREFIX GENERATOR MAKE_PROGRAM CXX_COMPILER
#
# Copies PROJECT_DIR (projects/verify_flow: find_package(AutofixGate) from PREFIX, tiers unit and secrets,
# BASE gate-base) into a throwaway git repository under WORK_DIR (a path with spaces), commits the base
# (math.sub fails: the bug), tags it gate-base, then:
#   bad-fix:  fixes sub but breaks mul -> ctest -L autofix fails; autofix.verdict and autofix.tier.unit fail,
#             autofix.tier.secrets passes; report.json says rejected; junit.xml names math.mul as failing.
#   good-fix: fixes sub                -> ctest -L autofix passes; report.json says accepted.
# After each run the checkout is exactly as before (verify restores it). Exit 77 (skipped) when the runner
# has no `verify` subcommand.
set -euo pipefail

if [[ $# -ne 6 ]]; then
  echo "usage: verify_flow.sh WORK_DIR PROJECT_DIR PREFIX GENERATOR MAKE_PROGRAM CXX_COMPILER" >&2
  exit 2
fi
work=$1 project=$2 prefix=$3 generator=$4 make_program=$5 cxx=$6
gate="$prefix/bin/autofix-gate"

fail() { echo "verify_flow.sh: FAILED: $*" >&2; exit 1; }
step() { echo "--- $*"; }

if ! "$gate" verify --help >/dev/null 2>&1; then
  echo "verify_flow.sh: $gate has no verify subcommand: skipped"
  exit 77
fi

rm -rf "$work"
mkdir -p "$work"
repo="$work/consumer repo"
cp -R "$project" "$repo"
cd "$repo"
printf 'build/\n' > .gitignore

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=flow GIT_AUTHOR_EMAIL=flow@example.invalid
export GIT_COMMITTER_NAME=flow GIT_COMMITTER_EMAIL=flow@example.invalid
unset AUTOFIX_GATE_BASE
git init -q -b main .
git add -A
git commit -qm "base: sub is wrong"
git tag gate-base

# fix_commit BRANCH MESSAGE SED_EXPRESSION...: a commit on BRANCH (from the base) editing mathlib.cpp.
fix_commit() {
  local branch=$1 message=$2
  shift 2
  git checkout -q -b "$branch" gate-base
  for expression in "$@"; do sed -i "$expression" mathlib.cpp; done
  git commit -qam "$message"
}

# report_field FIELD: a top-level string of build/autofix/report.json.
report_field() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' build/autofix/report.json "$1"
}

# failing_junit_cases: the failing test cases in build/autofix/junit.xml, sorted, as "classname.name" (a
# CTest test named "math.mul" is classname "math", name "mul": docs/junit.md).
failing_junit_cases() {
  python3 - build/autofix/junit.xml <<'PY'
import sys
import xml.etree.ElementTree as ET
names = {c.get("classname") + "." + c.get("name") for c in ET.parse(sys.argv[1]).iter("testcase")
         if c.find("failure") is not None or c.find("error") is not None}
print("\n".join(sorted(names)))
PY
}

# gate_run EXPECTED_CTEST_EXIT: configure, build and `ctest -L autofix`; the checkout must be unchanged.
gate_run() {
  local expected=$1 head status rc
  head=$(git rev-parse HEAD)
  status=$(git status --porcelain --untracked-files=all)
  rm -rf build
  cmake -S . -B build -G "$generator" "-DCMAKE_MAKE_PROGRAM=$make_program" "-DCMAKE_CXX_COMPILER=$cxx" \
        "-DCMAKE_PREFIX_PATH=$prefix" >/dev/null
  cmake --build build >/dev/null
  set +e
  ctest --test-dir build -L autofix -j2 --output-on-failure
  rc=$?
  set -e
  if [[ $expected -eq 0 && $rc -ne 0 ]] || [[ $expected -ne 0 && $rc -eq 0 ]]; then
    fail "ctest -L autofix exited $rc on $(git rev-parse --abbrev-ref HEAD), expected $([[ $expected -eq 0 ]] && echo 0 || echo non-zero)"
  fi
  [[ $(git rev-parse HEAD) == "$head" ]] || fail "HEAD moved during the verdict"
  [[ $(git status --porcelain --untracked-files=all) == "$status" ]] || fail "the checkout changed during the verdict"
  [[ -f build/autofix/report.json && -f build/autofix/junit.xml && -f build/autofix/summary.md ]] ||
    fail "the verdict left no report.json, junit.xml and summary.md in build/autofix"
}

step "bad fix: sub fixed, mul broken"
fix_commit bad-fix "fix sub (and break mul)" 's/return a + b; }  \/\/ the bug.*/return a - b; }/' \
  's/return a \* b;/return a + b;/'
gate_run 1
[[ $(report_field verdict) == rejected ]] || fail "verdict $(report_field verdict), expected rejected"
failed=$(sort build/Testing/Temporary/LastTestsFailed.log | sed 's/^[0-9]*://' | sort | tr '\n' ' ')
[[ $failed == "autofix.tier.unit autofix.verdict " ]] ||
  fail "ctest -L autofix failed [$failed], expected [autofix.tier.unit autofix.verdict ]"
failing=$(failing_junit_cases)
echo "failing in junit.xml: $failing"
grep -qx 'math.mul' <<<"$failing" || fail "junit.xml does not name the regression math.mul as failing"
! grep -qx 'math.sub' <<<"$failing" || fail "junit.xml names math.sub, which the fix repaired, as failing"

step "good fix: sub fixed"
git checkout -q main
fix_commit good-fix "fix sub" 's/return a + b; }  \/\/ the bug.*/return a - b; }/'
gate_run 0
[[ $(report_field verdict) == accepted ]] || fail "verdict $(report_field verdict), expected accepted"

echo "verify_flow.sh: ok"
