#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# health.sh: the scheduled `health` stage (docs/rollback.md#health). On the target branch as the remote has
# it now, re-judges every autofix commit that landed in the window with `autofix-gate health --revert`:
# each fix against the branch without it, so a fix that breaks only together with later work is caught.
# The reverts it makes (commits carrying Autofix-Health: <id>) are pushed to the target branch, then the
# history (refs/autofix/history) is synced with the remote, so the next job and the breaker see it.
# Exit: 0 healthy, or the unhealthy fixes reverted and pushed; 1 an unhealthy fix is left, or the push
# failed (the target moved: the next run judges again); 2 bad usage; 4 the gate could not judge.
#
#   health.sh [--since DURATION|DATE|REF]     (default AUTOFIX_HEALTH_SINCE, else 24h)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

afci_defaults
since=${AUTOFIX_HEALTH_SINCE:-24h}
while [ $# -gt 0 ]; do
  case $1 in
    --since) [ $# -ge 2 ] || afci_die "$AFCI_REFUSED" "--since needs a value (24h, 7d, a date or a commit)"
             since=$2; shift 2 ;;
    *) afci_die "$AFCI_REFUSED" "unknown argument '$1'; usage: health.sh [--since DURATION|DATE|REF]" ;;
  esac
done
afci_require_repo
gate_bin=${AUTOFIX_GATE:-autofix-gate}
command -v "$gate_bin" >/dev/null 2>&1 ||
  afci_die "$AFCI_GATE_ERROR" "autofix-gate not found ('$gate_bin'); put it on PATH or set AUTOFIX_GATE"

afci_fetch_target
# The gate moves HEAD itself when it reverts (a detached HEAD, as CI checks out): start at the target.
git checkout --quiet --detach "$AFCI_TARGET_SHA" ||
  afci_die "$AFCI_FAILED" "cannot check out $AFCI_TARGET ($AFCI_TARGET_SHA): is the checkout clean?"
afci_note "health of $AFCI_TARGET at $(git rev-parse --short HEAD), autofix commits since $since"
build_args=()
[ -z "${AUTOFIX_CI_BUILD_DIR:-}" ] || build_args=(--build-dir "$AUTOFIX_CI_BUILD_DIR")
# The reverts are commits: a runner without a git identity gets the one the other stages use.
git config user.name >/dev/null 2>&1 || export GIT_AUTHOR_NAME=${AUTOFIX_CI_GIT_NAME:-autofix-gate} \
  GIT_COMMITTER_NAME=${AUTOFIX_CI_GIT_NAME:-autofix-gate}
git config user.email >/dev/null 2>&1 || export GIT_AUTHOR_EMAIL=${AUTOFIX_CI_GIT_EMAIL:-autofix-gate@users.noreply.invalid} \
  GIT_COMMITTER_EMAIL=${AUTOFIX_CI_GIT_EMAIL:-autofix-gate@users.noreply.invalid}
set +e
"$gate_bin" health --since "$since" --revert "${build_args[@]}"
rc=$?
set -e
after=$(git rev-parse HEAD)
if [ "$after" != "$AFCI_TARGET_SHA" ]; then
  afci_note "pushing the reverts ($(git rev-list --count "$AFCI_TARGET_SHA..$after") commit(s)) to $AFCI_TARGET"
  # No force: when the target moved meanwhile the push is refused, and the next scheduled run judges again.
  git push --quiet "$AFCI_REMOTE" "$after:refs/heads/$AFCI_TARGET" ||
    afci_die "$AFCI_FAILED" "pushing the reverts to $AFCI_TARGET failed (it moved meanwhile?); nothing was forced, the next run judges again"
fi
"$gate_bin" history sync "$AFCI_REMOTE" ||
  afci_note "warning: the history could not be synced with $AFCI_REMOTE (the verdicts stand; see docs/history.md)"
case $rc in
  0) exit "$AFCI_OK" ;;
  1) afci_die "$AFCI_FAILED" "an unhealthy autofix commit is left on $AFCI_TARGET (see the report above)" ;;
  2) exit "$AFCI_REFUSED" ;;
  *) afci_die "$AFCI_GATE_ERROR" "autofix-gate health could not judge (exit $rc)" ;;
esac
