#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The judging step of the GitHub Action (action.yml): `autofix-gate verify` of the checked-out commit
# through the CI scripts of examples/ci/scripts (gate.sh, merge-shards.sh), so that the action and the
# example pipelines run the same flow (docs/ci-components.md).
#
# Environment (the action sets it from its inputs):
#   AUTOFIX_GATE          the autofix-gate binary
#   AUTOFIX_PART          all (default): the whole gate in this job, its AUTOFIX_SHARDS shards one after the
#                         other, merged; tool: nothing (the job only gets the binary into the cache);
#                         K (1..N): only shard K, its partial result left under the report directory;
#                         merge: merge the partial results found under AUTOFIX_SHARDS_DIR
#   AUTOFIX_SHARDS        N, the number of shards (default 1)
#   AUTOFIX_SHARDS_DIR    where the shards' partial results were downloaded (part merge)
#   AUTOFIX_BASE          the commit the change is judged against (default: gate.sh's: the merge base with
#                         the default branch, else HEAD~1)
#   AUTOFIX_CONFIG        the gate configuration file (default: autofix-gate.json)
#   AUTOFIX_BUILD_DIR     the project's build directory (default: build)
#   AUTOFIX_REPORT_DIR    where the results go (default: autofix-report): report/ (report.json, summary.md,
#                         junit.xml, autofix.sarif...), verdict.env, verdict.txt, shard-K-of-N/
#   AUTOFIX_OUTPUT        a file the outputs are appended to (verdict=..., report=...): $GITHUB_OUTPUT
#   AUTOFIX_SUMMARY       a file summary.md is appended to: $GITHUB_STEP_SUMMARY (optional)
#
# Exit code: 0 when a verdict was reached (accepted, rejected, needs_review: read the `verdict` output) or
# a shard finished; 4 when the gate failed; 2 on bad inputs.
set -euo pipefail

fail() { echo "ci-action: error: $*" >&2; exit 2; }

scripts=$(cd "$(dirname "${BASH_SOURCE[0]}")/../examples/ci/scripts" && pwd)
part=${AUTOFIX_PART:-all}
shards=${AUTOFIX_SHARDS:-1}
[[ $shards =~ ^[1-9][0-9]*$ ]] || fail "the input shards is '$shards'; give a number of shards, 1 or more"
case $part in
  all | merge | tool) ;;
  *)
    if ! [[ $part =~ ^[1-9][0-9]*$ ]] || [ "$part" -gt "$shards" ]; then
      fail "the input part is '$part'; give all, tool, merge, or a shard number from 1 to $shards (the input shards)"
    fi
    ;;
esac
[ -n "${AUTOFIX_OUTPUT:-}" ] || fail "AUTOFIX_OUTPUT is not set; name the file the outputs are appended to"
report_dir=${AUTOFIX_REPORT_DIR:-autofix-report}

export AUTOFIX_CI_ARTIFACTS_DIR=$report_dir
export AUTOFIX_CI_BUILD_DIR=${AUTOFIX_BUILD_DIR:-build}
export AUTOFIX_CI_MODE=verify
export AUTOFIX_CI_BASE=${AUTOFIX_BASE:-}
export AUTOFIX_CI_CONFIG=${AUTOFIX_CONFIG:-}
export AUTOFIX_CI_REPORT_DIR=${AUTOFIX_CI_BUILD_DIR%/}/autofix-action
unset AUTOFIX_CI_EXIT_WITH_VERDICT

if [ "$part" = tool ]; then
  # A job before a matrix of shards: the binary is in the cache now, for every shard to restore.
  "${AUTOFIX_GATE:-autofix-gate}" --version
  echo "ci-action: part tool: autofix-gate is ready; nothing judged"
  exit 0
fi

rc=0
case $part in all | merge) rm -f "$report_dir/verdict.txt" "$report_dir/verdict.env" ;; esac
case $part in
  all)
    if [ "$shards" -eq 1 ]; then
      "$scripts/gate.sh" || rc=$?
    else
      # One job, the shards one after the other: the same verdict as a matrix of N jobs, for projects whose
      # tests are too many for one runner's memory or time limit per step but not worth N runners.
      for k in $(seq 1 "$shards"); do
        "$scripts/gate.sh" --shard "$k/$shards" || { rc=$?; break; }
      done
      [ "$rc" -ne 0 ] || AUTOFIX_CI_SHARDS=$shards "$scripts/merge-shards.sh" "$report_dir" || rc=$?
    fi
    ;;
  merge)
    AUTOFIX_CI_SHARDS=$shards "$scripts/merge-shards.sh" "${AUTOFIX_SHARDS_DIR:-$report_dir}" || rc=$?
    ;;
  *)
    "$scripts/gate.sh" --shard "$part/$shards" || rc=$?
    echo "ci-action: shard $part of $shards done (exit $rc); the part merge makes the verdict"
    exit "$rc"
    ;;
esac

verdict=error
[ ! -f "$report_dir/verdict.txt" ] || verdict=$(cat "$report_dir/verdict.txt")
report=""
[ ! -f "$report_dir/report/report.json" ] || report=$report_dir/report/report.json
printf 'verdict=%s\nreport=%s\n' "$verdict" "$report" >>"$AUTOFIX_OUTPUT"
if [ -n "${AUTOFIX_SUMMARY:-}" ] && [ -f "$report_dir/report/summary.md" ]; then
  cat "$report_dir/report/summary.md" >>"$AUTOFIX_SUMMARY"
fi
echo "ci-action: verdict $verdict; reports in $report_dir/report"
exit "$rc"
