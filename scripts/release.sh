#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Cuts release X.Y.Z (docs/releasing.md): sets the project version in CMakeLists.txt, turns the changelog's
# "Unreleased" section into "X.Y.Z - <today>", commits both, makes the annotated tag vX.Y.Z and moves the
# major tag vX (v0 for 0.y.z; annotated, forced) to it, which `uses: <owner>/autofixgate@vX` follows.
# Refuses (exit 2, nothing changed) on a dirty tree, a version that is not X.Y.Z or not newer than the
# current one, an existing tag, or an empty "Unreleased" section. Pushing is left to the caller:
#   git push origin main vX.Y.Z && git push --force origin vX
set -euo pipefail

fail() { echo "release: error: $1" >&2; [ -n "${2:-}" ] && echo "release: hint: $2" >&2; exit 2; }

[ $# -eq 1 ] || fail "usage: scripts/release.sh X.Y.Z" "e.g. scripts/release.sh 0.2.0"
version=$1
[[ $version =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] ||
  fail "'$version' is not a version X.Y.Z" "three numbers without leading zeros, e.g. 0.2.0"

root=$(git rev-parse --show-toplevel 2>/dev/null) || fail "not inside a git work tree" "run it from the AutofixGate checkout"
cd "$root"
[ -z "$(git status --porcelain)" ] || fail "the work tree has uncommitted changes" "commit or stash them first"
git rev-parse -q --verify "refs/tags/v$version" >/dev/null && fail "tag v$version exists already" "pick the next version"

current=$(sed -n 's/^project(AutofixGate VERSION \([0-9.]*\) .*/\1/p' CMakeLists.txt)
[ -n "$current" ] || fail "no 'project(AutofixGate VERSION X.Y.Z ...)' line in CMakeLists.txt"
newest=$(printf '%s\n%s\n' "$current" "$version" | sort -V | tail -n1)
# The first release of a version already in CMakeLists.txt (no tag yet) is allowed; anything older is not.
if [ "$version" = "$current" ]; then
  git rev-parse -q --verify "refs/tags/v$current" >/dev/null && fail "$version is the current version" "pick a newer one"
elif [ "$newest" != "$version" ]; then
  fail "$version is older than the current version $current" "pick a version newer than $current"
fi

[ -f CHANGELOG.md ] || fail "no CHANGELOG.md"
unreleased=$(awk '/^## \[Unreleased\]/{on=1; next} /^## \[/{on=0} on && NF' CHANGELOG.md)
[ -n "$unreleased" ] || fail "the changelog's [Unreleased] section is empty" "list what changed under '## [Unreleased]' first"

today=$(date -u +%Y-%m-%d)
sed -i "s/^project(AutofixGate VERSION [0-9.]* /project(AutofixGate VERSION $version /" CMakeLists.txt
# A fresh, empty Unreleased section above the new release's.
awk -v v="$version" -v d="$today" '
  /^## \[Unreleased\]/ && !done { print; print ""; print "## [" v "] - " d; done=1; next }
  { print }' CHANGELOG.md >CHANGELOG.md.new
mv CHANGELOG.md.new CHANGELOG.md

git add CMakeLists.txt CHANGELOG.md
git commit -q -m "Release $version"
git tag -a "v$version" -m "AutofixGate $version"
major=v${version%%.*}
git tag -a -f "$major" -m "AutofixGate $version (the latest $major.y.z release)" >/dev/null
echo "release: v$version tagged at $(git rev-parse --short HEAD), $major moved there;" \
  "push with: git push origin HEAD v$version && git push --force origin $major"
