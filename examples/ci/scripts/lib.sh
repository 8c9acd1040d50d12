# shellcheck shell=bash disable=SC2034  # AFCI_* variables are read by the scripts that source this
# Shared by the autofix-gate CI scripts (plan.sh, for-each-target.sh, gate.sh, merge-shards.sh, accept.sh,
# review.sh, revert.sh).
# Sourced, never run. Only git, coreutils and (for report.json) jq or python3 are used; the only
# network access is git fetch/push to the configured remote, done by the scripts themselves.

# Exit codes of every script (see examples/ci/README.md).
readonly AFCI_OK=0          # done, or nothing to do
readonly AFCI_FAILED=1      # the operation failed (merge conflict, push refused, hook failed)
readonly AFCI_REFUSED=2     # refused: bad usage, verdict file missing or not the expected verdict
readonly AFCI_GATE_ERROR=4  # the gate itself failed (verdict "error", no report, missing binary)

afci_note() { printf 'autofix-ci: %s\n' "$*" >&2; }

# afci_die CODE MESSAGE...
afci_die() {
  local code=$1
  shift
  printf 'autofix-ci: error: %s\n' "$*" >&2
  exit "$code"
}

# Defaults shared by the stage scripts; every one can be overridden from the environment.
afci_defaults() {
  AFCI_REMOTE=${AUTOFIX_CI_REMOTE:-origin}
  AFCI_TARGET=${AUTOFIX_CI_TARGET_BRANCH:-main}
  AFCI_ARTIFACTS=$(afci_abspath "${AUTOFIX_CI_ARTIFACTS_DIR:-autofix-artifacts}")
  AFCI_VERDICT_FILE=${AUTOFIX_CI_VERDICT_FILE:-$AFCI_ARTIFACTS/verdict.env}
}

# afci_abspath PATH [BASE]: PATH made absolute against BASE (default: the current directory).
afci_abspath() {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "${2:-$PWD}" "$1" ;;
  esac
}

# One line, no control characters, at most 500 characters: safe for a dotenv file and a job output.
afci_one_line() {
  printf '%s' "$1" | tr '\r\n\t' '   ' | tr -d '\000-\037' | cut -c1-500
}

afci_is_zero_sha() { [[ $1 =~ ^0+$ ]]; }

# afci_base_for ROOT HEAD [REF]: the commit a change HEAD is judged against, printed.
# With REF (a CI's "before" commit or the target branch's tip of a pull request): the merge base of REF
# and HEAD, what `git diff REF...HEAD` compares against; for an ancestor of HEAD that is REF itself, for
# a target branch that moved on after the fix branched it is the commit the fix branched from, never the
# newer target (whose changes the fix does not have). An all-zero REF (a new branch) counts as none.
# Without REF: the merge base with REMOTE/TARGET (fetched when missing), else HEAD~1.
afci_base_for() {
  local root=$1 head=$2 ref=${3:-} commit base="" target_ref
  if [ -n "$ref" ] && ! afci_is_zero_sha "$ref"; then
    commit=$(git -C "$root" rev-parse --verify -q "$ref^{commit}") ||
      afci_die "$AFCI_GATE_ERROR" "cannot resolve the base '$ref' (a shallow clone? fetch with depth 0)"
    base=$(git -C "$root" merge-base "$commit" "$head") ||
      afci_die "$AFCI_GATE_ERROR" "the base '$ref' and the head $head have no common history"
    printf '%s\n' "$base"
    return 0
  fi
  target_ref="refs/remotes/$AFCI_REMOTE/$AFCI_TARGET"
  if ! git -C "$root" rev-parse --verify -q "$target_ref" >/dev/null; then
    # CI checkouts often fetch only the branch under test.
    git -C "$root" fetch --quiet --no-tags "$AFCI_REMOTE" "+refs/heads/$AFCI_TARGET:$target_ref" ||
      afci_note "warning: cannot fetch $AFCI_TARGET from $AFCI_REMOTE; the base falls back to HEAD~1"
  fi
  if git -C "$root" rev-parse --verify -q "$target_ref" >/dev/null; then
    base=$(git -C "$root" merge-base "$head" "$target_ref" || true)
  fi
  if [ -z "$base" ] || [ "$base" = "$head" ]; then
    base=$(git -C "$root" rev-parse --verify -q "$head~1^{commit}") ||
      afci_die "$AFCI_GATE_ERROR" "no base: $head has no parent and no AUTOFIX_CI_BASE was given"
  fi
  printf '%s\n' "$base"
}

