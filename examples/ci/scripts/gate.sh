#!/usr/bin/env bash
# gate.sh: the `gate` stage. Configures and builds the checked-out change, runs the gate on it
# (`ctest -L autofix` when the build registers the autofix tests, else `autofix-gate verify`), copies
# the reports into the artifacts directory and writes verdict.txt / verdict.env for the later stages.
#
#   gate.sh [--shard K/N]
#
# Exit code: 0 whenever the gate reached a verdict (accepted, rejected or needs_review): the later
# stages read verdict.env and decide. 4 when the gate failed (verdict "error", no report, no binary):
# the job fails. With AUTOFIX_CI_EXIT_WITH_VERDICT=1 it exits with the verdict's own code instead
# (0 accepted, 1 rejected, 3 needs_review, 4 error), for a pipeline that has no later stages.
# With --shard K/N it runs only shard K of N and leaves partial.json under
# ARTIFACTS/shard-K-of-N/; merge-shards.sh then makes the verdict. Environment: examples/ci/README.md.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

shard=${AUTOFIX_CI_SHARD:-}
while [ $# -gt 0 ]; do
  case $1 in
    --shard)
      [ $# -ge 2 ] || afci_die "$AFCI_REFUSED" "--shard needs K/N"
      shard=$2
      shift 2
      ;;
    -h | --help)
      sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *) afci_die "$AFCI_REFUSED" "unknown argument '$1' (usage: gate.sh [--shard K/N])" ;;
  esac
done
if [ -n "$shard" ]; then
  if ! [[ $shard =~ ^([1-9][0-9]*)/([1-9][0-9]*)$ ]] || [ "${BASH_REMATCH[1]}" -gt "${BASH_REMATCH[2]}" ]; then
    afci_die "$AFCI_REFUSED" "bad shard '$shard'; expected K/N with 1 <= K <= N, e.g. 1/2"
  fi
  [ "${BASH_REMATCH[2]}" -gt 1 ] || shard=""  # 1/1 is the whole gate
fi

afci_defaults
root=$(git -C "${AUTOFIX_CI_SOURCE_DIR:-.}" rev-parse --show-toplevel 2>/dev/null) ||
  afci_die "$AFCI_GATE_ERROR" "${AUTOFIX_CI_SOURCE_DIR:-$PWD} is not inside a git checkout"
build_dir=$(afci_abspath "${AUTOFIX_CI_BUILD_DIR:-build}" "$root")
gate_bin=${AUTOFIX_GATE:-autofix-gate}
command -v "$gate_bin" >/dev/null 2>&1 ||
  afci_die "$AFCI_GATE_ERROR" "autofix-gate not found ('$gate_bin'); put it on PATH or set AUTOFIX_GATE"
mode=${AUTOFIX_CI_MODE:-auto}
case $mode in
  auto | ctest | verify) ;;
  *) afci_die "$AFCI_REFUSED" "AUTOFIX_CI_MODE is '$mode'; one of auto, ctest, verify" ;;
esac

# --- what is judged: HEAD (or AUTOFIX_CI_HEAD) against a base -------------------------------------------
head=$(git -C "$root" rev-parse --verify -q "${AUTOFIX_CI_HEAD:-HEAD}^{commit}") ||
  afci_die "$AFCI_GATE_ERROR" "cannot resolve the head '${AUTOFIX_CI_HEAD:-HEAD}'"
branch=${AUTOFIX_CI_BRANCH:-$(git -C "$root" symbolic-ref --short -q HEAD || true)}
base_ref=${AUTOFIX_CI_BASE:-${AUTOFIX_GATE_BASE:-}}
base=$(afci_base_for "$root" "$head" "$base_ref")
if [ -n "$base_ref" ] && ! afci_is_zero_sha "$base_ref" &&
  [ "$base" != "$(git -C "$root" rev-parse "$base_ref^{commit}")" ]; then
  afci_note "the base $base_ref is not an ancestor of the head; judging against their merge base"
fi
afci_note "judging ${branch:-(detached)} $head against base $base"

