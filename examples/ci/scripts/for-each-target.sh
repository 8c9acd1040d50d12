#!/usr/bin/env bash
# for-each-target.sh: runs a stage script once for every change plan.sh listed, each with
# AUTOFIX_CI_BASE and AUTOFIX_CI_HEAD set to that change and its own artifacts directory
# ARTIFACTS/targets/<n>/ (n = 1, 2, ... in the plan's order, the same in every job). Then writes
# ARTIFACTS/verdicts.env (AUTOFIX_VERDICTS=one verdict per change in that order, "none" for a change
# without one; valid for $GITHUB_OUTPUT and GitLab dotenv) and ARTIFACTS/summary.md (every change's
# summary.md under a heading), when at least one change has a verdict.
#
#   for-each-target.sh SCRIPT [ARGS...]     SCRIPT: gate.sh, merge-shards.sh, accept.sh, review.sh, revert.sh
#
# The changes come from AUTOFIX_CI_TARGETS (BASE..HEAD words), else from ARTIFACTS/plan.env. Every change
# is run even when an earlier one failed; the exit code is the highest of the runs, 0 when there is
# nothing to judge.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case ${1:-} in
  -h | --help)
    sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
    exit 0
    ;;
  gate.sh | merge-shards.sh | accept.sh | review.sh | revert.sh) ;;
  "") afci_die "$AFCI_REFUSED" "usage: for-each-target.sh SCRIPT [ARGS...]" ;;
  *) afci_die "$AFCI_REFUSED" "'$1' is not a stage script (gate.sh, merge-shards.sh, accept.sh, review.sh, revert.sh)" ;;
esac
script=$(dirname "${BASH_SOURCE[0]}")/$1
shift
afci_defaults

if [ -n "${AUTOFIX_CI_TARGETS+set}" ]; then
  list=$AUTOFIX_CI_TARGETS
elif [ -f "$AFCI_ARTIFACTS/plan.env" ]; then
  list=$(afci_env_get "$AFCI_ARTIFACTS/plan.env" AUTOFIX_TARGETS)
else
  afci_die "$AFCI_REFUSED" "no changes to run on: set AUTOFIX_CI_TARGETS or run plan.sh first (no $AFCI_ARTIFACTS/plan.env)"
fi
read -r -a targets <<<"$list"
for t in "${targets[@]}"; do
  [[ $t =~ ^[0-9a-f]{7,64}\.\.[0-9a-f]{7,64}$ ]] ||
    afci_die "$AFCI_REFUSED" "'$t' is not a change BASE..HEAD of two commit ids (from AUTOFIX_CI_TARGETS or plan.env)"
done
if [ ${#targets[@]} -eq 0 ]; then
  afci_note "nothing to judge; $(basename "$script") not run"
  exit "$AFCI_OK"
fi

worst=0
n=0
for t in "${targets[@]}"; do
  n=$((n + 1))
  afci_note "change $n of ${#targets[@]}: $t: $(basename "$script") $*"
  rc=0
  env -u AUTOFIX_CI_VERDICT_FILE AUTOFIX_CI_BASE="${t%%..*}" AUTOFIX_CI_HEAD="${t##*..}" \
    AUTOFIX_CI_ARTIFACTS_DIR="$AFCI_ARTIFACTS/targets/$n" "$script" "$@" || rc=$?
  [ "$rc" -eq 0 ] || afci_note "change $n ($t): $(basename "$script") exited $rc"
  [ "$rc" -le "$worst" ] || worst=$rc
done

verdicts=()
found=0
mkdir -p "$AFCI_ARTIFACTS"
summary=$AFCI_ARTIFACTS/summary.md.tmp
: >"$summary"
n=0
for t in "${targets[@]}"; do
  n=$((n + 1))
  dir=$AFCI_ARTIFACTS/targets/$n
  verdict=none
  if [ -f "$dir/verdict.env" ]; then
    verdict=$(afci_env_get "$dir/verdict.env" AUTOFIX_VERDICT)
    found=1
  fi
  verdicts+=("${verdict:-none}")
  printf '## %s: %s\n\n' "$t" "${verdict:-none}" >>"$summary"
  if [ -f "$dir/report/summary.md" ]; then cat "$dir/report/summary.md" >>"$summary"; fi
  printf '\n' >>"$summary"
done
if [ "$found" = 1 ]; then
  mv -f "$summary" "$AFCI_ARTIFACTS/summary.md"
  printf 'AUTOFIX_VERDICTS=%s\n' "${verdicts[*]}" >"$AFCI_ARTIFACTS/verdicts.env"
  afci_note "verdicts: ${verdicts[*]}"
else
  rm -f "$summary"
fi
exit "$worst"
