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
#   AUTOFIX_TARGETS       several changes, BASE..HEAD words as plan.sh writes them: each judged on its own
#                         through for-each-target.sh, its results under REPORT_DIR/targets/<n>/ (a shard's
#                         under REPORT_DIR/shard-K-of-N/targets/<n>/); empty: the checked-out commit
#   AUTOFIX_CONFIG        the gate configuration file (default: autofix-gate.json)
#   AUTOFIX_BUILD_DIR     the project's build directory (default: build)
#   AUTOFIX_REPORT_DIR    where the results go (default: autofix-report): report/ (report.json, summary.md,
#                         junit.xml, autofix.sarif...), verdict.env, verdict.txt, shard-K-of-N/
#   AUTOFIX_OUTPUT        a file the outputs are appended to: $GITHUB_OUTPUT. verdict (with targets the
#                         worst: error, rejected, needs_review, accepted), verdicts (one per target, as
#                         AUTOFIX_VERDICTS), report (report.json; empty with several targets), junit and
#                         tiers (the JUnit files, a glob with targets), sarif (autofix.sarif of a single
#                         change); each empty when there is no such file
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
read -r -a targets <<<"${AUTOFIX_TARGETS:-}"

# A stage script on the checked-out commit, or once per target through for-each-target.sh (which checks
# the list and writes verdicts.env and summary.md).
stage() {
  if [ ${#targets[@]} -eq 0 ]; then
    "$scripts/$1" "${@:2}"
  else
    AUTOFIX_CI_TARGETS="${targets[*]}" "$scripts/for-each-target.sh" "$@"
  fi
}

# The action checked out inside the project (`uses: ./.autofix-gate` after a checkout) and the report
# directory are no part of the change: git and the gate must not see them as untracked files.
top=$(git rev-parse --show-toplevel 2>/dev/null || true)
if [ -n "$top" ]; then
  exclude=$(git rev-parse --path-format=absolute --git-path info/exclude)
  case $report_dir in /*) report_abs=$report_dir ;; *) report_abs=$(pwd -P)/$report_dir ;; esac
  for dir in "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)" "${report_abs%/}"; do
    line=/${dir#"$top"/}/
    if [[ $dir == "$top"/* ]] && ! grep -qxF "$line" "$exclude" 2>/dev/null; then
      mkdir -p "$(dirname "$exclude")"
      echo "$line" >>"$exclude"
    fi
  done
fi

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
case $part in
  all | merge) rm -rf "$report_dir/verdict.txt" "$report_dir/verdict.env" "$report_dir/verdicts.env" "$report_dir/targets" ;;
esac
case $part in
  all)
    if [ "$shards" -eq 1 ]; then
      stage gate.sh || rc=$?
    else
      # One job, the shards one after the other: the same verdict as a matrix of N jobs, for projects whose
      # tests are too many for one runner's memory or time limit per step but not worth N runners.
      for k in $(seq 1 "$shards"); do
        stage gate.sh --shard "$k/$shards" || { rc=$?; break; }
      done
      [ "$rc" -ne 0 ] || AUTOFIX_CI_SHARDS=$shards stage merge-shards.sh "$report_dir" || rc=$?
    fi
    ;;
  merge)
    AUTOFIX_CI_SHARDS=$shards stage merge-shards.sh "${AUTOFIX_SHARDS_DIR:-$report_dir}" || rc=$?
    ;;
  *)
    # Every target's partial result under one directory, the one the action uploads for this shard.
    if [ ${#targets[@]} -eq 0 ]; then
      "$scripts/gate.sh" --shard "$part/$shards" || rc=$?
    else
      AUTOFIX_CI_ARTIFACTS_DIR=$report_dir/shard-$part-of-$shards stage gate.sh --shard "$part/$shards" || rc=$?
    fi
    echo "ci-action: shard $part of $shards done (exit $rc); the part merge makes the verdict"
    exit "$rc"
    ;;
esac

# The outputs: a path when the file is there, else empty.
if_file() { if [ -f "$1" ]; then printf '%s' "$1"; fi; }
if [ ${#targets[@]} -eq 0 ]; then
  verdict=error
  [ ! -f "$report_dir/verdict.txt" ] || verdict=$(cat "$report_dir/verdict.txt")
  verdicts=$verdict
  report=$(if_file "$report_dir/report/report.json")
  junit=$(if_file "$report_dir/report/junit.xml")
  tiers=$(if_file "$report_dir/report/autofix-tiers.xml")
  sarif=$(if_file "$report_dir/report/autofix.sarif")
  summary=$report_dir/report/summary.md
else
  verdicts=""
  if [ -f "$report_dir/verdicts.env" ]; then
    verdicts=$(sed -n 's/^AUTOFIX_VERDICTS=//p' "$report_dir/verdicts.env")
  fi
  # The worst of them; a change without a verdict (none), or none at all, is an error.
  verdict=accepted
  [ -n "$verdicts" ] || verdict=error
  for v in error none rejected needs_review; do
    case " $verdicts " in *" $v "*) verdict=$v; break ;; esac
  done
  [ "$verdict" != none ] || verdict=error
  report="" sarif=""
  if [ ${#targets[@]} -eq 1 ]; then
    report=$(if_file "$report_dir/targets/1/report/report.json")
    sarif=$(if_file "$report_dir/targets/1/report/autofix.sarif")
  fi
  junit="" tiers=""
  if compgen -G "$report_dir/targets/*/report/junit.xml" >/dev/null; then junit="$report_dir/targets/*/report/junit.xml"; fi
  if compgen -G "$report_dir/targets/*/report/autofix-tiers.xml" >/dev/null; then tiers="$report_dir/targets/*/report/autofix-tiers.xml"; fi
  summary=$report_dir/summary.md
fi
printf 'verdict=%s\nverdicts=%s\nreport=%s\njunit=%s\ntiers=%s\nsarif=%s\n' \
  "$verdict" "$verdicts" "$report" "$junit" "$tiers" "$sarif" >>"$AUTOFIX_OUTPUT"
if [ -n "${AUTOFIX_SUMMARY:-}" ] && [ -f "$summary" ]; then
  cat "$summary" >>"$AUTOFIX_SUMMARY"
fi
echo "ci-action: verdict $verdict${targets[0]+ (verdicts: $verdicts)}; reports in $report_dir"
exit "$rc"