# Our own directories must not look like part of the change.
exclude=$(git -C "$root" rev-parse --git-path info/exclude)
exclude=$(afci_abspath "$exclude" "$root")
for dir in "$AFCI_ARTIFACTS" "$build_dir"; do
  case $dir/ in
    "$root"/*)
      rel=/${dir#"$root"/}/
      mkdir -p "$(dirname "$exclude")"
      grep -qxF -- "$rel" "$exclude" 2>/dev/null || printf '%s\n' "$rel" >>"$exclude"
      ;;
  esac
done

# --- configure and build ----------------------------------------------------------------------------------
read -r -a cmake_args <<<"${AUTOFIX_CI_CMAKE_ARGS:-}"
configured=0
afci_note "configuring $root into $build_dir"
if cmake -S "$root" -B "$build_dir" "${cmake_args[@]}"; then
  configured=1
  if [ "${AUTOFIX_CI_BUILD:-1}" = 1 ]; then
    # A build failure is the change's fault, not the gate's: the gate sees it too and rejects.
    cmake --build "$build_dir" ${AUTOFIX_CI_JOBS:+-j "$AUTOFIX_CI_JOBS"} ||
      afci_note "warning: the build failed; the gate decides what that means for the change"
  fi
else
  afci_note "warning: configuring failed; the gate decides what that means for the change"
fi

if [ "$mode" = auto ]; then
  mode=verify
  if [ "$configured" = 1 ] && [ -z "$shard" ] &&
    ctest --test-dir "$build_dir" -N -L autofix 2>/dev/null | grep -Eq 'Total Tests: [1-9]'; then
    mode=ctest
  fi
fi
if [ "$mode" = ctest ] && [ -n "$shard" ]; then
  afci_die "$AFCI_REFUSED" "--shard needs AUTOFIX_CI_MODE=verify (or auto): the autofix ctest tests run the whole gate"
fi

# --- run the gate -------------------------------------------------------------------------------------------
if [ "$mode" = ctest ]; then
  report_dir=${AUTOFIX_CI_REPORT_DIR:-}
  if [ -z "$report_dir" ] && [ -f "$build_dir/autofix-gate.json" ]; then
    report_dir=$(afci_json_string "$build_dir/autofix-gate.json" report_dir)
  fi
  report_dir=$(afci_abspath "${report_dir:-$build_dir/autofix}" "$root")
else
  report_dir=$(afci_abspath "${AUTOFIX_CI_REPORT_DIR:-$build_dir/autofix}" "$root")
fi
mkdir -p "$report_dir"
rm -f "$report_dir/report.json" "$report_dir/partial.json"  # a stale report must never be read as this one's

config_args=()
[ -z "${AUTOFIX_CI_CONFIG:-}" ] || config_args=(--config "$(afci_abspath "$AUTOFIX_CI_CONFIG" "$root")")
rc=0
if [ "$mode" = ctest ]; then
  afci_note "running: ctest -L autofix (AUTOFIX_GATE_BASE=$base)"
  AUTOFIX_GATE_BASE=$base ctest --test-dir "$build_dir" -L autofix --output-on-failure || rc=$?
  afci_note "ctest -L autofix exited $rc"
else
  cmd=("$gate_bin" verify -C "$root" "${config_args[@]}" --build-dir "$build_dir" --report-dir "$report_dir"
    --base "$base" --head "$head")
  [ -z "$shard" ] || cmd+=(--shard "$shard")
  afci_note "running: ${cmd[*]}"
  "${cmd[@]}" || rc=$?
  afci_note "autofix-gate verify exited $rc"
fi
# The history (every verdict, and the circuit breakers) is shared through the remote (docs/history.md);
# a sync that fails is a warning: the verdict stands, the next job's sync pushes these records too.
"$gate_bin" history sync -C "$root" "$AFCI_REMOTE" ||
  afci_note "warning: the history could not be synced with $AFCI_REMOTE (the verdict stands; see docs/history.md)"

# --- shard: keep the partial result for merge-shards.sh ----------------------------------------------------
if [ -n "$shard" ]; then
  out=$AFCI_ARTIFACTS/shard-${shard%/*}-of-${shard#*/}
  rm -rf "$out"
  mkdir -p "$out"
  if [ ! -s "$report_dir/partial.json" ] || [ "$(afci_verdict_for_exit "$rc")" = error ]; then
    [ ! -d "$report_dir" ] || cp -R "$report_dir/." "$out/"
    afci_die "$AFCI_GATE_ERROR" "shard $shard: the gate failed (exit $rc) or wrote no partial.json in $report_dir"
  fi
  cp -R "$report_dir/." "$out/"
  {
    printf 'AUTOFIX_SHARD=%s\n' "$shard"
    printf 'AUTOFIX_BASE=%s\n' "$base"
    printf 'AUTOFIX_HEAD=%s\n' "$head"
    printf 'AUTOFIX_BRANCH=%s\n' "$(afci_one_line "$branch")"
  } >"$out/shard.env"
  afci_note "shard $shard done; partial result in $out"
  exit "$AFCI_OK"
fi

# --- the verdict --------------------------------------------------------------------------------------------
verdict=error
reason=""
if [ -s "$report_dir/report.json" ]; then
  verdict=$(afci_json_string "$report_dir/report.json" verdict)
  reason=$(afci_json_string "$report_dir/report.json" reason)
  case $verdict in
    accepted | rejected | needs_review | error) ;;
    *)
      reason="report.json has no valid verdict (found '$verdict')"
      verdict=error
      ;;
  esac
  if [ "$mode" = verify ] && [ "$verdict" != "$(afci_verdict_for_exit "$rc")" ]; then
    reason="autofix-gate exited $rc but report.json says '$verdict'"
    verdict=error
  fi
else
  reason="the gate ($mode) exited $rc and left no report.json in $report_dir"
fi

out=$AFCI_ARTIFACTS/report
rm -rf "$out"
mkdir -p "$out"
cp -R "$report_dir/." "$out/"
if [ ! -s "$out/summary.md" ]; then
  printf '# autofix-gate: %s\n\n%s\n' "$verdict" "${reason:-no summary.md was written}" >"$out/summary.md"
fi
afci_write_verdict "$AFCI_ARTIFACTS" "$verdict" "$reason" "$base" "$head" "$branch"
afci_note "verdict: $verdict${reason:+ ($reason)}; reports in $out"

if [ "$verdict" = error ]; then
  exit "$AFCI_GATE_ERROR"
fi
if [ "${AUTOFIX_CI_EXIT_WITH_VERDICT:-0}" = 1 ]; then
  exit "$(afci_exit_for_verdict "$verdict")"
fi
exit "$AFCI_OK"
