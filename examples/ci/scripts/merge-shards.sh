#!/usr/bin/env bash
# merge-shards.sh: the `merge` stage of a sharded gate. Finds the partial.json each `gate.sh --shard K/N`
# left (searching the directories given, default the artifacts directory), runs
# `autofix-gate merge <partial.json...> --out ARTIFACTS/report`, and writes verdict.txt / verdict.env as
# gate.sh does.
#
#   merge-shards.sh [DIR...]
#
# Exit code as gate.sh: 0 when a verdict was reached (4 on a gate error: a shard missing, shards that
# judged different commits, `merge` failing); AUTOFIX_CI_EXIT_WITH_VERDICT=1 exits with the verdict's code.
# AUTOFIX_CI_SHARDS=N makes it check that exactly N partial results are there; with AUTOFIX_CI_HEAD set,
# only the partial results that judged that commit count.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case ${1:-} in
  -h | --help)
    sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
    exit 0
    ;;
esac
afci_defaults
gate_bin=${AUTOFIX_GATE:-autofix-gate}
command -v "$gate_bin" >/dev/null 2>&1 ||
  afci_die "$AFCI_GATE_ERROR" "autofix-gate not found ('$gate_bin'); put it on PATH or set AUTOFIX_GATE"
[ $# -gt 0 ] || set -- "$AFCI_ARTIFACTS"

# With AUTOFIX_CI_HEAD (for-each-target.sh sets it): only the shards that judged that commit, so that the
# shards of several changes can lie under one directory.
want_head=""
if [ -n "${AUTOFIX_CI_HEAD:-}" ]; then
  want_head=$(git rev-parse --verify -q "$AUTOFIX_CI_HEAD^{commit}" 2>/dev/null || printf '%s' "$AUTOFIX_CI_HEAD")
fi
partials=()
while IFS= read -r -d '' file; do
  env_file=$(dirname "$file")/shard.env
  if [ -n "$want_head" ] && [ -f "$env_file" ] && [ "$(afci_env_get "$env_file" AUTOFIX_HEAD)" != "$want_head" ]; then
    continue
  fi
  partials+=("$file")
done < <(find "$@" -name partial.json -type f -print0 | sort -z)
[ ${#partials[@]} -gt 0 ] || afci_die "$AFCI_GATE_ERROR" "no partial.json${want_head:+ of $want_head} found under: $*"
if [ -n "${AUTOFIX_CI_SHARDS:-}" ] && [ "${#partials[@]}" -ne "$AUTOFIX_CI_SHARDS" ]; then
  afci_die "$AFCI_GATE_ERROR" "found ${#partials[@]} partial results, expected $AUTOFIX_CI_SHARDS: a shard is missing"
fi

# Every shard must have judged the same change.
base="" head="" branch=""
for file in "${partials[@]}"; do
  env_file=$(dirname "$file")/shard.env
  [ -f "$env_file" ] || afci_die "$AFCI_GATE_ERROR" "$file has no shard.env beside it; was it written by gate.sh --shard?"
  b=$(afci_env_get "$env_file" AUTOFIX_BASE)
  h=$(afci_env_get "$env_file" AUTOFIX_HEAD)
  if [ -z "$head" ]; then
    base=$b head=$h branch=$(afci_env_get "$env_file" AUTOFIX_BRANCH)
  elif [ "$b" != "$base" ] || [ "$h" != "$head" ]; then
    afci_die "$AFCI_GATE_ERROR" "shards judged different changes ($base..$head and $b..$h)"
  fi
done

out=$AFCI_ARTIFACTS/report
rm -rf "$out"
mkdir -p "$out"
afci_note "merging ${#partials[@]} partial results into $out"
rc=0
"$gate_bin" merge "${partials[@]}" --out "$out" || rc=$?
afci_note "autofix-gate merge exited $rc"

verdict=error
reason="autofix-gate merge exited $rc and wrote no report.json"
if [ -s "$out/report.json" ]; then
  verdict=$(afci_json_string "$out/report.json" verdict)
  reason=$(afci_json_string "$out/report.json" reason)
  if [ "$verdict" != "$(afci_verdict_for_exit "$rc")" ]; then
    reason="autofix-gate merge exited $rc but report.json says '$verdict'"
    verdict=error
  fi
fi
if [ ! -s "$out/summary.md" ]; then
  printf '# autofix-gate: %s\n\n%s\n' "$verdict" "${reason:-no summary.md was written}" >"$out/summary.md"
fi
afci_write_verdict "$AFCI_ARTIFACTS" "$verdict" "$reason" "$base" "$head" "$branch"
afci_note "verdict: $verdict${reason:+ ($reason)}; reports in $out"

[ "$verdict" != error ] || exit "$AFCI_GATE_ERROR"
if [ "${AUTOFIX_CI_EXIT_WITH_VERDICT:-0}" = 1 ]; then
  exit "$(afci_exit_for_verdict "$verdict")"
fi
exit "$AFCI_OK"
