#!/usr/bin/env bash
# accept.sh: the `accept` stage. When the verdict is "accepted", brings the exact commit the gate
# judged (AUTOFIX_HEAD in verdict.env) into the target branch on the remote: a fast-forward when the
# target has not moved, else a merge commit; then pushes. Refuses (exit 2) when the verdict file is
# missing or the verdict is not "accepted", or when the fix branch moved after the gate judged it.
# A merge conflict with a target that moved fails (exit 1), naming the files, and pushes nothing.
#
#   accept.sh [--verdict FILE] [--skip-other-verdicts]
#
# AUTOFIX_CI_FAST_FORWARD_ONLY=1 refuses to merge when the target moved (only the judged tree lands);
# AUTOFIX_CI_DELETE_BRANCH=1 deletes the fix branch on the remote once it is merged.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

afci_defaults
afci_parse_stage_args accept.sh "$@"
afci_require_repo
afci_load_verdict accepted
[ -n "$AFCI_HEAD" ] || afci_die "$AFCI_REFUSED" "$AFCI_VERDICT_FILE names no AUTOFIX_HEAD; nothing to merge"
branch=$AFCI_BRANCH
[ "$branch" != "$AFCI_TARGET" ] || branch=""  # judged on the target itself: nothing to merge

# The fix branch must still be the commit the gate judged: anything pushed since was not judged.
if [ -n "$branch" ]; then
  git check-ref-format --branch "$branch" >/dev/null 2>&1 ||
    afci_die "$AFCI_REFUSED" "'$branch' is not a valid branch name"
  git fetch --quiet --no-tags "$AFCI_REMOTE" "+refs/heads/$branch:refs/remotes/$AFCI_REMOTE/$branch" ||
    afci_die "$AFCI_REFUSED" "the fix branch $branch is not on $AFCI_REMOTE (deleted after the gate ran?)"
  tip=$(git rev-parse "refs/remotes/$AFCI_REMOTE/$branch^{commit}")
  [ "$tip" = "$AFCI_HEAD" ] ||
    afci_die "$AFCI_REFUSED" "$branch is now at $tip, but the gate judged $AFCI_HEAD; run the gate on the new commit"
fi
git cat-file -e "$AFCI_HEAD^{commit}" 2>/dev/null ||
  afci_die "$AFCI_REFUSED" "the judged commit $AFCI_HEAD is not in this checkout; fetch it first"
short=$(git rev-parse --short "$AFCI_HEAD")

attempts=${AUTOFIX_CI_PUSH_ATTEMPTS:-3}
for ((attempt = 1; ; attempt++)); do
  afci_fetch_target
  if git merge-base --is-ancestor "$AFCI_HEAD" "$AFCI_TARGET_SHA"; then
    afci_note "$short is already in $AFCI_TARGET; nothing to merge"
    break
  fi
  if git merge-base --is-ancestor "$AFCI_TARGET_SHA" "$AFCI_HEAD"; then
    afci_note "fast-forwarding $AFCI_TARGET to $short"
    new=$AFCI_HEAD
  else
    [ "${AUTOFIX_CI_FAST_FORWARD_ONLY:-0}" != 1 ] ||
      afci_die "$AFCI_FAILED" "$AFCI_TARGET moved since ${branch:-the fix} was judged and AUTOFIX_CI_FAST_FORWARD_ONLY=1; rebase the fix and run the gate again"
    afci_note "$AFCI_TARGET moved to $(git rev-parse --short "$AFCI_TARGET_SHA"); merging $short into it"
    afci_worktree_start "$AFCI_TARGET_SHA"
    message="Merge autofix ${branch:-$short} into $AFCI_TARGET

Accepted by autofix-gate${AFCI_REASON:+: $AFCI_REASON}

Autofix-Verdict: accepted
Autofix-Head: $AFCI_HEAD"
    if ! afci_git -C "$AFCI_WT" merge --quiet --no-ff --no-edit -m "$message" "$AFCI_HEAD" >&2; then
      conflicts=$(git -C "$AFCI_WT" diff --name-only --diff-filter=U | tr '\n' ' ')
      git -C "$AFCI_WT" merge --abort >/dev/null 2>&1 || true
      afci_die "$AFCI_FAILED" "merging ${branch:-$short} into $AFCI_TARGET conflicts in: ${conflicts:-(see above)}; nothing was pushed. Rebase the fix on $AFCI_TARGET and run the gate again"
    fi
    new=$(git -C "$AFCI_WT" rev-parse HEAD)
    afci_worktree_done
  fi
  # A plain push: the remote refuses it unless it is a fast-forward of what we fetched.
  if git push --quiet "$AFCI_REMOTE" "$new:refs/heads/$AFCI_TARGET"; then
    afci_note "pushed $AFCI_TARGET = $(git rev-parse --short "$new") to $AFCI_REMOTE"
    break
  fi
  [ "$attempt" -lt "$attempts" ] ||
    afci_die "$AFCI_FAILED" "pushing $AFCI_TARGET to $AFCI_REMOTE failed $attempts times (moving target, or no permission to push?)"
  afci_note "push refused ($AFCI_TARGET moved?); fetching and trying again ($attempt/$attempts)"
done

if [ -n "$branch" ] && [ "${AUTOFIX_CI_DELETE_BRANCH:-0}" = 1 ]; then
  # Only if the branch is still the judged commit.
  if git push --quiet --force-with-lease="refs/heads/$branch:$AFCI_HEAD" "$AFCI_REMOTE" ":refs/heads/$branch"; then
    afci_note "deleted $branch on $AFCI_REMOTE"
  else
    afci_note "warning: could not delete $branch on $AFCI_REMOTE"
  fi
fi
exit "$AFCI_OK"
