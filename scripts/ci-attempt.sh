#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One `autofix-gate attempt` for CI (the GitHub Action action.yml and the GitLab CI/CD component
# templates/autofix-gate.yml): runs the attempt in the current directory, then writes the verdict, the
# report's path and the exit code where the CI platform reads them, and summary.md to the job summary.
#
# Environment:
#   AUTOFIX_GATE          the autofix-gate binary (default: autofix-gate on PATH)
#   AUTOFIX_PATCH         the fix as a patch file, or
#   AUTOFIX_FIXER         a fixer command line (run by bash -c from the repository root); exactly one of the two
#   AUTOFIX_BUILD_DIR     the build directory (default: build)
#   AUTOFIX_REPORT_DIR    where the reports go (default: <build dir>/autofix-report)
#   AUTOFIX_OUTPUT        a file to append the results to (GitHub: $GITHUB_OUTPUT; GitLab: a dotenv report)
#   AUTOFIX_OUTPUT_FORMAT github (verdict=..., report=..., exit-code=...) or dotenv (AUTOFIX_VERDICT=...,
#                         AUTOFIX_REPORT=..., AUTOFIX_EXIT_CODE=...); default github
#   AUTOFIX_SUMMARY       a file to append summary.md to (GitHub: $GITHUB_STEP_SUMMARY); optional
#
# Exits with the attempt's code (docs/exit-codes.md): 0 accepted, 1 rejected, 3 needs review, 2/4 errors.
set -uo pipefail

fail() { echo "ci-attempt: error: $*" >&2; exit 2; }

gate=${AUTOFIX_GATE:-autofix-gate}
build_dir=${AUTOFIX_BUILD_DIR:-build}
report_dir=${AUTOFIX_REPORT_DIR:-$build_dir/autofix-report}
format=${AUTOFIX_OUTPUT_FORMAT:-github}
case $format in github|dotenv) ;; *) fail "AUTOFIX_OUTPUT_FORMAT is '$format'; use github or dotenv" ;; esac
[ -n "${AUTOFIX_OUTPUT:-}" ] || fail "AUTOFIX_OUTPUT is not set; name the file the results are appended to"

args=(attempt --build-dir "$build_dir" --report-dir "$report_dir")
if [ -n "${AUTOFIX_PATCH:-}" ] && [ -n "${AUTOFIX_FIXER:-}" ]; then
  fail "both a patch and a fixer were given; give one of them"
elif [ -n "${AUTOFIX_PATCH:-}" ]; then
  [ -f "$AUTOFIX_PATCH" ] || fail "no patch file at '$AUTOFIX_PATCH' (relative to $(pwd))"
  args+=(--patch "$AUTOFIX_PATCH")
elif [ -n "${AUTOFIX_FIXER:-}" ]; then
  args+=(-- bash -c "$AUTOFIX_FIXER")
else
  fail "give the fix: a patch file (input patch) or a fixer command (input fixer)"
fi

rc=0
"$gate" "${args[@]}" || rc=$?

report="$report_dir/report.json"
verdict=error
if [ -f "$report" ]; then
  verdict=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["verdict"])' "$report" 2>/dev/null) || verdict=error
else
  report=
fi
if [ "$format" = github ]; then
  printf 'verdict=%s\nreport=%s\nexit-code=%s\n' "$verdict" "$report" "$rc" >> "$AUTOFIX_OUTPUT"
else
  printf 'AUTOFIX_VERDICT=%s\nAUTOFIX_REPORT=%s\nAUTOFIX_EXIT_CODE=%s\n' "$verdict" "$report" "$rc" >> "$AUTOFIX_OUTPUT"
fi
if [ -n "${AUTOFIX_SUMMARY:-}" ] && [ -f "$report_dir/summary.md" ]; then
  cat "$report_dir/summary.md" >> "$AUTOFIX_SUMMARY"
fi
echo "ci-attempt: verdict $verdict (exit $rc); reports in $report_dir"
exit "$rc"
