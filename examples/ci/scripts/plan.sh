#!/usr/bin/env bash
# plan.sh: the `plan` step. Decides which changes a CI event asks the gate to judge, each as BASE..HEAD,
# and prints them as KEY=VALUE lines (valid for GitHub's $GITHUB_OUTPUT and GitLab's dotenv reports),
# also written to ARTIFACTS/plan.env:
#
#   AUTOFIX_TARGETS=<base>..<head> [<base>..<head> ...]   (empty: nothing to judge)
#   AUTOFIX_TARGET_COUNT=<n>
#
#   plan.sh
#
# What is judged, by AUTOFIX_CI_EVENT:
#   push, to the target branch: every fix commit the push added (AUTOFIX_CI_BEFORE..AUTOFIX_CI_HEAD, first
#     parents), each against its first parent, so that each gets its own verdict and a rejected one is
#     reverted alone. A fix commit carries an "Autofix-<Key>:" trailer line; the gate's own merge and
#     revert commits ("Autofix-Verdict:") are not fixes. More than AUTOFIX_CI_MAX_TARGETS fix commits
#     (default 20) are judged as one change, the whole push, with a warning.
#   push, to another branch (a fix branch): the branch against its merge base with the target branch.
#   pull_request (GitHub) or merge_request (GitLab): the head against its merge base with AUTOFIX_CI_BASE
#     (the target branch's commit the CI names; GitLab's CI_MERGE_REQUEST_DIFF_BASE_SHA already is the
#     merge base), else with the target branch. When AUTOFIX_CI_HEAD_REPOSITORY and AUTOFIX_CI_REPOSITORY
#     differ, the change comes from a fork: refused (exit 2), since a fork's pipeline has neither the
#     variables nor the right to push.
#   AUTOFIX_CI_BASE_COMMIT set (a commit id, branch or tag; the GitLab component's `base` input): whatever
#     the event, one change, the head against that commit (against their merge base when it is not an
#     ancestor of the head); a fork is still refused.
# Exit: 0 planned (possibly nothing); 2 refused (bad usage, a fork); 4 the commits cannot be read.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case ${1:-} in
  "") ;;
  -h | --help)
    sed -n '2,27s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
    exit 0
    ;;
  *) afci_die "$AFCI_REFUSED" "unknown argument '$1' (usage: plan.sh; the event comes from AUTOFIX_CI_* variables)" ;;
esac
afci_defaults
root=$(git -C "${AUTOFIX_CI_SOURCE_DIR:-.}" rev-parse --show-toplevel 2>/dev/null) ||
  afci_die "$AFCI_GATE_ERROR" "${AUTOFIX_CI_SOURCE_DIR:-$PWD} is not inside a git checkout"
event=${AUTOFIX_CI_EVENT:-push}
head=$(git -C "$root" rev-parse --verify -q "${AUTOFIX_CI_HEAD:-HEAD}^{commit}") ||
  afci_die "$AFCI_GATE_ERROR" "cannot resolve the head '${AUTOFIX_CI_HEAD:-HEAD}' (a shallow clone? fetch with depth 0)"
branch=${AUTOFIX_CI_BRANCH:-$(git -C "$root" symbolic-ref --short -q HEAD || true)}
max=${AUTOFIX_CI_MAX_TARGETS:-20}
[[ $max =~ ^[1-9][0-9]*$ ]] || afci_die "$AFCI_REFUSED" "AUTOFIX_CI_MAX_TARGETS is '$max'; a positive number"

# is_fix COMMIT: the commit message has an Autofix- trailer line and is not one of our own commits.
is_fix() {
  local message
  message=$(git -C "$root" log -1 --format=%B "$1")
  grep -Eq '^Autofix-[A-Za-z0-9-]+:' <<<"$message" && ! grep -Eq '^Autofix-Verdict:' <<<"$message"
}

targets=()
case $event in
  pull_request | merge_request)
    head_repo=${AUTOFIX_CI_HEAD_REPOSITORY-}
    this_repo=${AUTOFIX_CI_REPOSITORY-}
    if [ -n "$this_repo" ] && [ "$head_repo" != "$this_repo" ]; then
      afci_die "$AFCI_REFUSED" "this $event comes from ${head_repo:-a repository that no longer exists}, not from $this_repo: the gate judges only branches of $this_repo (a fork's pipeline gets no variables or secrets and cannot push). Push the branch to $this_repo and open the $event from there"
    fi
    base=$(afci_base_for "$root" "$head" "${AUTOFIX_CI_BASE:-}")
    targets+=("$base..$head")
    ;;
  push)
    if [ -n "$branch" ] && [ "$branch" != "$AFCI_TARGET" ]; then
      base=$(afci_base_for "$root" "$head")
      targets+=("$base..$head")
    else
      before=${AUTOFIX_CI_BEFORE:-}
      if [ -z "$before" ] || afci_is_zero_sha "$before"; then
        range=$head^!  # a new branch, or a pipeline run by hand: the head commit alone
        before=""
      else
        before=$(afci_base_for "$root" "$head" "$before")  # a force push: from the common history
        range=$before..$head
      fi
      mapfile -t commits < <(git -C "$root" rev-list --first-parent --reverse "$range")
      fixes=()
      for c in "${commits[@]}"; do
        if is_fix "$c"; then fixes+=("$c"); fi
      done
      if [ ${#fixes[@]} -gt "$max" ] && [ -n "$before" ]; then
        afci_note "warning: $AFCI_TARGET got ${#fixes[@]} fix commits in one push (more than AUTOFIX_CI_MAX_TARGETS=$max); judging them as one change $before..$head"
        targets+=("$before..$head")
      else
        for c in "${fixes[@]}"; do
          parent=$(git -C "$root" rev-parse --verify -q "$c^1^{commit}") || {
            afci_note "warning: the fix commit $c has no parent; it cannot be judged"
            continue
          }
          targets+=("$parent..$c")
        done
      fi
      afci_note "$AFCI_TARGET: ${#commits[@]} commit(s) pushed, ${#fixes[@]} of them fix commit(s)"
    fi
    ;;
  *) afci_die "$AFCI_REFUSED" "AUTOFIX_CI_EVENT is '$event'; one of push, pull_request, merge_request" ;;
esac

if [ -n "${AUTOFIX_CI_BASE_COMMIT:-}" ]; then
  base=$(afci_base_for "$root" "$head" "$AUTOFIX_CI_BASE_COMMIT")
  afci_note "AUTOFIX_CI_BASE_COMMIT is '$AUTOFIX_CI_BASE_COMMIT': judging one change, $base..$head"
  targets=("$base..$head")
fi
for t in "${targets[@]}"; do afci_note "to judge: $t"; done
[ ${#targets[@]} -gt 0 ] || afci_note "nothing to judge"
mkdir -p "$AFCI_ARTIFACTS"
{
  printf 'AUTOFIX_TARGETS=%s\n' "${targets[*]}"
  printf 'AUTOFIX_TARGET_COUNT=%s\n' "${#targets[@]}"
} | tee "$AFCI_ARTIFACTS/plan.env"
exit "$AFCI_OK"