# afci_json_string FILE KEY: the top-level string KEY of a JSON file, empty when absent.
afci_json_string() {
  local file=$1 key=$2
  if command -v jq >/dev/null 2>&1; then
    jq -r --arg k "$key" 'if type == "object" and (.[$k] | type) == "string" then .[$k] else "" end' \
      "$file" 2>/dev/null || true
  elif command -v python3 >/dev/null 2>&1; then
    python3 - "$file" "$key" <<'PY' 2>/dev/null || true
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    doc = json.load(f)
value = doc.get(sys.argv[2]) if isinstance(doc, dict) else None
print(value if isinstance(value, str) else "")
PY
  else
    afci_die "$AFCI_GATE_ERROR" "reading $file needs jq or python3; install one of them"
  fi
}

# afci_env_get FILE KEY: a value from a KEY=VALUE file. The file is parsed, never sourced: a reason
# or a branch name in it comes from the change under test and must not run as code.
afci_env_get() {
  local file=$1 key=$2 k v
  while IFS='=' read -r k v || [ -n "$k" ]; do
    if [ "$k" = "$key" ]; then
      printf '%s\n' "$v"
      return 0
    fi
  done <"$file"
  return 0
}

# afci_verdict_for_exit CODE: the verdict an autofix-gate exit code stands for.
afci_verdict_for_exit() {
  case $1 in
    0) echo accepted ;;
    1) echo rejected ;;
    3) echo needs_review ;;
    *) echo error ;;
  esac
}

afci_exit_for_verdict() {
  case $1 in
    accepted) echo 0 ;;
    rejected) echo 1 ;;
    needs_review) echo 3 ;;
    *) echo 4 ;;
  esac
}

# afci_write_verdict DIR VERDICT REASON BASE HEAD BRANCH: writes DIR/verdict.txt (the verdict alone)
# and DIR/verdict.env (KEY=VALUE lines for GitLab's artifacts:reports:dotenv and GitHub's
# $GITHUB_OUTPUT), each through a temporary file renamed into place.
afci_write_verdict() {
  local dir=$1 verdict=$2 reason base=$4 head=$5 branch
  reason=$(afci_one_line "$3")
  branch=$(afci_one_line "$6")
  mkdir -p "$dir"
  printf '%s\n' "$verdict" >"$dir/verdict.txt.tmp"
  {
    printf 'AUTOFIX_VERDICT=%s\n' "$verdict"
    printf 'AUTOFIX_EXIT_CODE=%s\n' "$(afci_exit_for_verdict "$verdict")"
    printf 'AUTOFIX_REASON=%s\n' "$reason"
    printf 'AUTOFIX_BASE=%s\n' "$base"
    printf 'AUTOFIX_HEAD=%s\n' "$head"
    printf 'AUTOFIX_BRANCH=%s\n' "$branch"
  } >"$dir/verdict.env.tmp"
  mv -f "$dir/verdict.txt.tmp" "$dir/verdict.txt"
  mv -f "$dir/verdict.env.tmp" "$dir/verdict.env"
}

# afci_load_verdict EXPECTED: reads $AFCI_VERDICT_FILE into AFCI_VERDICT, AFCI_REASON, AFCI_BASE,
# AFCI_HEAD, AFCI_BRANCH. Refuses (exit 2) when the file is missing or malformed. When the verdict is
# not EXPECTED: refuses, or with --skip-other-verdicts (AFCI_SKIP_OTHER=1) says so and exits 0.
afci_load_verdict() {
  local expected=$1
  [ -f "$AFCI_VERDICT_FILE" ] ||
    afci_die "$AFCI_REFUSED" "no verdict file at $AFCI_VERDICT_FILE; run gate.sh (or merge-shards.sh) first"
  AFCI_VERDICT=$(afci_env_get "$AFCI_VERDICT_FILE" AUTOFIX_VERDICT)
  AFCI_REASON=$(afci_env_get "$AFCI_VERDICT_FILE" AUTOFIX_REASON)
  AFCI_BASE=${AUTOFIX_CI_BASE:-$(afci_env_get "$AFCI_VERDICT_FILE" AUTOFIX_BASE)}
  AFCI_HEAD=${AUTOFIX_CI_HEAD:-$(afci_env_get "$AFCI_VERDICT_FILE" AUTOFIX_HEAD)}
  AFCI_BRANCH=${AUTOFIX_CI_BRANCH:-$(afci_env_get "$AFCI_VERDICT_FILE" AUTOFIX_BRANCH)}
  case $AFCI_VERDICT in
    accepted | rejected | needs_review | error) ;;
    *) afci_die "$AFCI_REFUSED" "$AFCI_VERDICT_FILE has no valid AUTOFIX_VERDICT (found '${AFCI_VERDICT}')" ;;
  esac
  if [ "$AFCI_VERDICT" != "$expected" ]; then
    if [ "${AFCI_SKIP_OTHER:-0}" = 1 ]; then
      afci_note "verdict is $AFCI_VERDICT, not $expected: nothing to do"
      exit "$AFCI_OK"
    fi
    afci_die "$AFCI_REFUSED" "verdict is $AFCI_VERDICT, not $expected (from $AFCI_VERDICT_FILE); refusing"
  fi
}

