#!/usr/bin/env bash
# revert.sh: the `revert` stage, for a fix that landed on the target branch before the gate ran.
# When the verdict is "rejected", reverts the judged commits (AUTOFIX_BASE..AUTOFIX_HEAD of
# verdict.env, first-parent history, merges reverted against their first parent) in one revert
# commit on top of the remote target branch, and pushes it. Idempotent: when the target already holds
# a revert of that range (ours, found by its Autofix-Reverts trailer, or a `git revert` of every
# commit), it does nothing. A fix that is not on the target branch is left alone.
# Refuses (exit 2) when the verdict file is missing or the verdict is not "rejected"; fails (exit 1)
# when the revert conflicts with later commits on the target, pushing nothing.
#
#   revert.sh [--verdict FILE] [--skip-other-verdicts]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

afci_defaults
afci_parse_stage_args revert.sh "$@"
afci_require_repo
afci_load_verdict rejected
if [ -z "$AFCI_BASE" ] || [ -z "$AFCI_HEAD" ]; then
  afci_die "$AFCI_REFUSED" "$AFCI_VERDICT_FILE names no AUTOFIX_BASE/AUTOFIX_HEAD; cannot tell what to revert"
fi
for c in "$AFCI_BASE" "$AFCI_HEAD"; do
  git cat-file -e "$c^{commit}" 2>/dev/null ||
    afci_die "$AFCI_REFUSED" "commit $c is not in this checkout (a shallow clone? fetch with depth 0)"
done
git merge-base --is-ancestor "$AFCI_BASE" "$AFCI_HEAD" ||
  afci_die "$AFCI_REFUSED" "the base $AFCI_BASE is not an ancestor of the head $AFCI_HEAD"
range="$AFCI_BASE..$AFCI_HEAD"
mapfile -t commits < <(git rev-list --first-parent "$range")
[ ${#commits[@]} -gt 0 ] || { afci_note "no commits in $range; nothing to revert"; exit "$AFCI_OK"; }

# already_reverted: true when TARGET (after HEAD) already undoes the range.
already_reverted() {
  local found c
  found=$(git log --format=%h -F --grep="Autofix-Reverts: $range" "$AFCI_HEAD..$AFCI_TARGET_SHA" | head -n1)
  if [ -n "$found" ]; then
    afci_note "$AFCI_TARGET already reverts $range in $found; nothing to do"
    return 0
  fi
  for c in "${commits[@]}"; do
    git log --format=%B "$AFCI_HEAD..$AFCI_TARGET_SHA" | grep -qF "This reverts commit $c" || return 1
  done
  afci_note "every commit of $range is already reverted on $AFCI_TARGET; nothing to do"
  return 0
}

attempts=${AUTOFIX_CI_PUSH_ATTEMPTS:-3}
for ((attempt = 1; ; attempt++)); do
  afci_fetch_target
  if ! git merge-base --is-ancestor "$AFCI_HEAD" "$AFCI_TARGET_SHA"; then
    afci_note "$(git rev-parse --short "$AFCI_HEAD") is not on $AFCI_TARGET; nothing to revert (the rejected fix never landed)"
    exit "$AFCI_OK"
  fi
  if already_reverted; then
    exit "$AFCI_OK"
  fi

  afci_note "reverting ${#commits[@]} commit(s) of $range on $AFCI_TARGET"
  afci_worktree_start "$AFCI_TARGET_SHA"
  for c in "${commits[@]}"; do
    parent_opt=()
    [ "$(git rev-list --no-walk --parents "$c" | wc -w)" -le 2 ] || parent_opt=(-m 1)
    if ! afci_git -C "$AFCI_WT" revert --no-commit "${parent_opt[@]}" "$c" >&2; then
      conflicts=$(git -C "$AFCI_WT" diff --name-only --diff-filter=U | tr '\n' ' ')
      afci_die "$AFCI_FAILED" "reverting $(git rev-parse --short "$c") conflicts with later commits on $AFCI_TARGET in: ${conflicts:-(see above)}; nothing was pushed, revert it by hand"
    fi
  done
  if git -C "$AFCI_WT" diff --cached --quiet; then
    afci_note "$AFCI_TARGET already has none of the changes of $range; nothing to revert"
    exit "$AFCI_OK"
  fi
  {
    printf 'Revert rejected autofix %s\n\n' "${AFCI_BRANCH:-$(git rev-parse --short "$AFCI_BASE")..$(git rev-parse --short "$AFCI_HEAD")}"
    printf 'autofix-gate rejected this change after it landed on %s' "$AFCI_TARGET"
    if [ -n "$AFCI_REASON" ]; then printf ': %s' "$AFCI_REASON"; fi
    printf '\n\n'
    for c in "${commits[@]}"; do printf 'This reverts commit %s.\n' "$c"; done
    printf '\nAutofix-Verdict: rejected\nAutofix-Reverts: %s\n' "$range"
  } | afci_git -C "$AFCI_WT" commit --quiet --no-verify -F -
  new=$(git -C "$AFCI_WT" rev-parse HEAD)
  afci_worktree_done
  if git push --quiet "$AFCI_REMOTE" "$new:refs/heads/$AFCI_TARGET"; then
    afci_note "pushed revert $(git rev-parse --short "$new") to $AFCI_TARGET on $AFCI_REMOTE"
    exit "$AFCI_OK"
  fi
  [ "$attempt" -lt "$attempts" ] ||
    afci_die "$AFCI_FAILED" "pushing the revert to $AFCI_TARGET on $AFCI_REMOTE failed $attempts times (moving target, or no permission to push?)"
  afci_note "push refused ($AFCI_TARGET moved?); fetching and trying again ($attempt/$attempts)"
done
