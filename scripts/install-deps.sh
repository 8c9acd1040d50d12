#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs everything AutofixGate needs to build, test and benchmark, from Debian's packages only.
# Safe to run again; needs root (or sudo) on a Debian 12 machine.
#   scripts/install-deps.sh            everything (development: build, tests, benchmarks)
#   scripts/install-deps.sh --build    only what building and running autofix-gate needs (the GitHub Action,
#                                      the GitLab component: also on Ubuntu runners)
set -euo pipefail

build_packages=(
  build-essential g++ cmake ninja-build pkg-config git python3
  libgit2-dev libboost-dev libboost-filesystem-dev nlohmann-json3-dev libpugixml-dev libcli11-dev zlib1g-dev
)
packages=(
  build-essential g++ cmake ninja-build pkg-config git python3 python3-yaml
  python3-jsonschema                     # tests/ci, tests/reports: CI examples and report files against schemas
  libxml2-utils                          # tests/junit: xmllint checks our JUnit files against their schemas
  libgit2-dev
  libboost-dev libboost-filesystem-dev   # Boost.Process is header-only but needs Boost.Filesystem
  nlohmann-json3-dev libpugixml-dev libcli11-dev zlib1g-dev
  libsqlite3-dev                         # the sqlite kind of state hooks (docs/state-hooks.md)
  sqlite3                                # examples/inventory: its setup script and migration fixers
  postgresql                             # tests/e2e: a real server for the postgres kind of state hooks
  libgtest-dev libgmock-dev
  catch2 doctest-dev                     # test frameworks of the end-to-end fixture projects
  clang-tidy cppcheck                    # the static-analysis tiers (docs/tiers.md)
  libssl-dev openssl                     # libcrypto: SHA-256 of history records; TLS for bench/real_projects
  strace                                 # tests/e2e: kill the gate at a chosen system call
  chromium                               # tests/browser: report.html in headless Chromium
  cmark-gfm                              # tests: summary.md rendered as GitHub renders Markdown
  dpkg-dev lintian                       # the .deb (cpack runs dpkg-shlibdeps); tests/ci checks it with lintian
  man-db groff-base zsh                  # tests/ci: the man page through man --warnings, the zsh completion
)

case "${1:-}" in
  "") ;;
  --build) packages=("${build_packages[@]}") ;;
  *) echo "install-deps: unknown argument '$1'; use no argument (everything) or --build" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
echo "install-deps: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