# Options every stage script takes.
afci_stage_usage() {
  cat <<USAGE
usage: $1 [--verdict FILE] [--skip-other-verdicts]
  --verdict FILE          the verdict.env that gate.sh or merge-shards.sh wrote
                          (default: \$AUTOFIX_CI_VERDICT_FILE, else \$AUTOFIX_CI_ARTIFACTS_DIR/verdict.env)
  --skip-other-verdicts   exit 0 without doing anything when the verdict is another one
                          (for CI systems that cannot skip a job on a verdict known only at run time)
See examples/ci/README.md for the environment variables.
USAGE
}

afci_parse_stage_args() {
  local name=$1
  shift
  AFCI_SKIP_OTHER=${AUTOFIX_CI_SKIP_OTHER_VERDICTS:-0}
  while [ $# -gt 0 ]; do
    case $1 in
      --verdict)
        [ $# -ge 2 ] || afci_die "$AFCI_REFUSED" "--verdict needs a file"
        AFCI_VERDICT_FILE=$2
        shift 2
        ;;
      --skip-other-verdicts)
        AFCI_SKIP_OTHER=1
        shift
        ;;
      -h | --help)
        afci_stage_usage "$name"
        exit "$AFCI_OK"
        ;;
      *)
        afci_stage_usage "$name" >&2
        afci_die "$AFCI_REFUSED" "unknown argument '$1'"
        ;;
    esac
  done
}

# git with a committer identity when the checkout has none (CI runners usually have none).
afci_git() {
  local args=()
  git config user.name >/dev/null 2>&1 || args+=(-c "user.name=${AUTOFIX_CI_GIT_NAME:-autofix-gate}")
  git config user.email >/dev/null 2>&1 ||
    args+=(-c "user.email=${AUTOFIX_CI_GIT_EMAIL:-autofix-gate@users.noreply.invalid}")
  git "${args[@]}" "$@"
}

afci_require_repo() {
  git rev-parse --git-dir >/dev/null 2>&1 ||
    afci_die "$AFCI_REFUSED" "$PWD is not a git repository; run from the checkout"
  git remote get-url "$AFCI_REMOTE" >/dev/null 2>&1 ||
    afci_die "$AFCI_REFUSED" "no git remote '$AFCI_REMOTE' (set AUTOFIX_CI_REMOTE)"
}

# afci_fetch_target: fetches the target branch into refs/remotes/REMOTE/TARGET; sets AFCI_TARGET_SHA.
afci_fetch_target() {
  git fetch --quiet --no-tags "$AFCI_REMOTE" \
    "+refs/heads/$AFCI_TARGET:refs/remotes/$AFCI_REMOTE/$AFCI_TARGET" ||
    afci_die "$AFCI_FAILED" "git fetch of $AFCI_TARGET from $AFCI_REMOTE failed"
  AFCI_TARGET_SHA=$(git rev-parse --verify -q "refs/remotes/$AFCI_REMOTE/$AFCI_TARGET^{commit}") ||
    afci_die "$AFCI_FAILED" "$AFCI_REMOTE has no branch $AFCI_TARGET"
}

# afci_worktree_start COMMIT: a detached temporary worktree at COMMIT in AFCI_WT, so the CI checkout
# (its build and artifact directories) is never touched. Removed on exit.
afci_worktree_start() {
  AFCI_WT_PARENT=$(mktemp -d "${TMPDIR:-/tmp}/autofix-ci.XXXXXX")
  AFCI_WT=$AFCI_WT_PARENT/worktree
  trap afci_worktree_cleanup EXIT
  git worktree add --quiet --detach "$AFCI_WT" "$1" ||
    afci_die "$AFCI_FAILED" "cannot create a temporary worktree at $1"
}

afci_worktree_cleanup() {
  if [ -n "${AFCI_WT:-}" ]; then
    git worktree remove --force "$AFCI_WT" >/dev/null 2>&1 || true
    git worktree prune >/dev/null 2>&1 || true
  fi
  [ -z "${AFCI_WT_PARENT:-}" ] || rm -rf "$AFCI_WT_PARENT"
}

# Removes the temporary worktree now (not only on exit).
afci_worktree_done() {
  afci_worktree_cleanup
  AFCI_WT=""
  AFCI_WT_PARENT=""
}
