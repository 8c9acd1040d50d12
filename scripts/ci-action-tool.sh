#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Gets the autofix-gate binary for the GitHub Action (action.yml; docs/ci-components.md).
#
#   ci-action-tool.sh locate   decides where the binary comes from and writes to $GITHUB_OUTPUT:
#                              deb (the release's .deb, downloaded), dir (the source to build), tool (the
#                              install prefix actions/cache keeps), key (the cache key), gate (the binary)
#   ci-action-tool.sh install  installs the .deb, or builds dir into tool unless CACHE_HIT is true
#
# locate: with VERSION (X.Y.Z or vX.Y.Z), the asset autofix-gate_*.deb of the release vX.Y.Z of
# ACTION_REPOSITORY (gh release download, GH_TOKEN); without that asset, the tag vX.Y.Z cloned from
# SERVER_URL/ACTION_REPOSITORY and built; without VERSION, the action's own source (ACTION_PATH) built.
# The cache key is the runner OS, the version ("source" without one) and a hash of the source files that
# make the binary, so a build is made once per version and source and restored by every later job.
set -euo pipefail

fail() { echo "::error title=autofix-gate::ci-action-tool: error: $*" >&2; exit 2; }
sudo_cmd() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

case ${1:-} in
  locate)
    : "${RUNNER_TEMP:?RUNNER_TEMP is not set: run this in a GitHub Actions job}"
    tool=$RUNNER_TEMP/autofix-gate-tool
    source=$ACTION_PATH
    deb=""
    version=${VERSION:-}
    if [ -n "$version" ]; then
      [[ $version =~ ^v?[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "the input version is '$version'; give a release X.Y.Z"
      tag=v${version#v}
      debs=$RUNNER_TEMP/autofix-gate-deb
      rm -rf "$debs"
      if gh release download "$tag" --repo "$ACTION_REPOSITORY" --pattern 'autofix-gate_*.deb' --dir "$debs" 2>/dev/null &&
        deb=$(find "$debs" -name 'autofix-gate_*.deb' | head -n 1) && [ -n "$deb" ]; then
        echo "ci-action-tool: using $(basename "$deb") of the release $tag"
      else
        deb=""
        echo "ci-action-tool: the release $tag of $ACTION_REPOSITORY has no .deb; building $tag from source"
        source=$RUNNER_TEMP/autofix-gate-source
        rm -rf "$source"
        git clone --quiet --depth 1 --branch "$tag" "$SERVER_URL/$ACTION_REPOSITORY.git" "$source" ||
          fail "cannot fetch the tag $tag of $SERVER_URL/$ACTION_REPOSITORY; give an existing release as version"
      fi
    fi
    # What makes the binary (an older release may lack some of these).
    parts=()
    for p in CMakeLists.txt CHANGELOG.md docs/exit-codes.md cmake gate runners reporters completions; do
      [ ! -e "$source/$p" ] || parts+=("$p")
    done
    [ ${#parts[@]} -gt 0 ] || fail "$source has no CMakeLists.txt; is it the AutofixGate source?"
    key=$(cd "$source" && find "${parts[@]}" -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
    gate=$tool/bin/autofix-gate
    [ -z "$deb" ] || gate=/usr/bin/autofix-gate
    {
      echo "deb=$deb"
      echo "dir=$source"
      echo "tool=$tool"
      echo "key=autofix-gate-${RUNNER_OS:-Linux}-${version:-source}-$key"
      echo "gate=$gate"
    } >>"$GITHUB_OUTPUT"
    ;;
  install)
    : "${SOURCE:?SOURCE (the source to build) is not set}" "${TOOL:?TOOL (the install prefix) is not set}"
    if [ -n "${DEB:-}" ]; then
      sudo_cmd apt-get update -q
      sudo_cmd apt-get install -y -q --no-install-recommends "$DEB"
      autofix-gate --version
      exit 0
    fi
    if [ "${CACHE_HIT:-}" = true ] && [ -x "$TOOL/bin/autofix-gate" ]; then
      # The libraries it links may still be missing on a fresh runner.
      if ! ldd "$TOOL/bin/autofix-gate" | grep -q 'not found'; then
        echo "ci-action-tool: autofix-gate restored from the cache"
        exit 0
      fi
      sudo_cmd "$SOURCE/scripts/install-deps.sh" --build
      exit 0
    fi
    sudo_cmd "$SOURCE/scripts/install-deps.sh" --build
    build=$RUNNER_TEMP/autofix-gate-build
    cmake -S "$SOURCE" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DAUTOFIX_GATE_BUILD_TESTS=OFF
    cmake --build "$build"
    cmake --install "$build" --prefix "$TOOL"
    ;;
  *) fail "usage: ci-action-tool.sh locate|install" ;;
esac
