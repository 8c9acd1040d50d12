#!/usr/bin/env bash
# review.sh: the `review` path. When the verdict is "needs_review", runs the labelling hook and leaves
# the fix branch and the target branch alone. Refuses (exit 2) when the verdict file is missing or the
# verdict is not "needs_review"; exits 1 when the hook fails.
#
#   review.sh [--verdict FILE] [--skip-other-verdicts]
#
# The hook is AUTOFIX_REVIEW_COMMAND, run with `bash -c` and these arguments, so that the branch name
# (which comes from the change) is data, never code:
#   $1 the fix branch   $2 the judged commit   $3 the summary.md of the report (may not exist)
# and AUTOFIX_VERDICT, AUTOFIX_REASON, AUTOFIX_BRANCH, AUTOFIX_HEAD, AUTOFIX_BASE in its environment.
# Examples: 'gh pr edit "$1" --add-label autofix-needs-review' (GitHub), a curl to the GitLab API.
# Without AUTOFIX_REVIEW_COMMAND it prints what it would do and changes nothing.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

afci_defaults
afci_parse_stage_args review.sh "$@"
afci_load_verdict needs_review
[ -n "$AFCI_BRANCH" ] || afci_note "warning: $AFCI_VERDICT_FILE names no branch; the hook gets an empty \$1"
summary=$(dirname "$AFCI_VERDICT_FILE")/report/summary.md

if [ -z "${AUTOFIX_REVIEW_COMMAND:-}" ]; then
  afci_note "needs review: ${AFCI_BRANCH:-(no branch)} at ${AFCI_HEAD:-?}${AFCI_REASON:+ ($AFCI_REASON)}"
  afci_note "would label it for review; set AUTOFIX_REVIEW_COMMAND to do so (e.g. gh pr edit \"\$1\" --add-label autofix-needs-review)"
  exit "$AFCI_OK"
fi

afci_note "needs review: running the review hook for ${AFCI_BRANCH:-(no branch)}"
export AUTOFIX_VERDICT=$AFCI_VERDICT AUTOFIX_REASON=$AFCI_REASON AUTOFIX_BRANCH=$AFCI_BRANCH \
  AUTOFIX_HEAD=$AFCI_HEAD AUTOFIX_BASE=$AFCI_BASE
rc=0
bash -c "$AUTOFIX_REVIEW_COMMAND" autofix-review "$AFCI_BRANCH" "$AFCI_HEAD" "$summary" || rc=$?
[ "$rc" -eq 0 ] || afci_die "$AFCI_FAILED" "the review hook (AUTOFIX_REVIEW_COMMAND) exited $rc"
afci_note "review hook done; ${AFCI_BRANCH:-the fix} left as it is"
exit "$AFCI_OK"
